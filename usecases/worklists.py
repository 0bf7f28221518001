"""Each caller's queue ("my work") and a technician's day: found in Temporal visibility,
then each migration asked for the truth (visibility trails the workflows by up to about a
second; a query never does)."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from domain import worklist
from domain.models import Role, Stage
from domain.views import Snapshot
from settings import Settings
from usecases import temporal
from usecases import visibility as v
from usecases.callers import Principal
from usecases.errors import Refused, forbidden, invalid
from usecases.links import linked
from usecases.scope import visible_snapshot
from workflows import search_attributes as sa

MAX_CANDIDATES = 500  # a person's queue; beyond this, supervisors search the Web UI
PAGE_SIZE = 25
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$")  # a person's name, as searched
MIGRATION = "LineMigrationWorkflow"


def candidates_query(caller: worklist.Caller) -> str:
    """The visibility clause that finds every migration that may hold work for the caller
    (a superset: `worklist.items_for` decides exactly)."""
    open_tickets = v.is_set(sa.OPEN_TICKETS)
    match caller.role:
        case Role.SALES:
            return v.all_of(
                v.where(sa.SALES_AGENT, _safe(caller.subject)),
                v.where(sa.STAGE, Stage.PROPOSED.value),
            )
        case Role.DISPATCH:
            return v.any_of(v.where(sa.STAGE, Stage.CONFIRMED.value), open_tickets)
        case Role.TECHNICIAN:
            return v.all_of(
                v.where(sa.TECHNICIAN, _safe(caller.subject)),
                v.any_of(v.where(sa.STAGE, Stage.SCHEDULED.value), open_tickets),
            )
        case Role.CARE:
            return v.any_of(
                v.where(sa.WITHOUT_SERVICE, True),
                open_tickets,
                v.where(sa.ESCALATION_LEVEL, 1, ">="),
            )
        case Role.OPERATOR:
            return v.all_of(
                v.where(sa.LOSING_OPERATOR, _safe(caller.operator or "")),
                v.where(sa.STAGE, Stage.ACTIVATED.value),
            )
        case Role.SUPERVISOR | Role.AUDITOR:
            return v.any_of(
                v.where(sa.ESCALATION_LEVEL, 2, ">="), v.where(sa.WITHOUT_SERVICE, True)
            )
        case Role.CRM:
            raise forbidden("a CRM has no worklist: it follows its orders through /tmf-api")


def _safe(name: str) -> str:
    if not SAFE_NAME.fullmatch(name):
        raise invalid("this identity cannot have a worklist")
    return name


def _urgency(w: temporal.Listed) -> tuple[bool, datetime]:
    """Breached or without service first, then the soonest deadline (from visibility)."""
    attributes = w.typed_search_attributes
    urgent = bool(attributes.get(sa.ESCALATION_LEVEL)) or bool(attributes.get(sa.WITHOUT_SERVICE))
    deadline = attributes.get(sa.NEXT_DEADLINE) or datetime.max.replace(tzinfo=UTC)
    return (not urgent, deadline)


async def queue(
    client: temporal.Client, settings: Settings, principal: Principal, offset: int
) -> tuple[list[worklist.WorkItem], int | None]:
    """One page of the caller's queue and the offset of the next page, if any."""
    caller = worklist.Caller(
        role=principal.role, subject=principal.subject, operator=principal.operator
    )
    query = v.workflows_of(MIGRATION, candidates_query(caller), running=True)
    found = await temporal.listed(client, query, MAX_CANDIDATES)
    found.sort(key=_urgency)
    page = found[offset : offset + PAGE_SIZE]
    snapshots = await asyncio.gather(*(_truth(client, w.id, principal) for w in page))
    now = datetime.now(UTC)
    items = [
        item
        for snap in snapshots
        if snap is not None
        for item in worklist.items_for(caller, linked(settings, snap), now)
    ]
    more = offset + PAGE_SIZE < len(found)
    return worklist.in_order(items), offset + PAGE_SIZE if more else None


async def _truth(
    client: temporal.Client, migration_id: str, principal: Principal
) -> Snapshot | None:
    """The migration's snapshot, or None if it closed or left the caller's scope meanwhile."""
    try:
        return await visible_snapshot(client, migration_id, principal)
    except Refused:
        return None


async def day(
    client: temporal.Client, principal: Principal, now: datetime
) -> list[worklist.DayVisit]:
    """A technician's visits today, in slot order: his own only (visibility finds them,
    each migration's query says exactly)."""
    query = v.workflows_of(
        MIGRATION,
        v.where(sa.TECHNICIAN, _safe(principal.subject)),
        v.where(sa.STAGE, Stage.SCHEDULED.value),
        running=True,
    )
    found = await temporal.listed(client, query, MAX_CANDIDATES)
    snapshots = await asyncio.gather(*(_truth(client, w.id, principal) for w in found))
    return worklist.my_day(principal.subject, [s for s in snapshots if s is not None], now)
