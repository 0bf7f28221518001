"""Break things for real: SIGKILL the worker mid-activity, stop the Temporal server past due
timers, restart the API under retries. Nothing is lost and no effect happens twice."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

from stack import Stack
from tests.e2e.client import (
    auth,
    book_manually,
    effects_per_migration,
    migration_body,
    post,
    snapshot,
    start_many,
    technician_of,
    wait_all,
)
from tests.reliability.counts import MIGRATIONS

UNITS_PER_SLOT = 5  # the roster's technicians in area RM
OFFERED = 20  # the most one offer holds: MIGRATIONS up to 100 get a unit each


async def test_worker_killed_mid_activity(stack: Stack) -> None:
    async with (
        httpx.AsyncClient(base_url=stack.api_url, timeout=120) as api,
        httpx.AsyncClient(base_url=stack.simulators_url) as sims,
    ):
        ids = await start_many(api, MIGRATIONS)
        await asyncio.gather(
            *(
                post(api, f"/migrations/{m}/confirmation", {"channel": "phone"}, "sales")
                for m in ids
            )
        )
        offers = await asyncio.gather(
            *(
                post(api, f"/migrations/{m}/slot-offers", {"count": OFFERED}, "dispatch")
                for m in ids
            )
        )
        slots = [o.json()["slots"] for o in offers]
        # Slow field service, so bookings are in flight when the worker dies; a slot each,
        # as many per slot as it has units, so none is lost to another.
        await sims.post("/faults", json={"system": "field_service", "latency_s": 1.0})
        booking = asyncio.gather(
            *(
                post(
                    api,
                    f"/migrations/{m}/appointment",
                    {"slot_id": slots[i][i // UNITS_PER_SLOT]["slot_id"]},
                    "dispatch",
                )
                for i, m in enumerate(ids)
            )
        )
        await asyncio.sleep(0.6)
        stack.kill("worker")
        await sims.delete("/faults")
        stack.launch("worker")
        answers = await booking
        assert [a.status_code for a in answers] == [200] * len(ids), [a.text for a in answers]
        technicians = {a.json()["migration_id"]: technician_of(a.json()) for a in answers}
        half = ids[: len(ids) // 2]
        await asyncio.gather(
            *(
                post(api, f"/migrations/{m}/visit", {"outcome": "activated"}, technicians[m])
                for m in half
            )
        )
        await wait_all(api, half, lambda s: s["stage"] == "completed")
        await wait_all(api, ids[len(half) :], lambda s: s["stage"] == "scheduled")

        calls = (await sims.get("/calls")).json()
        mine = [c for c in calls if c["migration_id"] in set(ids)]
        per = effects_per_migration(mine)
        assert max(per.values()) == 1, [k for k, v in per.items() if v > 1]
        deliveries = sum(c["deliveries"] for c in mine)
        print(f"worker crash: {len(ids)} migrations, {len(mine)} effects, {deliveries} deliveries")
        for m in ids:
            assert per[(m, "hold")] == per[(m, "confirm_hold")] == 1
            assert per[(m, "customer:confirmation_call")] == 1
        booked = (await sims.get("/field-service/bookings")).json()
        assert sorted(b["migration_id"] for b in booked) == sorted(ids)  # one unit each
        for m in half:
            assert per[(m, "release")] == per[(m, "mandate")] == 1


async def test_server_down_past_due_timers(stack: Stack) -> None:
    async with (
        httpx.AsyncClient(base_url=stack.api_url, timeout=120) as api,
        httpx.AsyncClient(base_url=stack.simulators_url) as sims,
    ):
        ids = await start_many(api, MIGRATIONS, technician_contact=4, escalation_interval=3600)
        await asyncio.gather(
            *(
                post(api, f"/migrations/{m}/confirmation", {"channel": "phone"}, "sales")
                for m in ids
            )
        )
        stack.stop_one("temporal")  # every technician_contact comes due while it is down
        await asyncio.sleep(6)
        began = time.monotonic()
        stack.launch("temporal")
        await wait_all(api, ids, lambda s: s["escalation_level"] == 1)
        recovery_s = time.monotonic() - began
        calls = (await sims.get("/calls")).json()
        escalations = Counter(
            c["migration_id"]
            for c in calls
            if c["migration_id"] in set(ids) and c["action"] == "escalation:technician_contact:1"
        )
        assert escalations == Counter(ids)  # fired once each: not lost, not doubled
        print(f"recovery after restart: {recovery_s:.1f}s for {len(ids)} migrations")


async def test_api_restarted_under_retries(stack: Stack) -> None:
    async with (
        httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api,
        httpx.AsyncClient(base_url=stack.simulators_url) as sims,
    ):
        bodies = [migration_body() for _ in range(MIGRATIONS)]
        keys = [str(uuid.uuid4()) for _ in bodies]
        first = asyncio.gather(
            *(
                api.post("/migrations", json=b, headers=auth("sales", k))
                for b, k in zip(bodies, keys, strict=True)
            ),
            return_exceptions=True,
        )
        await asyncio.sleep(0.05)
        stack.kill("api")
        await first  # some answered, some cut off: the clients cannot know which
        stack.launch("api")
        stack.wait_healthy(f"{stack.api_url}/healthz", "api")
        again = await asyncio.gather(
            *(
                api.post("/migrations", json=b, headers=auth("sales", k))
                for b, k in zip(bodies, keys, strict=True)
            )
        )
        assert [r.status_code for r in again] == [201] * len(bodies)
        ids = [r.json()["migration_id"] for r in again]
        await wait_all(
            api, ids, lambda s: any(e["event"] == "line_validated" for e in s["timeline"])
        )
        calls = (await sims.get("/calls")).json()
        orders = Counter(c["migration_id"] for c in calls if c["action"] == "open_order")
        assert all(orders[m] == 1 for m in ids)


async def test_sigterm_lets_in_flight_activities_finish(stack: Stack) -> None:
    """A deploy stops the worker with SIGTERM while calls hang: they finish in the grace
    period, are not delivered again, and a new worker carries on."""
    async with (
        httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api,
        httpx.AsyncClient(base_url=stack.simulators_url, timeout=30) as sims,
    ):
        ids = await start_many(api, 3)
        await sims.post("/faults", json={"system": "notifications", "hang_next": 3, "hang_s": 4})
        for mid in ids:
            r = await post(api, f"/migrations/{mid}/confirmation", {"channel": "phone"}, "sales")
            assert r.status_code == 200, r.text
        while (await sims.get("/faults")).json()["faulted"] < 3:  # all three calls held
            await asyncio.sleep(0.1)

        worker = stack.processes["worker"]
        stack.stop_one("worker")  # SIGTERM; SIGKILL only after the stack's own grace
        assert worker.returncode == 0  # it stopped by itself, not killed
        assert stack.log_dir is not None
        finished = [
            line
            for line in map(json.loads, _json_lines(stack.log_dir / "worker.log"))
            if line.get("migration_id") in ids and "/notifications/" in line["message"]
        ]
        assert len(finished) == 3  # each held call completed in the worker that started it

        stack.launch("worker")
        for mid in ids:
            r = await book_manually(api, mid)
            assert r.status_code == 200, r.text
        calls = [c for c in (await sims.get("/calls")).json() if c["migration_id"] in ids]
        assert all(c["deliveries"] == 1 for c in calls)  # nothing delivered twice
    assert "stopping: in-flight activities get" in (stack.log_dir / "worker.log").read_text()


def _json_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.startswith("{")]


async def test_worker_killed_between_hold_and_confirm(stack: Stack) -> None:
    """Field service holds the slot, then the worker dies while the confirmation hangs: the
    retried booking gets the same hold back by its key and confirms it. One unit taken, none
    lost, none given twice."""
    async with (
        httpx.AsyncClient(base_url=stack.api_url, timeout=120) as api,
        httpx.AsyncClient(base_url=stack.simulators_url) as sims,
    ):
        (mid,) = await start_many(api, 1)
        await post(api, f"/migrations/{mid}/confirmation", {"channel": "phone"}, "sales")
        offered = await post(api, f"/migrations/{mid}/slot-offers", {"count": 1}, "dispatch")
        slot = offered.json()["slots"][0]["slot_id"]
        hang = {"system": "field_service", "action": "confirm_hold", "hang_next": 1, "hang_s": 20}
        await sims.post("/faults", json=hang)
        booking = asyncio.create_task(
            post(api, f"/migrations/{mid}/appointment", {"slot_id": slot}, "dispatch")
        )
        while (await sims.get("/faults")).json()["faulted"] < 1:  # held, confirmation hanging
            await asyncio.sleep(0.1)
        stack.kill("worker")
        stack.launch("worker")
        answer = await booking
        assert answer.status_code == 200, answer.text
        await wait_all(api, [mid], lambda s: s["stage"] == "scheduled")
        snap = await snapshot(api, mid)
        booked = (await sims.get("/field-service/bookings")).json()
        assert [b["migration_id"] for b in booked if b["migration_id"] == mid] == [mid]
        assert booked[-1]["technician_id"] == snap["appointment"]["technician_id"]
        units = (await sims.get(f"/field-service/slots/{slot}")).json()
        assert units["free_units"] == UNITS_PER_SLOT - 1  # taken once, not lost to the hold
        per = effects_per_migration((await sims.get("/calls", params={"migration_id": mid})).json())
        assert per[(mid, "hold")] == per[(mid, "confirm_hold")] == 1
