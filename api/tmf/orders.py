"""TMF622 Product Ordering Management v4: a CRM places, reads, changes and cancels the
migrations it ordered. Each order is one migration's run chain; a CRM sees only its own."""

from __future__ import annotations

import asyncio
import re
from typing import Annotated, Any
from uuid import uuid4

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from api import workflow_calls as calls
from api.auth import Principal
from api.deps import ClientDep, SettingsDep
from api.errors import ApiError
from api.routes.migrations import place
from api.schemas import error_responses
from api.tmf import translate
from api.tmf.callers import CrmReading, CrmWriting
from domain.commands import ChangeRequestedStart, Withdraw
from domain.models import Actor, OrderRef, Stage
from domain.tmf.models import (
    BASE_PATH,
    EXTERNAL_ID,
    ORDER_TYPE,
    CancelProductOrder,
    CancelProductOrderCreate,
    Error,
    ProductOrder,
    ProductOrderCreate,
    ProductOrderFields,
    ProductOrderPatch,
    ProductOrderState,
    Ref,
    TaskState,
)
from domain.tmf.orders import STATES, OwnedOrder, parts
from security import hashing
from workflows import search_attributes as sa
from workflows.line_migration import LineMigrationWorkflow

TMF_ERRORS = error_responses(
    Error,
    {
        400: "Bad Request: the field and why, in words",
        401: "Unauthorized",
        403: "Forbidden: not a CRM",
        404: "Not Found (or another CRM's)",
        405: "Method Not Allowed",
        409: "Conflict: what the order's state refuses, in words",
        413: "Payload Too Large",
        429: "Too Many Requests",
        503: "Temporal unreachable: retry later",
    },
)
router = APIRouter(prefix=BASE_PATH, tags=["TM Forum: product ordering"], responses=TMF_ERRORS)
MAX_LIMIT = 100
MIGRATION_ID = re.compile(r"^mig-[0-9a-f]{6,64}$")
CHAIN_ID = re.compile(r"^[0-9a-f-]{8,64}$")
# Selection keeps these whatever `fields` asks (TMF: a resource is always identified).
ALWAYS = ("id", "href")


@router.post(
    "/productOrder",
    status_code=201,
    response_model=ProductOrder,
    response_model_exclude_none=True,
    response_model_by_alias=True,
)
async def create_product_order(
    order: ProductOrderCreate,
    client: ClientDep,
    settings: SettingsDep,
    principal: CrmWriting,
) -> JSONResponse:
    """Place a migration. The same `externalId` and body answer the same order; another
    body with it is 409, and never a second migration."""
    migration = translate.migration_of(order)
    ref = OrderRef(
        crm=principal.subject,
        external_id=order.external_id,
        customer_id=translate.customer_party(order),
        base_url=settings.public_url,
    )
    digest = hashing.request_hash(f"tmf-order/{principal.subject}", order.wire())
    try:
        snap = await place(
            client, settings, migration, principal.subject, order.external_id, digest, ref
        )
    except ApiError as err:
        raise _in_order_terms(err) from err
    owned = await _query(client, snap.migration_id, None)
    if owned is None or owned.crm != principal.subject:  # this line's migration is not ours
        raise ApiError(409, "conflict", "a migration is already running for this line")
    return JSONResponse(owned.order.wire(), status_code=201)


@router.get("/productOrder", response_model=list[ProductOrderFields])
async def list_product_orders(
    client: ClientDep,
    principal: CrmReading,
    fields: Annotated[str | None, Query(max_length=500)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    state: ProductOrderState | None = None,
    external_id: Annotated[str | None, Query(alias="externalId", pattern=EXTERNAL_ID)] = None,
) -> JSONResponse:
    """This CRM's orders, newest first, from visibility; `X-Total-Count` counts them all."""
    clauses = [
        "WorkflowType = 'LineMigrationWorkflow'",
        "ExecutionStatus != 'ContinuedAsNew'",
        f"{sa.ORDERING_CRM.name} = '{principal.subject}'",
    ]
    if external_id is not None:
        clauses.append(f"{sa.EXTERNAL_ORDER_ID.name} = '{external_id}'")
    if state is not None:
        stages = [s.value for s in Stage if STATES[s] is state] or ["none"]
        clauses.append(f"{sa.STAGE.name} IN ({', '.join(repr(s) for s in stages)})")
    query = " AND ".join(clauses)
    async with calls.temporal_errors("(orders)"):
        total = (await client.count_workflows(query)).count
        runs = [(w.id, w.run_id) async for w in client.list_workflows(query, limit=offset + limit)]
        found = await asyncio.gather(*(_query(client, mid, run) for mid, run in runs[offset:]))
    orders = [_selected(o.order, fields) for o in found if o is not None]
    headers = {"X-Total-Count": str(total), "X-Result-Count": str(len(orders))}
    return JSONResponse(orders, headers=headers)


@router.get("/productOrder/{id}", response_model=ProductOrderFields)
async def retrieve_product_order(
    id: str,
    client: ClientDep,
    principal: CrmReading,
    fields: Annotated[str | None, Query(max_length=500)] = None,
) -> JSONResponse:
    owned = await find(client, id, principal)
    return JSONResponse(_selected(owned.order, fields))


@router.patch("/productOrder/{id}", response_model=ProductOrder)
async def patch_product_order(
    id: str,
    client: ClientDep,
    principal: CrmWriting,
    patch: Annotated[ProductOrderPatch, Body(media_type="application/merge-patch+json")],
) -> JSONResponse:
    """A merge patch: only `requestedStartDate` may change (null: as soon as possible), and
    only until the visit is booked; any other field is refused in words."""
    others = sorted(
        (patch.model_fields_set - {"requested_start_date"}) | set(patch.model_extra or {})
    )
    if others:
        names = ", ".join(_json_name(n) for n in others)
        raise ApiError(
            409,
            "conflict",
            f"{names} cannot change once ordered: only requestedStartDate may, until the visit is booked",
        )
    if "requested_start_date" not in patch.model_fields_set:  # an empty merge patch
        return JSONResponse((await find(client, id, principal)).order.wire())
    _, newest = await _located(client, id, principal)
    if not newest:
        raise ApiError(409, "conflict", "this order is closed: nothing more can be done")
    migration_id = _migration_of(id)
    wanted = patch.requested_start_date.date() if patch.requested_start_date else None
    cmd = ChangeRequestedStart(actor=_actor(principal), requested_start_date=wanted)
    await calls.update(
        client, migration_id, LineMigrationWorkflow.change_requested_start, cmd, "requested-start"
    )
    return JSONResponse((await find(client, id, principal)).order.wire())


@router.post("/cancelProductOrder", status_code=201, response_model=CancelProductOrder)
async def cancel_product_order(
    task: CancelProductOrderCreate,
    client: ClientDep,
    principal: CrmWriting,
) -> JSONResponse:
    """Withdraw the order's migration: `done`, or `terminatedWithError` with the reason in
    words when it is too late (the contract effective, the order closed)."""
    owned, newest = await _located(client, task.product_order.id, principal)
    order = owned.order
    if owned.cancellation is not None:  # cancelled already, by a task: that task again
        return JSONResponse(owned.cancellation.wire(), status_code=201)
    cid = uuid4().hex
    migration_id = _migration_of(order.id)
    cmd = Withdraw(actor=_actor(principal), reason=task.cancellation_reason, cancellation_id=cid)
    refusal = None if newest else "the order is closed"
    try:
        if refusal is None:
            await calls.update(client, migration_id, LineMigrationWorkflow.withdraw, cmd, "cancel")
    except ApiError as err:
        if err.status != 409:
            raise
        refusal = err.message
    if refusal is None:
        done = (await find(client, order.id, principal)).cancellation
        assert done is not None  # just recorded
        return JSONResponse(done.wire(), status_code=201)
    answer = CancelProductOrder(
        id=cid,
        type="LineMigrationCancelProductOrder",
        base_type="CancelProductOrder",
        state=TaskState.TERMINATED_WITH_ERROR,
        product_order=Ref(id=order.id, href=order.href),
        cancellation_reason=task.cancellation_reason,
        requested_cancellation_date=task.requested_cancellation_date,
        error_message=refusal,
    )
    return JSONResponse(answer.wire(), status_code=201)


@router.get(f"/schema/{ORDER_TYPE}.json", include_in_schema=False)
async def order_schema() -> JSONResponse:
    """The JSON Schema our orders' `@schemaLocation` names: v4's ProductOrder with v5's
    `milestone` and `jeopardyAlert`."""
    return JSONResponse(ProductOrder.model_json_schema(by_alias=True))


async def find(client: Client, order_id: str, principal: Principal) -> OwnedOrder:
    """The order with this id if this CRM owns it; 404 otherwise (another CRM's included)."""
    owned, _ = await _located(client, order_id, principal)
    return owned


async def _located(client: Client, order_id: str, principal: Principal) -> tuple[OwnedOrder, bool]:
    """`find`'s order, and whether it is its line's newest run chain (the one a command
    reaches): an earlier order of a line migrated again is closed."""
    ids = parts(order_id)
    missing = ApiError(404, "not_found", f"no product order {order_id}")
    if ids is None or not MIGRATION_ID.match(ids[0]) or not CHAIN_ID.match(ids[1]):
        raise missing
    migration_id, chain_id = ids
    owned = await _query(client, migration_id, None)
    newest = owned is not None and owned.order.id == order_id
    if not newest:  # the line was migrated again since
        owned = await _earlier(client, migration_id, chain_id, order_id)
    if owned is None or owned.crm != principal.subject:
        raise missing
    return owned, newest


async def _earlier(
    client: Client, migration_id: str, chain_id: str, order_id: str
) -> OwnedOrder | None:
    """An earlier order of the same line: the chain's first run, or (if that run continued
    as new) the chain's last, found among the line's closed runs."""
    try:
        first = await client.get_workflow_handle(migration_id, run_id=chain_id).describe()
    except RPCError as err:
        if err.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            return None
        raise
    if first.status is not WorkflowExecutionStatus.CONTINUED_AS_NEW:
        return await _query(client, migration_id, chain_id)
    query = f"WorkflowId = '{migration_id}' AND ExecutionStatus != 'ContinuedAsNew'"
    async for run in client.list_workflows(query):
        owned = await _query(client, migration_id, run.run_id)
        if owned is not None and owned.order.id == order_id:
            return owned
    return None


async def _query(client: Client, migration_id: str, run_id: str | None) -> OwnedOrder | None:
    handle = client.get_workflow_handle_for(LineMigrationWorkflow.run, migration_id, run_id=run_id)
    async with calls.temporal_errors(migration_id):
        try:
            return await handle.query(
                LineMigrationWorkflow.product_order, rpc_timeout=calls.QUERY_TIMEOUT
            )
        except RPCError as err:
            if err.status is RPCStatusCode.NOT_FOUND:
                return None
            raise


def _selected(order: ProductOrder, fields: str | None) -> dict[str, Any]:
    """TMF's attribute selection on first-level fields; `id` and `href` always."""
    wire = order.wire()
    if not fields:
        return wire
    wanted = {f.strip() for f in fields.split(",")} | set(ALWAYS)
    return {k: v for k, v in wire.items() if k in wanted}


def _in_order_terms(err: ApiError) -> ApiError:
    """Our start's refusals as a CRM reads them: an externalId reused with another body is
    a conflict with the order it placed."""
    if err.code == "idempotency_key_reused":
        return ApiError(409, "conflict", "this externalId was already used with a different order")
    return err


def _migration_of(order_id: str) -> str:
    ids = parts(order_id)
    assert ids is not None  # found, so well formed
    return ids[0]


def _actor(principal: Principal) -> Actor:
    return Actor(subject=principal.subject, role=principal.role.value)


def _json_name(field: str) -> str:
    info = ProductOrderPatch.model_fields.get(field)
    return (info.alias if info and info.alias else None) or field
