"""One Settings object for every process, read from environment variables only."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SIMULATORS = "http://127.0.0.1:8100"
# Development defaults, refused when ENVIRONMENT=production.
DEV_API_SECRET = "dev-only-api-secret"
DEV_HUB_SIGNING_KEY = "dev-only-hub-signing-key"
DEV_PAYLOAD_KEYS = "dev-1:ZGV2LW9ubHktcGF5bG9hZC1rZXktbm90LXNlY3JldCE="
DEV_STATUS_LINK_KEYS = "dev-s1:development-only-status-link-key"
DEV_OTS_CLIENT_SECRET = "dev-only-ots-client-secret"
DEV_OTS_HUB_CLIENT_SECRET = "dev-only-ots-hub-client-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    # production: no tokens file, no development secrets or keys.
    environment: Literal["development", "production"] = "development"

    temporal_address: str = "localhost:7233"
    temporal_namespace: str = "default"
    # The Temporal Web UI auditors use: every snapshot and list item links to it.
    web_ui_url: str = "http://127.0.0.1:8233"
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
    # The operator's subscriber system: our own customers (we are the losing provider).
    subscribers_url: str = f"{SIMULATORS}/subscribers"
    http_timeout_s: float = 10.0
    # How long field service holds a slot for a booking before freeing it, sent with each
    # hold (the booking confirms it at once; a worker lost in between leaves it to expire).
    slot_hold_s: float = 15 * 60
    # The promise-keeping report's read model: SQLite in a file by default, PostgreSQL
    # (postgresql+psycopg://…) in production; its schema is migrated at start-up.
    reporting_database_url: str = "sqlite:///.temporal/reporting.db"
    # Field service's technicians per area (the simulator's roster).
    field_service_roster: Path = Path("config/field-service.toml")

    # Development bearer tokens; ignored when ENVIRONMENT=production.
    api_tokens_file: Path = Path("config/dev-tokens.json")
    # OpenID Connect: JWTs signed RS256/ES256 by this issuer for this audience, checked
    # against the provider's JWKS or one static public key (PEM); empty issuer: off.
    oidc_issuer: str = ""
    oidc_audience: str = "line-migrations"
    oidc_jwks_url: str = ""
    oidc_public_key: str = ""
    oidc_leeway_s: int = 30
    oidc_subject_claim: str = "sub"
    oidc_role_claim: str = "role"
    oidc_operator_claim: str = "operator"
    # Writes each caller may make: WRITE_BURST at once, refilled at WRITE_RATE_PER_S.
    write_rate_per_s: float = 10.0
    write_burst: int = 100
    # Keys the line number into migration ids and search attributes without exposing it,
    # and signs list page tokens. Keep it stable: migration ids are derived from it.
    api_secret: SecretStr = SecretStr(DEV_API_SECRET)

    # AES-256 keys sealing every payload in Temporal, `id:base64,id:base64`; new payloads
    # take PAYLOAD_KEY_ID, older ones open with whichever key they name (rotation).
    payload_keys: SecretStr = SecretStr(DEV_PAYLOAD_KEYS)
    payload_key_id: str = "dev-1"
    # Signs the customers' status links, `id:secret,id:secret`; new links take
    # STATUS_LINK_KEY_ID, older ones keep working while their key is listed (rotation).
    status_link_keys: SecretStr = SecretStr(DEV_STATUS_LINK_KEYS)
    status_link_key_id: str = "dev-s1"
    # Where customers reach the API from outside: the base of their status links.
    public_url: str = "http://127.0.0.1:8000"
    # Origins allowed to call the codec server (/codec): the Temporal Web UI's.
    codec_cors_origins: list[str] = ["http://127.0.0.1:8233", "http://localhost:8233"]

    # TM Forum event subscriptions: each listener's secret is derived from this key and the
    # subscription's id (never stored); callbacks only to these hosts; a listener failing for
    # HUB_SUSPEND_AFTER_S is suspended with its events kept; retries back off up to the cap.
    hub_signing_key: SecretStr = SecretStr(DEV_HUB_SIGNING_KEY)
    hub_callback_hosts: list[str] = ["127.0.0.1", "localhost", "::1"]
    hub_suspend_after_s: float = 3600.0
    hub_retry_max_interval_s: float = 60.0

    # One Touch Switch (GB lines): our RCPID and brand at TOTSCo's hub; the hub (its
    # directory at /directory/v1/entry, its letterbox at /letterbox/v1/post); our client
    # credentials at its token endpoint, and the hub's at ours (POST /oauth2/token).
    ots_rcpid: str = "RMIG"
    ots_brand_name: str = "Line Migrations"
    ots_hub_url: str = f"{SIMULATORS}/hub"
    ots_token_url: str = ""  # default: {OTS_HUB_URL}/oauth2/token
    ots_client_id: str = "dev-gaining-client"
    ots_client_secret: SecretStr = SecretStr(DEV_OTS_CLIENT_SECRET)
    ots_hub_client_id: str = "dev-hub-client"
    ots_hub_client_secret: SecretStr = SecretStr(DEV_OTS_HUB_CLIENT_SECRET)
    # How long the hub's directory is trusted before it is read again.
    ots_directory_ttl_s: float = 300.0

    # The losing operator's simulator calls the API back after a release, as a gateway would.
    api_url: str = "http://127.0.0.1:8000"
    simulator_operator_token: str = "dev-operator"
    release_callback_delay_s: float = 3.0

    # Larger than the number of open migrations (~200 KiB each): replays from history cost
    # the SQLite server dearly, cached workflows do not.
    max_cached_workflows: int = 10_000
    # "off" runs the workflow without the SDK's sandbox: less worker CPU, no runtime guard
    # against non-deterministic code (the replay tests in CI still guard it).
    workflow_sandbox: Literal["on", "off"] = "on"
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

    @property
    def ots_token_endpoint(self) -> str:
        return self.ots_token_url or f"{self.ots_hub_url}/oauth2/token"

    @model_validator(mode="after")
    def _client_certificate_pair(self) -> Self:
        if (self.temporal_tls_cert is None) != (self.temporal_tls_key is None):
            raise ValueError("TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together")
        return self

    @model_validator(mode="after")
    def _oidc_key_source(self) -> Self:
        if self.oidc_issuer and not (self.oidc_jwks_url or self.oidc_public_key):
            raise ValueError("OIDC_ISSUER needs OIDC_JWKS_URL or OIDC_PUBLIC_KEY")
        return self

    @model_validator(mode="after")
    def _no_development_secrets_in_production(self) -> Self:
        if self.environment == "production":
            dev = {
                "API_SECRET": self.api_secret.get_secret_value() == DEV_API_SECRET,
                "HUB_SIGNING_KEY": self.hub_signing_key.get_secret_value() == DEV_HUB_SIGNING_KEY,
                "PAYLOAD_KEYS": DEV_PAYLOAD_KEYS in self.payload_keys.get_secret_value(),
                "STATUS_LINK_KEYS": DEV_STATUS_LINK_KEYS
                in self.status_link_keys.get_secret_value(),
                "OTS_CLIENT_SECRET": self.ots_client_secret.get_secret_value()
                == DEV_OTS_CLIENT_SECRET,
                "OTS_HUB_CLIENT_SECRET": self.ots_hub_client_secret.get_secret_value()
                == DEV_OTS_HUB_CLIENT_SECRET,
            }
            if any(dev.values()):
                names = ", ".join(name for name, is_dev in dev.items() if is_dev)
                raise ValueError(f"production needs its own {names}")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
