"""The events a migration raises about its product order: decided by the migration itself,
numbered per order, so every listener can put them in order and drop a repeat."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from domain.models import Model
from domain.records import MigrationState
from domain.rules import Rules
from domain.tmf.models import Event, EventType, ProductOrder, ProductOrderState
from domain.tmf.orders import cancellation_task, product_order

# What a later event compares: a change in any of these is told.
WATCHED = ("milestone", "jeopardyAlert", "requestedStartDate")


class OrderEvent(Model):
    """One event for one order's listeners: `sequence` orders and dedupes it."""

    crm: str
    order_id: str
    sequence: int
    event_type: str
    body: dict[str, Any]  # the TMF event, as a listener receives it


def raise_events(state: MigrationState, now: datetime) -> tuple[MigrationState, list[OrderEvent]]:
    """The events this state owes its order's listeners since the last told, and the state
    that remembers them told. Nothing for a migration not placed as an order."""
    ref = state.request.product_order
    if not Rules(state.rules).raises_order_events or ref is None:
        return state, []
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
