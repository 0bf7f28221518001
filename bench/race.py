"""Ours against bare timers due at the very same instants: start the bare side, collect when
each side's notice reached the simulators, and summarize the delays after due."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

import httpx
from temporalio.client import Client

from bench.bare import BARE_QUEUE, Alarm, BareTimer, Notice
from bench.paths import now, percentile, seconds_between
from stack import Stack


async def race(
    sims: httpx.AsyncClient,
    client: Client,
    stack: Stack,
    due: dict[str, datetime],
    action: str,
    prefix: str,
    wait_after_due_s: float,
) -> tuple[dict[str, float], dict[str, float]]:
    """Seconds from due to notified, for ours (the simulators' `action`) and for bare."""
    url = f"{stack.simulators_url}/notifications/escalations"
    bare_due = {f"{prefix}-{m}": d for m, d in due.items()}
    await asyncio.gather(
        *(
            client.start_workflow(
                BareTimer.run,
                Alarm(due=d, notice=Notice(url=url, key=f"{b}/notice", migration_id=b)),
                id=b,
                task_queue=BARE_QUEUE,
            )
            for b, d in bare_due.items()
        )
    )
    late_ours: dict[str, float] = {}
    late_bare: dict[str, float] = {}
    last_due = max(due.values())
    deadline = time.monotonic() + (last_due - now()).total_seconds() + wait_after_due_s
    while (len(late_ours) < len(due) or len(late_bare) < len(due)) and time.monotonic() < deadline:
        await asyncio.sleep(1)
        for call in (await sims.get("/calls")).json():
            mid = call["migration_id"]
            if call["action"] == action and mid in due:
                late_ours[mid] = seconds_between(call["first_received_at"], due[mid])
            elif mid in bare_due:
                late_bare[mid] = seconds_between(call["first_received_at"], bare_due[mid])
    return late_ours, late_bare


def summary(
    ours: str, bare: str, late_ours: dict[str, float], late_bare: dict[str, float]
) -> dict[str, Any]:
    """p50/p95/p99/max (the backlog's drain time) and how many fired, per side, and the p99 ratio."""
    results: dict[str, Any] = {}
    for label, delays in ((ours, late_ours), (bare, late_bare)):
        values = list(delays.values()) or [float("nan")]
        for q, name in ((0.5, "p50"), (0.95, "p95"), (0.99, "p99")):
            results[f"{label}_{name}_s"] = round(percentile(values, q), 3)
        results[f"{label}_max_s"] = round(max(values), 3)
        results[f"{label}_fired"] = len(delays)
    results[f"{ours}_p99_ratio"] = round(
        results[f"{ours}_p99_s"] / max(results[f"{bare}_p99_s"], 0.001), 2
    )
    return results
