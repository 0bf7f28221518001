"""The one way every process connects to Temporal: same namespace, same data converter
(payloads sealed by the encryption codec), same TLS or API key, same tracing."""

from __future__ import annotations

import dataclasses
from typing import Any

from temporalio.client import Client, Interceptor
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from security.codec import EncryptionCodec, parse_keys
from settings import Settings


def codec(settings: Settings) -> EncryptionCodec:
    keys = parse_keys(settings.payload_keys.get_secret_value())
    return EncryptionCodec(keys, settings.payload_key_id)


def data_converter(settings: Settings) -> DataConverter:
    """Pydantic models in, AES-GCM ciphertext out: Temporal never holds personal data."""
    return dataclasses.replace(pydantic_data_converter, payload_codec=codec(settings))


def tls(settings: Settings) -> TLSConfig | bool:
    """mTLS from PEM files for a self-hosted cluster; plain TLS for an API key (Cloud)."""
    files = (settings.temporal_tls_cert, settings.temporal_tls_key, settings.temporal_tls_ca)
    if any(files) or settings.temporal_tls_server_name:
        cert, key, ca = (path.read_bytes() if path else None for path in files)
        return TLSConfig(
            client_cert=cert,
            client_private_key=key,
            server_root_ca_cert=ca,
            domain=settings.temporal_tls_server_name,
        )
    return settings.temporal_tls or settings.temporal_api_key is not None


def options(settings: Settings) -> dict[str, Any]:
    """Everything `Client.connect` needs besides the runtime and interceptors."""
    key = settings.temporal_api_key
    return {
        "target_host": settings.temporal_address,
        "namespace": settings.temporal_namespace,
        "data_converter": data_converter(settings),
        "tls": tls(settings),
        "api_key": key.get_secret_value() if key else None,
    }


async def connect(
    settings: Settings,
    *,
    lazy: bool = False,
    runtime: Runtime | None = None,
    interceptors: list[Interceptor] | None = None,
) -> Client:
    """`lazy` lets the API start while Temporal is down and answer 503 until it is up."""
    return await Client.connect(
        **options(settings), lazy=lazy, runtime=runtime, interceptors=interceptors or []
    )
