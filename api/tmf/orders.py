"""TMF622 Product Ordering Management v4: a CRM places, reads, changes and cancels the
migrations it ordered. Each order is one migration's run chain; a CRM sees only its own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse

from api.deps import ClientDep, IdempotencyKey, SettingsDep
from api.schemas import TMF_ERRORS
from api.tmf import translate
from api.tmf.callers import CrmReading, CrmWriting
from domain.models import OrderRef
from domain.tmf.facts import OrderFacts
from domain.tmf.models import (
    BASE_PATH,
    EXTERNAL_ID,
    ORDER_TYPE,
    CancelProductOrder,
    CancelProductOrderCreate,
    ProductOrder,
    ProductOrderCreate,
    ProductOrderFields,
    ProductOrderPatch,
    ProductOrderState,
    Ref,
    TaskState,
)
from domain.tmf.orders import cancellation_of, listed_order, product_order_of
from settings import Settings
from usecases import orders
from usecases.errors import in_conflict
from usecases.idempotency import keyed

router = APIRouter(prefix=BASE_PATH, tags=["TM Forum: product ordering"], responses=TMF_ERRORS)
MAX_LIMIT = 100
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
        placed_at=datetime.now(UTC),
    )
    bound = keyed(order.external_id, principal.subject, "tmf-order", "productOrder", order.wire())
    facts = await orders.place(client, settings, principal, migration, ref, bound)
    return JSONResponse(_order(facts, settings).wire(), status_code=201)


@router.get("/productOrder", response_model=list[ProductOrderFields])
async def list_product_orders(
    client: ClientDep,
    settings: SettingsDep,
    principal: CrmReading,
    fields: Annotated[str | None, Query(max_length=500)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    state: ProductOrderState | None = None,
    external_id: Annotated[str | None, Query(alias="externalId", pattern=EXTERNAL_ID)] = None,
) -> JSONResponse:
    """This CRM's orders, newest first, from visibility alone (one list and one count per
    page; each order's milestones, alerts and line details come with GET of the order);
    `X-Total-Count` counts them all."""
    found, total = await orders.listing(client, principal, offset, limit, state, external_id)
    listed = [_selected(listed_order(o, settings.public_url), fields) for o in found]
    headers = {"X-Total-Count": str(total), "X-Result-Count": str(len(listed))}
    return JSONResponse(listed, headers=headers)


@router.get("/productOrder/{id}", response_model=ProductOrderFields)
async def retrieve_product_order(
    id: str,
    client: ClientDep,
    settings: SettingsDep,
    principal: CrmReading,
    fields: Annotated[str | None, Query(max_length=500)] = None,
) -> JSONResponse:
    facts = await orders.find(client, id, principal)
    return JSONResponse(_selected(_order(facts, settings), fields))


@router.patch("/productOrder/{id}", response_model=ProductOrder)
async def patch_product_order(
    id: str,
    client: ClientDep,
    settings: SettingsDep,
    principal: CrmWriting,
    patch: Annotated[ProductOrderPatch, Body(media_type="application/merge-patch+json")],
    key: IdempotencyKey = None,
) -> JSONResponse:
    """A merge patch: only `requestedStartDate` may change (null: as soon as possible), and
    only until the visit is booked; any other field is refused in words."""
    others = sorted(
        (patch.model_fields_set - {"requested_start_date"}) | set(patch.model_extra or {})
    )
    if others:
        names = ", ".join(_json_name(n) for n in others)
        raise in_conflict(
            f"{names} cannot change once ordered: only requestedStartDate may, until the visit is booked"
        )
    if "requested_start_date" not in patch.model_fields_set:  # an empty merge patch
        return JSONResponse(_order(await orders.find(client, id, principal), settings).wire())
    wanted = patch.requested_start_date.date() if patch.requested_start_date else None
    bound = keyed(key, principal.subject, "requested-start", id, patch.wire())
    facts = await orders.amend_requested_start(client, id, principal, wanted, bound)
    return JSONResponse(_order(facts, settings).wire())


@router.post("/cancelProductOrder", status_code=201, response_model=CancelProductOrder)
async def cancel_product_order(
    task: CancelProductOrderCreate,
    client: ClientDep,
    settings: SettingsDep,
    principal: CrmWriting,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Withdraw the order's migration: `done`, or `terminatedWithError` with the reason in
    words when it is too late (the contract effective, the order closed)."""
    target = task.product_order.id
    bound = keyed(key, principal.subject, "cancel", target, task.wire())
    facts, refusal, cid = await orders.cancel(
        client, settings.task_queue, target, principal, task.cancellation_reason, bound
    )
    if refusal is None:
        done = cancellation_of(facts, settings.public_url)
        assert done is not None  # just recorded, or recorded by an earlier task
        return JSONResponse(done.wire(), status_code=201)
    order = _order(facts, settings)
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


def _order(facts: OrderFacts, settings: Settings) -> ProductOrder:
    """The order as TMF622 shows it, its links from this API's public address."""
    return product_order_of(facts, settings.public_url)


def _selected(order: ProductOrder, fields: str | None) -> dict[str, Any]:
    """TMF's attribute selection on first-level fields; `id` and `href` always."""
    wire = order.wire()
    if not fields:
        return wire
    wanted = {f.strip() for f in fields.split(",")} | set(ALWAYS)
    return {k: v for k, v in wire.items() if k in wanted}


def _json_name(field: str) -> str:
    info = ProductOrderPatch.model_fields.get(field)
    return (info.alias if info and info.alias else None) or field
