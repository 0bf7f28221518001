"""A CRM's product orders: place one (a migration), find, list, amend its requested start,
cancel it. Each order is one migration's run chain; a CRM sees only its own, and another
CRM's order is as missing as one that never was."""

from __future__ import annotations

import re
from datetime import date, datetime
from uuid import uuid4

from domain.commands import ChangeRequestedStart, Withdraw
from domain.models import OrderRef, Stage
from domain.tmf.facts import ORDER_DATES_MEMO, ORDER_MEMO, ListedOrder, OrderFacts, parts
from domain.tmf.models import ProductOrderState
from domain.tmf.orders import STATES
from settings import Settings
from usecases import migrations, temporal
from usecases import visibility as v
from usecases.actions import run
from usecases.callers import Principal
from usecases.errors import Refused, in_conflict, not_found
from usecases.idempotency import Keyed, derived_id, reserve
from usecases.proposal import MigrationIn
from workflows import search_attributes as sa
from workflows.line_migration import LineMigrationWorkflow

MIGRATION_ID = re.compile(r"^mig-[0-9a-f]{6,64}$")
CHAIN_ID = re.compile(r"^[0-9a-f-]{8,64}$")
MIGRATION = "LineMigrationWorkflow"
CLOSED = "this order is closed: nothing more can be done"


async def place(
    client: temporal.Client,
    settings: Settings,
    principal: Principal,
    body: MigrationIn,
    ref: OrderRef,
    bound: Keyed | None,
) -> OrderFacts:
    """Place a migration for the CRM. Its `externalId` is its key: the same body answers
    the same order, another body is a conflict, and never a second migration."""
    try:
        snap = await migrations.place(client, settings, body, principal.subject, bound, ref)
    except Refused as refused:
        if refused.code == "idempotency_key_reused":
            raise in_conflict("this externalId was already used with a different order") from None
        raise
    facts = await _query(client, snap.migration_id, None)
    if facts is None or facts.ref.crm != principal.subject:  # this line's migration is not ours
        raise in_conflict("a migration is already running for this line")
    return facts


async def listing(
    client: temporal.Client,
    principal: Principal,
    offset: int,
    limit: int,
    state: ProductOrderState | None,
    external_id: str | None,
) -> tuple[list[ListedOrder], int]:
    """One page of the CRM's orders, newest first, and how many there are in all: one
    visibility list and one count, whatever the page's size, and no migration asked."""
    clauses = [
        v.where(v.EXECUTION_STATUS, "ContinuedAsNew", "!="),
        v.where(sa.ORDERING_CRM, principal.subject),
    ]
    if external_id is not None:
        clauses.append(v.where(sa.EXTERNAL_ORDER_ID, external_id))
    if state is not None:
        stages = [s.value for s in Stage if STATES[s] is state] or ["none"]
        clauses.append(v.one_of(sa.STAGE, stages))
    query = v.workflows_of(MIGRATION, *clauses)
    total = await temporal.count(client, query)
    rows, _ = await temporal.page(client, query, offset + limit, None)
    found = [await _listed(row) for row in rows[offset:]]
    return [o for o in found if o is not None], total


async def _listed(row: temporal.Listed) -> ListedOrder | None:
    """An order from its migration's visibility row: search attributes and memo. An order
    placed before orders kept their facts in the memo (rules 7) shows what visibility has
    of it: no offer, no customer, no dates but its start."""
    attributes = row.typed_search_attributes
    stage = attributes.get(sa.STAGE)
    memo = await row.memo_value(ORDER_MEMO, None)
    dates = await row.memo_value(ORDER_DATES_MEMO, None) or {}
    if stage not in set(Stage):
        return None
    ref = OrderRef.model_validate(memo["ref"]) if memo else None
    return ListedOrder(
        migration_id=row.id,
        chain_id=row.raw_info.first_run_id or row.run_id,
        external_id=attributes.get(sa.EXTERNAL_ORDER_ID),
        customer_id=ref.customer_id if ref else None,
        offer=memo["offer"] if memo else None,
        stage=Stage(stage),
        placed_at=(ref.placed_at if ref else None) or row.start_time,
        requested_start=date.fromisoformat(w) if (w := dates.get("requested_start")) else None,
        ended_at=datetime.fromisoformat(e) if (e := dates.get("ended_at")) else None,
    )


async def find(client: temporal.Client, order_id: str, principal: Principal) -> OrderFacts:
    """The order with this id if this CRM owns it; 404 otherwise (another CRM's included)."""
    facts, _ = await _located(client, order_id, principal)
    return facts


async def amend_requested_start(
    client: temporal.Client,
    order_id: str,
    principal: Principal,
    wanted: date | None,
    bound: Keyed | None,
) -> OrderFacts:
    """Move the day the customer wants the technician from (None: as soon as possible);
    refused in words once the visit is booked. Its key is kept by the migration's ledger."""
    _, newest = await _located(client, order_id, principal)
    if not newest:
        raise in_conflict(CLOSED)
    cmd = ChangeRequestedStart(actor=principal.actor, requested_start_date=wanted)
    await run(
        client,
        _migration_of(order_id),
        LineMigrationWorkflow.change_requested_start,
        cmd,
        "requested-start",
        bound,
    )
    return await find(client, order_id, principal)


async def cancel(
    client: temporal.Client,
    task_queue: str,
    order_id: str,
    principal: Principal,
    reason: str,
    bound: Keyed | None,
) -> tuple[OrderFacts, str | None, str]:
    """Withdraw the order's migration: the order as it then is, the refusal in words when
    it is too late (the contract effective, the order closed), and the cancellation's id.
    An order already cancelled by a task answers that task again; a task sent again with
    its key is the same task (its id derived from the key), another body with it refused."""
    facts, newest = await _located(client, order_id, principal)
    if bound is not None:
        await reserve(client, task_queue, bound, order_id)
    if facts.cancellation is not None:
        return facts, None, facts.cancellation.id
    cid = derived_id(bound) or uuid4().hex
    cmd = Withdraw(actor=principal.actor, reason=reason, cancellation_id=cid)
    refusal = None if newest else "the order is closed"
    if refusal is None:
        try:
            await run(
                client, _migration_of(order_id), LineMigrationWorkflow.withdraw, cmd, "cancel", None
            )
        except Refused as refused:
            if refused.status != 409:
                raise
            refusal = refused.message
    if refusal is None:
        facts = await find(client, order_id, principal)
    return facts, refusal, cid


async def _located(
    client: temporal.Client, order_id: str, principal: Principal
) -> tuple[OrderFacts, bool]:
    """`find`'s order, and whether it is its line's newest run chain (the one a command
    reaches): an earlier order of a line migrated again is closed."""
    ids = parts(order_id)
    missing = not_found(f"no product order {order_id}")
    if ids is None or not MIGRATION_ID.match(ids[0]) or not CHAIN_ID.match(ids[1]):
        raise missing
    migration_id, chain_id = ids
    facts = await _query(client, migration_id, None)
    newest = facts is not None and facts.order_id == order_id
    if not newest:  # the line was migrated again since
        facts = await _earlier(client, migration_id, chain_id, order_id)
    if facts is None or facts.ref.crm != principal.subject:
        raise missing
    return facts, newest


async def _earlier(
    client: temporal.Client, migration_id: str, chain_id: str, order_id: str
) -> OrderFacts | None:
    """An earlier order of the same line: the chain's first run, or (if that run continued
    as new) the chain's last, found among the line's closed runs."""
    try:
        first = await temporal.describe(client, migration_id, chain_id)
    except Refused as refused:  # a run id that is no run id at all
        if refused.status == 422:
            return None
        raise
    if first is None:
        return None
    if first.status is not temporal.Status.CONTINUED_AS_NEW:
        return await _query(client, migration_id, chain_id)
    query = v.all_of(
        v.where(v.WORKFLOW_ID, migration_id), v.where(v.EXECUTION_STATUS, "ContinuedAsNew", "!=")
    )
    for closed in await temporal.listed(client, query):
        facts = await _query(client, migration_id, closed.run_id)
        if facts is not None and facts.order_id == order_id:
            return facts
    return None


async def _query(
    client: temporal.Client, migration_id: str, run_id: str | None
) -> OrderFacts | None:
    return await temporal.query_or_none(
        client, LineMigrationWorkflow.order_facts, migration_id, run_id
    )


def _migration_of(order_id: str) -> str:
    ids = parts(order_id)
    assert ids is not None  # found, so well formed
    return ids[0]
