"""The scale curve: memory, start rate and query latency as open migrations pile up on
timers, ours beside bare timer workflows, both started and queried through the Temporal
client (the API's own cost is measured under load by the throughput benchmark)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
from temporalio.client import Client
from temporalio.service import RPCError

from bench.bare import BARE_QUEUE, Alarm, BareTimer, Notice
from bench.paths import in_parallel, now, percentile
from settings import Settings
from tests.e2e.client import migration_body
from usecases import force_majeure, migrations
from usecases.proposal import MigrationIn
from usecases.requests import ForceMajeureIn
from workflows.line_migration import LineMigrationWorkflow

MIB = 1024 * 1024
QUERIES_PER_POINT = 100
SETTLE_S = 3.0  # let the last starts' tasks and activities finish before reading memory


def rss_mib(pid: int) -> float:
    """A process and its children (the CLI may run the server as a child)."""
    proc = psutil.Process(pid)
    total: int = proc.memory_info().rss
    total += sum(c.memory_info().rss for c in proc.children(recursive=True))
    return round(total / MIB, 1)


async def _p99_ms(read: Callable[[str], Awaitable[object]], ids: list[str]) -> float:
    times = []
    for mid in random.sample(ids, min(QUERIES_PER_POINT, len(ids))):
        started = time.perf_counter()
        with contextlib.suppress(RPCError):  # a read that timed out counts as that slow
            await read(mid)
        times.append((time.perf_counter() - started) * 1000)
    return round(percentile(times, 0.99), 1)


async def _curve(
    sizes: list[int],
    concurrency: int,
    start: Callable[[], Awaitable[str]],
    read: Callable[[str], Awaitable[object]],
    worker_pid: int,
    server_pid: int,
) -> list[dict[str, float]]:
    ids: list[str] = []
    points = [
        {"open": 0, "worker_rss_mib": rss_mib(worker_pid), "server_rss_mib": rss_mib(server_pid)}
    ]
    for size in sizes:
        began = time.monotonic()
        ids += await in_parallel(size - len(ids), concurrency, start)
        rate = (size - points[-1]["open"]) / (time.monotonic() - began)
        await asyncio.sleep(SETTLE_S)
        points.append(
            {
                "open": size,
                "start_per_s": round(rate, 1),
                "query_p99_ms": await _p99_ms(read, ids),
                "worker_rss_mib": rss_mib(worker_pid),
                "server_rss_mib": rss_mib(server_pid),
            }
        )
    return points


def _per_1k(points: list[dict[str, float]], key: str) -> float:
    first, last = points[0], points[-1]
    return round((last[key] - first[key]) / (last["open"] / 1000), 2)


async def _a_declaration_elsewhere(client: Client, task_queue: str) -> None:
    """As in production once anything was declared, the force-majeure register exists (in an
    area the benchmark's lines are not in), so every start finds one to read."""
    now = datetime.now(UTC)
    far = ForceMajeureIn.model_validate(
        {
            "area": "XX",
            "from": now.isoformat(),
            "to": (now + timedelta(days=1)).isoformat(),
            "reason": "the benchmark's",
        }
    )
    await force_majeure.declare(client, task_queue, far, "bench", None)


async def scale_curve(
    client: Client,
    bare_client: Client,
    sizes: list[int],
    concurrency: int,
    pids: dict[str, int],
    bare_pids: dict[str, int],
    notifications_url: str,
    bare_opening_url: str,
) -> dict[str, Any]:
    """Ours on one stack, bare on another, each server fresh."""
    settings = Settings()
    lines = itertools.count()

    async def ours() -> str:
        """The API's own start (search attributes, id from the line, the snapshot read back),
        minus HTTP."""
        body = migration_body()
        body["line"]["number"] = f"+3907{next(lines):010d}"  # no two alike, however many
        snap = await migrations.place(
            client, settings, MigrationIn.model_validate(body), "dario", None
        )
        return snap.migration_id

    async def read_ours(mid: str) -> object:
        return await client.get_workflow_handle(mid).query(LineMigrationWorkflow.snapshot)

    async def bare() -> str:
        """Started, then read once, as ours is: the read waits for the first workflow task,
        so neither side counts a start its worker has not taken up yet (without it, bare
        starts ran ahead of the bare worker and its queries waited behind the backlog)."""
        wid = f"bare-open-{uuid.uuid4()}"
        notice = Notice(url=notifications_url, key=f"{wid}/notice", migration_id=wid)
        opening = Notice(url=bare_opening_url, key=f"{wid}/open-order", migration_id=wid)
        handle = await bare_client.start_workflow(
            BareTimer.run,
            Alarm(due=now() + timedelta(days=2), notice=notice, opening=opening),
            id=wid,
            task_queue=BARE_QUEUE,
        )
        await handle.query(BareTimer.next_due)
        return wid

    async def read_bare(wid: str) -> object:
        return await bare_client.get_workflow_handle(wid).query(BareTimer.next_due)

    await _a_declaration_elsewhere(client, settings.task_queue)
    ours_points = await _curve(
        sizes, concurrency, ours, read_ours, pids["worker"], pids["temporal"]
    )
    bare_points = await _curve(
        sizes, concurrency, bare, read_bare, bare_pids["bare_worker"], bare_pids["temporal"]
    )
    results: dict[str, Any] = {
        "scale_sizes": sizes,
        "scale_ours": ours_points,
        "scale_bare": bare_points,
        "rss_mib_per_1k_open": _per_1k(ours_points, "worker_rss_mib"),
        "bare_rss_mib_per_1k_open": _per_1k(bare_points, "worker_rss_mib"),
        "server_rss_mib_per_1k_open": _per_1k(ours_points, "server_rss_mib"),
        "bare_server_rss_mib_per_1k_open": _per_1k(bare_points, "server_rss_mib"),
        "scale_query_p99_ms": ours_points[-1]["query_p99_ms"],
        "bare_scale_query_p99_ms": bare_points[-1]["query_p99_ms"],
        "scale_start_per_s": ours_points[-1]["start_per_s"],
        "bare_scale_start_per_s": bare_points[-1]["start_per_s"],
    }
    results["rss_per_1k_ratio"] = round(
        results["rss_mib_per_1k_open"] / max(results["bare_rss_mib_per_1k_open"], 0.01), 2
    )
    return results


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no screen
    import matplotlib.pyplot as plt

    panels = [
        ("worker_rss_mib", "worker RSS (MiB)"),
        ("server_rss_mib", "server RSS (MiB)"),
        ("start_per_s", "start rate (per s)"),
        ("query_p99_ms", "query p99 (ms)"),
    ]
    fig, axes = plt.subplots(1, len(panels), figsize=(16, 4))
    for ax, (key, title) in zip(axes, panels, strict=True):
        for side, style in (("ours", "o-"), ("bare", "s--")):
            points = [p for p in results[f"scale_{side}"] if key in p]
            ax.plot([p["open"] for p in points], [p[key] for p in points], style, label=side)
        ax.set_title(title)
        ax.set_xlabel("open migrations")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(
        "Open migrations waiting on timers: ours vs bare Temporal (each on a fresh server)"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
