"""Which migrations a caller may see: a technician only those assigned to them, a losing
operator's gateway only those leaving that operator, a CRM only those it placed as product
orders. Everyone else sees all they may act on.

Out of scope answers 404, as if the migration did not exist: a technician cannot probe
which lines other technicians are working on.
"""

from __future__ import annotations

from datetime import UTC, datetime

from domain.models import Role
from domain.views import AsOf, Snapshot
from usecases import temporal
from usecases.callers import Principal
from usecases.errors import not_found
from workflows.line_migration import LineMigrationWorkflow

SCOPED = frozenset({Role.TECHNICIAN, Role.OPERATOR, Role.CRM})


def in_scope(principal: Principal, snap: Snapshot) -> bool:
    match principal.role:
        case Role.TECHNICIAN:  # the booked visit, or the last one that failed
            appointments = [m.appointment for m in snap.missed_visits[-1:]]
            if snap.appointment is not None:
                appointments = [snap.appointment]
            return any(a.technician_id == principal.subject for a in appointments)
        case Role.OPERATOR:
            return principal.operator is not None and snap.losing_operator == principal.operator
        case Role.CRM:
            return snap.product_order is not None and snap.product_order.crm == principal.subject
        case _:
            return True


async def snapshot(client: temporal.Client, migration_id: str) -> Snapshot:
    """The whole truth about one migration, from the migration itself, its figures counted
    to this moment (an idle migration has not woken since its last step)."""
    as_of = AsOf(at=datetime.now(UTC))
    return await temporal.query_with(
        client, LineMigrationWorkflow.snapshot_as_of, as_of, migration_id
    )


async def visible_snapshot(
    client: temporal.Client, migration_id: str, principal: Principal
) -> Snapshot:
    snap = await snapshot(client, migration_id)
    if not in_scope(principal, snap):
        raise not_found(f"no migration {migration_id}")
    return snap


async def check(client: temporal.Client, migration_id: str, principal: Principal) -> None:
    """Before a scoped role acts: one query, no history written."""
    if principal.role in SCOPED:
        await visible_snapshot(client, migration_id, principal)
