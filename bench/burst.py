"""A real day's storm: visit windows end on the hour, so every visit promise of the hour
falls due in the same second. Ours (the visit's escalation, with the no-show rebooking it
sets in motion) against bare timers due at the very same instant, and how long the backlog
takes to drain. Each visit is booked by hand for the one window (an emergency booking), with
a technician of its own from the benchmark's roster."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
from temporalio.client import Client

from bench import roster
from bench.paths import now, post
from bench.race import race, summary
from stack import Stack

SETUP_S_PER_MIGRATION = 0.25  # three API calls each, on two shared cores: generous
SETUP_MARGIN_S = 8  # and the first calls' own latency: the windows must end after booking
WAIT_AFTER_DUE_S = 600


async def burst_storm(
    api: httpx.AsyncClient, sims: httpx.AsyncClient, client: Client, stack: Stack, n: int
) -> dict[str, Any]:
    due = now() + timedelta(seconds=SETUP_MARGIN_S + n * SETUP_S_PER_MIGRATION)
    window = {
        "window_start": (due - timedelta(hours=4)).isoformat(),
        "window_end": due.isoformat(),
    }
    gate = asyncio.Semaphore(20)

    async def scheduled(i: int) -> str:
        """Booked by hand for this one window: a technician each, as field service has."""
        async with gate:
            created = await post(api, "/migrations", roster.body(), "sales")
            mid = str(created["migration_id"])
            await post(api, f"/migrations/{mid}/confirmation", {"channel": "phone"}, "sales")
            booking = {"technician_id": roster.technician(i), **window}
            await post(api, f"/migrations/{mid}/appointment/manual", booking, "supervisor")
            return mid

    ids = set(await asyncio.gather(*(scheduled(i) for i in range(n))))
    late_ours, late_bare = await race(
        sims,
        client,
        stack,
        dict.fromkeys(ids, due),
        "escalation:visit:1",
        "bare-burst",
        WAIT_AFTER_DUE_S,
    )
    results: dict[str, Any] = {"burst_migrations": n}
    return results | summary("burst_escalation", "burst_bare_timer", late_ours, late_bare)
