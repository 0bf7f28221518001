"""One Settings object for every process, read from environment variables only."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SIMULATORS = "http://127.0.0.1:8100"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    temporal_address: str = "localhost:7233"
    temporal_namespace: str = "default"
    task_queue: str = "line-migrations"
    # A self-hosted cluster with mTLS: client certificate and key (PEM files), optionally the
    # CA that signed the server's certificate and the name it presents.
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    temporal_tls_ca: Path | None = None
    temporal_tls_server_name: str | None = None
    # Temporal Cloud: an API key (implies TLS), or TLS on with the system's CAs.
    temporal_api_key: SecretStr | None = None
    temporal_tls: bool = False

    losing_operator_url: str = f"{SIMULATORS}/losing-operator"
    field_service_url: str = f"{SIMULATORS}/field-service"
    notifications_url: str = f"{SIMULATORS}/notifications"
    payments_url: str = f"{SIMULATORS}/payments"
    http_timeout_s: float = 10.0

    api_tokens_file: Path = Path("config/dev-tokens.json")
    # Keys the line number into migration ids and search attributes without exposing it,
    # and signs list page tokens. Keep it stable: migration ids are derived from it.
    api_secret: str = "dev-only-api-secret"
    # The losing operator's simulator calls the API back after a release, as a gateway would.
    api_url: str = "http://127.0.0.1:8000"
    simulator_operator_token: str = "dev-operator"
    release_callback_delay_s: float = 3.0

    # Larger than the number of open migrations (~75 KB each): replays from history cost
    # the SQLite server dearly, cached workflows do not.
    max_cached_workflows: int = 10_000
    # In-flight activities get this long to finish when the worker is asked to stop.
    graceful_shutdown_s: float = 20.0
    # Slots per worker process: activities mostly wait on HTTP, workflow tasks use the CPU.
    max_concurrent_activities: int = 200
    max_concurrent_workflow_tasks: int = 50

    # host:port where the worker serves Prometheus metrics (SDK and product); empty: none.
    worker_metrics_address: str = ""
    # OTLP/HTTP traces endpoint (e.g. http://collector:4318/v1/traces); empty: tracing off.
    otlp_endpoint: str = ""
    service_name: str = "line-migrations"

    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"

    @model_validator(mode="after")
    def _client_certificate_pair(self) -> Self:
        if (self.temporal_tls_cert is None) != (self.temporal_tls_key is None):
            raise ValueError("TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
