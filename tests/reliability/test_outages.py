"""External systems failing for real: field service down then hanging, payments refusing.
Transient faults are retried until they pass; escalations never wait behind them; a business
refusal ends its step with a reason instead of retrying forever."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import httpx

from stack import Stack
from tests.e2e.client import (
    SHOWS_WITHIN_S,
    book,
    post,
    snapshot,
    start_many,
    technician_of,
    wait_all,
)
from tests.reliability.counts import MIGRATIONS


async def calls(sims: httpx.AsyncClient, ids: list[str], action: str) -> Counter[str]:
    found = (await sims.get("/calls")).json()
    return Counter(
        c["migration_id"] for c in found if c["action"] == action and c["migration_id"] in ids
    )


async def until_calls(sims: httpx.AsyncClient, ids: list[str], action: str) -> Counter[str]:
    deadline = time.monotonic() + 2 * SHOWS_WITHIN_S  # retries with backoff after an outage
    seen: Counter[str] = Counter()
    while time.monotonic() < deadline:
        seen = await calls(sims, ids, action)
        if len(seen) == len(ids):
            return seen
        await asyncio.sleep(0.2)
    raise AssertionError(f"{action}: only {len(seen)} of {len(ids)}")


async def test_field_service_down_then_hanging(stack: Stack) -> None:
    async with (
        httpx.AsyncClient(base_url=stack.api_url, timeout=120) as api,
        httpx.AsyncClient(base_url=stack.simulators_url) as sims,
    ):
        ids = await start_many(api, MIGRATIONS, technician_contact=3, escalation_interval=3600)
        await sims.post("/faults", json={"system": "field_service", "fail_next": 100_000})
        await asyncio.gather(
            *(
                post(api, f"/migrations/{m}/confirmation", {"channel": "phone"}, "sales")
                for m in ids
            )
        )
        tickets = await asyncio.gather(
            *(
                post(api, f"/migrations/{m}/tickets", {"channel": "phone", "summary": "?"}, "care")
                for m in ids
            )
        )
        assert all(t.status_code == 201 for t in tickets)

        # Field service still answers 503: the escalations go out all the same.
        escalated = await until_calls(sims, ids, "escalation:technician_contact:1")
        assert set(escalated.values()) == {1}
        assert await calls(sims, ids, "forward_ticket") == Counter()

        # Then it hangs past the client's timeout for a while, then recovers.
        await sims.post(
            "/faults", json={"system": "field_service", "hang_next": len(ids), "hang_s": 11}
        )
        forwarded = await until_calls(sims, ids, "forward_ticket")
        assert set(forwarded.values()) == {1}  # retried until done, done once
        await wait_all(api, ids, lambda s: s["tickets"][0]["forwarded_at"] is not None)
        snaps = await asyncio.gather(*(snapshot(api, m) for m in ids))
        assert {s["stage"] for s in snaps} == {"confirmed"}  # no migration failed


async def test_payments_transient_fault_retried_and_refusal_recorded(stack: Stack) -> None:
    async with (
        httpx.AsyncClient(base_url=stack.api_url, timeout=120) as api,
        httpx.AsyncClient(base_url=stack.simulators_url) as sims,
    ):
        retried, refused = await start_many(api, 2)

        async def activate(mid: str) -> None:
            await post(api, f"/migrations/{mid}/confirmation", {"channel": "phone"}, "sales")
            booked = await book(api, mid)
            r = await post(
                api, f"/migrations/{mid}/visit", {"outcome": "activated"}, technician_of(booked)
            )
            assert r.status_code == 200, r.text

        await sims.post("/faults", json={"system": "payments", "fail_next": 1, "status": 503})
        await activate(retried)
        assert await until_calls(sims, [retried], "mandate") == Counter({retried: 1})
        await wait_all(api, [retried], lambda s: s["stage"] == "completed")

        await sims.post("/faults", json={"system": "payments", "fail_next": 1, "status": 422})
        await activate(refused)

        def recorded(s: dict[str, Any]) -> bool:
            return s["stage"] == "completed" and any(
                e["event"] == "side_effect_failed" for e in s["timeline"]
            )

        await wait_all(api, [refused], recorded)
        failure = next(
            e
            for e in (await snapshot(api, refused))["timeline"]
            if e["event"] == "side_effect_failed"
        )
        assert failure["detail"].startswith("request_mandate: ")
        assert await calls(sims, [refused], "mandate") == Counter()
