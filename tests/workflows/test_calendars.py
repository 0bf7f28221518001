"""Promises on the migration's calendar, in the time-skipping server: a working-days window
fires when the regulator says, and the holidays it was counted with are the ones recorded
when the migration started, whatever the library says later."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.calendar import WorkingDays
from domain.commands import Confirm, OpenTicket, ReportVisit, StartMigration
from domain.models import (
    Declaration,
    FailureReason,
    PromiseName,
    PromiseStatus,
    Role,
    VisitOutcome,
)
from domain.worklist import Caller, items_for
from tests.builders import CARE, LUCA, SALES, make_request
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import Handle, book, confirm, record, start
from usecases.calendars import resolve
from usecases.jurisdictions import all_terms
from usecases.proposal import CalendarIn
from workflows.line_migration import LineMigrationWorkflow as Wf
from workflows.sandbox import RUNNER

CHRISTMAS_EVE_5PM_ROME = datetime(2027, 12, 24, 16, tzinfo=UTC)
TUESDAY_28_END_ROME = datetime(2027, 12, 28, 22, 59, 59, tzinfo=UTC)  # 23:59:59 CET


async def christmas_eve_migration(env: WorkflowEnvironment, worker: Worker) -> Handle:
    """A proposal made on Friday 24 December 2027 at 17:00 in Rome, to be confirmed within
    two working days, on Italy's calendar as the API resolves it."""
    await env.sleep(CHRISTMAS_EVE_5PM_ROME - await env.get_current_time())
    italy = resolve(CalendarIn(country="IT"), date(2027, 12, 24))
    request = make_request(calendar=italy, confirmation=WorkingDays(working_days=2))
    return await start(env, worker, request)


async def test_two_working_days_from_christmas_eve_fire_on_tuesday_night(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await christmas_eve_migration(env, worker)
    snap = await handle.query(Wf.snapshot)
    (confirmation,) = snap.promises
    assert confirmation.due_at == TUESDAY_28_END_ROME
    assert snap.next_step == (
        "the customer's confirmation is to be recorded by 23:59 on Tuesday 28 December "
        "(Europe/Rome), 2 working days"
    )
    await env.sleep(TUESDAY_28_END_ROME - await env.get_current_time() - timedelta(minutes=1))
    assert (await handle.query(Wf.snapshot)).escalation_level == 0  # Sunday 26 passed quietly
    await env.sleep(timedelta(minutes=2))
    snap = await handle.query(Wf.snapshot)
    assert snap.escalation_level == 1
    assert snap.promises[0].status is PromiseStatus.BREACHED
    assert snap.promises[0].breached_at == TUESDAY_28_END_ROME
    await handle.terminate("recorded")
    await record(handle, "calendar_working_days")


async def test_a_new_holiday_list_moves_no_due_time_already_decided(
    dev_env: WorkflowEnvironment, systems: FakeSystems, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replayed from history with no cache, under a library that would answer otherwise (and
    fails the test if anything asks it), the migration says the same due time. On the real
    dev server: the time-skipping one keeps routing to the stopped worker's sticky queue."""
    queue = f"tq-{uuid.uuid4()}"
    italy = resolve(CalendarIn(country="IT"), date.today())
    request = make_request(calendar=italy, confirmation=WorkingDays(working_days=2))
    async with Worker(
        dev_env.client,
        task_queue=queue,
        workflows=[Wf],
        workflow_runner=RUNNER,
        activities=systems.activities(),
    ):
        handle = await dev_env.client.start_workflow(
            Wf.run,
            StartMigration(line_key="k", sales_agent="dario", request=request),
            id=f"mig-{uuid.uuid4()}",
            task_queue=queue,
        )
        before = await handle.query(Wf.snapshot)

    def another_list(*args: object, **kwargs: object) -> object:
        raise AssertionError("a running migration read the holidays library")

    monkeypatch.setattr(holidays, "country_holidays", another_list)
    async with Worker(
        dev_env.client,
        task_queue=queue,
        workflows=[Wf],
        workflow_runner=RUNNER,
        activities=systems.activities(),
        max_cached_workflows=0,
    ):
        after = await handle.query(Wf.snapshot)
    assert after.promises == before.promises
    rome = after.promises[0].due_at.astimezone(ZoneInfo("Europe/Rome"))
    assert rome.time() == time(23, 59, 59) and italy.is_working_day(rome.date())
    await handle.terminate("done")


async def test_a_late_activation_in_britain_is_paid_from_the_table_in_pounds(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    """Confirmed on Monday 1 March 2027; the new line is due active by Wednesday 3 at
    23:59:59 (two working days, this test's contract) and is not: each started day after is
    paid at Ofcom's delayed-provision rate, and the customer is told once, in pounds."""
    await env.sleep(datetime(2027, 3, 1, 10, tzinfo=UTC) - await env.get_current_time())
    britain = resolve(CalendarIn(country="GB"), date(2027, 3, 1))
    request = make_request(calendar=britain, activation=WorkingDays(working_days=2))
    request = request.model_copy(update={"terms": all_terms()["GB"]})
    handle = await start(env, worker, request)
    await handle.execute_update(Wf.confirm, Confirm(actor=SALES, channel="phone"))
    await env.sleep(datetime(2027, 3, 6, 12, tzinfo=UTC) - await env.get_current_time())
    # A query reads the workflow's clock as of its last task: a ticket brings it to now.
    ticket = OpenTicket(actor=CARE, channel="phone", summary="still no line")
    await handle.execute_update(Wf.open_ticket, ticket)
    snap = await handle.query(Wf.snapshot)
    activation = next(p for p in snap.promises if p.name is PromiseName.ACTIVATION)
    assert activation.breached_at == datetime(2027, 3, 3, 23, 59, 59, tzinfo=UTC)
    assert snap.compensation.currency == "GBP"
    assert snap.compensation.amount_cents == 3 * 646  # 4, 5 and the started 6 March
    (late,) = snap.compensation_items
    assert (late.what, late.table_version) == ("late_activation_per_day", "OFCOM-2026-04")
    told = [c.payload for c in systems.named("notifications.notify_customer")]
    assert any("£" in str(m) and "€" not in str(m) for m in told)
    await handle.terminate("recorded")
    await record(handle, "activation_late_gb")


async def test_a_promise_warns_its_owner_at_three_quarters_before_it_breaks(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    """A 48-hour confirmation warns after 36 hours: the promise is at risk, sales' item is
    marked and sorted before others, no escalation and no money; at 48 hours it breaks."""
    italy = resolve(CalendarIn(country="IT"), date.today())
    handle = await start(env, worker, make_request(calendar=italy))
    snap = await handle.query(Wf.snapshot)
    (confirmation,) = snap.promises
    assert confirmation.warn_at == confirmation.opened_at + timedelta(hours=36)
    await env.sleep(timedelta(hours=36, minutes=1))
    snap = await handle.query(Wf.snapshot)
    (confirmation,) = snap.promises
    assert confirmation.at_risk and confirmation.at_risk_since == confirmation.warn_at
    assert snap.next_deadline == confirmation.due_at  # still the due time, not the warning
    assert snap.escalation_level == 0 and snap.compensation.amount_cents == 0
    assert systems.named("notifications.escalate") == []
    (item,) = items_for(Caller(role=Role.SALES, subject="dario"), snap, snap.created_at)
    assert item.at_risk and not item.overdue
    assert any(e.event == "at_risk" for e in snap.timeline)
    await env.sleep(timedelta(hours=12))
    assert (await handle.query(Wf.snapshot)).escalation_level == 1
    await handle.terminate("recorded")
    await record(handle, "early_warning")


async def test_a_customer_absent_visit_stops_the_activation_clock(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    """Nobody at home: the contract's clock stops from the missed window's start, and the
    next booking (here, within the rebooking's due time) restarts it at the new window."""
    italy = resolve(CalendarIn(country="IT"), date.today())
    request = make_request(calendar=italy, activation=WorkingDays(working_days=10))
    handle = await start(env, worker, request)
    await confirm(handle)
    first = (await book(env, handle)).appointment
    assert first is not None
    absent = ReportVisit(
        actor=LUCA, outcome=VisitOutcome.FAILED, reason=FailureReason.CUSTOMER_ABSENT
    )
    snap = await handle.execute_update(Wf.report_visit, absent)
    activation = next(p for p in snap.promises if p.name is PromiseName.ACTIVATION)
    assert activation.paused and activation.pauses[0].start == first.window_start
    assert any(e.event == "clock_stopped" for e in snap.timeline)
    again = await book(env, handle)
    assert again.appointment is not None
    moved = next(p for p in again.promises if p.name is PromiseName.ACTIVATION)
    assert not moved.paused and moved.pauses[0].end == again.appointment.window_start
    assert moved.due_at >= activation.due_at
    await handle.terminate("recorded")
    await record(handle, "activation_clock_stopped")


async def test_a_calendar_learns_next_years_holidays_before_it_counts_into_them(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    """A migration whose calendar knows 2026 only learns 2027's holidays from an activity at
    once; confirmed on Wednesday 30 December, its two working days skip New Year's Day
    (Thursday 31, then Monday 4 January), which a 2026-only calendar would have counted."""
    await env.sleep(datetime(2026, 12, 2, 10, tzinfo=UTC) - await env.get_current_time())
    italy = resolve(CalendarIn(country="IT"), date(2026, 12, 2))
    only_2026 = italy.model_copy(
        update={
            "years": (2026, 2026),
            "holidays": tuple(d for d in italy.holidays if d.year == 2026),
        }
    )
    request = make_request(
        calendar=only_2026,
        confirmation=timedelta(days=60),
        technician_contact=WorkingDays(working_days=2),
    )
    handle = await start(env, worker, request)
    await env.sleep(datetime(2026, 12, 30, 10, tzinfo=UTC) - await env.get_current_time())
    snap = await handle.execute_update(Wf.confirm, Confirm(actor=SALES, channel="phone"))
    contact = next(p for p in snap.promises if p.name is PromiseName.TECHNICIAN_CONTACT)
    assert contact.due_at == datetime(2027, 1, 4, 22, 59, 59, tzinfo=UTC)  # 23:59:59 CET
    history = await handle.fetch_history()
    looked_up = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]
    assert looked_up.count("calendar.extend") == 1
    await handle.terminate("recorded")
    await record(handle, "calendar_learns_holidays")


async def test_force_majeure_signals_stop_and_restart_the_clocks(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    italy = resolve(CalendarIn(country="IT"), date.today())
    request = make_request(calendar=italy, activation=WorkingDays(working_days=10))
    handle = await start(env, worker, request)
    await confirm(handle)
    before = await handle.query(Wf.snapshot)
    now = await env.get_current_time()
    flood = Declaration(
        declaration_id="fm-1",
        area="MI",
        start=now - timedelta(hours=1),
        end=now + timedelta(days=3),
        reason="flooding",
        by="sofia",
    )
    await handle.signal(Wf.declare_force_majeure, flood)
    await handle.signal(Wf.declare_force_majeure, flood)  # a retried fan-out: no change
    stopped = await handle.query(Wf.snapshot)
    activation = next(p for p in stopped.promises if p.name is PromiseName.ACTIVATION)
    assert [q.declaration for q in activation.pauses] == ["fm-1"]
    revoked = flood.model_copy(update={"revoked_at": now})
    await handle.signal(Wf.revoke_force_majeure, revoked)
    back = await handle.query(Wf.snapshot)
    restarted = next(p for p in back.promises if p.name is PromiseName.ACTIVATION)
    original = next(p for p in before.promises if p.name is PromiseName.ACTIVATION)
    assert restarted.pauses == [] and restarted.due_at == original.due_at
    assert activation.due_at > original.due_at
    await handle.terminate("recorded")
    await record(handle, "force_majeure")
