"""A migration seen as the TMF622 product order that placed it: pure, from its state."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from domain.models import Model, Stage
from domain.records import MigrationState, Promise, TimelineEntry
from domain.tmf.models import (
    BASE_PATH,
    ORDER_TYPE,
    SCHEMA_PATH,
    CancelProductOrder,
    Characteristic,
    JeopardyAlert,
    Milestone,
    Product,
    ProductOrder,
    ProductOrderItem,
    ProductOrderState,
    Ref,
    RelatedParty,
    RelatedPlace,
    TaskState,
)

# The state mapping the README documents: a migration's stage as an order's state.
STATES: dict[Stage, ProductOrderState] = {
    Stage.PROPOSED: ProductOrderState.ACKNOWLEDGED,
    Stage.CONFIRMED: ProductOrderState.IN_PROGRESS,
    Stage.SCHEDULED: ProductOrderState.IN_PROGRESS,
    Stage.ACTIVATED: ProductOrderState.COMPLETED,
    Stage.COMPLETED: ProductOrderState.COMPLETED,
    Stage.FAILED: ProductOrderState.FAILED,
    Stage.WITHDRAWN: ProductOrderState.CANCELLED,
}
# Timeline events that are milestones of the order, by the milestone's name.
MILESTONES = {
    "confirmed": "orderConfirmed",
    "visit_booked": "visitScheduled",
    "visit_moved": "visitRescheduled",
    "visit_rebooked": "visitRescheduled",
    "visit_failed": "visitFailed",
    "activated": "serviceActivated",
    "completed": "oldLineReleased",
}
ITEM_ID = "1"  # an order places one migration: one item
CHARACTERISTICS = ("lineNumber", "migrationCode", "losingOperator", "customerPhone",
                   "customerEmail", "language", "area")  # fmt: skip
ADDRESS_ROLE = "installationAddress"
CUSTOMER_ROLE = "customer"
SEPARATOR = "."  # an order's id: its migration's id and the run chain that is this order


class OwnedOrder(Model):
    """An order with the CRM that owns it (which the order itself does not show), and the
    cancellation task that withdrew it, if one did."""

    crm: str
    order: ProductOrder
    cancellation: CancelProductOrder | None = None


def owned_order(state: MigrationState) -> OwnedOrder | None:
    ref = state.request.product_order
    if ref is None:
        return None
    return OwnedOrder(
        crm=ref.crm,
        order=product_order(state),
        cancellation=cancellation_task(state),
    )


def order_id(migration_id: str, chain_id: str) -> str:
    """Unique per order: a line migrated twice keeps its migration id, not its chain."""
    return f"{migration_id}{SEPARATOR}{chain_id}"


def parts(order: str) -> tuple[str, str] | None:
    """The migration id and chain id an order id names (None: not one of ours)."""
    migration_id, _, chain_id = order.rpartition(SEPARATOR)
    return (migration_id, chain_id) if migration_id.startswith("mig-") and chain_id else None


def order_href(base_url: str, order: str) -> str:
    return f"{base_url}{BASE_PATH}/productOrder/{order}"


def as_datetime(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), UTC) if day is not None else None


def product_order(state: MigrationState) -> ProductOrder:
    """The order as TMF622 shows it, its links absolute from where it was placed."""
    ref = state.request.product_order
    assert ref is not None, "only a migration placed as a product order is one"
    base_url = ref.base_url
    ident = order_id(state.migration_id, state.chain_id)
    req = state.request
    stage_state = STATES[state.stage]
    values = {
        "lineNumber": req.line.number,
        "migrationCode": req.line.migration_code,
        "losingOperator": req.losing_operator,
        "customerPhone": req.customer.phone,
        "customerEmail": req.customer.email,
        "language": req.language.value,
        "area": req.line.area,
    }
    product = Product(
        id=state.migration_id,
        href=f"{base_url}/migrations/{state.migration_id}",
        name="line migration",
        product_characteristic=[
            Characteristic(name=name, value=value, value_type="string")
            for name in CHARACTERISTICS
            if (value := values[name]) is not None
        ],
        place=[RelatedPlace(role=ADDRESS_ROLE, name=req.line.address)],
    )
    cancellation = state.order_cancellation
    ended = _first(state.timeline, state.stage.value) if state.stage is Stage.WITHDRAWN else None
    return ProductOrder(
        id=ident,
        href=order_href(base_url, ident),
        type=ORDER_TYPE,
        base_type="ProductOrder",
        schema_location=f"{base_url}{SCHEMA_PATH}",
        external_id=ref.external_id,
        state=stage_state,
        order_date=state.created_at,
        completion_date=_completed(state),
        cancellation_date=cancellation.at if cancellation else ended,
        cancellation_reason=state.outcome_reason if state.stage is Stage.WITHDRAWN else None,
        requested_start_date=as_datetime(req.requested_start_date),
        expected_completion_date=state.appointment.window_end if state.appointment else None,
        product_order_item=[
            ProductOrderItem(
                id=ITEM_ID,
                action="add",
                quantity=1,
                state=stage_state,
                product_offering=Ref(id=req.offer),
                product=product,
            )
        ],
        related_party=[
            RelatedParty(
                id=ref.customer_id,
                name=req.customer.name,
                role=CUSTOMER_ROLE,
                referred_type="Individual",
            )
        ],
        milestone=milestones(state.timeline),
        jeopardy_alert=[a for p in state.promises for a in jeopardy_alerts(p)],
    )


def milestones(timeline: list[TimelineEntry]) -> list[Milestone]:
    return [
        Milestone(
            id=str(i),
            name=MILESTONES[entry.event],
            message=entry.detail or None,
            milestone_date=entry.at,
            status="reached",
            type="ProductOrderMilestone",
        )
        for i, entry in enumerate(timeline)
        if entry.event in MILESTONES
    ]


def jeopardy_alerts(p: Promise) -> list[JeopardyAlert]:
    """A promise's early warning, then its breach: each an alert, kept once raised."""
    alerts = []
    if p.at_risk_since is not None:
        alerts.append((f"{p.id}-at-risk", "atRisk", p.at_risk_since, "at risk of breaking"))
    if p.breached_at is not None:
        alerts.append((f"{p.id}-breached", "breached", p.breached_at, "broken"))
    return [
        JeopardyAlert(
            id=ident,
            name=p.name.value,
            jeopardy_type=kind,
            # The message running orders already told: changing it would tell every alert again.
            message=f"promise {p.name.value} (due {p.due_at.isoformat()}) {words}",
            alert_date=at,
            type="ProductOrderJeopardyAlert",
        )
        for ident, kind, at, words in alerts
    ]


def cancellation_task(state: MigrationState) -> CancelProductOrder | None:
    """The cancelProductOrder task that withdrew this order, as TMF622 shows it."""
    c, ref = state.order_cancellation, state.request.product_order
    if c is None or ref is None:
        return None
    base_url = ref.base_url
    ident = order_id(state.migration_id, state.chain_id)
    return CancelProductOrder(
        id=c.id,
        href=f"{base_url}{BASE_PATH}/cancelProductOrder/{c.id}",
        state=TaskState.DONE,
        product_order=Ref(id=ident, href=order_href(base_url, ident)),
        cancellation_reason=c.reason,
        effective_cancellation_date=c.at,
    )


def _completed(state: MigrationState) -> datetime | None:
    if STATES[state.stage] is not ProductOrderState.COMPLETED:
        return None
    return _first(state.timeline, "activated")


def _first(timeline: list[TimelineEntry], event: str) -> datetime | None:
    return next((e.at for e in timeline if e.event == event), None)
