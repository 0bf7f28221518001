"""A migration as a TMF622 product order, and the events it raises: numbered, each change
told once, in the shapes the specification gives."""

from __future__ import annotations

from datetime import date

import pytest

from domain import lifecycle
from domain.commands import ChangeRequestedStart, Confirm, ReportVisit, Withdraw
from domain.models import Stage, VisitOutcome
from domain.rules import NEUTRAL_ORDER_RULES, ORDER_EVENT_RULES
from domain.tmf import events, hub
from domain.tmf.facts import order_id, parts
from domain.tmf.models import (
    CancelProductOrder,
    Event,
    EventSubscriptionInput,
    ProductOrder,
    ProductOrderCreate,
)
from domain.tmf.orders import STATES, product_order
from tests.builders import HOUR, LUCA, SALES, T0, ordered, run, scheduled

CRM = SALES.model_copy(update={"subject": "acme-crm", "role": "crm"})
BASE = "http://api"  # where `ordered()` was placed from


def test_every_stage_has_a_state_and_the_mapping_is_the_documented_one() -> None:
    assert set(STATES) == set(Stage)
    assert {s.value: STATES[s].value for s in Stage} == {
        "proposed": "acknowledged",
        "confirmed": "inProgress",
        "scheduled": "inProgress",
        "activated": "completed",
        "completed": "completed",
        "failed": "failed",
        "withdrawn": "cancelled",
    }


def test_the_order_shows_the_migration_in_the_specification_shape() -> None:
    state = ordered()
    order = product_order(state)
    wire = order.wire()
    assert ProductOrder.model_validate(wire) == order  # our models, from the specification
    assert wire["id"] == "mig-1.run-1" and wire["state"] == "acknowledged"
    assert (
        wire["href"] == "http://api/tmf-api/productOrderingManagement/v4/productOrder/mig-1.run-1"
    )
    assert wire["@type"] == "LineMigrationProductOrder" and wire["@baseType"] == "ProductOrder"
    assert wire["@schemaLocation"].endswith("/schema/LineMigrationProductOrder.json")
    item = wire["productOrderItem"][0]
    assert item["action"] == "add" and item["productOffering"]["id"] == "fibra-1000"
    assert item["product"]["id"] == "mig-1"
    assert item["product"]["href"] == "http://api/migrations/mig-1"
    names = {c["name"]: c["value"] for c in item["product"]["productCharacteristic"]}
    assert names["lineNumber"] == "+390612345678" and names["losingOperator"] == "telecom"
    assert item["product"]["place"] == [{"role": "installationAddress", "name": "Via Roma 1, Roma"}]
    assert wire["relatedParty"] == [
        {"id": "C-7", "name": "Mario Rossi", "role": "customer", "@referredType": "Individual"}
    ]
    assert "completionDate" not in wire and wire["milestone"] == []


def test_order_ids_are_unique_per_run_chain_and_name_their_migration() -> None:
    assert parts(order_id("mig-ab", "chain-1")) == ("mig-ab", "chain-1")
    assert order_id("mig-ab", "chain-1") != order_id("mig-ab", "chain-2")
    assert parts("nothing") is None and parts("mig-ab.") is None


def test_the_first_event_is_the_creation_and_nothing_is_told_twice() -> None:
    state, raised = events.raise_events(ordered(), T0)
    assert [e.event_type for e in raised] == ["ProductOrderCreateEvent"]
    assert raised[0].sequence == 1 and raised[0].rendered(BASE)["eventId"] == "mig-1.run-1-1"
    Event.model_validate(raised[0].rendered(BASE))
    assert events.raise_events(state, T0 + HOUR) == (state, [])


def test_a_state_change_and_a_milestone_are_numbered_in_order() -> None:
    state, _ = events.raise_events(ordered(), T0)
    state = run(state, Confirm(actor=SALES, channel="phone"), T0 + HOUR)
    state, raised = events.raise_events(state, T0 + HOUR)
    assert [(e.sequence, e.event_type) for e in raised] == [
        (2, "ProductOrderStateChangeEvent"),
        (3, "ProductOrderAttributeValueChangeEvent"),
    ]
    assert raised[1].rendered(BASE)["fieldPath"] == "milestone"
    order = raised[0].rendered(BASE)["event"]["productOrder"]
    assert order["state"] == "inProgress"
    assert order["milestone"][0]["name"] == "orderConfirmed"


def test_completion_carries_its_date_and_a_breach_raises_a_jeopardy_alert() -> None:
    state = scheduled(rules=ordered().rules).model_copy(update={"request": ordered().request})
    state = run(state, ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED), T0 + 2 * HOUR)
    order = product_order(state)
    assert order.state.value == "completed" and order.completion_date == T0 + 2 * HOUR
    late = ordered()
    confirmation = late.promises[0]
    late.promises[0] = confirmation.model_copy(
        update={"breached_at": confirmation.due_at, "at_risk_since": T0 + HOUR}
    )
    alerts = product_order(late).jeopardy_alert
    assert [(a.name, a.jeopardy_type) for a in alerts] == [
        ("confirmation", "atRisk"),
        ("confirmation", "breached"),
    ]


def test_a_cancellation_is_told_with_its_task() -> None:
    state, _ = events.raise_events(ordered(), T0)
    cmd = Withdraw(actor=CRM, reason="customer changed his mind", cancellation_id="cx-1")
    state = run(state, cmd, T0 + HOUR)
    state, raised = events.raise_events(state, T0 + HOUR)
    kinds = [e.event_type for e in raised]
    assert kinds == ["ProductOrderStateChangeEvent", "CancelProductOrderStateChangeEvent"]
    task = CancelProductOrder.model_validate(
        raised[1].rendered(BASE)["event"]["cancelProductOrder"]
    )
    assert task.state.value == "done" and task.product_order.id == "mig-1.run-1"
    order = product_order(state)
    assert order.state.value == "cancelled" and order.cancellation_date == T0 + HOUR


def test_the_requested_start_changes_until_the_visit_is_booked() -> None:
    state, _ = events.raise_events(ordered(), T0)
    cmd = ChangeRequestedStart(actor=CRM, requested_start_date=date(2026, 12, 9))
    state = run(state, cmd, T0 + HOUR)
    state, raised = events.raise_events(state, T0 + HOUR)
    assert [e.rendered(BASE).get("fieldPath") for e in raised] == ["requestedStartDate"]
    booked = scheduled(rules=state.rules).model_copy(update={"request": state.request})
    refusal = lifecycle.refusal(booked, cmd)
    assert refusal is not None and "already booked" in refusal.reason
    plain = scheduled()  # not placed as an order, older rules
    assert lifecycle.refusal(plain, cmd) is not None


def test_a_migration_not_placed_as_an_order_raises_nothing() -> None:
    state = scheduled(rules=ordered().rules)
    assert events.raise_events(state, T0) == (state, [])


def test_a_create_body_written_from_the_specification_is_read() -> None:
    body = {
        "externalId": "X-1",
        "requestedStartDate": "2026-12-09T00:00:00Z",
        "productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": "fibra"}}],
        "relatedParty": [{"id": "C", "role": "customer", "@referredType": "Individual"}],
        "@type": "ProductOrder",
    }
    order = ProductOrderCreate.model_validate(body)
    assert order.external_id == "X-1" and order.related_party[0].referred_type == "Individual"
    with pytest.raises(ValueError):
        ProductOrderCreate.model_validate({**body, "shippingDate": "soon"})
    with pytest.raises(ValueError, match="externalId|external_id"):
        ProductOrderCreate.model_validate({**body, "externalId": "not searchable"})


@pytest.mark.parametrize(
    ("query", "types"),
    [
        (None, []),
        ("eventType=ProductOrderCreateEvent", ["ProductOrderCreateEvent"]),
        (
            "eventType=ProductOrderStateChangeEvent,CancelProductOrderStateChangeEvent",
            ["ProductOrderStateChangeEvent", "CancelProductOrderStateChangeEvent"],
        ),
    ],
)
def test_a_subscription_filters_on_event_types(query: str | None, types: list[str]) -> None:
    assert hub.event_types(EventSubscriptionInput(callback="x", query=query).query) == types


@pytest.mark.parametrize(
    "query", ["state=completed", "eventType=Nope", "eventType=ProductOrderCreateEvent&x=1"]
)
def test_any_other_query_is_refused_in_words(query: str) -> None:
    with pytest.raises(ValueError, match="eventType=|unknown event type"):
        hub.event_types(query)


@pytest.mark.parametrize(
    ("callback", "refused"),
    [
        ("http://127.0.0.1:9000/listener", None),
        ("https://localhost/x", None),
        ("http://evil.example/x", "not on the callback allow-list"),
        ("ftp://127.0.0.1/x", "http or https"),
        ("http://user:pw@127.0.0.1/x", "credentials"),
        ("http://127.0.0.1:nope/x", "not a URL"),
    ],
)
def test_callbacks_only_to_allowed_hosts(callback: str, refused: str | None) -> None:
    why = hub.callback_refusal(callback, ["127.0.0.1", "localhost"])
    assert (why is None) if refused is None else (why is not None and refused in why)


def test_a_listener_takes_each_event_once_in_order_and_only_its_crms() -> None:
    state, first = events.raise_events(ordered(), T0)
    state = run(state, Confirm(actor=SALES, channel="phone"), T0 + HOUR)
    _, later = events.raise_events(state, T0 + HOUR)
    sub = hub.Subscription(id="s", crm="acme-crm", callback="x", query=None, event_types=[])
    policy = hub.DeliveryPolicy(suspend_after_s=60, retry_max_interval_s=5)
    taken = hub.take(hub.DeliveryState(subscription=sub, policy=policy), [*first, *later])
    again = hub.take(taken, [*first, *later])  # an announcement retried
    assert [e.sequence for e in again.pending] == [1, 2, 3]
    other = sub.model_copy(update={"crm": "other-crm"})
    assert hub.take(hub.DeliveryState(subscription=other, policy=policy), first).pending == []
    only = sub.model_copy(update={"event_types": ["ProductOrderStateChangeEvent"]})
    picked = hub.take(hub.DeliveryState(subscription=only, policy=policy), [*first, *later])
    assert [e.sequence for e in picked.pending] == [2]


def test_a_creation_is_told_as_placed_even_when_a_change_came_with_it() -> None:
    """The confirmation arrived before the migration first told anything: the creation is
    still the order as placed, and the confirmation its own change after it."""
    confirmed = run(ordered(), Confirm(actor=SALES, channel="phone"), T0)
    _, raised = events.raise_events(confirmed, T0)
    assert [(e.sequence, e.event_type) for e in raised] == [
        (1, "ProductOrderCreateEvent"),
        (2, "ProductOrderStateChangeEvent"),
        (3, "ProductOrderAttributeValueChangeEvent"),
    ]
    created = raised[0].rendered(BASE)["event"]["productOrder"]
    assert created["state"] == "acknowledged" and created["milestone"] == []
    assert {i["state"] for i in created["productOrderItem"]} == {"acknowledged"}
    assert raised[1].rendered(BASE)["event"]["productOrder"]["state"] == "inProgress"


def test_rules_8_tell_the_same_events_from_neutral_facts_as_rules_7_rendered() -> None:
    """From rules 8 the migration keeps no URL and no TM Forum document: its events carry
    the order's facts, and rendered by the edge they are what rules 7 told, event for event."""
    told: dict[int, list[dict[str, object]]] = {}
    for rules in (ORDER_EVENT_RULES, NEUTRAL_ORDER_RULES):
        state = ordered().model_copy(update={"rules": rules})
        if rules == NEUTRAL_ORDER_RULES:
            ref = state.request.product_order
            assert ref is not None
            neutral = ref.model_copy(update={"base_url": None})
            state.request = state.request.model_copy(update={"product_order": neutral})
        said = []
        for cmd, at in (
            (None, T0),
            (Confirm(actor=SALES, channel="phone"), T0 + HOUR),
            (ChangeRequestedStart(actor=CRM, requested_start_date=date(2026, 12, 9)), T0 + HOUR),
            (Withdraw(actor=CRM, reason="changed mind", cancellation_id="cx-1"), T0 + 2 * HOUR),
        ):
            if cmd is not None:
                state = run(state, cmd, at)
            state, raised = events.raise_events(state, at)
            said += [e.rendered(BASE) for e in raised]
        if rules == NEUTRAL_ORDER_RULES:
            assert "http" not in state.model_dump_json()  # no URL kept
            assert all(e.body is None for e in raised)
        told[rules] = said
    assert told[NEUTRAL_ORDER_RULES] == told[ORDER_EVENT_RULES]
    assert len(told[ORDER_EVENT_RULES]) == 6  # created, 2 states, 2 changes, cancelled
