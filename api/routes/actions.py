"""What people do to a migration: each an update the workflow validates before history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from temporalio.client import Client

from api import scope
from api.auth import Principal, Role
from api.deps import ClientDep, IdempotencyKey, SettingsDep, writing
from api.links import linked
from api.schemas import (
    ERROR_RESPONSES,
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
from api.workflow_calls import Update, act
from domain.commands import (
    AcknowledgeTicket,
    BookVisit,
    Command,
    Confirm,
    ConfirmLineRelease,
    ConfirmServiceRestored,
    OpenTicket,
    ReportServiceLoss,
    ReportVisit,
    Withdraw,
)
from domain.models import Actor, Ticket
from domain.views import Snapshot
from settings import Settings
from workflows.line_migration import LineMigrationWorkflow as Wf

router = APIRouter(prefix="/migrations/{migration_id}", responses=ERROR_RESPONSES)
C = TypeVar("C", bound=Command)
R = TypeVar("R")


@dataclass(frozen=True)
class Caller:
    """Who acts (subject and role from the token only), with their Idempotency-Key."""

    client: Client
    settings: Settings
    actor: Actor
    key: str | None

    async def run(
        self,
        migration_id: str,
        update: Update[C, R],
        command: type[C],
        body: BaseModel,
        action: str,
        **extra: Any,
    ) -> R:
        return await act(
            self.client, migration_id, update, command, body, self.actor, self.key, action, **extra
        )

    async def snapshot(
        self,
        migration_id: str,
        update: Update[C, Snapshot],
        command: type[C],
        body: BaseModel,
        action: str,
    ) -> Snapshot:
        """Run the update and answer the snapshot it returns, linked to the Web UI and the
        customer's status page: one round trip (a query after a small acknowledgement saved
        history bytes but cost the worker and the server more; docs/benchmarks.md)."""
        snap = await self.run(migration_id, update, command, body, action)
        return linked(self.settings, snap)


def acting(*roles: Role) -> Any:
    """The caller, within their role, rate limit and scope."""

    async def caller(
        migration_id: str,
        client: ClientDep,
        settings: SettingsDep,
        key: IdempotencyKey = None,
        # A default, not Annotated: the string annotation could not see `roles`.
        principal: Principal = Depends(writing(*roles)),  # noqa: B008
    ) -> Caller:
        await scope.check(client, migration_id, principal)
        actor = Actor(subject=principal.subject, role=principal.role.value)
        return Caller(client, settings, actor, key)

    return Depends(caller)


@router.post("/confirmation", tags=["sales", "care"], response_model=Snapshot)
async def confirm(
    migration_id: str,
    body: ConfirmationIn,
    caller: Annotated[Caller, acting(Role.SALES, Role.CARE)],
) -> Snapshot:
    """Record the customer's confirmation: once, whoever calls and however often."""
    return await caller.snapshot(migration_id, Wf.confirm, Confirm, body, "confirm")


@router.post("/withdrawal", tags=["sales", "care"], response_model=Snapshot)
async def withdraw(
    migration_id: str, body: WithdrawalIn, caller: Annotated[Caller, acting(Role.SALES, Role.CARE)]
) -> Snapshot:
    """Withdraw at no cost before activation; everything requested is cancelled."""
    return await caller.snapshot(migration_id, Wf.withdraw, Withdraw, body, "withdraw")


@router.post("/appointment", tags=["dispatch"], response_model=Snapshot)
async def book(
    migration_id: str, body: AppointmentIn, caller: Annotated[Caller, acting(Role.DISPATCH)]
) -> Snapshot:
    """Book the visit, move it, or rebook a failed one: a move is recorded, never hidden."""
    return await caller.snapshot(migration_id, Wf.book_visit, BookVisit, body, "book")


@router.post("/visit", tags=["technicians"], response_model=Snapshot)
async def report_visit(
    migration_id: str, body: VisitIn, caller: Annotated[Caller, acting(Role.TECHNICIAN)]
) -> Snapshot:
    """The assigned technician reports the visit: activation starts the contract; a failure
    names its reason and is rebooked unless the line cannot be built."""
    return await caller.snapshot(migration_id, Wf.report_visit, ReportVisit, body, "visit")


@router.post("/service-loss", tags=["losing operator", "care"], response_model=Snapshot)
async def service_loss(
    migration_id: str,
    body: ServiceLossIn,
    caller: Annotated[Caller, acting(Role.OPERATOR, Role.CARE)],
) -> Snapshot:
    """The customer has no service: top escalation at once, restoration promise started."""
    return await caller.snapshot(
        migration_id, Wf.report_service_loss, ReportServiceLoss, body, "service-loss"
    )


@router.post(
    "/service-restored", tags=["losing operator", "care", "technicians"], response_model=Snapshot
)
async def service_restored(
    migration_id: str,
    body: ServiceRestoredIn,
    caller: Annotated[Caller, acting(Role.OPERATOR, Role.CARE, Role.TECHNICIAN)],
) -> Snapshot:
    """The customer has service again (old line reinstated, or the new one active): the
    restoration promise is kept, and a migration that already ended can close."""
    return await caller.snapshot(
        migration_id,
        Wf.confirm_service_restored,
        ConfirmServiceRestored,
        body,
        "service-restored",
    )


@router.post("/line-release", tags=["losing operator"], response_model=Snapshot)
async def line_release(
    migration_id: str, body: LineReleaseIn, caller: Annotated[Caller, acting(Role.OPERATOR)]
) -> Snapshot:
    """The losing operator confirms the old line is released: the migration completes."""
    return await caller.snapshot(
        migration_id, Wf.confirm_line_release, ConfirmLineRelease, body, "line-release"
    )


@router.post("/tickets", status_code=201, tags=["care"], response_model=Ticket)
async def open_ticket(
    migration_id: str,
    body: TicketIn,
    caller: Annotated[Caller, acting(Role.CARE, Role.SALES, Role.TECHNICIAN)],
) -> Ticket:
    """File what the customer said, from any channel; it reaches the field team."""
    return await caller.run(migration_id, Wf.open_ticket, OpenTicket, body, "ticket")


@router.post(
    "/tickets/{ticket_id}/acknowledgement", tags=["technicians", "dispatch"], response_model=Ticket
)
async def acknowledge_ticket(
    migration_id: str,
    ticket_id: str,
    body: AcknowledgementIn,
    caller: Annotated[Caller, acting(Role.TECHNICIAN, Role.DISPATCH)],
) -> Ticket:
    """The field team has read the ticket: whoever opened it sees by whom and when."""
    return await caller.run(
        migration_id, Wf.acknowledge_ticket, AcknowledgeTicket, body, "ack", ticket_id=ticket_id
    )
