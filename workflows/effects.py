"""How the workflow carries out each side effect the domain asks for: which activity, with
which key, timeouts and retries. Runs inside the workflow sandbox."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, assert_never

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.calendars import extend_calendar
    from activities.field_service import FieldService
    from activities.http import BUSINESS_REFUSAL
    from activities.losing_operator import LosingOperatorGateway
    from activities.messages import (
        CalendarSpan,
        CustomerMessage,
        EscalationNotice,
        ExternalCall,
        Holidays,
        HubPost,
        LineOrder,
        MandateRequest,
        OrderRef,
        Receipt,
        TicketForward,
    )
    from activities.notifications import Notifications
    from activities.ots_hub import OtsHub
    from activities.payments import Payments
    from activities.reporting import ReadModel
    from domain.commands import Effect, EffectKind
    from domain.facts import Facts, facts_of
    from domain.force_majeure import REGISTER_ACTIVITY
    from domain.models import Declaration, Stage
    from domain.records import Escalation, MigrationState
    from domain.switching.messages import PARK_ACTIVITY, Parked
    from domain.tmf.events import OrderEvent
    from domain.tmf.hub import ANNOUNCE_ACTIVITY
    from domain.words import switching as switch_words

# One HTTP exchange (the clients time out at 10 s) plus margin; also how long a call lost
# with a crashed worker waits before it is retried elsewhere.
CALL_TIMEOUT = timedelta(seconds=15)
# Transient faults are retried until the system is back; refusals are non-retryable errors.
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
# Escalations must go out on time: retry them more eagerly than anything else.
ESCALATION_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=500), maximum_interval=timedelta(seconds=10)
)


async def more_holidays(state: MigrationState, years: tuple[int, int]) -> Holidays:
    """The public holidays of the years the migration's calendar must learn next (a read,
    recorded in history: no side effect, so no idempotency key)."""
    calendar = state.request.calendar
    assert calendar is not None
    asked = CalendarSpan(country=calendar.country, subdivision=calendar.subdivision, years=years)
    return await workflow.execute_activity(
        extend_calendar,
        asked,
        start_to_close_timeout=CALL_TIMEOUT,
        retry_policy=RETRY,
        summary=f"Public holidays of {calendar.country} for {years[0]}-{years[1]}",
    )


async def register_of_area(area: str) -> list[Declaration]:
    """The force-majeure register of the line's area as it is now (a read: no key)."""
    found: list[Declaration] = await workflow.execute_activity(
        REGISTER_ACTIVITY,
        area,
        result_type=list[Declaration],
        start_to_close_timeout=CALL_TIMEOUT,
        retry_policy=RETRY,
        summary=f"Force majeure in {area}: the register, as the start's copy was old",
    )
    return found


def idempotency_key(state: MigrationState, step: str) -> str:
    """Workflow id, the run chain (the id can be reused once a migration closes) and step."""
    return f"{state.migration_id}/{state.chain_id}/{step}"


async def open_order(state: MigrationState) -> Receipt:
    line = state.request.line
    operator = state.request.losing_operator
    return await call(
        LosingOperatorGateway.open_order,
        LineOrder(
            migration_id=state.migration_id,
            idempotency_key=idempotency_key(state, "open-order"),
            losing_operator=operator,
            line_number=line.number,
            migration_code=line.migration_code,
        ),
        f"Validate the line and open the migration order at {operator}",
    )


async def record_facts(state: MigrationState, now: datetime) -> None:
    """The migration's facts, as of now, into the report's read model (an upsert by run
    chain: a retry writes the same rows); rules 6 to 9."""
    await write_facts(facts_of(state, now), state.stage)


async def write_facts(facts: Facts, stage: Stage) -> None:
    """Facts (all, or a change) into the report's read model."""
    await workflow.execute_activity_method(
        ReadModel.record_facts,
        facts,
        start_to_close_timeout=CALL_TIMEOUT,
        retry_policy=RETRY,
        summary=f"Report facts: {stage.value}",
    )


async def announce_order_events(events: list[OrderEvent]) -> None:
    """Hand a product order's new events to its CRM's listeners' delivery workflows."""
    await workflow.execute_activity(
        ANNOUNCE_ACTIVITY,
        events,
        result_type=int,
        start_to_close_timeout=CALL_TIMEOUT,
        retry_policy=RETRY,
        summary=f"Order events {events[0].sequence}–{events[-1].sequence}",
    )


async def carry_out(state: MigrationState, effect: Effect) -> Receipt:
    """Run the one activity that performs this effect; every kind has its case."""
    key = idempotency_key(state, effect.step)
    mid = state.migration_id
    operator = state.request.losing_operator
    order = OrderRef(migration_id=mid, idempotency_key=key, losing_operator=operator)
    match effect.kind:
        case EffectKind.ESCALATE:
            assert effect.escalation is not None
            return await escalate(mid, state.stage.value, key, effect.escalation)
        case EffectKind.REQUEST_RELEASE:
            return await call(
                LosingOperatorGateway.request_release, order, f"Release old line at {operator}"
            )
        case EffectKind.CANCEL_MIGRATION_ORDER:
            return await call(
                LosingOperatorGateway.cancel_order, order, f"Cancel migration order at {operator}"
            )
        case EffectKind.REQUEST_REINSTATEMENT:
            return await call(
                LosingOperatorGateway.request_reinstatement,
                order,
                f"Ask {operator} to reinstate the old line (customer without service)",
            )
        case EffectKind.CANCEL_VISIT:
            return await call(
                FieldService.cancel_visit,
                ExternalCall(migration_id=mid, idempotency_key=key),
                "Cancel the booked visit",
            )
        case EffectKind.SEND_TO_HUB:
            assert effect.message is not None
            post = HubPost(migration_id=mid, idempotency_key=key, message=effect.message)
            return await call(OtsHub.send, post, switch_words.activity_summary(effect.message))
        case EffectKind.PARK_HUB_MESSAGE:
            assert effect.message is not None
            await workflow.execute_activity(
                PARK_ACTIVITY,
                Parked.model_validate(effect.message),
                start_to_close_timeout=CALL_TIMEOUT,
                retry_policy=RETRY,
                summary="Keep a hub message that answers nothing of ours, for supervisors",
            )
            return Receipt(reference="parked")
        case EffectKind.FORWARD_TICKET:
            return await _forward_ticket(state, key, effect.ticket_id)
        case EffectKind.REQUEST_MANDATE:
            return await call(
                Payments.request_mandate,
                MandateRequest(
                    migration_id=mid,
                    idempotency_key=key,
                    customer_name=state.request.customer.name,
                    offer=state.request.offer,
                ),
                "Request the payment mandate (contract effective)",
            )
        case (
            EffectKind.CONFIRMATION_CALL
            | EffectKind.NOTIFY_VISIT_BOOKED
            | EffectKind.NOTIFY_VISIT_MISSED
            | EffectKind.NOTIFY_ACTIVATION
            | EffectKind.NOTIFY_WITHDRAWAL
            | EffectKind.NOTIFY_PROMISE_BROKEN
        ):
            customer = state.request.customer
            message = CustomerMessage(
                migration_id=mid,
                idempotency_key=key,
                kind=effect.kind.value,
                phone=customer.phone,
                email=customer.email,
                text=effect.text or "",
                chain_id=state.chain_id,
            )
            return await call(
                Notifications.notify_customer, message, f"Customer message: {effect.kind.value}"
            )
        case _:
            assert_never(effect.kind)


async def escalate(target_id: str, stage: str, key: str, e: Escalation) -> Receipt:
    """Notify an escalation's recipients (a migration's, or an outgoing switch's)."""
    return await workflow.execute_activity_method(
        Notifications.escalate,
        EscalationNotice(
            migration_id=target_id,
            idempotency_key=key,
            promise=e.promise,
            level=e.level,
            owner=e.owner.value,
            recipients=e.recipients,
            due_at=e.at,
            stage=stage,
            summary=e.summary,
        ),
        start_to_close_timeout=CALL_TIMEOUT,
        retry_policy=ESCALATION_RETRY,
        summary=with_key(
            f"Escalate {e.promise} to level {e.level}: notify {', '.join(e.recipients)}", key
        ),
    )


async def _forward_ticket(state: MigrationState, key: str, ticket_id: str | None) -> Receipt:
    ticket = next(t for t in state.tickets if t.ticket_id == ticket_id)
    appointment = state.appointment
    return await call(
        FieldService.forward_ticket,
        TicketForward(
            migration_id=state.migration_id,
            idempotency_key=key,
            ticket_id=ticket.ticket_id,
            channel=ticket.channel,
            summary=ticket.summary,
            technician_id=appointment.technician_id if appointment else None,
        ),
        f"Forward ticket {ticket.ticket_id} ({ticket.channel}) to field service",
    )


async def call(
    activity: Callable[[Any, Any], Awaitable[Receipt]], arg: ExternalCall, summary: str
) -> Receipt:
    """An ordinary external call: standard timeout, retried until the system is back."""
    return await workflow.execute_activity_method(
        activity,
        arg,
        start_to_close_timeout=CALL_TIMEOUT,
        retry_policy=RETRY,
        summary=with_key(summary, arg.idempotency_key),
    )


def with_key(summary: str, key: str) -> str:
    """The Web UI shows this beside the activity: the effect, and the key that makes it once."""
    return f"{summary} (idempotency key {key})"


def reason(err: ActivityError) -> str:
    """Why an external system refused or failed, in its own words."""
    return str(err.cause.message if isinstance(err.cause, ApplicationError) else err.cause or err)


def is_refusal(err: ActivityError) -> bool:
    """A final "no" from the system (a 4xx), not a fault that retries could outlast."""
    return isinstance(err.cause, ApplicationError) and err.cause.type == BUSINESS_REFUSAL
