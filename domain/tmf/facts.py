"""A product order as the migration knows it: neutral facts in the domain's own words (its
ids, the CRM, its stage, dates, milestones, alerts, the customer and line it was placed
for), never a URL or a TM Forum document. The edges render TMF622 from these with their
own public address (`domain/tmf/orders.py`)."""

from __future__ import annotations

from datetime import date, datetime

from domain.models import Customer, Language, Line, Model, OrderCancellation, OrderRef, Stage
from domain.records import MigrationState, Promise

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
ENDS = ("activated", "withdrawn")  # the steps that date an order's completion or its end
SEPARATOR = "."  # an order's id: its migration's id and the run chain that is this order
# The migration's memo, which visibility lists with it: an order's fixed facts (written when
# it is placed) and, from rules 8, its dates that change (written by the migration). A CRM's
# list is read from these alone; they take no search attribute.
ORDER_MEMO = "order"
ORDER_DATES_MEMO = "order_dates"


class OrderStep(Model):
    """A step of the migration the order shows (its index in the timeline is its id)."""

    index: int
    event: str
    detail: str | None
    at: datetime


class OrderFacts(Model):
    migration_id: str
    chain_id: str
    ref: OrderRef
    stage: Stage
    placed_at: datetime
    offer: str
    line: Line
    losing_operator: str
    customer: Customer
    language: Language
    requested_start_date: date | None
    visit_ends_at: datetime | None
    outcome_reason: str | None
    steps: list[OrderStep]  # milestones, and the first activation and withdrawal
    alerted: list[Promise]  # promises warned of or broken: each an alert of the order
    cancellation: OrderCancellation | None

    @property
    def order_id(self) -> str:
        return order_id(self.migration_id, self.chain_id)

    def first(self, event: str) -> datetime | None:
        return next((s.at for s in self.steps if s.event == event), None)


def order_id(migration_id: str, chain_id: str) -> str:
    """Unique per order: a line migrated twice keeps its migration id, not its chain."""
    return f"{migration_id}{SEPARATOR}{chain_id}"


def parts(order: str) -> tuple[str, str] | None:
    """The migration id and chain id an order id names (None: not one of ours)."""
    migration_id, _, chain_id = order.rpartition(SEPARATOR)
    return (migration_id, chain_id) if migration_id.startswith("mig-") and chain_id else None


def order_facts(state: MigrationState) -> OrderFacts | None:
    """The order this migration was placed as (None: not placed as one)."""
    ref = state.request.product_order
    if ref is None:
        return None
    req = state.request
    return OrderFacts(
        migration_id=state.migration_id,
        chain_id=state.chain_id,
        ref=ref,
        stage=state.stage,
        placed_at=ref.placed_at or state.created_at,
        offer=req.offer,
        line=req.line,
        losing_operator=req.losing_operator,
        customer=req.customer,
        language=req.language,
        requested_start_date=req.requested_start_date,
        visit_ends_at=state.appointment.window_end if state.appointment else None,
        outcome_reason=state.outcome_reason,
        steps=[
            OrderStep(index=i, event=e.event, detail=e.detail or None, at=e.at)
            for i, e in enumerate(state.timeline)
            if e.event in MILESTONES or e.event in ENDS
        ],
        alerted=[p for p in state.promises if p.at_risk_since or p.breached_at],
        cancellation=state.order_cancellation,
    )


class ListedOrder(Model):
    """An order as a list shows it, from what visibility holds of its migration alone (its
    search attributes and memo): no query to the migration."""

    migration_id: str
    chain_id: str
    external_id: str | None
    # Kept in visibility from rules 8 on; an order placed before shows none.
    customer_id: str | None
    offer: str | None
    stage: Stage
    placed_at: datetime
    requested_start: date | None
    ended_at: datetime | None  # its completion or its cancellation, as its state says

    @property
    def order_id(self) -> str:
        return order_id(self.migration_id, self.chain_id)


def completed_at(facts: OrderFacts) -> datetime | None:
    return facts.first("activated")


def ended_at(facts: OrderFacts) -> datetime | None:
    """When the order completed (the line activated) or was cancelled; None while open."""
    return cancelled_at(facts) or completed_at(facts)


def cancelled_at(facts: OrderFacts) -> datetime | None:
    if facts.cancellation is not None:
        return facts.cancellation.at
    return facts.first("withdrawn") if facts.stage is Stage.WITHDRAWN else None


def order_dates(facts: OrderFacts) -> dict[str, str | None]:
    """The order's dates that change while it runs, as its memo keeps them."""
    ended = ended_at(facts)
    wanted = facts.requested_start_date
    return {
        "requested_start": wanted.isoformat() if wanted else None,
        "ended_at": ended.isoformat() if ended else None,
    }
