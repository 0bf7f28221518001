"""No customer is abandoned: failed visits are rebooked, missed ones are paid for, and a
migration never closes while its customer is without service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import compensation, lifecycle, views
from domain.commands import (
    AcknowledgeTicket,
    BookVisit,
    Command,
    Confirm,
    ConfirmLineRelease,
    ConfirmServiceRestored,
    Decision,
    EffectKind,
    OpenTicket,
    ReportServiceLoss,
    ReportVisit,
    Withdraw,
)
from domain.handlers import HANDLERS
from domain.models import (
    Actor,
    FailureReason,
    MissReason,
    Party,
    PromiseName,
    PromiseStatus,
    RestoredHow,
    Stage,
    VisitOutcome,
)
from domain.records import MigrationState
from domain.rules import RAINY_DAY_RULES
from tests.builders import HOUR, LUCA, SALES, T0, proposed, run, scheduled

MARTA = Actor(subject="marta", role="dispatch")
GATEWAY = Actor(subject="telecom-gateway", role="operator")
MISSED = 1500  # the policy's default missed-appointment sum
DAY = 750  # the policy's default per started day


def rainy_scheduled() -> MigrationState:
    return scheduled(rules=RAINY_DAY_RULES)


def failed(state: MigrationState, reason: FailureReason, at: timedelta = 2 * HOUR) -> Decision:
    cmd = ReportVisit(actor=LUCA, outcome=VisitOutcome.FAILED, reason=reason, notes="note")
    return lifecycle.apply(state, cmd, T0 + at)


def book(state: MigrationState, start: timedelta, at: timedelta) -> MigrationState:
    cmd = BookVisit(
        actor=MARTA,
        technician_id="luca",
        window_start=T0 + start,
        window_end=T0 + start + 4 * HOUR,
        work_order_id="wo-2",
    )
    return run(state, cmd, T0 + at)


def test_every_command_has_one_handler() -> None:
    assert set(HANDLERS) == set(Command.__subclasses__())


@pytest.mark.parametrize(
    ("reason", "owed"),
    [
        (FailureReason.CUSTOMER_ABSENT, 0),
        (FailureReason.ACCESS_DENIED, 0),
        (FailureReason.TECHNICAL_PROBLEM, MISSED),
    ],
)
def test_a_fixable_failure_goes_back_to_dispatch(reason: FailureReason, owed: int) -> None:
    decision = failed(rainy_scheduled(), reason)
    s = decision.state
    assert s.stage is Stage.CONFIRMED and s.appointment is None
    assert [(m.reason.value, m.by, m.appointment.technician_id) for m in s.missed_visits] == [
        (reason.value, "luca", "luca")
    ]
    rebook = next(p for p in s.promises if p.name is PromiseName.REBOOK)
    assert rebook.owner is Party.DISPATCH and rebook.due_at == T0 + 2 * HOUR + 24 * HOUR
    assert views.owner(s).party is Party.DISPATCH
    assert (
        "dispatch must rebook the visit by Tue 3 Nov, 12:14 UTC" in views.snapshot(s, T0).next_step
    )
    assert [e.kind for e in decision.effects] == [EffectKind.NOTIFY_VISIT_MISSED]
    assert compensation.total(s, T0 + 3 * HOUR).amount_cents == owed


def test_rebooked_visit_can_then_activate() -> None:
    s = failed(rainy_scheduled(), FailureReason.CUSTOMER_ABSENT).state
    s = book(s, start=30 * HOUR, at=3 * HOUR)
    assert s.stage is Stage.SCHEDULED and s.appointment is not None
    assert s.appointment.revision == 2
    rebook = next(p for p in s.promises if p.name is PromiseName.REBOOK)
    assert rebook.status is PromiseStatus.KEPT
    s = run(s, ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED), T0 + 31 * HOUR)
    assert s.stage is Stage.ACTIVATED and s.contract_effective_at == T0 + 31 * HOUR


def test_not_feasible_fails_with_the_saga() -> None:
    decision = failed(rainy_scheduled(), FailureReason.NOT_FEASIBLE)
    assert decision.state.stage is Stage.FAILED
    assert decision.state.outcome_reason == "visit failed: the line cannot be built: note"
    assert [e.kind for e in decision.effects] == [EffectKind.CANCEL_MIGRATION_ORDER]
    assert lifecycle.is_closed(decision.state)


def test_technician_no_show_owes_the_sum_once_and_dispatch_rebooks() -> None:
    decision = lifecycle.escalate(rainy_scheduled(), T0 + 4 * HOUR)  # the window's end
    s = decision.state
    assert s.stage is Stage.CONFIRMED
    assert [m.reason for m in s.missed_visits] == [MissReason.TECHNICIAN_NO_SHOW]
    visit = next(p for p in s.promises if p.name is PromiseName.VISIT)
    assert visit.status is PromiseStatus.BREACHED and not visit.pending
    kinds = [e.kind for e in decision.effects]
    assert kinds == [EffectKind.ESCALATE, EffectKind.NOTIFY_VISIT_MISSED]
    notice = decision.effects[0].escalation
    assert notice is not None and "technician luca visits the customer" in notice.summary
    assert views.owner(s).party is Party.DISPATCH
    later = lifecycle.escalate(s, T0 + 20 * HOUR).state  # the ladder stops for a lapsed visit
    assert compensation.total(later, T0 + 20 * HOUR).amount_cents == MISSED
    refused = lifecycle.refusal(s, ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED))
    assert refused is not None and "dispatch must book a new one first" in refused.reason


def test_moving_a_visit_at_short_notice_owes_the_sum() -> None:
    early = book(rainy_scheduled(), start=40 * HOUR, at=0 * HOUR)  # 1 h notice: owed
    assert [m.reason for m in early.missed_visits] == [MissReason.MOVED_AT_SHORT_NOTICE]
    assert compensation.total(early, T0).amount_cents == MISSED
    calm = book(early, start=80 * HOUR, at=2 * HOUR)  # 38 h notice: nothing more
    assert compensation.total(calm, T0 + 2 * HOUR).amount_cents == MISSED


def without_service(state: MigrationState) -> MigrationState:
    return run(state, ReportServiceLoss(actor=GATEWAY, reported_via="gateway"), T0 + HOUR)


@pytest.mark.parametrize("ending", ["not_feasible", "withdrawal"])
def test_a_customer_without_service_is_not_abandoned(ending: str) -> None:
    s = without_service(rainy_scheduled())
    if ending == "withdrawal":
        decision = lifecycle.apply(s, Withdraw(actor=SALES, reason="no"), T0 + 2 * HOUR)
    else:
        decision = failed(s, FailureReason.NOT_FEASIBLE)
    s = decision.state
    assert s.stage in (Stage.FAILED, Stage.WITHDRAWN) and not lifecycle.is_closed(s)
    kinds = [e.kind for e in decision.effects]
    assert kinds.count(EffectKind.REQUEST_REINSTATEMENT) == 1
    restoration = next(p for p in s.promises if p.name is PromiseName.SERVICE_RESTORATION)
    assert restoration.pending
    assert "reinstate the old line" in views.snapshot(s, T0).next_step
    # The ladder keeps climbing and the compensation keeps accruing after the end.
    late = lifecycle.escalate(s, T0 + 34 * HOUR).state
    assert views.escalation_level(late) == 3
    assert compensation.total(late, T0 + 49 * HOUR + timedelta(seconds=1)).amount_cents == 3 * DAY
    back = ConfirmServiceRestored(actor=GATEWAY, how=RestoredHow.OLD_LINE_REINSTATED)
    assert lifecycle.refusal(late, back) is None
    closed = run(late, back, T0 + 50 * HOUR)
    assert lifecycle.is_closed(closed) and not closed.customer_without_service
    final = compensation.total(closed, T0 + 90 * HOUR).amount_cents
    assert final == 3 * DAY  # stops accruing once service is back
    assert lifecycle.refusal(closed, back) is not None  # nothing left to restore


def test_service_lost_twice_counts_both_episodes() -> None:
    s = without_service(proposed(RAINY_DAY_RULES))
    back = ConfirmServiceRestored(actor=GATEWAY, how=RestoredHow.OLD_LINE_REINSTATED)
    s = run(s, back, T0 + 30 * HOUR)  # 29 h: two started days
    s = run(s, ReportServiceLoss(actor=GATEWAY, reported_via="gateway"), T0 + 40 * HOUR)
    assert s.customer_without_service
    assert compensation.total(s, T0 + 41 * HOUR).amount_cents == 3 * DAY


# --- the invariant over random command sequences -------------------------------------------

COMMANDS: list[Command] = [
    Confirm(actor=SALES, channel="phone"),
    Withdraw(actor=SALES, reason="changed mind"),
    BookVisit(
        actor=MARTA,
        technician_id="luca",
        window_start=T0 + 90 * HOUR,
        window_end=T0 + 94 * HOUR,
        work_order_id="wo",
    ),
    ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED),
    *(ReportVisit(actor=LUCA, outcome=VisitOutcome.FAILED, reason=r) for r in FailureReason),
    ReportServiceLoss(actor=GATEWAY, reported_via="gateway"),
    ConfirmServiceRestored(actor=GATEWAY, how=RestoredHow.OLD_LINE_REINSTATED),
    ConfirmLineRelease(actor=GATEWAY),
    OpenTicket(actor=SALES, channel="phone", summary="where is my technician?"),
    AcknowledgeTicket(actor=LUCA, ticket_id="T1"),
]
steps = st.lists(
    st.tuples(st.sampled_from(COMMANDS), st.integers(min_value=0, max_value=30 * 3600)),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(steps=steps)
def test_a_closed_migration_never_leaves_its_customer_without_service(
    steps: list[tuple[Command, int]],
) -> None:
    state, now = proposed(RAINY_DAY_RULES), T0
    for cmd, gap in steps:
        now += timedelta(seconds=gap)
        state = lifecycle.escalate(state, now).state
        if lifecycle.refusal(state, cmd) is None:
            state = lifecycle.apply(state, cmd, now).state
        if lifecycle.is_closed(state):
            assert not state.customer_without_service
            assert not any(p.pending for p in state.promises)
        if state.release_requested:  # make before break
            assert state.contract_effective_at is not None
