"""Product counters as a pure function of state: the workflow adds only what grew.

Every count here only ever grows over a migration's life (promises, breaches and
escalations are never deleted), so the difference between two states is exactly what
happened between them, however many transitions or runs lie in between.
"""

from __future__ import annotations

from collections import Counter

from domain.models import TERMINAL_STAGES
from domain.records import MigrationState

Labels = tuple[tuple[str, str], ...]
Series = tuple[str, Labels]

PROMISES_OPENED = "migration_promises_opened_total"
PROMISES_SETTLED = "migration_promises_settled_total"
PROMISE_BREACHES = "migration_promise_breaches_total"
PROMISE_WARNINGS = "migration_promise_warnings_total"
ESCALATIONS = "migration_escalations_total"
SERVICE_LOSSES = "migration_service_losses_total"
CLOSED = "migration_closed_total"

DESCRIPTIONS = {
    PROMISES_OPENED: "promises made to a customer, by promise",
    PROMISES_SETTLED: "promises kept or cancelled (open = opened - settled), by promise",
    PROMISE_BREACHES: "due times that passed unfulfilled (re-planned ones included)",
    PROMISE_WARNINGS: "promises that warned their owner they were at risk, by promise",
    ESCALATIONS: "escalation notices, by level",
    SERVICE_LOSSES: "customers left without service before activation",
    CLOSED: "migrations that reached an end, by final stage",
}


def counts(state: MigrationState) -> Counter[Series]:
    c: Counter[Series] = Counter()
    for p in state.promises:
        promise = (("promise", p.name.value),)
        c[(PROMISES_OPENED, promise)] += 1
        c[(PROMISES_SETTLED, promise)] += int(not p.pending)
        breaches = [p.breached_at, *(r.breached_at for r in p.replans)]
        c[(PROMISE_BREACHES, promise)] += sum(b is not None for b in breaches)
        c[(PROMISE_WARNINGS, promise)] += int(p.at_risk)
    for e in state.escalations:
        c[(ESCALATIONS, (("level", str(e.level)),))] += 1
    c[(SERVICE_LOSSES, ())] += int(state.without_service_since is not None)
    if state.stage in TERMINAL_STAGES:
        c[(CLOSED, (("stage", state.stage.value),))] += 1
    return +c  # zero counts dropped


def growth(before: Counter[Series], after: Counter[Series]) -> dict[Series, int]:
    """What to add to each counter to go from `before` to `after`."""
    return dict(after - before)
