"""A migration seen as the TMF622 product order that placed it, rendered from the order's
neutral facts (`domain/tmf/facts.py`) with the public address of whoever renders it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from domain.models import Model, Stage
from domain.records import MigrationState, Promise
from domain.tmf.facts import (
    MILESTONES,
    ListedOrder,
    OrderFacts,
    cancelled_at,
    completed_at,
    order_facts,
)
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
ITEM_ID = "1"  # an order places one migration: one item
CHARACTERISTICS = ("lineNumber", "migrationCode", "losingOperator", "customerPhone",
                   "customerEmail", "language", "area")  # fmt: skip
ADDRESS_ROLE = "installationAddress"
CUSTOMER_ROLE = "customer"


class OwnedOrder(Model):
    """An order with the CRM that owns it (which the order itself does not show), and the
    cancellation task that withdrew it, if one did."""

    crm: str
    order: ProductOrder
    cancellation: CancelProductOrder | None = None


def owned(facts: OrderFacts, base_url: str) -> OwnedOrder:
    return OwnedOrder(
        crm=facts.ref.crm,
        order=product_order_of(facts, base_url),
        cancellation=cancellation_of(facts, base_url),
    )


def owned_order(state: MigrationState) -> OwnedOrder | None:
    """The order rendered by the migration itself, with the address it was placed from
    (orders placed before the edge rendered them: their events are still told so)."""
    facts = order_facts(state)
    return owned(facts, _placed_from(facts)) if facts else None


def product_order(state: MigrationState) -> ProductOrder:
    facts = order_facts(state)
    assert facts is not None, "only a migration placed as a product order is one"
    return product_order_of(facts, _placed_from(facts))


def cancellation_task(state: MigrationState) -> CancelProductOrder | None:
    facts = order_facts(state)
    return cancellation_of(facts, _placed_from(facts)) if facts else None


def _placed_from(facts: OrderFacts) -> str:
    return facts.ref.base_url or ""


def order_href(base_url: str, order: str) -> str:
    return f"{base_url}{BASE_PATH}/productOrder/{order}"


def product_order_of(facts: OrderFacts, base_url: str) -> ProductOrder:
    """The order as TMF622 shows it, its links absolute from `base_url`."""
    ident = facts.order_id
    stage_state = STATES[facts.stage]
    line, customer = facts.line, facts.customer
    values = {
        "lineNumber": line.number,
        "migrationCode": line.migration_code,
        "losingOperator": facts.losing_operator,
        "customerPhone": customer.phone,
        "customerEmail": customer.email,
        "language": facts.language.value,
        "area": line.area,
    }
    product = _line(facts.migration_id, base_url).model_copy(
        update={
            "product_characteristic": [
                Characteristic(name=name, value=value, value_type="string")
                for name in CHARACTERISTICS
                if (value := values[name]) is not None
            ],
            "place": [RelatedPlace(role=ADDRESS_ROLE, name=line.address)],
        }
    )
    withdrawn = facts.stage is Stage.WITHDRAWN
    completed = STATES[facts.stage] is ProductOrderState.COMPLETED
    return ProductOrder(
        id=ident,
        href=order_href(base_url, ident),
        type=ORDER_TYPE,
        base_type="ProductOrder",
        schema_location=f"{base_url}{SCHEMA_PATH}",
        external_id=facts.ref.external_id,
        state=stage_state,
        order_date=facts.placed_at,
        completion_date=completed_at(facts) if completed else None,
        cancellation_date=cancelled_at(facts),
        cancellation_reason=facts.outcome_reason if withdrawn else None,
        requested_start_date=as_instant(facts.requested_start_date),
        expected_completion_date=facts.visit_ends_at,
        product_order_item=[
            ProductOrderItem(
                id=ITEM_ID,
                action="add",
                quantity=1,
                state=stage_state,
                product_offering=Ref(id=facts.offer),
                product=product,
            )
        ],
        related_party=[
            RelatedParty(
                id=facts.ref.customer_id,
                name=customer.name,
                role=CUSTOMER_ROLE,
                referred_type="Individual",
            )
        ],
        milestone=milestones(facts),
        jeopardy_alert=[a for p in facts.alerted for a in jeopardy_alerts(p)],
    )


def as_instant(day: date | None) -> datetime | None:
    """A day as TMF622 writes a date: its midnight, UTC."""
    return datetime.combine(day, time(0), UTC) if day else None


def listed_order(listed: ListedOrder, base_url: str) -> ProductOrder:
    """An order as a list shows it: its id, links, number, state and dates, its item and
    its customer's id, from visibility alone (its milestones, alerts and the line's details
    come with the order itself)."""
    ident = listed.order_id
    state = STATES[listed.stage]
    return ProductOrder(
        id=ident,
        href=order_href(base_url, ident),
        type=ORDER_TYPE,
        base_type="ProductOrder",
        schema_location=f"{base_url}{SCHEMA_PATH}",
        external_id=listed.external_id,
        state=state,
        order_date=listed.placed_at,
        completion_date=listed.ended_at if state is ProductOrderState.COMPLETED else None,
        cancellation_date=listed.ended_at if state is ProductOrderState.CANCELLED else None,
        requested_start_date=as_instant(listed.requested_start),
        product_order_item=[
            ProductOrderItem(
                id=ITEM_ID,
                action="add",
                quantity=1,
                state=state,
                product_offering=Ref(id=listed.offer) if listed.offer else None,
                product=_line(listed.migration_id, base_url),
            )
        ],
        related_party=[
            RelatedParty(id=customer, role=CUSTOMER_ROLE, referred_type="Individual")
            for customer in [listed.customer_id]
            if customer is not None
        ],
    )


def _line(migration_id: str, base_url: str) -> Product:
    """The product an order places: the migrated line, linked to its migration."""
    return Product(
        id=migration_id, href=f"{base_url}/migrations/{migration_id}", name="line migration"
    )


def milestones(facts: OrderFacts) -> list[Milestone]:
    return [
        Milestone(
            id=str(step.index),
            name=MILESTONES[step.event],
            message=step.detail,
            milestone_date=step.at,
            status="reached",
            type="ProductOrderMilestone",
        )
        for step in facts.steps
        if step.event in MILESTONES
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


def cancellation_of(facts: OrderFacts, base_url: str) -> CancelProductOrder | None:
    """The cancelProductOrder task that withdrew this order, as TMF622 shows it."""
    c = facts.cancellation
    if c is None:
        return None
    ident = facts.order_id
    return CancelProductOrder(
        id=c.id,
        href=f"{base_url}{BASE_PATH}/cancelProductOrder/{c.id}",
        state=TaskState.DONE,
        product_order=Ref(id=ident, href=order_href(base_url, ident)),
        cancellation_reason=c.reason,
        effective_cancellation_date=c.at,
    )
