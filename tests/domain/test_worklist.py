"""What each role's queue holds for a migration, in words, by when, in order."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import lifecycle, views, worklist
from domain.commands import BookVisit, Confirm, OpenTicket, ReportServiceLoss, ReportVisit
from domain.models import Role, VisitOutcome
from domain.records import MigrationState
from domain.rules import RAINY_DAY_RULES
from domain.views import Snapshot
from domain.worklist import Action, Caller, in_order, items_for
from tests.builders import DISPATCH as DISPATCHER
from tests.builders import HOUR, LUCA, SALES, T0, proposed, run, scheduled

DARIO_CALLS = Caller(role=Role.SALES, subject="dario")
DISPATCH = Caller(role=Role.DISPATCH, subject="marta")
TECH = Caller(role=Role.TECHNICIAN, subject="luca")
OTHER_TECH = Caller(role=Role.TECHNICIAN, subject="sara")
CARE = Caller(role=Role.CARE, subject="giulia")
TELECOM = Caller(role=Role.OPERATOR, subject="gw", operator="telecom")
WIND = Caller(role=Role.OPERATOR, subject="gw", operator="wind")
AUDITOR = Caller(role=Role.AUDITOR, subject="enzo")


def actions(caller: Caller, state: MigrationState, now: datetime = T0) -> list[str]:
    return [i.action.value for i in items_for(caller, views.snapshot(state, now), now)]


def test_a_proposal_waits_for_its_own_sales_agent() -> None:
    state = proposed()
    assert actions(DARIO_CALLS, state) == ["confirm"]
    assert actions(Caller(role=Role.SALES, subject="other"), state) == []
    assert actions(DISPATCH, state) == []


def test_a_visit_is_its_technicians_and_a_ticket_the_field_teams() -> None:
    state = run(scheduled(), OpenTicket(actor=SALES, channel="phone", summary="when?"), T0)
    assert actions(TECH, state) == ["report_visit", "acknowledge_ticket"]
    assert actions(OTHER_TECH, state) == []
    assert actions(DISPATCH, state) == ["acknowledge_ticket"]
    [seen] = items_for(CARE, views.snapshot(state, T0), T0)
    assert seen.action is Action.ACKNOWLEDGE_TICKET and seen.read_only


def test_a_failed_visit_goes_back_to_dispatch_in_words() -> None:
    state = scheduled(rules=RAINY_DAY_RULES)
    state = lifecycle.escalate(state, T0 + 5 * HOUR).state  # nobody reported the visit
    [item] = items_for(DISPATCH, views.snapshot(state, T0 + 5 * HOUR), T0 + 5 * HOUR)
    assert item.action is Action.BOOK_VISIT
    assert item.summary.startswith("Rebook the visit: no report by the end of the window")


def test_activation_is_the_losing_operators_to_release() -> None:
    state = run(scheduled(), ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED), T0)
    assert actions(TELECOM, state) == ["confirm_line_release"]
    assert actions(WIND, state) == []


def test_a_customer_without_service_is_in_care_and_oversight_queues() -> None:
    state = run(proposed(), ReportServiceLoss(actor=SALES, reported_via="phone"), T0)
    assert actions(CARE, state) == ["restore_service"]
    assert actions(AUDITOR, state) == ["restore_service", "review_escalation"]
    assert all(i.read_only for i in items_for(AUDITOR, views.snapshot(state, T0), T0))


def test_overdue_first_then_the_soonest_due() -> None:
    late = views.snapshot(proposed(), T0)
    soon = views.snapshot(
        run(proposed(), OpenTicket(actor=SALES, channel="x", summary="y"), T0), T0
    )
    now = T0 + timedelta(hours=50)  # the confirmation (48 h) is overdue, the ticket (4 h) too
    items = items_for(DARIO_CALLS, late, now) + items_for(DISPATCH, soon, now)
    ordered = in_order(list(reversed(items)))
    assert [i.overdue for i in ordered] == [True, True]
    assert ordered[0].due_at is not None and ordered[1].due_at is not None
    assert ordered[0].due_at <= ordered[1].due_at


def booked_at(start: datetime, technician: str = "luca") -> Snapshot:
    state = run(proposed(), Confirm(actor=SALES, channel="phone"), T0)
    cmd = BookVisit(
        actor=DISPATCHER, technician_id=technician, window_start=start, window_end=start + HOUR
    )
    return views.snapshot(run(state, cmd, T0), T0)


def test_a_technicians_day_is_his_own_visits_today_in_slot_order() -> None:
    afternoon, morning = booked_at(T0 + 4 * HOUR), booked_at(T0 + HOUR)
    tomorrow, sara = booked_at(T0 + 24 * HOUR), booked_at(T0 + 2 * HOUR, "sara")
    day = worklist.my_day("luca", [afternoon, tomorrow, sara, morning], T0)
    assert [v.window_start for v in day] == [T0 + HOUR, T0 + 4 * HOUR]
    assert day[0].address == "Via Roma 1, Roma" and day[0].phone == "+393331234567"
