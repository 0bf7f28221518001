"""Visits booked from field service's capacity, in the time-skipping server: offers recorded,
a slot held and confirmed, a slot lost to someone faster answered with fresh slots, the
earliest slot declined by the customer stopping the activation clock, and who moves a visit
deciding who pays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.calendar import WorkingDays, working_time_between
from domain.commands import BookSlot, OfferSlots
from domain.handlers.slots import DECLINED_EARLIEST
from domain.models import CUSTOMER_ROLE, Actor, MissReason, PromiseName, Stage
from domain.views import OfferView, Snapshot
from tests.builders import CARE, DISPATCH, make_request
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import Handle, confirm, record, start
from tests.workflows.steps import book as book_manually
from usecases.calendars import resolve
from usecases.proposal import CalendarIn
from workflows.line_migration import LineMigrationWorkflow as Wf

CUSTOMER = Actor(subject="customer", role=CUSTOMER_ROLE)
# Tuesday 7 December 2027; the 8th is a public holiday in Italy (Immacolata).
TUESDAY_7_DEC = date(2027, 12, 7)


async def confirmed(
    env: WorkflowEnvironment, worker: Worker, asked: date | None = TUESDAY_7_DEC
) -> Handle:
    italy = resolve(CalendarIn(country="IT"), date.today())
    request = make_request(calendar=italy, activation=WorkingDays(working_days=10))
    handle = await start(env, worker, request.model_copy(update={"requested_start_date": asked}))
    await confirm(handle)
    return handle


async def offer(handle: Handle, by: Actor = DISPATCH, count: int = 4) -> OfferView:
    return await handle.execute_update(Wf.offer_slots, OfferSlots(actor=by, count=count))


async def book(handle: Handle, slot_id: str, by: Actor = DISPATCH) -> Snapshot:
    return await handle.execute_update(Wf.book_slot, BookSlot(actor=by, slot_id=slot_id))


def activation(snap: Snapshot) -> tuple[datetime, list[tuple[datetime, datetime | None, str]]]:
    p = next(p for p in snap.promises if p.name is PromiseName.ACTIVATION)
    return p.due_at, [(q.start, q.end, q.reason) for q in p.pauses]


async def test_a_visit_is_booked_from_an_offer_on_working_days_only(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await confirmed(env, worker)
    offered = await offer(handle)
    days = [s.start.date() for s in offered.slots]
    assert [s.slot_id for s in offered.slots] == [
        "RM.2027-12-07.am",
        "RM.2027-12-07.pm",
        "RM.2027-12-09.am",  # not the holiday of the 8th
        "RM.2027-12-09.pm",
    ]
    assert date(2027, 12, 8) not in days
    assert offered.slots[0].label == "Tue 7 Dec, morning 08:00–13:00"
    assert offered.slots[0].start == datetime(2027, 12, 7, 7, tzinfo=UTC)  # 08:00 in Rome
    snap = await book(handle, "RM.2027-12-09.pm")
    assert snap.stage is Stage.SCHEDULED and snap.appointment is not None
    assert snap.appointment.window_start == datetime(2027, 12, 9, 12, tzinfo=UTC)
    assert snap.appointment.technician_id == "luca"  # field service assigned him
    assert activation(snap)[1] == []  # dispatch chose: nothing paused
    (held,) = systems.capacity.booked()
    assert held.work_order == f"{snap.migration_id}/{snap.chain_id}"
    assert any(e.event == "slots_offered" for e in snap.timeline)
    await handle.terminate("recorded")
    await record(handle, "slot_booked")


async def test_a_slot_taken_meanwhile_answers_with_fresh_slots_then_books(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await confirmed(env, worker)
    first = (await offer(handle)).slots[0]
    cap, now = systems.capacity, datetime.now(UTC)
    for n, technician in enumerate(cap.roster["RM"].technicians):  # others were faster
        cap.reserve(
            f"other-{n}", f"other-{n}", f"other-{n}", technician, first.start, first.end, now
        )
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await book(handle, first.slot_id)
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "conflict"
    assert "no longer free" in cause.message
    fresh = OfferView.model_validate(cause.details[0])
    assert first.slot_id not in {s.slot_id for s in fresh.slots}
    snap = await handle.query(Wf.snapshot)
    assert snap.stage is Stage.CONFIRMED and snap.slot_offer == fresh
    booked = await book(handle, fresh.slots[0].slot_id)
    assert booked.stage is Stage.SCHEDULED and booked.appointment is not None
    assert booked.appointment.window_start == fresh.slots[0].start
    await handle.terminate("recorded")
    await record(handle, "slot_lost_then_rebooked")


async def soon(env: WorkflowEnvironment) -> date:
    """A day within the activation window, so that a pause then moves its due time."""
    return (await env.get_current_time()).date() + timedelta(days=2)


async def test_the_customer_declining_the_earliest_slot_stops_the_activation_clock(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await confirmed(env, worker, asked=await soon(env))
    offered = await offer(handle, by=CUSTOMER)
    before = activation(await handle.query(Wf.snapshot))[0]
    earliest, chosen = offered.slots[0], offered.slots[2]
    snap = await book(handle, chosen.slot_id, by=CUSTOMER)
    due, pauses = activation(snap)
    assert pauses == [(earliest.start, chosen.start, DECLINED_EARLIEST)]
    assert due > before
    assert any(DECLINED_EARLIEST in e.detail for e in snap.timeline if e.event == "clock_stopped")
    await handle.terminate("recorded")
    await record(handle, "earliest_slot_declined")


async def test_the_pause_moves_the_due_time_by_the_working_time_between_the_slots(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await confirmed(env, worker, asked=await soon(env))
    offered = await offer(handle, by=CARE)
    staff_chose = await book(handle, offered.slots[3].slot_id, by=CARE)
    assert activation(staff_chose)[1] == []  # staff choosing never pauses anything
    due_before = activation(staff_chose)[0]
    again = await offer(handle, by=CUSTOMER)
    earliest, later = again.slots[0], again.slots[-1]
    moved = await book(handle, later.slot_id, by=CUSTOMER)
    due_after, pauses = activation(moved)
    assert pauses == [(earliest.start, later.start, DECLINED_EARLIEST)]
    italy = resolve(CalendarIn(country="IT"), date.today())
    stopped = working_time_between(italy, earliest.start, later.start)
    moved_by = working_time_between(italy, due_before, due_after)
    working_day = timedelta(hours=10)  # 08:00 to 18:00: the window counts whole days
    assert stopped <= moved_by < stopped + working_day
    await handle.terminate("done")


async def test_who_moves_the_visit_decides_who_pays(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    """Moved by the customer: owed nothing, and not online within the notice. Moved by
    dispatch within the notice: the missed-appointment sum is owed."""
    handle = await confirmed(env, worker, asked=await soon(env))
    offered = await offer(handle, by=CUSTOMER, count=6)
    first = await book(handle, offered.slots[0].slot_id, by=CUSTOMER)
    assert first.appointment is not None
    moved = await book(handle, (await offer(handle, by=CUSTOMER)).slots[1].slot_id, by=CUSTOMER)
    assert moved.missed_visits == [] and len(moved.visit_moves) == 1
    assert moved.appointment is not None
    start_at = moved.appointment.window_start
    await env.sleep(start_at - timedelta(hours=12) - await env.get_current_time())
    choice = (await offer(handle, by=CUSTOMER)).slots[-1].slot_id
    with pytest.raises(WorkflowUpdateFailedError) as late:
        await book(handle, choice, by=CUSTOMER)
    assert isinstance(late.value.cause, ApplicationError)
    assert "can no longer be moved online" in late.value.cause.message
    by_dispatch = await book(handle, choice)
    (missed,) = by_dispatch.missed_visits
    assert missed.reason is MissReason.MOVED_AT_SHORT_NOTICE and missed.operator_at_fault
    assert by_dispatch.compensation.amount_cents > 0
    await handle.terminate("recorded")
    await record(handle, "moved_by_customer_then_dispatch")


async def test_a_line_without_an_area_is_refused_slots_in_words(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await start(env, worker, make_request(area=None))
    await confirm(handle)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await offer(handle)
    assert isinstance(refused.value.cause, ApplicationError)
    assert "the line has no area" in refused.value.cause.message
    assert (await handle.query(Wf.snapshot)).slot_offer is None
    await handle.terminate("done")


async def test_a_manual_booking_reserves_the_technician_and_is_refused_when_he_is_busy(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    first, second = [await confirmed(env, worker) for _ in range(2)]
    booked = await book_manually(env, first, "anna")
    assert booked.appointment is not None and booked.appointment.technician_id == "anna"
    (held,) = systems.capacity.booked("anna")
    assert held.work_order.startswith(booked.migration_id)
    with pytest.raises(WorkflowUpdateFailedError) as busy:
        await book_manually(env, second, "anna")
    assert isinstance(busy.value.cause, ApplicationError)
    assert "anna is already booked for another visit then" in busy.value.cause.message
    assert (await second.query(Wf.snapshot)).stage is Stage.CONFIRMED
    await first.terminate("recorded")
    await record(first, "manual_booking_reserves")
    await second.terminate("done")
