"""The API in this process over ASGI, on a client of the test's choosing: for what the whole
stack cannot show (spans, keys, clocks) without starting one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from temporalio.client import Client

from api.main import create_app
from settings import Settings


def settings_for(**overrides: Any) -> Settings:
    return Settings.model_validate({"api_tokens_file": "config/dev-tokens.json", **overrides})


@asynccontextmanager
async def api_over_asgi(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api", timeout=30) as http:
        yield http


@asynccontextmanager
async def inprocess_api(client: Client, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with api_over_asgi(create_app(settings_for(**overrides), client=client)) as http:
        yield http
