"""What people do to a migration: each an update the workflow validates before history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api import scope
from api.auth import Principal, Role
from api.deps import ClientDep, IdempotencyKey, writing
from api.schemas import (
    ERROR_RESPONSES,
    AcknowledgementIn,
    AppointmentIn,
    ConfirmationIn,
    LineReleaseIn,
    ServiceLossIn,
    TicketIn,
    VisitIn,
    WithdrawalIn,
)
from api.workflow_calls import act
from domain.commands import (
    AcknowledgeTicket,
    BookVisit,
    Confirm,
    ConfirmLineRelease,
    OpenTicket,
    ReportServiceLoss,
    ReportVisit,
    Withdraw,
)
from domain.models import Actor, Snapshot, Ticket
from workflows.line_migration import LineMigrationWorkflow as Wf

router = APIRouter(prefix="/migrations/{migration_id}", responses=ERROR_RESPONSES)


def acting(*roles: Role):  # type: ignore[no-untyped-def]
    """The caller, as the workflow records them: subject and role from the token only,
    within their rate limit and scope."""

    async def actor(
        migration_id: str, client: ClientDep,
        principal: Principal = Depends(writing(*roles)),  # noqa: B008
    ) -> Actor:  # fmt: skip
        await scope.check(client, migration_id, principal)
        return Actor(subject=principal.subject, role=principal.role.value)

    return Depends(actor)


@router.post("/confirmation", tags=["sales", "care"], response_model=Snapshot)
async def confirm(
    migration_id: str, body: ConfirmationIn, client: ClientDep,
    actor: Annotated[Actor, acting(Role.SALES, Role.CARE)], key: IdempotencyKey = None,
) -> Snapshot:  # fmt: skip
    """Record the customer's confirmation: once, whoever calls and however often."""
    return await act(client, migration_id, Wf.confirm, Confirm, body, actor, key, "confirm")  # type: ignore[no-any-return]


@router.post("/withdrawal", tags=["sales", "care"], response_model=Snapshot)
async def withdraw(
    migration_id: str, body: WithdrawalIn, client: ClientDep,
    actor: Annotated[Actor, acting(Role.SALES, Role.CARE)], key: IdempotencyKey = None,
) -> Snapshot:  # fmt: skip
    """Withdraw at no cost before activation; everything requested is cancelled."""
    return await act(client, migration_id, Wf.withdraw, Withdraw, body, actor, key, "withdraw")  # type: ignore[no-any-return]


@router.post("/appointment", tags=["dispatch"], response_model=Snapshot)
async def book(
    migration_id: str, body: AppointmentIn, client: ClientDep,
    actor: Annotated[Actor, acting(Role.DISPATCH)], key: IdempotencyKey = None,
) -> Snapshot:  # fmt: skip
    """Book the visit, or move it: a move is recorded, never hidden."""
    return await act(client, migration_id, Wf.book_visit, BookVisit, body, actor, key, "book")  # type: ignore[no-any-return]


@router.post("/visit", tags=["technicians"], response_model=Snapshot)
async def report_visit(
    migration_id: str, body: VisitIn, client: ClientDep,
    actor: Annotated[Actor, acting(Role.TECHNICIAN)], key: IdempotencyKey = None,
) -> Snapshot:  # fmt: skip
    """The assigned technician reports the visit; activation starts the contract."""
    return await act(client, migration_id, Wf.report_visit, ReportVisit, body, actor, key, "visit")  # type: ignore[no-any-return]


@router.post("/service-loss", tags=["losing operator", "care"], response_model=Snapshot)
async def service_loss(
    migration_id: str, body: ServiceLossIn, client: ClientDep,
    actor: Annotated[Actor, acting(Role.OPERATOR, Role.CARE)], key: IdempotencyKey = None,
) -> Snapshot:  # fmt: skip
    """The customer has no service: top escalation at once, restoration promise started."""
    return await act(  # type: ignore[no-any-return]
        client, migration_id, Wf.report_service_loss, ReportServiceLoss, body, actor, key,
        "service-loss",
    )  # fmt: skip


@router.post("/line-release", tags=["losing operator"], response_model=Snapshot)
async def line_release(
    migration_id: str, body: LineReleaseIn, client: ClientDep,
    actor: Annotated[Actor, acting(Role.OPERATOR)], key: IdempotencyKey = None,
) -> Snapshot:  # fmt: skip
    """The losing operator confirms the old line is released: the migration completes."""
    return await act(  # type: ignore[no-any-return]
        client, migration_id, Wf.confirm_line_release, ConfirmLineRelease, body, actor, key,
        "line-release",
    )  # fmt: skip


@router.post("/tickets", status_code=201, tags=["care"], response_model=Ticket)
async def open_ticket(
    migration_id: str, body: TicketIn, client: ClientDep,
    actor: Annotated[Actor, acting(Role.CARE, Role.SALES, Role.TECHNICIAN)],
    key: IdempotencyKey = None,
) -> Ticket:  # fmt: skip
    """File what the customer said, from any channel; it reaches the field team."""
    return await act(client, migration_id, Wf.open_ticket, OpenTicket, body, actor, key, "ticket")  # type: ignore[no-any-return]


@router.post(
    "/tickets/{ticket_id}/acknowledgement", tags=["technicians", "dispatch"], response_model=Ticket
)
async def acknowledge_ticket(
    migration_id: str, ticket_id: str, body: AcknowledgementIn, client: ClientDep,
    actor: Annotated[Actor, acting(Role.TECHNICIAN, Role.DISPATCH)], key: IdempotencyKey = None,
) -> Ticket:  # fmt: skip
    """The field team has read the ticket: whoever opened it sees by whom and when."""
    return await act(  # type: ignore[no-any-return]
        client, migration_id, Wf.acknowledge_ticket, AcknowledgeTicket, body, actor, key,
        "ack", ticket_id=ticket_id,
    )  # fmt: skip
