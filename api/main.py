"""The REST API: how sales, dispatch, technicians, care, the losing operator and auditors
reach a migration. It talks to Temporal only."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from api import errors
from api.auth import TokenBook
from api.deps import ClientDep
from api.routes import actions, migrations
from api.schemas import Health
from connection import connect
from settings import get_settings

MAX_BODY_BYTES = 64 * 1024  # the largest honest request is a few KB
HEALTH_TIMEOUT = timedelta(seconds=3)

log = logging.getLogger("api")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(message)s")
    app.state.settings = settings
    app.state.tokens = TokenBook.load(settings.api_tokens_file)
    app.state.client = await connect(settings, lazy=True)
    yield


app = FastAPI(
    title="Line-migration orchestrator",
    summary="One durable workflow per line migration: nobody loses a customer again.",
    lifespan=lifespan,
    openapi_tags=[
        {"name": "sales", "description": "start migrations, record confirmations"},
        {"name": "care", "description": "any channel: tickets, the truth about a migration"},
        {"name": "dispatch", "description": "book and move visits, acknowledge tickets"},
        {"name": "technicians", "description": "report visits, acknowledge tickets"},
        {"name": "losing operator", "description": "the old line's gateway"},
        {"name": "supervisors and auditors", "description": "search every migration"},
    ],
)
errors.install(app)


@app.middleware("http")
async def limit_body(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        return JSONResponse(
            errors.body("payload_too_large", f"bodies are limited to {MAX_BODY_BYTES} bytes"),
            status_code=413,
        )
    return await call_next(request)


@app.get(
    "/healthz", tags=["operations"], response_model=Health,
    responses={503: {"model": Health, "description": "Temporal unreachable"}},
)  # fmt: skip
async def healthz(client: ClientDep) -> JSONResponse:
    """200 only when Temporal answers."""
    try:
        await asyncio.wait_for(client.service_client.check_health(), HEALTH_TIMEOUT.total_seconds())
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return JSONResponse({"status": "temporal unreachable"}, status_code=503)
    return JSONResponse({"status": "ok"})


app.include_router(migrations.router)
app.include_router(actions.router)
