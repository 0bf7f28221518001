"""Automatic compensation: per started day of a breached promise, a flat sum per missed visit."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timedelta

from domain.models import LEGACY_RULES, MigrationState, Money, Promise, PromiseName
from domain.policy import MigrationPolicy

DAY = timedelta(days=1)


def started_days(start: datetime, end: datetime) -> int:
    if end <= start:
        return 0
    return math.ceil((end - start) / DAY)


def _breach_episodes(p: Promise, now: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Each (due, end) interval the promise spent breached, including ones later re-planned."""
    for r in p.replans:
        if r.breached_at is not None:
            yield r.previous_due, r.at
    if p.breached_at is not None:
        yield p.due_at, p.fulfilled_at or p.lapsed_at or p.cancelled_at or now


def promise_cents(p: Promise, policy: MigrationPolicy, now: datetime) -> int:
    """Per started day of each breach; a rebooking owes what the first contact owed."""
    per_day = {
        PromiseName.TECHNICIAN_CONTACT: policy.technician_contact_cents_per_day,
        PromiseName.REBOOK: policy.technician_contact_cents_per_day,
        PromiseName.VISIT: policy.visit_cents_per_day,
        PromiseName.CUT_OVER: policy.cut_over_cents_per_day,
    }.get(p.name, 0)
    return sum(per_day * started_days(start, end) for start, end in _breach_episodes(p, now))


def missed_visit_cents(state: MigrationState, policy: MigrationPolicy, now: datetime) -> int:
    """The flat sum per appointment the operator missed: a no-show, its own technical
    problem, or a move at short notice (under the old rules: each breach of the visit)."""
    if state.rules == LEGACY_RULES:
        visits = (p for p in state.promises if p.name is PromiseName.VISIT)
        missed = sum(1 for p in visits for _ in _breach_episodes(p, now))
    else:
        missed = sum(m.operator_at_fault for m in state.missed_visits)
    return policy.missed_visit_cents * missed


def without_service_cents(state: MigrationState, policy: MigrationPolicy, now: datetime) -> int:
    if state.without_service_since is None:
        return 0
    end = state.service_restored_at or now
    days = state.earlier_days_without_service + started_days(state.without_service_since, end)
    return policy.without_service_cents_per_day * days


def breakdown(state: MigrationState, now: datetime) -> list[tuple[str, int]]:
    """What the customer is owed, and for what: each broken promise, the appointments the
    operator missed, the days without service."""
    policy = state.request.policy
    parts = [(p.name.value, promise_cents(p, policy, now)) for p in state.promises]
    parts.append(("missed_appointments", missed_visit_cents(state, policy, now)))
    parts.append(("without_service", without_service_cents(state, policy, now)))
    return [(what, cents) for what, cents in parts if cents]


def total(state: MigrationState, now: datetime) -> Money:
    return Money(amount_cents=sum(cents for _, cents in breakdown(state, now)))
