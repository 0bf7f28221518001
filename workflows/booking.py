"""Field service's booking calls, which the updates that book await (a person is waiting
for the answer): a visit for a named technician, free slots searched on the line's working
days, a slot held and confirmed. Each carries its idempotency key like every effect."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.field_service import FieldService
    from activities.messages import (
        Receipt,
        SlotList,
        SlotReservation,
        SlotSearch,
        VisitOrder,
        WindowReservation,
    )
    from domain.commands import Booked, BookVisit
    from domain.handlers import slots
    from domain.records import MigrationState, Slot
    from domain.rules import Rules
    from domain.words.staff import span, zone_of
    from workflows.effects import CALL_TIMEOUT, RETRY, idempotency_key, with_key

# Dispatch waits for the booking's answer: past this it gets an error and can try again.
BOOKING_DEADLINE = timedelta(minutes=2)
BOOKING_CALL: dict[str, Any] = {
    "start_to_close_timeout": CALL_TIMEOUT,
    "schedule_to_close_timeout": BOOKING_DEADLINE,
    "retry_policy": RETRY,
}


async def book_visit(state: MigrationState, cmd: BookVisit, revision: int) -> str:
    """A manual booking; from the slot rules on it reserves the technician at field service
    (refused if he is busy then). Field service's work order reference comes back."""
    key = idempotency_key(state, f"visit-{revision}")
    order = VisitOrder(
        migration_id=state.migration_id,
        idempotency_key=key,
        technician_id=cmd.technician_id,
        window_start=cmd.window_start,
        window_end=cmd.window_end,
        address=state.request.line.address,
        revision=revision,
    )
    summary = with_key(
        f"{'Book' if revision == 1 else 'Move or rebook'} the visit for technician "
        f"{cmd.technician_id}: {span(cmd.window_start, cmd.window_end, zone_of(state))}",
        key,
    )
    if not Rules(state.rules).books_from_slots:
        receipt: Receipt = await workflow.execute_activity_method(
            FieldService.book_visit, order, summary=summary, **BOOKING_CALL
        )
        return receipt.reference
    reservation = WindowReservation(**order.model_dump(), work_order=work_order(state))
    booked: Booked = await workflow.execute_activity_method(
        FieldService.reserve_window, reservation, summary=summary, **BOOKING_CALL
    )
    return booked.work_order_id


async def search_slots(state: MigrationState, count: int, now: datetime) -> SlotList:
    """Free slots in the line's area from the day asked for, on its working days only (a
    read, recorded in history)."""
    area = state.request.line.area
    assert area is not None  # refused before: no area, no slots
    first = slots.search_from(state, now)
    search = SlotSearch(
        area=area,
        first_day=first,
        count=count,
        non_working=slots.non_working_dates(state.request.calendar, first, slots.SEARCH_DAYS),
    )
    return await workflow.execute_activity_method(
        FieldService.search_slots,
        search,
        summary=f"Search {count} free slots in area {area} from {first:%a} {first.day} {first:%b}",
        **BOOKING_CALL,
    )


async def reserve_slot(state: MigrationState, slot: Slot, revision: int) -> Booked:
    """Hold and confirm one slot for this migration's work order; a retry is the same hold."""
    key = idempotency_key(state, f"visit-{revision}-{slot.slot_id}")
    reservation = SlotReservation(
        migration_id=state.migration_id,
        idempotency_key=key,
        work_order=work_order(state),
        slot_id=slot.slot_id,
        address=state.request.line.address,
        revision=revision,
    )
    return await workflow.execute_activity_method(
        FieldService.reserve_slot,
        reservation,
        summary=with_key(
            f"{'Book' if revision == 1 else 'Move or rebook'} the visit into slot "
            f"{slot.slot_id}: {span(slot.start, slot.end, zone_of(state))}",
            key,
        ),
        **BOOKING_CALL,
    )


def work_order(state: MigrationState) -> str:
    """Field service's work order: one per migration run chain, each booking a revision."""
    return f"{state.migration_id}/{state.chain_id}"
