"""The events a migration raises about its product order: decided by the migration itself,
numbered per order, so every listener can put them in order and drop a repeat. From rules 8
an event carries the order's neutral facts and the edge that delivers it renders the TMF
event with its own public address; before, the migration rendered it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

from domain.models import Model
from domain.records import MigrationState
from domain.rules import Rules
from domain.tmf.facts import MILESTONES, OrderFacts, order_facts
from domain.tmf.models import Event, EventType, ProductOrder, ProductOrderState
from domain.tmf.orders import (
    STATES,
    cancellation_of,
    cancellation_task,
    product_order,
    product_order_of,
)

# What a later event compares: a change in any of these is told.
WATCHED = ("milestone", "jeopardyAlert", "requestedStartDate")


class OrderEvent(Model):
    """One event for one order's listeners: `sequence` orders and dedupes it."""

    crm: str
    order_id: str
    sequence: int
    event_type: str
    body: dict[str, Any] | None = None  # rules 7: the TMF event, as the migration rendered it
    # From rules 8: what the edge renders it from.
    field_path: str | None = None
    at: datetime | None = None
    facts: OrderFacts | None = None
    as_placed: bool = False  # a creation shows the order as it was placed

    @property
    def event_id(self) -> str:
        return f"{self.order_id}-{self.sequence}"

    def rendered(self, base_url: str) -> dict[str, Any]:
        """The TMF event as a listener receives it, its links from `base_url`."""
        if self.body is not None:
            return self.body
        assert self.facts is not None and self.at is not None, "an event has its facts"
        body: dict[str, Any]
        if self.event_type == "CancelProductOrderStateChangeEvent":
            task = cancellation_of(self.facts, base_url)
            assert task is not None, "a cancellation's event has its task"
            body = {"cancelProductOrder": task.wire()}
        else:
            order = product_order_of(self.facts, base_url)
            body = {"productOrder": (placed(order) if self.as_placed else order).wire()}
        event = Event(
            event_id=self.event_id,
            event_time=self.at,
            event_type=cast(EventType, self.event_type),
            field_path=self.field_path,
            event=body,
        )
        return event.wire()


def raise_events(state: MigrationState, now: datetime) -> tuple[MigrationState, list[OrderEvent]]:
    """The events this state owes its order's listeners since the last told, and the state
    that remembers them told. Nothing for a migration not placed as an order."""
    ref = state.request.product_order
    rules = Rules(state.rules)
    facts = order_facts(state)
    if not rules.raises_order_events or ref is None or facts is None:
        return state, []
    if rules.renders_orders_at_the_edge:
        return _raise_from_facts(state, facts, now)
    order = product_order(state)
    wire = order.wire()
    told = _told(wire, cancelled=state.order_cancellation is not None)
    if told == state.order_told:
        return state, []
    bodies: list[tuple[EventType, str | None, dict[str, Any]]] = []
    if state.order_told is None:  # its creation, as placed, whatever happened since
        first = placed(order).wire()
        bodies.append(("ProductOrderCreateEvent", None, {"productOrder": first}))
        before = json.loads(_told(first, cancelled=False))
    else:
        before = json.loads(state.order_told)
    if before["state"] != wire["state"]:
        bodies.append(("ProductOrderStateChangeEvent", None, {"productOrder": wire}))
    for field in WATCHED:
        if before["watched"].get(field) != wire.get(field):
            bodies.append(("ProductOrderAttributeValueChangeEvent", field, {"productOrder": wire}))
    task = cancellation_task(state)
    if task is not None and not before["cancelled"]:
        bodies.append(
            ("CancelProductOrderStateChangeEvent", None, {"cancelProductOrder": task.wire()})
        )
    events = [
        _event(ref.crm, order, state.order_events + n, kind, field, body, now)
        for n, (kind, field, body) in enumerate(bodies, start=1)
    ]
    after = state.model_copy(
        update={"order_events": state.order_events + len(events), "order_told": told}
    )
    return after, events


def _raise_from_facts(
    state: MigrationState, facts: OrderFacts, now: datetime
) -> tuple[MigrationState, list[OrderEvent]]:
    """Rules 8: the same events, decided on the order's neutral facts, carrying them."""
    told = _told(_watched(facts), cancelled=facts.cancellation is not None)
    if told == state.order_told:
        return state, []
    now_told = json.loads(told)
    kinds: list[tuple[EventType, str | None, bool]] = []
    if state.order_told is None:  # its creation, as placed, whatever happened since
        kinds.append(("ProductOrderCreateEvent", None, True))
        placed_facts = {**now_told["watched"], "milestone": [], "jeopardyAlert": []}
        acknowledged = ProductOrderState.ACKNOWLEDGED.value
        before: dict[str, Any] = {
            "state": acknowledged,
            "watched": placed_facts,
            "cancelled": False,
        }
    else:
        before = json.loads(state.order_told)
    if before["state"] != now_told["state"]:
        kinds.append(("ProductOrderStateChangeEvent", None, False))
    for field in WATCHED:
        if before["watched"].get(field) != now_told["watched"].get(field):
            kinds.append(("ProductOrderAttributeValueChangeEvent", field, False))
    if now_told["cancelled"] and not before["cancelled"]:
        kinds.append(("CancelProductOrderStateChangeEvent", None, False))
    events = [
        OrderEvent(
            crm=facts.ref.crm,
            order_id=facts.order_id,
            sequence=state.order_events + n,
            event_type=kind,
            field_path=field,
            at=now,
            facts=facts,
            as_placed=as_placed,
        )
        for n, (kind, field, as_placed) in enumerate(kinds, start=1)
    ]
    after = state.model_copy(
        update={"order_events": state.order_events + len(events), "order_told": told}
    )
    return after, events


def _watched(facts: OrderFacts) -> dict[str, Any]:
    """What a later event compares, in neutral words: the order's state, its milestones,
    its alerts and the day the customer asked for."""
    return {
        "state": STATES[facts.stage].value,
        "milestone": [
            [s.index, s.event, s.detail, s.at.isoformat()]
            for s in facts.steps
            if s.event in MILESTONES
        ],
        "jeopardyAlert": [
            [p.id, bool(p.at_risk_since), bool(p.breached_at)] for p in facts.alerted
        ],
        "requestedStartDate": facts.requested_start_date.isoformat()
        if facts.requested_start_date
        else None,
    }


def _told(wire: dict[str, Any], cancelled: bool) -> str:
    watched = {field: wire.get(field) for field in WATCHED}
    return json.dumps(
        {"state": wire["state"], "watched": watched, "cancelled": cancelled}, sort_keys=True
    )


def placed(order: ProductOrder) -> ProductOrder:
    """The order as it was when placed: acknowledged, nothing reached, nothing at risk. A
    creation is told so even when a confirmation came in the same moment (its change is
    told next), so listeners always see an order begin where every order begins."""
    items = [
        i.model_copy(update={"state": ProductOrderState.ACKNOWLEDGED})
        for i in order.product_order_item
    ]
    return order.model_copy(
        update={
            "state": ProductOrderState.ACKNOWLEDGED,
            "product_order_item": items,
            "milestone": [],
            "jeopardy_alert": [],
            "completion_date": None,
            "cancellation_date": None,
            "cancellation_reason": None,
            "expected_completion_date": None,
        }
    )


def _event(
    crm: str,
    order: ProductOrder,
    sequence: int,
    kind: EventType,
    field: str | None,
    body: dict[str, Any],
    now: datetime,
) -> OrderEvent:
    event = Event(
        event_id=f"{order.id}-{sequence}",
        event_time=now,
        event_type=kind,
        field_path=field,
        event=body,
    )
    return OrderEvent(
        crm=crm, order_id=order.id, sequence=sequence, event_type=kind, body=event.wire()
    )
