"""The customer's own delay stops the contract's clock, and only his: a visit missed
because nobody was at home pauses the activation promise from the missed window's start
until the next visit's, never beyond the time dispatch owed the rebooking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain import compensation, lifecycle, promises, views
from domain.calendar import Calendar, WorkingDays
from domain.commands import BookVisit, Confirm, ReportVisit
from domain.models import FailureReason, PromiseName, VisitOutcome
from domain.records import MigrationState
from domain.rules import CALENDAR_RULES
from domain.words.status_page import view
from tests.builders import DISPATCH, LUCA, SALES, make_request, run

UTC_CALENDAR = Calendar(country="GB", time_zone="UTC", years=(2027, 2027))  # no holidays
MONDAY = datetime(2027, 3, 1, 8, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def booked(start: datetime) -> MigrationState:
    request = make_request(calendar=UTC_CALENDAR, activation=WorkingDays(working_days=10))
    state = lifecycle.propose("mig-1", "run-1", "k", "dario", request, MONDAY, CALENDAR_RULES)
    state = lifecycle.line_validated(state, MONDAY, "order-1")
    state = run(state, Confirm(actor=SALES, channel="phone"), MONDAY)
    return run(state, booking(start, "wo-1"), MONDAY)


def booking(start: datetime, work_order: str) -> BookVisit:
    """Dispatch books luca for four hours from `start`."""
    return BookVisit(
        actor=DISPATCH,
        technician_id="luca",
        window_start=start,
        window_end=start + 4 * HOUR,
        work_order_id=work_order,
    )


def activation(state: MigrationState) -> promises.Promise:
    found = promises.find(state.promises, PromiseName.ACTIVATION.value)
    assert found is not None
    return found


def missed(state: MigrationState, why: FailureReason, at: datetime) -> MigrationState:
    report = ReportVisit(actor=LUCA, outcome=VisitOutcome.FAILED, reason=why)
    return run(state, report, at)


def rebooked(state: MigrationState, start: datetime, at: datetime) -> MigrationState:
    return run(state, booking(start, "wo-2"), at)


def test_nobody_at_home_stops_the_clock_until_the_next_visit() -> None:
    """Visit Tuesday 2 March 08:00, nobody home; rebooked for Wednesday 3 at 08:00, before
    the rebooking was due (Wednesday 10:00): the clock stood still one working day (Tuesday's
    ten working hours), and the due time moves by one."""
    state = booked(MONDAY + DAY)
    due = activation(state).due_at
    state = missed(state, FailureReason.CUSTOMER_ABSENT, MONDAY + DAY + 2 * HOUR)
    assert activation(state).paused
    page = view(views.snapshot(state, MONDAY + DAY + 3 * HOUR), MONDAY + DAY + 3 * HOUR)
    (line,) = [p.words for p in page.promises if p.what == "activation"]
    assert line.endswith("tempo sospeso dal mar 2 mar 08:00 (non eri disponibile per la visita)")
    state = lifecycle.escalate(state, due + 5 * DAY).state  # long past: nothing breaks
    assert activation(state).breached_at is None  # (dispatch's late rebooking is another matter)
    assert all(a.what != "activation" for a in compensation.breakdown(state, due + 5 * DAY))
    state = rebooked(state, MONDAY + 2 * DAY, MONDAY + DAY + 3 * HOUR)
    moved = activation(state)
    assert not moved.paused and moved.pauses[0].end == MONDAY + 2 * DAY
    assert moved.pauses[0].reason == "customer absent" and moved.pauses[0].by == "luca"
    assert moved.due_at == due + DAY
    events = [e.event for e in state.timeline]
    assert events.index("clock_stopped") < events.index("clock_restarted")


def test_dispatchs_own_delay_is_never_charged_to_the_customer() -> None:
    """Rebooked only for the following week: the clock restarts when dispatch owed the
    rebooking (24 h after the miss), not at the late visit's start."""
    state = booked(MONDAY + DAY)
    due = activation(state).due_at
    state = missed(state, FailureReason.ACCESS_DENIED, MONDAY + DAY + 2 * HOUR)
    rebook_due = promises.due_of(state.promises, PromiseName.REBOOK)
    assert rebook_due == MONDAY + 2 * DAY + 2 * HOUR
    state = rebooked(state, MONDAY + 8 * DAY, MONDAY + DAY + 3 * HOUR)
    moved = activation(state)
    assert moved.pauses[0].end == rebook_due
    # Tuesday 08:00 to Wednesday 10:00: twelve working hours, which land two working days
    # later once rounded up to a working day's end.
    assert moved.due_at == due + 2 * DAY


def test_a_failure_of_our_own_stops_nothing() -> None:
    state = booked(MONDAY + DAY)
    state = missed(state, FailureReason.TECHNICAL_PROBLEM, MONDAY + DAY + 2 * HOUR)
    assert not activation(state).paused and activation(state).pauses == []
