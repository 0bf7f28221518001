"""What each role can do from the console, as forms: the same updates, validations and
refusals as the REST API, with the refusal shown in words on the page."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from temporalio.client import Client

from api import scope
from api.auth import Principal
from api.rate_limit import WriteLimiter
from api.routes.actions import Caller
from api.schemas import (
    AcknowledgementIn,
    AppointmentIn,
    ConfirmationIn,
    LineReleaseIn,
    ServiceLossIn,
    ServiceRestoredIn,
    TicketIn,
    VisitIn,
    WithdrawalIn,
)
from domain.commands import (
    AcknowledgeTicket,
    BookVisit,
    Confirm,
    ConfirmLineRelease,
    ConfirmServiceRestored,
    OpenTicket,
    ReportServiceLoss,
    ReportVisit,
    Withdraw,
)
from domain.models import Actor, Role
from settings import Settings
from workflows.line_migration import LineMigrationWorkflow as Wf

Run = Callable[[Caller, str, BaseModel, dict[str, str]], Awaitable[Any]]


@dataclass(frozen=True)
class ConsoleAction:
    roles: frozenset[Role]
    body: type[BaseModel]
    run: Run
    done: str  # what the page says once it worked


def _snapshot(update: Any, command: Any, action: str) -> Run:
    async def run(caller: Caller, mid: str, body: BaseModel, extra: dict[str, str]) -> Any:
        return await caller.snapshot(mid, update, command, body, action)

    return run


async def _acknowledge(caller: Caller, mid: str, body: BaseModel, extra: dict[str, str]) -> Any:
    ticket = extra.get("ticket_id", "")
    return await caller.run(
        mid, Wf.acknowledge_ticket, AcknowledgeTicket, body, "ack", ticket_id=ticket
    )


async def _open_ticket(caller: Caller, mid: str, body: BaseModel, extra: dict[str, str]) -> Any:
    return await caller.run(mid, Wf.open_ticket, OpenTicket, body, "ticket")


SALES_CARE = frozenset({Role.SALES, Role.CARE})
ACTIONS: dict[str, ConsoleAction] = {
    "confirm": ConsoleAction(
        SALES_CARE,
        ConfirmationIn,
        _snapshot(Wf.confirm, Confirm, "confirm"),
        "Confirmation recorded.",
    ),
    "withdraw": ConsoleAction(
        SALES_CARE,
        WithdrawalIn,
        _snapshot(Wf.withdraw, Withdraw, "withdraw"),
        "Proposal withdrawn.",
    ),
    "book": ConsoleAction(
        frozenset({Role.DISPATCH}),
        AppointmentIn,
        _snapshot(Wf.book_visit, BookVisit, "book"),
        "Visit booked.",
    ),
    "visit": ConsoleAction(
        frozenset({Role.TECHNICIAN}),
        VisitIn,
        _snapshot(Wf.report_visit, ReportVisit, "visit"),
        "Visit reported.",
    ),
    "service-loss": ConsoleAction(
        frozenset({Role.CARE, Role.OPERATOR}),
        ServiceLossIn,
        _snapshot(Wf.report_service_loss, ReportServiceLoss, "service-loss"),
        "Service loss recorded: escalated to the top.",
    ),
    "service-restored": ConsoleAction(
        frozenset({Role.CARE, Role.OPERATOR, Role.TECHNICIAN}),
        ServiceRestoredIn,
        _snapshot(Wf.confirm_service_restored, ConfirmServiceRestored, "service-restored"),
        "Service restored.",
    ),
    "line-release": ConsoleAction(
        frozenset({Role.OPERATOR}),
        LineReleaseIn,
        _snapshot(Wf.confirm_line_release, ConfirmLineRelease, "line-release"),
        "Old line released.",
    ),
    "ticket": ConsoleAction(
        frozenset({Role.CARE, Role.SALES, Role.TECHNICIAN}),
        TicketIn,
        _open_ticket,
        "Ticket opened.",
    ),
    "acknowledge": ConsoleAction(
        frozenset({Role.TECHNICIAN, Role.DISPATCH}),
        AcknowledgementIn,
        _acknowledge,
        "Ticket acknowledged.",
    ),
}


LOCAL_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")  # what datetime-local sends


def _utc(value: str) -> str:
    """A datetime-local field, labelled UTC on the page, as an aware timestamp."""
    return f"{value}:00+00:00" if LOCAL_MINUTE.fullmatch(value) else value


class Refused(Exception):
    """An action the console could not do, with the reason in words."""


def parse(action: ConsoleAction, form: dict[str, str]) -> BaseModel:
    """The form as the API's body: empty optional fields are absent, errors are words."""
    fields = {k: _utc(v) for k, v in form.items() if k in action.body.model_fields and v != ""}
    try:
        return action.body.model_validate(fields)
    except ValidationError as err:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}" for e in err.errors()
        )
        raise Refused(reasons) from err


async def perform(
    client: Client,
    settings: Settings,
    limiter: WriteLimiter,
    principal: Principal,
    migration_id: str,
    name: str,
    form: dict[str, str],
    key: str,
) -> None:
    action = ACTIONS.get(name)
    if action is None or principal.role not in action.roles:
        raise Refused(f"a {principal.role.value} cannot do this")
    body = parse(action, form)
    limiter.take(principal)
    await scope.check(client, migration_id, principal)
    actor = Actor(subject=principal.subject, role=principal.role.value)
    await action.run(Caller(client, settings, actor, key), migration_id, body, form)
