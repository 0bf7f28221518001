"""TM Forum's Product Ordering and its event hub, end to end over real HTTP: a CRM places
and follows orders; its listener hears every step, in order, once, signed; nothing leaks
the listener's secret; every refusal in TM Forum's Error shape."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload
from temporalio.client import Client

from connection import codec
from domain.tmf.models import CancelProductOrder, Error, Event, EventSubscription, ProductOrder
from security.hashing import delivery_signature
from settings import get_settings
from stack import Stack
from tests.e2e.client import (
    CRM,
    OTHER_CRM,
    SHOWS_WITHIN_S,
    TMF,
    auth,
    book,
    order_body,
    post,
    technician_of,
    until,
)


def an_order(r: httpx.Response) -> dict[str, Any]:
    """A ProductOrder answer: valid against our models of the specification, with the
    fields the specification requires (productOrderItem) and those we always give."""
    assert r.status_code in (200, 201), r.text
    order: dict[str, Any] = r.json()
    ProductOrder.model_validate(order)
    for field in ("id", "href", "state", "productOrderItem", "@type"):
        assert field in order, field
    for item in order["productOrderItem"]:
        assert {"id", "action"} <= set(item)
    return order


async def listing(api: httpx.AsyncClient, params: dict[str, Any], shows: Any) -> httpx.Response:
    """A CRM's orders as visibility lists them, once it shows what was just done (visibility
    follows a start or a change a moment later)."""
    deadline = time.monotonic() + SHOWS_WITHIN_S
    while True:
        r = await api.get(f"{TMF}/productOrder", params=params, headers=auth(CRM))
        assert r.status_code == 200, r.text
        if shows(r.json()) or time.monotonic() > deadline:
            return r
        await asyncio.sleep(0.2)


async def placed_once_closed(api: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    """Order a line again: refused (409) while its withdrawn migration finishes closing."""
    deadline = time.monotonic() + SHOWS_WITHIN_S
    while True:
        r = await api.post(f"{TMF}/productOrder", json=body, headers=auth(CRM))
        if r.status_code != 409 or time.monotonic() > deadline:
            return r
        assert "already running" in r.json()["message"], r.text
        await asyncio.sleep(0.2)


def characteristic(order: dict[str, Any], name: str) -> Any:
    found = order["productOrderItem"][0]["product"]["productCharacteristic"]
    return next(c["value"] for c in found if c["name"] == name)


def mid_of(order: dict[str, Any]) -> str:
    return str(order["productOrderItem"][0]["product"]["id"])


def an_error(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    error: dict[str, Any] = r.json()
    Error.model_validate(error)
    assert {"code", "reason", "message", "status"} <= set(error) and error["status"] == str(status)
    return error


async def subscribe(api: httpx.AsyncClient, listener: str, stack: Stack) -> EventSubscription:
    r = await api.post(
        f"{TMF}/hub",
        json={"callback": f"{stack.simulators_url}/listener/{listener}"},
        headers=auth(CRM),
    )
    assert r.status_code == 201, r.text
    sub = EventSubscription.model_validate(r.json())
    assert sub.secret and sub.id
    return sub


async def heard(
    sims: httpx.AsyncClient, listener: str, done: Any, within_s: float = SHOWS_WITHIN_S
) -> list[dict[str, Any]]:
    """What the listener accepted, once `done` says it is all there."""
    deadline = time.monotonic() + within_s
    received: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        received = (await sims.get(f"/listener/{listener}")).json()
        if done(received):
            return received
        await asyncio.sleep(0.2)
    raise AssertionError(f"the listener never heard it all: {[r['event_id'] for r in received]}")


def of_order(received: list[dict[str, Any]], order_id: str) -> list[dict[str, Any]]:
    return [json.loads(r["body"]) for r in received if r["event_id"].startswith(order_id + "-")]


def in_order_once(events: list[dict[str, Any]], order_id: str) -> None:
    """Numbered 1, 2, 3… by the migration, each once: nothing lost, repeated or reordered."""
    assert [e["eventId"] for e in events] == [f"{order_id}-{n}" for n in range(1, len(events) + 1)]
    for e in events:
        Event.model_validate(e)


async def drive_to_completion(api: httpx.AsyncClient, mid: str) -> None:
    r = await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    assert r.status_code == 200, r.text
    booked = await book(api, mid)
    r = await post(api, f"/migrations/{mid}/visit", {"outcome": "activated"}, technician_of(booked))
    assert r.status_code == 200, r.text


async def readable_history(stack: Stack, workflow_id: str) -> str:
    """Every payload of a workflow's history, opened with the payload keys, as text."""
    plain = await Client.connect(stack.temporal_address)
    history = (await plain.get_workflow_handle(workflow_id).fetch_history()).to_json_dict()
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "metadata" in node and "data" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(history)
    opened = await codec(get_settings()).decode(
        [json_format.ParseDict(p, Payload()) for p in found]
    )
    return json.dumps(history) + "".join(p.data.decode(errors="replace") for p in opened)


async def test_a_crm_order_is_followed_to_completion_by_its_listener(
    api: httpx.AsyncClient, sims: httpx.AsyncClient, stack: Stack
) -> None:
    sub = await subscribe(api, "acme-main", stack)
    body = order_body()
    r = await api.post(f"{TMF}/productOrder", json=body, headers=auth(CRM))
    order = an_order(r)
    assert r.status_code == 201 and order["state"] == "acknowledged"
    assert order["externalId"] == body["externalId"]
    product = order["productOrderItem"][0]["product"]
    mid = product["id"]
    assert product["href"].endswith(f"/migrations/{mid}")
    assert order["href"].endswith(f"{TMF}/productOrder/{order['id']}")

    # The same externalId and body: the same order; another body: 409, no second migration.
    again = an_order(await api.post(f"{TMF}/productOrder", json=body, headers=auth(CRM)))
    assert again["id"] == order["id"]
    other = order_body(body["externalId"])
    error = an_error(await api.post(f"{TMF}/productOrder", json=other, headers=auth(CRM)), 409)
    assert "externalId" in error["message"]

    # Read back: one, selected fields, listed by externalId with the counts; another CRM
    # sees none of it, through TM Forum or through the migration's own link.
    one = await api.get(
        f"{TMF}/productOrder/{order['id']}", params={"fields": "state"}, headers=auth(CRM)
    )
    assert one.status_code == 200 and one.json() == {
        "id": order["id"],
        "href": order["href"],
        "state": "acknowledged",
    }
    listed = await listing(api, {"externalId": body["externalId"]}, lambda found: found)
    assert [ProductOrder.model_validate(o).id for o in listed.json()] == [order["id"]]
    assert listed.headers["X-Total-Count"] == "1" and listed.headers["X-Result-Count"] == "1"
    an_error(await api.get(f"{TMF}/productOrder/{order['id']}", headers=auth(OTHER_CRM)), 404)
    theirs = await api.get(
        f"{TMF}/productOrder", params={"externalId": body["externalId"]}, headers=auth(OTHER_CRM)
    )
    assert theirs.json() == [] and theirs.headers["X-Total-Count"] == "0"
    assert (await api.get(f"/migrations/{mid}", headers=auth(CRM))).status_code == 200
    assert (await api.get(f"/migrations/{mid}", headers=auth(OTHER_CRM))).status_code == 404

    await drive_to_completion(api, mid)
    await until(api, mid, lambda s: s["stage"] == "completed")
    done = an_order(await api.get(f"{TMF}/productOrder/{order['id']}", headers=auth(CRM)))
    assert done["state"] == "completed" and "completionDate" in done
    assert [m["name"] for m in done["milestone"]] == [
        "orderConfirmed",
        "visitScheduled",
        "serviceActivated",
        "oldLineReleased",
    ]

    def all_told(received: list[dict[str, Any]]) -> bool:
        events = of_order(received, order["id"])
        return any(
            e["event"]["productOrder"]["milestone"][-1:]
            and e["event"]["productOrder"]["milestone"][-1]["name"] == "oldLineReleased"
            for e in events
        )

    received = await heard(sims, "acme-main", all_told)
    events = of_order(received, order["id"])
    in_order_once(events, order["id"])
    kinds = [(e["eventType"], e["event"]["productOrder"]["state"]) for e in events]
    assert kinds[0] == ("ProductOrderCreateEvent", "acknowledged")
    states = [s for kind, s in kinds if kind == "ProductOrderStateChangeEvent"]
    assert states == ["inProgress", "completed"]
    assert any(e.get("fieldPath") == "milestone" for e in events)
    for delivery in received:  # each signed with the secret handed out once
        assert delivery["signature"] == delivery_signature(
            sub.secret or "", delivery["body"].encode()
        )

    # The secret: in no history, no log, no later answer.
    assert sub.secret is not None
    for workflow_id in (mid, f"tmf-hub-{sub.id}"):
        assert sub.secret not in await readable_history(stack, workflow_id)
    assert stack.log_dir is not None
    for log in stack.log_dir.glob("*.log"):
        assert sub.secret not in log.read_text(errors="replace"), log.name
    later = await api.get(f"{TMF}/hub/{sub.id}", headers=auth(CRM))
    assert later.status_code == 200 and sub.secret not in later.text
    assert later.json()["suspended"] is False
    assert (await api.delete(f"{TMF}/hub/{sub.id}", headers=auth(CRM))).status_code == 204
    an_error(await api.get(f"{TMF}/hub/{sub.id}", headers=auth(CRM)), 404)


async def test_a_cancellation_before_the_visit_and_one_refused_after_activation(
    api: httpx.AsyncClient, sims: httpx.AsyncClient, stack: Stack
) -> None:
    sub = await subscribe(api, "acme-cancel", stack)
    early = an_order(await api.post(f"{TMF}/productOrder", json=order_body(), headers=auth(CRM)))
    # Until the visit is booked, the requested start date may change; nothing else may.
    patched = await api.patch(
        f"{TMF}/productOrder/{early['id']}",
        content=json.dumps({"requestedStartDate": "2030-01-15T00:00:00Z"}),
        headers={**auth(CRM), "Content-Type": "application/merge-patch+json"},
    )
    assert an_order(patched)["requestedStartDate"].startswith("2030-01-15")
    refused = await api.patch(
        f"{TMF}/productOrder/{early['id']}",
        content=json.dumps({"description": "faster please"}),
        headers={**auth(CRM), "Content-Type": "application/merge-patch+json"},
    )
    assert "description" in an_error(refused, 409)["message"]
    gone = await api.delete(f"{TMF}/productOrder/{early['id']}", headers=auth(CRM))
    an_error(gone, 405)
    assert gone.headers["Allow"] == "GET, PATCH"

    task = {"productOrder": {"id": early["id"]}, "cancellationReason": "customer changed his mind"}
    r = await api.post(f"{TMF}/cancelProductOrder", json=task, headers=auth(CRM))
    assert r.status_code == 201, r.text
    cancelled = CancelProductOrder.model_validate(r.json())
    assert cancelled.state.value == "done" and cancelled.product_order.id == early["id"]
    after = an_order(await api.get(f"{TMF}/productOrder/{early['id']}", headers=auth(CRM)))
    assert (
        after["state"] == "cancelled" and after["cancellationReason"] == task["cancellationReason"]
    )

    # The same line ordered again: a new order with its own id; the first is still read.
    line = characteristic(early, "lineNumber")
    again = order_body()
    for c in again["productOrderItem"][0]["product"]["productCharacteristic"]:
        if c["name"] == "lineNumber":
            c["value"] = line
    second = an_order(await placed_once_closed(api, again))
    assert characteristic(second, "lineNumber") == line and second["id"] != early["id"]
    assert mid_of(second) == mid_of(early)
    first = an_order(await api.get(f"{TMF}/productOrder/{early['id']}", headers=auth(CRM)))
    assert first["state"] == "cancelled"
    cancelled_ones = await listing(
        api,
        {"state": "cancelled", "limit": 100},
        lambda found: early["id"] in [o["id"] for o in found],
    )
    assert early["id"] in [o["id"] for o in cancelled_ones.json()]
    assert {ProductOrder.model_validate(o).state.value for o in cancelled_ones.json()} == {
        "cancelled"
    }

    late = an_order(await api.post(f"{TMF}/productOrder", json=order_body(), headers=auth(CRM)))
    mid = late["productOrderItem"][0]["product"]["id"]
    await drive_to_completion(api, mid)
    task = {"productOrder": {"id": late["id"]}, "cancellationReason": "too late?"}
    r = await api.post(f"{TMF}/cancelProductOrder", json=task, headers=auth(CRM))
    assert r.status_code == 201, r.text
    refused_task = CancelProductOrder.model_validate(r.json())
    assert refused_task.state.value == "terminatedWithError"
    assert "withdrawal is no longer possible" in (refused_task.error_message or "")

    received = await heard(
        sims,
        "acme-cancel",
        lambda got: any(r["event_type"] == "CancelProductOrderStateChangeEvent" for r in got),
    )
    events = of_order(received, early["id"])
    in_order_once(events, early["id"])
    told = [e for e in events if e["eventType"] == "CancelProductOrderStateChangeEvent"]
    assert told[0]["event"]["cancelProductOrder"]["state"] == "done"
    assert any(e.get("fieldPath") == "requestedStartDate" for e in events)
    await api.delete(f"{TMF}/hub/{sub.id}", headers=auth(CRM))


async def test_a_listener_down_for_a_while_hears_every_event_once_in_order(
    api: httpx.AsyncClient, sims: httpx.AsyncClient, stack: Stack
) -> None:
    sub = await subscribe(api, "acme-down", stack)
    down = {"system": "listener", "fail_next": 10_000, "status": 503}
    assert (await sims.post("/faults", json=down)).status_code == 204
    try:
        order = an_order(
            await api.post(f"{TMF}/productOrder", json=order_body(), headers=auth(CRM))
        )
        mid = order["productOrderItem"][0]["product"]["id"]
        r = await api.post(
            f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
        )
        assert r.status_code == 200
        # Failing past the policy's time: suspended, its events kept.
        deadline = time.monotonic() + SHOWS_WITHIN_S
        while True:
            state = (await api.get(f"{TMF}/hub/{sub.id}", headers=auth(CRM))).json()
            if state["suspended"] and state["pendingEvents"] >= 3:
                break
            assert time.monotonic() < deadline, state
            await asyncio.sleep(0.3)
    finally:
        await sims.delete("/faults")
    # Nothing of this order reached it while it was down (another order's last event, told
    # before the listener went down, may have).
    assert of_order((await sims.get("/listener/acme-down")).json(), order["id"]) == []
    resumed = await api.post(f"{TMF}/hub/{sub.id}/resume", headers=auth(CRM))
    assert resumed.status_code == 200 and (sub.secret or "?") not in resumed.text
    received = await heard(sims, "acme-down", lambda got: len(of_order(got, order["id"])) >= 3)
    events = of_order(received, order["id"])
    in_order_once(events, order["id"])
    assert [e["eventType"] for e in events][:2] == [
        "ProductOrderCreateEvent",
        "ProductOrderStateChangeEvent",
    ]
    await api.delete(f"{TMF}/hub/{sub.id}", headers=auth(CRM))


async def test_tm_forum_refusals_are_errors_in_its_shape(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    evil = await api.post(
        f"{TMF}/hub", json={"callback": "http://evil.example/steal"}, headers=auth(CRM)
    )
    assert "allow-list" in an_error(evil, 400)["message"]
    bad_query = await api.post(
        f"{TMF}/hub",
        json={"callback": f"{stack.simulators_url}/listener/x", "query": "state=completed"},
        headers=auth(CRM),
    )
    assert "eventType" in an_error(bad_query, 400)["message"]
    an_error(await api.get(f"{TMF}/productOrder"), 401)
    an_error(await api.get(f"{TMF}/productOrder", headers=auth("sales")), 403)
    an_error(await api.get(f"{TMF}/productOrder/mig-00.nope", headers=auth(CRM)), 404)
    an_error(await api.put(f"{TMF}/productOrder", headers=auth(CRM)), 405)
    no_phone = order_body()
    characteristics = no_phone["productOrderItem"][0]["product"]["productCharacteristic"]
    no_phone["productOrderItem"][0]["product"]["productCharacteristic"] = [
        c for c in characteristics if c["name"] != "customerPhone"
    ]
    missing = await api.post(f"{TMF}/productOrder", json=no_phone, headers=auth(CRM))
    assert "customerPhone" in an_error(missing, 400)["message"]
    unknown = await api.post(f"{TMF}/productOrder", json={"nope": 1}, headers=auth(CRM))
    assert "productOrderItem" in an_error(unknown, 400)["message"]
    huge = await api.post(
        f"{TMF}/productOrder",
        content=b"x" * 70_000,
        headers={**auth(CRM), "Content-Type": "application/json"},
    )
    an_error(huge, 413)
    assert (await api.get("/worklist", headers=auth(CRM))).status_code == 403
