"""The REST API: how sales, dispatch, technicians, care, the losing operator and auditors
reach a migration. It talks to Temporal only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from opentelemetry.sdk.trace import TracerProvider

from api import codec_server, errors
from api.console import pages as console_pages
from api.console import reports as console_reports
from api.deps import ClientDep
from api.edge import Edge
from api.hub import routes as hub_routes
from api.identity import Identity
from api.rate_limit import LinkLimiter, WriteLimiter
from api.routes import actions, force_majeure, migrations, reports, switching, worklist
from api.schemas import Health
from api.status_page import routes as status_routes
from api.tmf import hub as tmf_hub
from api.tmf import orders as tmf_orders
from connection import codec, connect
from observability import logs, tracing
from observability.api_metrics import ApiMetrics
from reporting import store
from settings import Settings, get_settings
from usecases import fleet, temporal

HEALTH_TIMEOUT = timedelta(seconds=3)
# Problems a customer may report from his status link: enough for a person, useless for a flood.
PROBLEMS_PER_HOUR = 3
# Times asked for and appointments chosen from one status link: plenty for a person.
APPOINTMENT_CHANGES_PER_HOUR = 12
HOUR_S = 3600.0
CONSOLE_STATIC = Path(__file__).resolve().parent / "console" / "static"
TAGS = [
    {"name": "sales", "description": "start migrations, record confirmations"},
    {"name": "care", "description": "any channel: tickets, the truth about a migration"},
    {"name": "dispatch", "description": "book and move visits, acknowledge tickets"},
    {"name": "technicians", "description": "report visits, acknowledge tickets"},
    {"name": "losing operator", "description": "the old line's gateway"},
    {"name": "supervisors and auditors", "description": "search every migration"},
    {"name": "reports", "description": "the promise-keeping report, from the SQL read model"},
    {"name": "TM Forum: product ordering", "description": "TMF622 v4 for operators' CRMs"},
    {"name": "TM Forum: events", "description": "listeners of a CRM's product orders"},
    {
        "name": "One Touch Switch hub",
        "description": "TOTSCo's hub: our token endpoint, our letterbox",
    },
]

# Every edge's routes, in the order they match (the console's reports before its pages).
ROUTERS = (
    migrations.router,
    actions.router,
    worklist.router,
    force_majeure.router,
    reports.router,
    switching.router,
    hub_routes.router,
    tmf_orders.router,
    tmf_hub.router,
    console_reports.router,
    console_pages.router,
    status_routes.router,
)


def create_app(
    settings: Settings,
    *,
    client: temporal.Client | None = None,
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
        # Its schema is migrated by the start-up step (`make run`, the deployment's), not here:
        # an API must answer even while the read model is away.
        app.state.reporting = store.engine_for(settings.reporting_database_url)
        yield
        app.state.reporting.dispose()

    app = FastAPI(
        title="Line-migration orchestrator",
        summary="One durable workflow per line migration: nobody loses a customer again.",
        lifespan=lifespan,
        openapi_tags=TAGS,
    )
    app.state.settings = settings
    app.state.identity = Identity(settings)
    app.state.limiter = WriteLimiter(settings.write_rate_per_s, settings.write_burst)
    app.state.link_limiter = LinkLimiter(PROBLEMS_PER_HOUR, HOUR_S)
    app.state.slot_limiter = LinkLimiter(APPOINTMENT_CHANGES_PER_HOUR, HOUR_S)
    app.state.metrics = metrics = ApiMetrics()
    app.state.client = client
    errors.install(app)
    app.add_middleware(Edge, metrics=metrics)
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
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/console/static", StaticFiles(directory=CONSOLE_STATIC), name="console-static")
    codec_app = codec_server.create(codec(settings), settings.codec_cors_origins)
    codec_app.state = app.state  # same tokens, same settings
    app.mount("/codec", codec_app)
    tracing.instrument(app, tracer_provider)
    return app


async def healthz(client: ClientDep) -> JSONResponse:
    """200 only when Temporal answers."""
    if not await temporal.healthy(client, HEALTH_TIMEOUT):
        return JSONResponse({"status": "temporal unreachable"}, status_code=503)
    return JSONResponse({"status": "ok"})


async def prometheus(request: Request, client: ClientDep) -> Response:
    """Request series and the fleet by stage, escalation level and service loss."""
    metrics: ApiMetrics = request.app.state.metrics
    return await metrics.exposition(fleet.census(client))


app = create_app(get_settings(), tracer_provider=tracing.provider(get_settings(), "api"))
