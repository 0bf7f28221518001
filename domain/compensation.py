"""Automatic compensation: per started day of a breached promise, a flat sum per missed visit.

From the calendar rules on, a migration with its jurisdiction's terms is paid from their
dated tables only (each sum with its table and legal reference); before, from the policy's
amounts, in euros."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timedelta

from domain.models import Money, PromiseName
from domain.policy import MigrationPolicy
from domain.records import MigrationState, Promise
from domain.rules import Rules
from domain.terms import (
    Accrued,
    CompensationKind,
    Terms,
    days_owed,
    flat_owed,
    outages_count_from_start,
)

DAY = timedelta(days=1)
EURO = "EUR"  # the policy's amounts, for migrations decided before the tables


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
    if not Rules(state.rules).owes_per_missed_appointment:
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


def breakdown(state: MigrationState, now: datetime) -> list[Accrued]:
    """What the customer is owed, and for what: each broken promise, the appointments the
    operator missed, the days without service."""
    terms = tables_in_force(state)
    if terms is not None:
        return _from_tables(state, terms, now)
    policy = state.request.policy
    parts = [(p.name.value, promise_cents(p, policy, now)) for p in state.promises]
    parts.append(("missed_appointments", missed_visit_cents(state, policy, now)))
    parts.append(("without_service", without_service_cents(state, policy, now)))
    return [Accrued(what=w, amount_cents=c, currency=EURO) for w, c in parts if c]


def tables_in_force(state: MigrationState) -> Terms | None:
    """The recorded terms, for a migration decided by the calendar rules."""
    return state.request.terms if Rules(state.rules).pays_from_tables else None


def _from_tables(state: MigrationState, terms: Terms, now: datetime) -> list[Accrued]:
    """Only what the tables name: a late activation, days without service (every day, or
    only once the restoration promise broke, as the table says), and each appointment the
    operator missed."""
    owed: list[Accrued] = []
    outage = CompensationKind.WITHOUT_SERVICE_PER_DAY
    every_day = outages_count_from_start(terms)
    for p in state.promises:
        if p.name is PromiseName.ACTIVATION:
            owed += days_owed(terms, terms.activation_kind, _breach_episodes(p, now))
        elif p.name is PromiseName.SERVICE_RESTORATION and not every_day:
            owed += days_owed(terms, outage, _breach_episodes(p, now))
    if every_day:
        owed += days_owed(terms, outage, _outages(state, now))
    missed = [m.at for m in state.missed_visits if m.operator_at_fault]
    owed += flat_owed(terms, CompensationKind.MISSED_APPOINTMENT, missed)
    return [a for a in owed if a.amount_cents]


def _outages(state: MigrationState, now: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Every episode the customer spent without service, the current one to now."""
    yield from state.earlier_outages
    if state.without_service_since is not None:
        yield state.without_service_since, state.service_restored_at or now


def currency(state: MigrationState) -> str:
    terms = tables_in_force(state)
    return terms.currency if terms is not None else EURO


def total(state: MigrationState, now: datetime) -> Money:
    owed = sum(a.amount_cents for a in breakdown(state, now))
    return Money(currency=currency(state), amount_cents=owed)


def per_missed_visit(state: MigrationState, at: datetime) -> Money:
    """What one appointment the operator misses at `at` owes the customer."""
    terms = tables_in_force(state)
    if terms is None:
        return Money(amount_cents=state.request.policy.missed_visit_cents)
    sums = flat_owed(terms, CompensationKind.MISSED_APPOINTMENT, [at])
    return Money(currency=terms.currency, amount_cents=sum(a.amount_cents for a in sums))
