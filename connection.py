"""The one way every process connects to Temporal: same namespace, same data converter."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from settings import Settings


async def connect(settings: Settings, *, lazy: bool = False) -> Client:
    """`lazy` lets the API start while Temporal is down and answer 503 until it is up."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        lazy=lazy,
    )
