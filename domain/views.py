"""Read-only views of a migration: who owns the next step, its level, the full snapshot."""

from __future__ import annotations

from datetime import datetime

from domain import compensation, promises, wording
from domain.models import MigrationState, Owner, Snapshot
from domain.promises import MAX_LEVEL


def owner(state: MigrationState) -> Owner:
    """The party holding the most urgent pending promise, and when it is due."""
    first = promises.earliest_pending(state.promises)
    if first is None:
        return Owner(party=None, due_at=None)
    return Owner(party=first.owner, due_at=first.due_at)


def escalation_level(state: MigrationState) -> int:
    """The highest level still unresolved; a customer without service is always the top."""
    levels = [p.escalation_level for p in state.promises if p.pending]
    if state.customer_without_service:
        levels.append(MAX_LEVEL)
    return max(levels, default=0)


def next_deadline(state: MigrationState) -> datetime | None:
    return promises.next_due(state.promises, state.request.policy.escalation_interval)


def snapshot(state: MigrationState, now: datetime) -> Snapshot:
    req = state.request
    return Snapshot(
        migration_id=state.migration_id,
        stage=state.stage,
        owner=owner(state),
        next_step=wording.next_step(state),
        losing_operator=req.losing_operator,
        sales_agent=state.sales_agent,
        customer=req.customer,
        line=req.line,
        offer=req.offer,
        created_at=state.created_at,
        confirmed_by=state.confirmed_by,
        confirmed_at=state.confirmed_at,
        contract_effective=state.contract_effective_at is not None,
        contract_effective_at=state.contract_effective_at,
        payment_mandate_requested=state.payment_mandate_requested,
        release_requested=state.release_requested,
        line_released_at=state.line_released_at,
        customer_without_service=state.customer_without_service,
        without_service_since=state.without_service_since,
        escalation_level=escalation_level(state),
        next_deadline=next_deadline(state),
        promises=state.promises,
        tickets=state.tickets,
        escalations=state.escalations,
        compensation=compensation.total(state, now),
        appointment=state.appointment,
        missed_visits=state.missed_visits,
        reinstatement_requested=state.reinstatement_requested,
        outcome_reason=state.outcome_reason,
        timeline=state.timeline,
    )
