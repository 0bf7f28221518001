"""Product counters: what grows between two states is exactly what happened between them."""

from __future__ import annotations

from datetime import timedelta

from domain import counters, lifecycle
from domain.commands import Confirm, ReportServiceLoss, ReportVisit, Withdraw
from domain.models import VisitOutcome
from domain.records import MigrationState
from tests.builders import LUCA, SALES, T0, proposed, run, scheduled

HOUR = timedelta(hours=1)
CONFIRMATION = (("promise", "confirmation"),)


def test_a_breach_and_its_escalation_are_counted_once() -> None:
    before = proposed()
    late = lifecycle.escalate(before, T0 + 49 * HOUR).state
    grown = counters.growth(counters.counts(before), counters.counts(late))
    assert grown == {
        (counters.PROMISE_BREACHES, CONFIRMATION): 1,
        (counters.ESCALATIONS, (("level", "1"),)): 1,
    }
    again = lifecycle.escalate(late, T0 + 49 * HOUR).state
    assert counters.growth(counters.counts(late), counters.counts(again)) == {}


def test_confirming_settles_the_promise_and_opens_the_next() -> None:
    before = proposed()
    after = run(before, Confirm(actor=SALES, channel="phone"), T0 + HOUR)
    grown = counters.growth(counters.counts(before), counters.counts(after))
    assert grown[(counters.PROMISES_SETTLED, CONFIRMATION)] == 1
    assert grown[(counters.PROMISES_OPENED, (("promise", "technician_contact"),))] == 1


def assert_only_grows(*states: MigrationState) -> None:
    for before, after in zip(states, states[1:], strict=False):
        assert not counters.counts(before) - counters.counts(after)


def test_counts_never_shrink_along_a_migration() -> None:
    lost = run(proposed(), ReportServiceLoss(actor=LUCA, reported_via="gw"), T0 + HOUR)
    assert counters.counts(lost)[(counters.SERVICE_LOSSES, ())] == 1
    assert_only_grows(proposed(), lost, lifecycle.escalate(lost, T0 + 30 * HOUR).state)

    booked = scheduled()
    active = run(booked, ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED), T0 + 2 * HOUR)
    assert_only_grows(proposed(), booked, active)

    withdrawn = run(proposed(), Withdraw(actor=SALES, reason="changed mind"), T0 + HOUR)
    assert_only_grows(proposed(), withdrawn)
    assert counters.counts(withdrawn)[(counters.CLOSED, (("stage", "withdrawn"),))] == 1
