"""Finding each caller's queue in Temporal visibility, then asking each migration for the
truth: visibility trails the workflows by up to about a second, a query never does."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from temporalio.client import Client, WorkflowExecution

from api import scope
from api import workflow_calls as calls
from api.auth import Principal
from api.errors import ApiError
from api.links import linked
from domain import worklist
from domain.models import Role
from domain.views import Snapshot
from settings import Settings
from workflows import search_attributes as sa

MAX_CANDIDATES = 500  # a person's queue; beyond this, supervisors search the Web UI
PAGE_SIZE = 25
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$")  # quoted into a query
RUNNING = "WorkflowType = 'LineMigrationWorkflow' AND ExecutionStatus = 'Running'"


def candidates_query(caller: worklist.Caller) -> str:
    """The visibility query that finds every migration that may hold work for the caller
    (a superset: `worklist.items_for` decides exactly)."""
    open_tickets = f"{sa.OPEN_TICKETS.name} IS NOT NULL"
    match caller.role:
        case Role.SALES:
            who = f"{sa.SALES_AGENT.name} = '{_safe(caller.subject)}'"
            return f"{who} AND {sa.STAGE.name} = 'proposed'"
        case Role.DISPATCH:
            return f"({sa.STAGE.name} = 'confirmed' OR {open_tickets})"
        case Role.TECHNICIAN:
            who = f"{sa.TECHNICIAN.name} = '{_safe(caller.subject)}'"
            return f"{who} AND ({sa.STAGE.name} = 'scheduled' OR {open_tickets})"
        case Role.CARE:
            without = f"{sa.WITHOUT_SERVICE.name} = true"
            return f"({without} OR {open_tickets} OR {sa.ESCALATION_LEVEL.name} >= 1)"
        case Role.OPERATOR:
            operator = _safe(caller.operator or "")
            return f"{sa.LOSING_OPERATOR.name} = '{operator}' AND {sa.STAGE.name} = 'activated'"
        case Role.SUPERVISOR | Role.AUDITOR:
            return f"({sa.ESCALATION_LEVEL.name} >= 2 OR {sa.WITHOUT_SERVICE.name} = true)"
        case Role.CRM:
            raise ApiError(
                403, "forbidden", "a CRM has no worklist: it follows its orders through /tmf-api"
            )


def _safe(name: str) -> str:
    if not SAFE_NAME.fullmatch(name):
        raise ApiError(422, "invalid_request", "this identity cannot have a worklist")
    return name


def _urgency(w: WorkflowExecution) -> tuple[bool, datetime]:
    """Breached or without service first, then the soonest deadline (from visibility)."""
    attributes = w.typed_search_attributes
    urgent = bool(attributes.get(sa.ESCALATION_LEVEL)) or bool(attributes.get(sa.WITHOUT_SERVICE))
    deadline = attributes.get(sa.NEXT_DEADLINE) or datetime.max.replace(tzinfo=UTC)
    return (not urgent, deadline)


async def queue(
    client: Client, settings: Settings, principal: Principal, offset: int
) -> tuple[list[worklist.WorkItem], int | None]:
    """One page of the caller's queue and the offset of the next page, if any."""
    caller = worklist.Caller(
        role=principal.role, subject=principal.subject, operator=principal.operator
    )
    query = f"{RUNNING} AND {candidates_query(caller)}"
    async with calls.temporal_errors("(worklist)"):
        found = [w async for w in client.list_workflows(query, limit=MAX_CANDIDATES)]
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


async def _truth(client: Client, migration_id: str, principal: Principal) -> Snapshot | None:
    """The migration's snapshot, or None if it closed or left the caller's scope meanwhile."""
    try:
        return await scope.visible_snapshot(client, migration_id, principal)
    except ApiError:
        return None


async def day(client: Client, principal: Principal, now: datetime) -> list[worklist.DayVisit]:
    """A technician's visits today, in slot order: his own only (visibility finds them,
    each migration's query says exactly)."""
    who = f"{sa.TECHNICIAN.name} = '{_safe(principal.subject)}'"
    query = f"{RUNNING} AND {who} AND {sa.STAGE.name} = 'scheduled'"
    async with calls.temporal_errors("(my day)"):
        found = [w async for w in client.list_workflows(query, limit=MAX_CANDIDATES)]
    snapshots = await asyncio.gather(*(_truth(client, w.id, principal) for w in found))
    return worklist.my_day(principal.subject, [s for s in snapshots if s is not None], now)
