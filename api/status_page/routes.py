"""GET /status/{token}: the customer's page (or its JSON twin); POST …/problem: he tells us.

No sign-in: the link is the key. A tampered, unknown or expired link answers 404 with a
friendly page and says nothing more; the link itself is never logged (a short hash is).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import Field, ValidationError
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from api import workflow_calls as calls
from api.errors import ApiError
from api.links import status_links
from api.schemas import TRIMMED, Body
from domain.commands import OpenTicket
from domain.models import Actor
from domain.words.customer import words
from domain.words.status_page import STATUS_CHANNEL, StatusView, view
from observability.logs import request_context
from security import hashing
from security.status_links import expired, fingerprint
from settings import Settings
from workflows.line_migration import LineMigrationWorkflow as Wf

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
CUSTOMER = Actor(subject="customer", role="customer")


class ProblemIn(Body):
    summary: Annotated[str, Field(min_length=1, max_length=500, pattern=TRIMMED)]


CSRF_PURPOSE = "status-problem"


def _csrf(settings: Settings, token: str) -> str:
    return hashing.form_token(settings.api_secret.get_secret_value(), CSRF_PURPOSE, token)


async def _view(request: Request, token: str) -> tuple[str, StatusView] | None:
    """The migration behind a valid, live link, and its view; None for anything else."""
    context = request_context.get()
    if context is not None:
        context["status_link"] = fingerprint(token)
    opened = status_links(request.app.state.settings).open(token)
    if opened is None:
        return None
    migration_id, chain_id = opened
    handle = calls.handle(request.app.state.client, migration_id)
    try:
        description = await handle.describe()
        snap = await calls.snapshot(request.app.state.client, migration_id)
    except (RPCError, ApiError):
        return None
    closed = description.status is not WorkflowExecutionStatus.RUNNING
    if snap.chain_id != chain_id or expired(description.close_time if closed else None, _now()):
        return None
    return migration_id, view(snap, _now())


def _now() -> datetime:
    return datetime.now(UTC)


def _not_found(request: Request) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(
            {"error": {"code": "not_found", "message": "no such link"}}, status_code=404
        )
    return templates.TemplateResponse(request, "status_not_found.html", {}, status_code=404)


@router.get("/status/{token}")
async def status(request: Request, token: str, reported: str | None = None) -> Response:
    found = await _view(request, token)
    if found is None:
        return _not_found(request)
    _, page = found
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(page.model_dump(mode="json"))
    notice = words(page.language).status_page.reported if reported else None
    return _page(request, token, page, notice=notice)


@router.post("/status/{token}/problem")
async def problem(
    request: Request,
    token: str,
    summary: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
) -> Response:
    found = await _view(request, token)
    if found is None:
        return _not_found(request)
    migration_id, page = found
    settings: Settings = request.app.state.settings
    said = words(page.language).status_page
    if not hashing.form_token_matches(
        settings.api_secret.get_secret_value(), CSRF_PURPOSE, token, csrf
    ):
        return _page(
            request,
            token,
            page,
            refusal=said.expired,
            status=403,
        )
    try:
        body = ProblemIn(summary=summary)
    except ValidationError:
        return _page(request, token, page, refusal=said.describe_problem, status=422)
    if not request.app.state.link_limiter.allow(fingerprint(token)):
        return _page(request, token, page, refusal=said.too_many_reports, status=429)
    cmd = OpenTicket(actor=CUSTOMER, channel=STATUS_CHANNEL, summary=body.summary)
    key = idempotency_key or str(uuid.uuid4())
    cmd = cmd.model_copy(
        update={
            "idempotency_key": key,
            "request_hash": hashing.request_hash("problem", body.summary),
        }
    )
    try:
        await calls.update(request.app.state.client, migration_id, Wf.open_ticket, cmd, "problem")
    except ApiError as err:
        return _page(request, token, page, refusal=err.message, status=err.status)
    return RedirectResponse(f"/status/{token}?reported=1", status_code=303)


def _page(
    request: Request,
    token: str,
    page: StatusView,
    notice: str | None = None,
    refusal: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "v": page,
        "t": words(page.language).status_page,
        "token": token,
        "csrf": _csrf(request.app.state.settings, token),
        "key": str(uuid.uuid4()),
        "notice": notice,
        "refusal": refusal,
    }
    return templates.TemplateResponse(request, "status.html", context, status_code=status)
