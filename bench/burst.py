"""A real day's storm: visit windows end on the hour, so every visit promise of the hour
falls due in the same second. Ours (the visit's escalation, with the no-show rebooking it
sets in motion) against bare timers due at the very same instant, and how long the backlog
takes to drain."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import httpx
from temporalio.client import Client

from bench.bare import BARE_QUEUE, Alarm, BareTimer, Notice
from bench.paths import now, percentile, post, seconds_between
from stack import Stack
from tests.e2e.conftest import migration_body

SETUP_S_PER_MIGRATION = 0.25  # three API calls each, on two shared cores: generous
SETUP_MARGIN_S = 30
WAIT_AFTER_DUE_S = 600


async def burst_storm(
    api: httpx.AsyncClient, sims: httpx.AsyncClient, client: Client, stack: Stack, n: int
) -> dict[str, Any]:
    due = now() + timedelta(seconds=SETUP_MARGIN_S + n * SETUP_S_PER_MIGRATION)
    window = {
        "technician_id": "luca",
        "window_start": (due - timedelta(hours=4)).isoformat(),
        "window_end": due.isoformat(),
    }
    gate = asyncio.Semaphore(20)

    async def scheduled() -> str:
        async with gate:
            created = await post(api, "/migrations", migration_body(), "sales")
            mid = str(created["migration_id"])
            await post(api, f"/migrations/{mid}/confirmation", {"channel": "phone"}, "sales")
            await post(api, f"/migrations/{mid}/appointment", window, "dispatch")
            return mid

    ids = set(await asyncio.gather(*(scheduled() for _ in range(n))))
    url = f"{stack.simulators_url}/notifications/escalations"
    bare_ids = {f"bare-burst-{m}" for m in ids}
    await asyncio.gather(
        *(
            client.start_workflow(
                BareTimer.run,
                Alarm(due=due, notice=Notice(url=url, key=f"{b}/notice", migration_id=b)),
                id=b,
                task_queue=BARE_QUEUE,
            )
            for b in bare_ids
        )
    )
    late_ours: dict[str, float] = {}
    late_bare: dict[str, float] = {}
    deadline = time.monotonic() + (due - now()).total_seconds() + WAIT_AFTER_DUE_S
    while (len(late_ours) < n or len(late_bare) < n) and time.monotonic() < deadline:
        await asyncio.sleep(1)
        for call in (await sims.get("/calls")).json():
            mid = call["migration_id"]
            if call["action"] == "escalation:visit:1" and mid in ids:
                late_ours[mid] = seconds_between(call["first_received_at"], due)
            elif mid in bare_ids:
                late_bare[mid] = seconds_between(call["first_received_at"], due)
    results: dict[str, Any] = {"burst_migrations": n}
    for label, delays in (("burst_escalation", late_ours), ("burst_bare_timer", late_bare)):
        values = list(delays.values()) or [float("nan")]
        for q, name in ((0.5, "p50"), (0.95, "p95"), (0.99, "p99")):
            results[f"{label}_{name}_s"] = round(percentile(values, q), 3)
        results[f"{label}_max_s"] = round(max(values), 3)  # the backlog's drain time
        results[f"{label}_fired"] = len(delays)
    results["burst_escalation_p99_ratio"] = round(
        results["burst_escalation_p99_s"] / max(results["burst_bare_timer_p99_s"], 0.001), 2
    )
    return results
