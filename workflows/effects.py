"""How the workflow carries out each side effect the domain asks for: which activity, with
which key, timeouts and retries. Runs inside the workflow sandbox."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.field_service import FieldService
    from activities.losing_operator import LosingOperatorGateway
    from activities.messages import (
        CustomerMessage,
        EscalationNotice,
        ExternalCall,
        LineOrder,
        MandateRequest,
        OrderRef,
        Receipt,
        TicketForward,
        VisitOrder,
    )
    from activities.notifications import Notifications
    from activities.payments import Payments
    from domain.commands import BookVisit, Effect, EffectKind
    from domain.models import MigrationState

# One HTTP exchange (the clients time out at 10 s) plus margin; also how long a call lost
# with a crashed worker waits before it is retried elsewhere.
CALL_TIMEOUT = timedelta(seconds=15)
# Transient faults are retried until the system is back; refusals are non-retryable errors.
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
# Escalations must go out on time: retry them more eagerly than anything else.
ESCALATION_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=500), maximum_interval=timedelta(seconds=10)
)
# Dispatch waits for the booking's answer: past this it gets an error and can try again.
BOOKING_DEADLINE = timedelta(minutes=2)

CUSTOMER_TEXTS = {
    EffectKind.CONFIRMATION_CALL: "We recorded your confirmation. A technician will call you "
    "to book the visit; your current line keeps working until the new one is active.",
    EffectKind.NOTIFY_VISIT_BOOKED: "Your technician visit is booked.",
    EffectKind.NOTIFY_ACTIVATION: "Your new line is active. Your contract starts today.",
    EffectKind.NOTIFY_WITHDRAWAL: "Your proposal is withdrawn at no cost; nothing changes on "
    "your current line.",
}


def idempotency_key(state: MigrationState, step: str) -> str:
    """Workflow id, the run chain (the id can be reused once a migration closes) and step."""
    return f"{state.migration_id}/{state.chain_id}/{step}"


async def open_order(state: MigrationState) -> Receipt:
    line = state.request.line
    return await workflow.execute_activity_method(
        LosingOperatorGateway.open_order,
        LineOrder(
            migration_id=state.migration_id,
            idempotency_key=idempotency_key(state, "open-order"),
            losing_operator=state.request.losing_operator,
            line_number=line.number,
            migration_code=line.migration_code,
        ),
        start_to_close_timeout=CALL_TIMEOUT,
        retry_policy=RETRY,
        summary=f"Validate line and open migration order at {state.request.losing_operator}",
    )


async def book_visit(state: MigrationState, cmd: BookVisit, revision: int) -> Receipt:
    return await workflow.execute_activity_method(
        FieldService.book_visit,
        VisitOrder(
            migration_id=state.migration_id,
            idempotency_key=idempotency_key(state, f"visit-{revision}"),
            technician_id=cmd.technician_id,
            window_start=cmd.window_start,
            window_end=cmd.window_end,
            address=state.request.line.address,
            revision=revision,
        ),
        start_to_close_timeout=CALL_TIMEOUT,
        schedule_to_close_timeout=BOOKING_DEADLINE,
        retry_policy=RETRY,
        summary=f"{'Book' if revision == 1 else 'Move'} visit for technician {cmd.technician_id}",
    )


async def carry_out(state: MigrationState, effect: Effect) -> Receipt:
    """Run the one activity that performs this effect."""
    key = idempotency_key(state, effect.step)
    mid = state.migration_id
    operator = state.request.losing_operator
    match effect.kind:
        case EffectKind.ESCALATE:
            e = effect.escalation
            assert e is not None
            return await workflow.execute_activity_method(
                Notifications.escalate,
                EscalationNotice(
                    migration_id=mid,
                    idempotency_key=key,
                    promise=e.promise,
                    level=e.level,
                    owner=e.owner.value,
                    recipients=e.recipients,
                    due_at=e.at,
                    stage=state.stage.value,
                ),
                start_to_close_timeout=CALL_TIMEOUT,
                retry_policy=ESCALATION_RETRY,
                summary=f"Escalate {e.promise} to level {e.level}: {', '.join(e.recipients)}",
            )
        case EffectKind.REQUEST_RELEASE | EffectKind.CANCEL_MIGRATION_ORDER:
            release = effect.kind is EffectKind.REQUEST_RELEASE
            return await _call(
                LosingOperatorGateway.request_release
                if release
                else LosingOperatorGateway.cancel_order,
                OrderRef(migration_id=mid, idempotency_key=key, losing_operator=operator),
                summary=f"{'Release old line' if release else 'Cancel migration order'} "
                f"at {operator}",
            )
        case EffectKind.CANCEL_VISIT:
            return await _call(
                FieldService.cancel_visit,
                ExternalCall(migration_id=mid, idempotency_key=key),
                summary="Cancel the booked visit",
            )
        case EffectKind.FORWARD_TICKET:
            ticket = next(t for t in state.tickets if t.ticket_id == effect.ticket_id)
            return await _call(
                FieldService.forward_ticket,
                TicketForward(
                    migration_id=mid,
                    idempotency_key=key,
                    ticket_id=ticket.ticket_id,
                    channel=ticket.channel,
                    summary=ticket.summary,
                    technician_id=state.appointment.technician_id if state.appointment else None,
                ),
                summary=f"Forward ticket {ticket.ticket_id} ({ticket.channel}) to field service",
            )
        case EffectKind.REQUEST_MANDATE:
            return await _call(
                Payments.request_mandate,
                MandateRequest(
                    migration_id=mid,
                    idempotency_key=key,
                    customer_name=state.request.customer.name,
                    offer=state.request.offer,
                ),
                summary="Request the payment mandate (contract effective)",
            )
    customer = state.request.customer
    return await _call(
        Notifications.notify_customer,
        CustomerMessage(
            migration_id=mid,
            idempotency_key=key,
            kind=effect.kind.value,
            phone=customer.phone,
            email=customer.email,
            text=CUSTOMER_TEXTS[effect.kind],
        ),
        summary=f"Customer message: {effect.kind.value}",
    )


async def _call(
    activity: Callable[[Any, Any], Awaitable[Receipt]], arg: Any, summary: str
) -> Receipt:
    """An ordinary external call: standard timeout, retried until the system is back."""
    return await workflow.execute_activity_method(
        activity, arg, start_to_close_timeout=CALL_TIMEOUT, retry_policy=RETRY, summary=summary
    )
