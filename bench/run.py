"""`make bench`: ours against bare Temporal, side by side on one embedded stack, as ratios.

Starts its own stack on free ports, then measures: what each lifecycle path costs the engine
(events, workflow tasks, history bytes, activities) against a bare workflow doing the same
activities and updates and nothing else; throughput end to end through the API against bare
workflows driven by the client; and how late escalations fire when many promises run out
together against bare timers with the same due times.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client
from temporalio.worker import Worker

from bench.bare import Alarm, BareMigration, BareTimer, Notice, Plan, noop, notify
from bench.paths import PATHS, cost, now, percentile, plan_of, post, seconds_between
from connection import connect
from settings import Settings
from stack import NO_WRITE_LIMIT, Stack, start_on_free_ports
from tests.e2e.conftest import migration_body

RESULTS = Path(__file__).parent / "results"
BARE_QUEUE = "bench-bare"
SECONDS_PER_DAY = 86_400


async def bare_run(client: Client, plan: str) -> str:
    handle = await client.start_workflow(
        BareMigration.run, Plan(steps=plan), id=f"bare-{uuid.uuid4()}", task_queue=BARE_QUEUE
    )
    for step in range(plan.count("u")):
        await handle.execute_update(BareMigration.act, step)
    await handle.result()
    return handle.id


async def cost_per_path(api: httpx.AsyncClient, client: Client) -> tuple[dict[str, Any], str]:
    results: dict[str, Any] = {}
    happy_plan = ""
    for name, drive in PATHS.items():
        ours = await client.get_workflow_handle(await drive(api, client)).fetch_history()
        plan = plan_of(ours)
        bare = await client.get_workflow_handle(await bare_run(client, plan)).fetch_history()
        for metric, value in cost(ours).items():
            results[f"{metric}_{name}"] = value
        for metric, value in cost(bare).items():
            results[f"bare_{metric}_{name}"] = value
        results[f"events_ratio_{name}"] = round(
            results[f"events_{name}"] / results[f"bare_events_{name}"], 2
        )
        happy_plan = happy_plan or plan
    return results, happy_plan


async def throughput(
    api: httpx.AsyncClient, client: Client, n: int, concurrency: int, plan: str
) -> dict[str, Any]:
    async def clients(job: Any) -> float:
        queue = list(range(n))
        began = time.monotonic()

        async def loop() -> None:
            while queue:
                queue.pop()
                await job()

        await asyncio.gather(*(loop() for _ in range(concurrency)))
        return n / (time.monotonic() - began)

    ours = await clients(lambda: PATHS["happy_path"](api, client))
    bare = await clients(lambda: bare_run(client, plan))
    return {
        "api_migrations_per_s": round(ours, 2),
        "bare_per_s": round(bare, 2),
        "throughput_ratio": round(ours / bare, 2),
        "migrations_per_day_capacity": int(ours * SECONDS_PER_DAY),
    }


async def storm(
    api: httpx.AsyncClient, sims: httpx.AsyncClient, client: Client, stack: Stack, n: int,
    window_s: int,
) -> dict[str, Any]:  # fmt: skip
    created = await asyncio.gather(*(
        post(api, "/migrations", migration_body(technician_contact=window_s,
                                                escalation_interval=3600), "sales")
        for _ in range(n)
    ))  # fmt: skip
    ids = [c["migration_id"] for c in created]
    confirmed = await asyncio.gather(*(
        post(api, f"/migrations/{m}/confirmation", {"channel": "phone"}, "sales") for m in ids
    ))  # fmt: skip
    due = {
        s["migration_id"]: next(
            p["due_at"] for p in s["promises"] if p["name"] == "technician_contact"
        )
        for s in confirmed
    }
    url = f"{stack.simulators_url}/notifications/escalations"
    bare_ids = {f"bare-storm-{m}": d for m, d in due.items()}
    await asyncio.gather(*(
        client.start_workflow(
            BareTimer.run,
            Alarm(due=d, notice=Notice(url=url, key=f"{b}/notice", migration_id=b)),
            id=b, task_queue=BARE_QUEUE,
        )
        for b, d in bare_ids.items()
    ))  # fmt: skip
    late_ours: dict[str, float] = {}
    late_bare: dict[str, float] = {}
    deadline = time.monotonic() + window_s + 300
    while (len(late_ours) < n or len(late_bare) < n) and time.monotonic() < deadline:
        await asyncio.sleep(1)
        for call in (await sims.get("/calls")).json():
            mid = call["migration_id"]
            if call["action"] == "escalation:technician_contact:1" and mid in due:
                late_ours[mid] = seconds_between(call["first_received_at"], due[mid])
            elif mid in bare_ids:
                late_bare[mid] = seconds_between(call["first_received_at"], bare_ids[mid])
    spread = seconds_between(max(due.values()), min(due.values()))
    results: dict[str, Any] = {"storm_migrations": n, "storm_due_spread_s": round(spread, 2)}
    for label, delays in (("escalation", late_ours), ("bare_timer", late_bare)):
        values = list(delays.values())
        for q, name in ((0.5, "p50"), (0.95, "p95"), (0.99, "p99")):
            results[f"{label}_{name}_s"] = round(percentile(values, q), 3)
        results[f"{label}_max_s"] = round(max(values), 3)
        results[f"{label}_fired"] = len(values)
    results["escalation_p99_ratio"] = round(
        results["escalation_p99_s"] / max(results["bare_timer_p99_s"], 0.001), 2
    )
    return results


def table(results: dict[str, Any]) -> str:
    rows = [f"{'metric':<40} {'ours':>12} {'bare':>12} {'ratio':>8}"]
    for key, value in results.items():
        if key.startswith("bare_") or "ratio" in key.split("_"):
            continue
        base = key.replace("api_migrations_per_s", "per_s").replace("escalation_", "timer_")
        bare = results.get(f"bare_{key}", results.get(f"bare_{base}"))
        ratio = f"{value / bare:.2f}" if isinstance(bare, int | float) and bare else ""
        rows.append(f"{key:<40} {value!s:>12} {'' if bare is None else bare!s:>12} {ratio:>8}")
    return "\n".join(rows)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    stack = start_on_free_ports(db_file=workdir / "dev.db", ui=False, log_dir=workdir,
                                extra_env={"RELEASE_CALLBACK_DELAY_S": "0.2", **NO_WRITE_LIMIT})  # fmt: skip
    try:
        client = await connect(Settings(temporal_address=stack.temporal_address))
        async with (
            Worker(client, task_queue=BARE_QUEUE, workflows=[BareMigration, BareTimer],
                   activities=[noop, notify]),
            httpx.AsyncClient(base_url=stack.api_url, timeout=120) as api,
            httpx.AsyncClient(base_url=stack.simulators_url, timeout=60) as sims,
        ):  # fmt: skip
            results: dict[str, Any] = {"started_at": now().isoformat(), "n": args.n,
                                       "concurrency": args.concurrency}  # fmt: skip
            paths, plan = await cost_per_path(api, client)
            results |= paths
            results |= await throughput(api, client, args.n, args.concurrency, plan)
            results |= await storm(api, sims, client, stack, args.storm, args.storm_window)
    finally:
        stack.stop()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    print(table(results), flush=True)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100, help="migrations for the throughput run")
    parser.add_argument("--concurrency", type=int, default=10, help="concurrent API clients")
    parser.add_argument("--storm", type=int, default=300, help="promises running out together")
    parser.add_argument("--storm-window", type=int, default=45, help="seconds until they do")
    asyncio.run(main(parser.parse_args()))
    sys.stdout.flush()
    os._exit(0)  # the native runtime can abort at interpreter exit (STYLE.md rule 12)
