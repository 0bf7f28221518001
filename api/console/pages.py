"""The console's pages: sign-in, "My work", a migration and its actions."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.actions import ACKNOWLEDGE, ACTIONS, BY_FORM
from api.auth import Principal
from api.console import session
from api.console.actions import perform
from domain.models import FailureReason, Role
from domain.words.figures import figure_label, figure_value
from domain.words.staff import clock, when
from usecases import migrations, switching, worklists
from usecases.errors import Refused
from usecases.temporal import Client

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["when"] = lambda t, zone=None: when(t, zone) if t else "—"
templates.env.filters["clock"] = clock
templates.env.filters["figure_label"] = figure_label
templates.env.globals["figure_value"] = figure_value
router = APIRouter(prefix="/console", include_in_schema=False)
# Who sees the customer's personal data on a migration page (a gateway never does).
SEES_CUSTOMER = frozenset(Role) - {Role.OPERATOR}
SEES_SWITCHES = frozenset({Role.CARE, Role.SUPERVISOR, Role.AUDITOR})
SEES_HUB_MESSAGES = frozenset({Role.SUPERVISOR, Role.AUDITOR})
NOT_SWITCHES = "only care, supervisors and auditors see the outgoing switches"


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    token = session.credential(request)
    settings = request.app.state.settings
    csrf = session.csrf_token(settings, token) if token else ""
    return templates.TemplateResponse(
        request, name, {"csrf": csrf, "now": datetime.now(UTC), **context}, status_code=status
    )


def to_sign_in() -> RedirectResponse:
    return RedirectResponse("/console/sign-in", status_code=303)


@router.get("")
async def home(request: Request) -> Response:
    return RedirectResponse("/console/work", status_code=303)


@router.get("/sign-in")
async def sign_in_form(request: Request) -> Response:
    production = request.app.state.settings.environment == "production"
    nonce = session.new_nonce()
    response = page(request, "sign_in.html", production=production, nonce=nonce, error=None)
    _set_cookie(response, session.SIGN_IN_COOKIE, nonce, max_age=600)
    return response


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    settings = request.app.state.settings
    if settings.environment == "production":
        return to_sign_in()
    form = await _form(request)
    nonce = request.cookies.get(session.SIGN_IN_COOKIE)
    if not nonce or form.get("nonce") != nonce:
        return page(
            request,
            "sign_in.html",
            403,
            production=False,
            nonce=nonce,
            error="This form has expired: try again.",
        )
    try:
        await request.app.state.identity.who(form.get("token", ""))
    except Refused:
        return page(
            request, "sign_in.html", 401, production=False, nonce=nonce, error="Unknown token."
        )
    response = RedirectResponse("/console/work", status_code=303)
    _set_cookie(response, session.SESSION_COOKIE, form["token"], max_age=session.SESSION_MAX_AGE_S)
    response.delete_cookie(session.SIGN_IN_COOKIE, path=session.COOKIE_PATH)
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    form = await _form(request)
    session.check_csrf(request, form.get("csrf"))
    response = to_sign_in()
    response.delete_cookie(session.SESSION_COOKIE, path=session.COOKIE_PATH)
    return response


@router.get("/work")
async def my_work(request: Request) -> Response:
    try:
        who = await session.principal(request)
    except session.NotSignedIn:
        return to_sign_in()
    state = request.app.state
    try:
        items, _ = await worklists.queue(state.client, state.settings, who, 0)
        today = (
            await worklists.day(state.client, who, datetime.now(UTC))
            if who.role is Role.TECHNICIAN
            else None
        )
    except Refused as err:
        return page(request, "error.html", err.status, who=who, message=err.message)
    return page(request, "work.html", who=who, items=items, today=today)


@router.get("/hub-messages")
async def hub_messages(request: Request) -> Response:
    """Supervisors and auditors: the hub's messages that answered no request of ours."""

    async def load(client: Client) -> dict[str, Any]:
        return {"parked": await switching.unmatched(client)}

    refusal = "only supervisors and auditors see the hub's unmatched messages"
    return await _hub_page(request, SEES_HUB_MESSAGES, refusal, "hub_messages.html", load)


@router.get("/switches")
async def switches(request: Request) -> Response:
    """Care and supervisors: customers of ours switching away, with our answers owed."""

    async def load(client: Client) -> dict[str, Any]:
        return {"rows": await switching.outgoing_list(client, None)}

    return await _hub_page(request, SEES_SWITCHES, NOT_SWITCHES, "switches.html", load)


@router.get("/switches/{switch_id}")
async def outgoing_switch(request: Request, switch_id: str) -> Response:
    async def load(client: Client) -> dict[str, Any]:
        return {"s": await switching.outgoing_view(client, switch_id)}

    return await _hub_page(request, SEES_SWITCHES, NOT_SWITCHES, "switch.html", load)


async def _hub_page(
    request: Request,
    roles: frozenset[Role],
    refusal: str,
    template: str,
    load: Callable[[Client], Awaitable[dict[str, Any]]],
) -> Response:
    """A page of what comes through the hub, for the roles that may see it."""
    try:
        who = await session.principal(request)
    except session.NotSignedIn:
        return to_sign_in()
    if who.role not in roles:
        return page(request, "error.html", 403, who=who, message=refusal)
    try:
        context = await load(request.app.state.client)
    except Refused as err:
        return page(request, "error.html", err.status, who=who, message=err.message)
    return page(request, template, who=who, **context)


@router.get("/migrations/{migration_id}")
async def migration(request: Request, migration_id: str, done: str | None = None) -> Response:
    try:
        who = await session.principal(request)
    except session.NotSignedIn:
        return to_sign_in()
    return await _migration_page(request, who, migration_id, done=done, refusal=None)


@router.post("/migrations/{migration_id}/{action}")
async def act(request: Request, migration_id: str, action: str) -> Response:
    try:
        who = await session.principal(request)
    except session.NotSignedIn:
        return to_sign_in()
    form = await _form(request)
    state = request.app.state
    key = form.get("idempotency_key") or str(uuid.uuid4())
    try:
        session.check_csrf(request, form.get("csrf"))
        await perform(
            state.client, state.settings, state.limiter, who, migration_id, action, form, key
        )
    except Refused as err:
        return await _migration_page(request, who, migration_id, None, err.message, err.status)
    return RedirectResponse(f"/console/migrations/{migration_id}?done={action}", status_code=303)


async def _migration_page(
    request: Request,
    who: Principal,
    migration_id: str,
    done: str | None,
    refusal: str | None,
    status: int = 200,
) -> HTMLResponse:
    state = request.app.state
    try:
        snap = await migrations.view(state.client, state.settings, migration_id, who)
    except Refused as err:  # unknown, out of scope, or Temporal unreachable: said in words
        return page(request, "error.html", err.status, who=who, message=err.message)
    done_words = BY_FORM[done].done if done in BY_FORM else None
    mine = [a for a in ACTIONS if who.role in a.roles]
    return page(
        request,
        "migration.html",
        status,
        who=who,
        snap=snap,
        offered=[a for a in mine if a.offered is not None and a.offered(snap)],
        acknowledge=ACKNOWLEDGE if ACKNOWLEDGE in mine else None,
        done=done_words,
        refusal=refusal,
        sees_customer=who.role in SEES_CUSTOMER,
        reasons=[r.value for r in FailureReason],
        new_key=lambda: str(uuid.uuid4()),
    )


async def _form(request: Request) -> dict[str, str]:
    data = await request.form()
    return {k: v for k, v in data.items() if isinstance(v, str)}


def _set_cookie(response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=session.COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=False,  # development over plain http; production has no cookie at all
    )
