"""The REST API: how sales, dispatch, technicians, care, the losing operator and auditors
reach a migration. It talks to Temporal only."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from opentelemetry.sdk.trace import TracerProvider
from temporalio.client import Client

from api import codec_server, errors
from api.console import pages as console_pages
from api.deps import ClientDep
from api.identity import Identity
from api.rate_limit import WriteLimiter
from api.routes import actions, migrations, worklist
from api.schemas import Health
from api.status_page import routes as status_routes
from connection import codec, connect
from observability import logs, tracing
from observability.api_metrics import ApiMetrics, route_template
from settings import Settings, get_settings

MAX_BODY_BYTES = 64 * 1024  # the largest honest request is a few KB
HEALTH_TIMEOUT = timedelta(seconds=3)
TAGS = [
    {"name": "sales", "description": "start migrations, record confirmations"},
    {"name": "care", "description": "any channel: tickets, the truth about a migration"},
    {"name": "dispatch", "description": "book and move visits, acknowledge tickets"},
    {"name": "technicians", "description": "report visits, acknowledge tickets"},
    {"name": "losing operator", "description": "the old line's gateway"},
    {"name": "supervisors and auditors", "description": "search every migration"},
]

log = logging.getLogger("api.access")
Next = Callable[[Request], Awaitable[Response]]


def create_app(
    settings: Settings,
    *,
    client: Client | None = None,
    tracer_provider: TracerProvider | None = None,
) -> FastAPI:
    """The app for these settings. Tests hand in a connected client and their own tracer;
    otherwise the client connects lazily at startup (503 until Temporal answers)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logs.configure(settings.log_level, settings.log_format)
        if client is None:
            app.state.client = await connect(
                settings, lazy=True, interceptors=tracing.interceptors(tracer_provider)
            )
        yield

    app = FastAPI(
        title="Line-migration orchestrator",
        summary="One durable workflow per line migration: nobody loses a customer again.",
        lifespan=lifespan,
        openapi_tags=TAGS,
    )
    app.state.settings = settings
    app.state.identity = Identity(settings)
    app.state.limiter = WriteLimiter(settings.write_rate_per_s, settings.write_burst)
    app.state.metrics = metrics = ApiMetrics()
    app.state.client = client
    errors.install(app)
    app.middleware("http")(limit_body)
    app.middleware("http")(security_headers)
    app.middleware("http")(access_log)
    app.middleware("http")(metrics.middleware)
    app.add_api_route(
        "/healthz",
        healthz,
        methods=["GET"],
        tags=["operations"],
        response_model=Health,
        responses={503: {"model": Health, "description": "Temporal unreachable"}},
    )
    app.add_api_route(
        "/metrics",
        prometheus,
        methods=["GET"],
        tags=["operations"],
        response_class=Response,
        summary="Prometheus series: requests and migrations",
    )
    app.include_router(migrations.router)
    app.include_router(actions.router)
    app.include_router(worklist.router)
    app.include_router(console_pages.router)
    app.include_router(status_routes.router)
    app.mount("/console/static", StaticFiles(directory=CONSOLE_STATIC), name="console-static")
    codec_app = codec_server.create(codec(settings), settings.codec_cors_origins)
    codec_app.state = app.state  # same tokens, same settings
    app.mount("/codec", codec_app)
    tracing.instrument(app, tracer_provider)
    return app


async def limit_body(request: Request, call_next: Next) -> Response:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        return JSONResponse(
            errors.body("payload_too_large", f"bodies are limited to {MAX_BODY_BYTES} bytes"),
            status_code=413,
        )
    return await call_next(request)


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",  # snapshots hold personal data: no cache keeps them
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# The console: its own stylesheet, forms posting to itself, nothing else (no script at all).
CONSOLE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
CONSOLE_STATIC = Path(__file__).resolve().parent / "console" / "static"
DOCS = ("/docs", "/redoc")  # Swagger UI and ReDoc load their scripts and styles


async def security_headers(request: Request, call_next: Next) -> Response:
    response = await call_next(request)
    response.headers.update(SECURITY_HEADERS)
    if request.url.path.startswith(("/console", "/status/")):
        response.headers["Content-Security-Policy"] = CONSOLE_CSP
    elif not request.url.path.startswith(DOCS):
        response.headers["Content-Security-Policy"] = API_CSP
    return response


async def access_log(request: Request, call_next: Next) -> Response:
    """One JSON line per request: route, status, time, migration and who acted; no bodies."""
    context: dict[str, str] = {}
    token = logs.request_context.set(context)  # filled in by auth and the route
    started = time.perf_counter()
    try:
        response = await call_next(request)
        migration_id = request.path_params.get("migration_id")
        if migration_id:
            context["migration_id"] = migration_id
        log.info(
            "%s %s",
            request.method,
            route_template(request) or request.url.path,
            extra={
                "fields": {
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                }
            },
        )
        return response
    finally:
        logs.request_context.reset(token)


async def healthz(client: ClientDep) -> JSONResponse:
    """200 only when Temporal answers."""
    try:
        await asyncio.wait_for(client.service_client.check_health(), HEALTH_TIMEOUT.total_seconds())
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return JSONResponse({"status": "temporal unreachable"}, status_code=503)
    return JSONResponse({"status": "ok"})


async def prometheus(request: Request, client: ClientDep) -> Response:
    """Request series and the fleet by stage, escalation level and service loss."""
    metrics: ApiMetrics = request.app.state.metrics
    return await metrics.exposition(client)


app = create_app(get_settings(), tracer_provider=tracing.provider(get_settings(), "api"))
