"""Force majeure over real HTTP: a supervisor declares it for an area; the worker carries it
to the running migrations there (found through the Area search attribute), and again once
every API process's copy of the register has it (the second pass, listing by start time); a
migration that starts during it starts with its clocks stopped; a revocation puts every
clock back."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from stack import Stack
from tests.e2e.client import SHOWS_WITHIN_S, auth, migration_body, snapshot, until
from workflows.force_majeure import REGISTRY_ID


def activation(snap: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in snap["promises"] if p["name"] == "activation")


async def confirmed_in(api: httpx.AsyncClient, area: str) -> dict[str, Any]:
    body = migration_body()
    body["line"]["area"] = area
    r = await api.post("/migrations", json=body, headers=auth("sales"))
    assert r.status_code == 201, r.text
    mid = r.json()["migration_id"]
    r = await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "x"}, headers=auth("sales")
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def listed(api: httpx.AsyncClient, mid: str) -> None:
    """Visibility must know the migration's area before a fan-out can find it."""
    deadline = time.monotonic() + SHOWS_WITHIN_S
    while time.monotonic() < deadline:
        r = await api.get("/migrations", params={"stage": "confirmed"}, headers=auth("supervisor"))
        if mid in {i["migration_id"] for i in r.json()["items"]}:
            return
    raise AssertionError(f"{mid} never listed")


async def every_change_carried_twice(api: httpx.AsyncClient, stack: Stack) -> None:
    """Every declaration and revocation so far (other tests make some too) carried by two
    completed fan-outs, read from the registry's history (event types only: its payloads are
    sealed). A pass whose visibility query the server refused would retry for ever."""
    r = await api.get("/force-majeure", headers=auth("auditor"))
    items = r.json()["items"]
    at_least = 2 * (len(items) + sum(1 for d in items if d["revoked_at"]))
    client = await Client.connect(stack.temporal_address)
    deadline = time.monotonic() + SHOWS_WITHIN_S
    while time.monotonic() < deadline:
        history = await client.get_workflow_handle(REGISTRY_ID).fetch_history()
        kinds = [e.event_type for e in history.events]
        if kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) >= at_least:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"fewer than {at_least} fan-outs completed")


async def test_force_majeure_stops_the_areas_clocks_and_a_revocation_restarts_them(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    before = await confirmed_in(api, "PA")
    mid = before["migration_id"]
    await listed(api, mid)
    now = datetime.now(UTC)
    period = {
        "from": (now - timedelta(hours=1)).isoformat(),
        "to": (now + timedelta(days=2)).isoformat(),
    }
    r = await api.post(
        "/force-majeure",
        json={"area": "PA", **period, "reason": "flooding closed the exchange"},
        headers=auth("supervisor"),
    )
    assert r.status_code == 201, r.text
    declared = r.json()
    stopped = await until(api, mid, lambda s: bool(activation(s)["pauses"]))
    assert activation(stopped)["pauses"][0]["declaration"] == declared["declaration_id"]
    assert activation(stopped)["due_at"] > activation(before)["due_at"]

    during = await confirmed_in(api, "PA")  # started while it lasts: stopped from the start
    assert activation(during)["pauses"][0]["declaration"] == declared["declaration_id"]
    await every_change_carried_twice(api, stack)  # at once, then again by start time

    r = await api.get("/force-majeure", headers=auth("auditor"))
    assert declared["declaration_id"] in {d["declaration_id"] for d in r.json()["items"]}
    r = await api.delete(f"/force-majeure/{declared['declaration_id']}", headers=auth("supervisor"))
    assert r.status_code == 200 and r.json()["revoked_at"], r.text
    back = await until(api, mid, lambda s: not activation(s)["pauses"])
    assert activation(back)["due_at"] == activation(before)["due_at"]
    assert (await snapshot(api, mid))["stage"] == "confirmed"


async def test_only_a_supervisor_declares_and_a_bad_period_is_refused(
    api: httpx.AsyncClient,
) -> None:
    now = datetime.now(UTC).isoformat()
    body = {"area": "PA", "from": now, "to": now, "reason": "x"}
    r = await api.post("/force-majeure", json=body, headers=auth("sales"))
    assert r.status_code == 403
    r = await api.post("/force-majeure", json=body, headers=auth("supervisor"))
    assert r.status_code == 422 and "to must be after from" in r.text
    r = await api.delete("/force-majeure/fm-999", headers=auth("supervisor"))
    assert r.status_code == 404, r.text
