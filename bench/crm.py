"""A CRM's share of migrations: placed as TM Forum product orders, each followed by one
listener. What each order adds to a migration a seller starts (events and actions, the
delivery workflow's included) and how late its events reach the listener."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import httpx
from temporalio.client import Client, WorkflowHandle

from bench import roster
from bench.bill import metered
from bench.paths import percentile, post, seconds_between
from tests.e2e.client import CRM, TMF, book, order_body, technician_of

DELIVERED_WITHIN_S = 120.0


async def one_order(api: httpx.AsyncClient, client: Client) -> tuple[str, int]:
    """Placed, then confirmed, booked and activated as a seller's would be, and ended by the
    gateway's release as the happy path is: the order's id and its migration's events."""
    body = order_body()
    for c in body["productOrderItem"][0]["product"]["productCharacteristic"]:
        if c["name"] == "area":
            c["value"] = roster.AREA  # the benchmark's own technicians
    order = await post(api, f"{TMF}/productOrder", body, CRM)
    mid = str(order["productOrderItem"][0]["product"]["id"])
    await post(api, f"/migrations/{mid}/confirmation", {"channel": "phone"}, "sales")
    technician = technician_of(await book(api, mid))
    await post(api, f"/migrations/{mid}/visit", {"outcome": "activated"}, technician)
    handle = client.get_workflow_handle(mid)
    await handle.result()
    return str(order["id"]), len((await handle.fetch_history()).events)


async def crm_share(
    api: httpx.AsyncClient,
    sims: httpx.AsyncClient,
    client: Client,
    urls: tuple[str, str],
    orders: int,
    happy: dict[str, int],
) -> dict[str, Any]:
    """`orders` product orders at once, one listener subscribed; per order, against the
    happy path a seller starts (`happy`: its events and metered actions): the migration's
    extra events, the delivery workflow's events, the extra actions the server metered,
    deliveries, and the lag from each event's time to the listener's receipt."""
    simulators_url, metrics_url = urls
    listener = f"bench-{uuid.uuid4().hex[:8]}"
    sub = await post(api, f"{TMF}/hub", {"callback": f"{simulators_url}/listener/{listener}"}, CRM)
    delivery = client.get_workflow_handle(f"tmf-hub-{sub['id']}")
    before = await metered(api, metrics_url, client.namespace), await _events(delivery)
    placed = await asyncio.gather(*(one_order(api, client) for _ in range(orders)))
    received = await _all_delivered(sims, listener, {order_id for order_id, _ in placed})
    actions = await metered(api, metrics_url, client.namespace) - before[0]
    lags = [
        seconds_between(r["received_at"], json.loads(r["body"])["eventTime"]) * 1000
        for r in received
    ]
    migration_events = sum(events for _, events in placed) / orders
    return {
        "crm_orders": orders,
        "crm_extra_migration_events_per_order": round(migration_events - happy["events"], 1),
        "crm_delivery_events_per_order": round((await _events(delivery) - before[1]) / orders, 1),
        "crm_extra_actions_per_order": round(actions / orders - happy["metered_actions"], 1),
        "crm_deliveries_per_order": round(len(received) / orders, 2),
        "crm_delivery_lag_p50_ms": round(percentile(lags, 0.5), 1),
        "crm_delivery_lag_p99_ms": round(percentile(lags, 0.99), 1),
    }


async def _events(handle: WorkflowHandle[Any, Any]) -> int:
    return len((await handle.fetch_history()).events)


async def _all_delivered(
    sims: httpx.AsyncClient, listener: str, order_ids: set[str]
) -> list[dict[str, Any]]:
    """Every delivery the listener took, once each order's completion reached it."""
    deadline = time.monotonic() + DELIVERED_WITHIN_S
    while True:
        received: list[dict[str, Any]] = (await sims.get(f"/listener/{listener}")).json()
        completed = {
            body["event"]["productOrder"]["id"]
            for body in (json.loads(r["body"]) for r in received)
            if body["event"].get("productOrder", {}).get("state") == "completed"
        }
        if completed >= order_ids:
            return received
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(order_ids - completed)} orders never told completed")
        await asyncio.sleep(0.5)
