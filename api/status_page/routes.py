"""GET /status/{token}: the customer's page (or its JSON twin); POST …/problem: he tells us.

No sign-in: the link is the key. A tampered, unknown or expired link answers 404 with a
friendly page and says nothing more; the link itself is never logged (a short hash is).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import Field, ValidationError

from domain.commands import BookSlot, OfferSlots, OpenTicket
from domain.words.customer import words
from domain.words.status_page import STATUS_CHANNEL, StatusView
from observability.logs import request_context
from security import hashing
from security.status_links import fingerprint
from settings import Settings
from usecases import status as customer
from usecases.fields import TRIMMED, Body
from usecases.status import CUSTOMER
from workflows.line_migration import LineMigrationWorkflow as Wf

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
SLOTS_OFFERED = 6


class ProblemIn(Body):
    summary: Annotated[str, Field(min_length=1, max_length=500, pattern=TRIMMED)]


CSRF_PURPOSE = "status-problem"  # every form on the page (the name is kept: live pages)


def _csrf(settings: Settings, token: str) -> str:
    return hashing.form_token(settings.api_secret.get_secret_value(), CSRF_PURPOSE, token)


async def _view(request: Request, token: str) -> tuple[str, StatusView] | None:
    """The migration behind a valid, live link, and its view; None for anything else."""
    context = request_context.get()
    if context is not None:
        context["status_link"] = fingerprint(token)
    return await customer.open_link(request.app.state.client, request.app.state.settings, token)


def _not_found(request: Request) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(
            {"error": {"code": "not_found", "message": "no such link"}}, status_code=404
        )
    return templates.TemplateResponse(request, "status_not_found.html", {}, status_code=404)


@router.get("/status/{token}")
async def status(
    request: Request, token: str, reported: str | None = None, booked: str | None = None
) -> Response:
    found = await _view(request, token)
    if found is None:
        return _not_found(request)
    _, page = found
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(page.model_dump(mode="json"))
    said = words(page.language).status_page
    notice = said.reported if reported else said.appointment_booked if booked else None
    return _page(request, token, page, notice=notice)


@router.post("/status/{token}/problem")
async def problem(
    request: Request,
    token: str,
    summary: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
) -> Response:
    checked = await _form_for(request, token, csrf)
    if isinstance(checked, Response):
        return checked
    migration_id, page = checked
    said = words(page.language).status_page
    try:
        body = ProblemIn(summary=summary)
    except ValidationError:
        return _page(request, token, page, refusal=said.describe_problem, status=422)
    if not request.app.state.link_limiter.allow(fingerprint(token)):
        return _page(request, token, page, refusal=said.too_many_reports, status=429)
    cmd = OpenTicket(actor=CUSTOMER, channel=STATUS_CHANNEL, summary=body.summary)
    done = await customer.act(
        request.app.state.client,
        token,
        migration_id,
        Wf.open_ticket,
        cmd,
        "problem",
        idempotency_key,
        body.summary,
    )
    if done is not None:
        return _page(request, token, page, refusal=done.message, status=done.status)
    return RedirectResponse(f"/status/{token}?reported=1", status_code=303)


@router.post("/status/{token}/slots")
async def more_times(
    request: Request,
    token: str,
    csrf: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
) -> Response:
    """The customer asks for (other) free times: a new offer, recorded; a reload of the page
    never makes one."""
    checked = await _appointment_form(request, token, csrf)
    if isinstance(checked, Response):
        return checked
    migration_id, page = checked
    cmd = OfferSlots(actor=CUSTOMER, count=SLOTS_OFFERED)
    done = await customer.act(
        request.app.state.client,
        token,
        migration_id,
        Wf.offer_slots,
        cmd,
        "slot-offers",
        idempotency_key,
        SLOTS_OFFERED,
    )
    if done is not None:
        return _page(request, token, page, refusal=done.message, status=done.status)
    return RedirectResponse(f"/status/{token}#appointment", status_code=303)


@router.post("/status/{token}/appointment")
async def choose(
    request: Request,
    token: str,
    slot_id: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
) -> Response:
    """The customer books (or moves) his appointment into a slot he was offered; the same
    form sent twice books nothing twice (its key is the update's id)."""
    checked = await _appointment_form(request, token, csrf)
    if isinstance(checked, Response):
        return checked
    migration_id, page = checked
    cmd = BookSlot(actor=CUSTOMER, slot_id=slot_id)
    done = await customer.act(
        request.app.state.client,
        token,
        migration_id,
        Wf.book_slot,
        cmd,
        "appointment",
        idempotency_key,
        slot_id,
    )
    if done is not None:  # a slot taken meanwhile: the page shows the fresh ones
        fresh = await _view(request, token)
        shown = fresh[1] if fresh else page
        return _page(request, token, shown, refusal=done.message, status=done.status)
    return RedirectResponse(f"/status/{token}?booked=1", status_code=303)


async def _form_for(request: Request, token: str, csrf: str) -> tuple[str, StatusView] | Response:
    """A form from a live link's own page, or the answer that refuses it."""
    found = await _view(request, token)
    if found is None:
        return _not_found(request)
    _, page = found
    settings: Settings = request.app.state.settings
    if not hashing.form_token_matches(
        settings.api_secret.get_secret_value(), CSRF_PURPOSE, token, csrf
    ):
        said = words(page.language).status_page
        return _page(request, token, page, refusal=said.expired, status=403)
    return found


async def _appointment_form(
    request: Request, token: str, csrf: str
) -> tuple[str, StatusView] | Response:
    """Like any form, and within the link's allowance of appointment changes."""
    checked = await _form_for(request, token, csrf)
    if isinstance(checked, Response):
        return checked
    if not request.app.state.slot_limiter.allow(fingerprint(token)):
        page = checked[1]
        said = words(page.language).status_page
        return _page(request, token, page, refusal=said.too_many_changes, status=429)
    return checked


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
        "other_key": str(uuid.uuid4()),
        "appointment_key": str(uuid.uuid4()),
        "notice": notice,
        "refusal": refusal,
    }
    return templates.TemplateResponse(request, "status.html", context, status_code=status)
