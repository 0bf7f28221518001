"""Stage rules, refusals in words a person can act on, owners, and compensation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain import compensation, lifecycle, views
from domain.commands import (
    Confirm,
    ConfirmLineRelease,
    EffectKind,
    RefusalKind,
    ReportServiceLoss,
    ReportVisit,
    Withdraw,
)
from domain.models import Party, Stage, VisitOutcome
from domain.records import MigrationState
from tests.builders import HOUR, LUCA, SALES, T0, proposed, run, scheduled


def test_second_confirmation_is_refused_naming_who_and_when() -> None:
    state = run(proposed(), Confirm(actor=SALES, channel="phone"), T0)
    refusal = lifecycle.refusal(state, Confirm(actor=SALES, channel="phone"))
    assert refusal is not None and refusal.kind is RefusalKind.CONFLICT
    assert refusal.reason == "already confirmed by dario at Mon 2 Nov, 10:14 UTC"


def test_withdrawal_after_activation_names_the_contract_date() -> None:
    state = run(scheduled(), ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED), T0 + HOUR)
    refusal = lifecycle.refusal(state, Withdraw(actor=SALES, reason="x"))
    assert refusal is not None
    assert refusal.reason == (
        "the contract is effective since Mon 2 Nov, 11:14 UTC: withdrawal is no longer possible"
    )


def test_activation_is_the_only_way_to_release_and_bill() -> None:
    state = scheduled()
    assert lifecycle.refusal(state, ConfirmLineRelease(actor=LUCA)) is not None
    decision = lifecycle.apply(
        state, ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED), T0 + HOUR
    )
    kinds = {e.kind for e in decision.effects}
    assert {EffectKind.REQUEST_RELEASE, EffectKind.REQUEST_MANDATE} <= kinds
    assert decision.state.contract_effective_at == T0 + HOUR


def test_withdrawal_unwinds_in_reverse_order() -> None:
    decision = lifecycle.apply(scheduled(), Withdraw(actor=SALES, reason="no"), T0 + HOUR)
    kinds = [e.kind for e in decision.effects]
    assert kinds == [
        EffectKind.CANCEL_VISIT,
        EffectKind.CANCEL_MIGRATION_ORDER,
        EffectKind.NOTIFY_WITHDRAWAL,
    ]
    assert decision.state.compensations == []


def test_idempotency_key_reused_with_another_body_is_refused() -> None:
    state = run(
        proposed(),
        Confirm(actor=SALES, channel="phone", idempotency_key="k1", request_hash="h1"),
        T0,
    )
    other = Withdraw(actor=SALES, reason="x", idempotency_key="k1", request_hash="h2")
    refusal = lifecycle.refusal(state, other)
    assert refusal is not None and refusal.kind is RefusalKind.IDEMPOTENCY_MISMATCH


@pytest.mark.parametrize(
    ("state", "party"),
    [(proposed(), Party.GAINING_OPERATOR), (scheduled(), Party.FIELD_TEAM)],
)
def test_one_owner_at_a_time(state: MigrationState, party: Party) -> None:
    owner = views.owner(state)
    assert owner.party is party and owner.due_at is not None


def test_owner_after_activation_is_the_losing_operator() -> None:
    state = run(scheduled(), ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED), T0 + HOUR)
    assert views.owner(state).party is Party.LOSING_OPERATOR


def test_service_loss_goes_to_the_top_and_accrues_per_started_day() -> None:
    state = run(proposed(), ReportServiceLoss(actor=LUCA, reported_via="gateway"), T0)
    assert state.customer_without_service and views.escalation_level(state) == 3
    assert compensation.total(state, T0 + timedelta(hours=1)).amount_cents == 750
    assert compensation.total(state, T0 + timedelta(days=2, hours=1)).amount_cents == 3 * 750
    assert lifecycle.refusal(state, ReportServiceLoss(actor=LUCA, reported_via="x")) is not None


def test_missed_visit_pays_flat_plus_per_day() -> None:
    state = scheduled()
    state = lifecycle.escalate(state, T0 + 5 * HOUR).state  # window ended at T0 + 4 h
    assert state.stage is Stage.SCHEDULED
    cents = compensation.total(state, T0 + 5 * HOUR).amount_cents
    assert cents == 1500 + 750
