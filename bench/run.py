"""`make bench`: ours against bare Temporal, side by side on one embedded stack, as ratios.

Starts its own stack on free ports and the bare baseline's worker in a process of its own,
then measures: what each lifecycle path costs the engine (events, workflow tasks, history
bytes, activities) against a bare workflow doing the same activities and updates and
nothing else; throughput end to end through the API against bare workflows driven by the
client, with query and update latency under that load; how late escalations fire when many
promises run out together against bare timers with the same due times; and the scale curve
of open migrations waiting on timers (memory, start rate, query latency), plotted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client

from bench import roster, scale
from bench.bare import BARE_QUEUE, BareMigration, Plan
from bench.bill import metered, usd_per_thousand
from bench.burst import burst_storm
from bench.cpu import cpu_seconds, per_migration_ms
from bench.crm import crm_share
from bench.latency import Latencies, TimedTransport
from bench.letterbox import letterbox_burst
from bench.matching import match_burst
from bench.paths import (
    PATHS,
    cost,
    in_parallel,
    now,
    plan_of,
    post,
    seconds_between,
)
from bench.race import race, summary
from bench.targets import verdicts
from connection import connect
from settings import Settings
from stack import NO_WRITE_LIMIT, ROOT, Stack, start_on_free_ports
from tests.e2e.client import auth, migration_body

RESULTS = Path(__file__).parent / "results"
SECONDS_PER_DAY = 86_400
PHASES = ("throughput", "storm", "burst", "scale")
SANDBOX_MODES = ("on", "off")
TECHNICIANS = 100  # at least: one per visit the burst books into one window
# What each sandbox mode reports beside the other: the worker's CPU, the payloads it handles.
PER_MODE = (
    "cpu_ms_per_migration_worker",
    "bare_http_cpu_ms_per_migration_worker",
    "payloads_happy_path",
    "bare_payloads_happy_path",
    "api_migrations_per_s",
    "bare_http_per_s",
)


async def bare_run(
    client: Client, plan: str, latencies: Latencies | None = None, effects_url: str | None = None
) -> str:
    handle = await client.start_workflow(
        BareMigration.run,
        Plan(steps=plan, effects_url=effects_url),
        id=f"bare-{uuid.uuid4()}",
        task_queue=BARE_QUEUE,
    )
    if latencies is not None:
        latencies.ids.append(handle.id)
    for step in range(plan.count("u")):
        began = time.perf_counter()
        await handle.execute_update(BareMigration.act, step)
        if latencies is not None and step == 0:  # the confirmation's counterpart
            latencies.record("update", time.perf_counter() - began)
    await handle.result()
    return handle.id


async def cost_per_path(
    api: httpx.AsyncClient, client: Client, metrics_url: str | None
) -> tuple[dict[str, Any], str]:
    """Each path once, ours then bare, alone on the server: the cost its history shows and,
    given the server's meter (the bill does not change with the sandbox: one mode reads it),
    the actions it counted meanwhile (queries too), priced per 1,000."""
    results: dict[str, Any] = {}
    happy_plan = ""

    async def meter() -> float:
        return await metered(api, metrics_url, client.namespace) if metrics_url else 0.0

    before = await meter()
    for name, drive in PATHS.items():
        ours = await client.get_workflow_handle(await drive(api, client)).fetch_history()
        between = await meter()
        plan = plan_of(ours)
        bare = await client.get_workflow_handle(await bare_run(client, plan)).fetch_history()
        after = await meter()
        for metric, value in cost(ours).items():
            results[f"{metric}_{name}"] = value
        for metric, value in cost(bare).items():
            results[f"bare_{metric}_{name}"] = value
        if metrics_url:
            results[f"metered_actions_{name}"] = int(between - before)
            results[f"bare_metered_actions_{name}"] = int(after - between)
            for side in ("", "bare_"):
                usd = usd_per_thousand(
                    results[f"{side}metered_actions_{name}"],
                    results[f"{side}history_bytes_{name}"],
                )
                results[f"{side}usd_actions_per_1k_{name}"] = usd["actions"]
                results[f"{side}usd_storage_per_1k_{name}"] = usd["storage"]
        results[f"events_ratio_{name}"] = round(
            results[f"events_{name}"] / results[f"bare_events_{name}"], 2
        )
        happy_plan = happy_plan or plan
        before = after
    return results, happy_plan


async def throughput(
    stack: Stack,
    client: Client,
    n: int,
    concurrency: int,
    plan: str,
    pids: dict[str, int],
    profile: Path | None = None,
) -> dict[str, Any]:
    """N migrations by C clients: ours, then bare, then bare making the same HTTP calls to
    the simulators as ours; a probe reads recent ones meanwhile; the CPU each process spent
    tells which one saturates."""
    cpu: dict[str, float] = {}
    ours_pids = {k: pids[k] for k in ("temporal", "worker", "api", "simulators", "driver")}
    bare_pids = {
        "temporal": pids["temporal"],
        "worker": pids["bare_worker"],
        "driver": pids["driver"],
    }

    async def clients(
        job: Any, read: Any, latencies: Latencies, watched: dict[str, int], prefix: str
    ) -> float:
        done = asyncio.Event()
        probe = asyncio.create_task(latencies.probe(read, done))
        before = cpu_seconds(watched)
        began = time.monotonic()
        await in_parallel(n, concurrency, job)
        elapsed = time.monotonic() - began
        cpu.update(per_migration_ms(before, cpu_seconds(watched), n, prefix))
        done.set()
        await probe
        return n / elapsed

    ours_latency, bare_latency = Latencies(), Latencies()
    timed = httpx.AsyncClient(
        base_url=stack.api_url, timeout=120, transport=TimedTransport(ours_latency)
    )
    async with timed as api:

        async def read_ours(mid: str) -> object:
            return (await api.get(f"/migrations/{mid}", headers=auth("care"))).raise_for_status()

        with profiled(pids["worker"], profile):
            ours = await clients(
                lambda: PATHS["happy_path"](api, client), read_ours, ours_latency, ours_pids, ""
            )

    async def read_bare(wid: str) -> object:
        return await client.get_workflow_handle(wid).query(BareMigration.progress)

    with profiled(pids["bare_worker"], profile and profile.with_name(f"bare-{profile.name}")):
        bare = await clients(
            lambda: bare_run(client, plan, bare_latency),
            read_bare,
            bare_latency,
            bare_pids,
            "bare_",
        )
    url = f"{stack.simulators_url}/notifications/escalations"
    same_effects = await clients(
        lambda: bare_run(client, plan, None, url),
        read_bare,
        Latencies(),
        bare_pids | {"simulators": pids["simulators"]},
        "bare_http_",
    )
    results: dict[str, Any] = {
        "api_migrations_per_s": round(ours, 2),
        "bare_per_s": round(bare, 2),
        "throughput_ratio": round(ours / bare, 2),
        "bare_http_per_s": round(same_effects, 2),
        "throughput_ratio_same_effects": round(ours / same_effects, 2),
        "migrations_per_day_capacity": int(ours * SECONDS_PER_DAY),
    }
    results |= ours_latency.summary() | bare_latency.summary("bare_") | cpu
    for kind in ("query", "update"):
        results[f"{kind}_p99_ratio"] = round(
            results[f"{kind}_p99_ms"] / max(results[f"bare_{kind}_p99_ms"], 0.1), 2
        )
    return results


async def storm(
    api: httpx.AsyncClient,
    sims: httpx.AsyncClient,
    client: Client,
    stack: Stack,
    n: int,
    window_s: int,
) -> dict[str, Any]:
    created = await asyncio.gather(
        *(
            post(
                api,
                "/migrations",
                migration_body(technician_contact=window_s, escalation_interval=3600),
                "sales",
            )
            for _ in range(n)
        )
    )
    ids = [c["migration_id"] for c in created]
    confirmed = await asyncio.gather(
        *(post(api, f"/migrations/{m}/confirmation", {"channel": "phone"}, "sales") for m in ids)
    )
    due = {
        s["migration_id"]: next(
            p["due_at"] for p in s["promises"] if p["name"] == "technician_contact"
        )
        for s in confirmed
    }
    due_at = {m: datetime.fromisoformat(d) for m, d in due.items()}
    late_ours, late_bare = await race(
        sims, client, stack, due_at, "escalation:technician_contact:1", "bare-storm", 300
    )
    spread = seconds_between(max(due.values()), min(due.values()))
    results: dict[str, Any] = {"storm_migrations": n, "storm_due_spread_s": round(spread, 2)}
    return results | summary("escalation", "bare_timer", late_ours, late_bare)


def table(results: dict[str, Any]) -> str:
    rows = [f"{'metric':<40} {'ours':>12} {'bare':>12} {'ratio':>8}"]
    for key, value in results.items():
        if key.startswith("bare_") or "ratio" in key.split("_") or isinstance(value, list | dict):
            continue
        base = key.replace("api_migrations_per_s", "per_s").replace("escalation_", "timer_")
        bare = results.get(f"bare_{key}", results.get(f"bare_{base}"))
        ratio = f"{value / bare:.2f}" if isinstance(bare, int | float) and bare else ""
        rows.append(f"{key:<40} {value!s:>12} {'' if bare is None else bare!s:>12} {ratio:>8}")
    rows += ["", f"{'target':<40} {'ratio':>12} {'limit':>12} {'met':>8}"]
    for name, v in results["targets"].items():
        limit = f"{'<=' if 'at_most' in v else '>='} {v.get('at_most', v.get('at_least'))}"
        rows.append(f"{name:<40} {v['ratio']:>12} {limit:>12} {'yes' if v['met'] else 'NO':>8}")
    rows += ["", sandbox_table(results["sandbox"])]
    return "\n".join(rows) + ("\n\n" + scale_table(results) if "scale_ours" in results else "")


def sandbox_table(modes: dict[str, dict[str, Any]]) -> str:
    """Each sandbox mode's worker CPU and payloads, ours against bare in that same mode."""
    rows = [f"{'sandbox':<10}{'worker ms ours/bare':>28}{'ratio':>8}{'payloads ours/bare':>24}"]
    for mode, v in modes.items():
        cpu = f"{v['cpu_ms_per_migration_worker']} / {v['bare_http_cpu_ms_per_migration_worker']}"
        payloads = f"{v['payloads_happy_path']} / {v['bare_payloads_happy_path']}"
        rows.append(f"{mode:<10}{cpu:>28}{v['worker_cpu_ratio']!s:>8}{payloads:>24}")
    return "\n".join(rows)


def scale_table(results: dict[str, Any]) -> str:
    columns = ("worker_rss_mib", "server_rss_mib", "start_per_s", "query_p99_ms")
    rows = ["open      " + "".join(f"{c + ' ours/bare':>32}" for c in columns)]
    for ours, bare in zip(results["scale_ours"], results["scale_bare"], strict=True):
        cells = "".join(
            f"{str(ours.get(c, '')) + ' / ' + str(bare.get(c, '')):>32}" for c in columns
        )
        rows.append(f"{ours['open']:<10}{cells}")
    return "\n".join(rows)


@contextmanager
def profiled(pid: int, output: Path | None) -> Iterator[None]:
    """py-spy samples the process while the block runs and writes its flame graph (or, for a
    name not ending in .svg, its collapsed stacks) on SIGINT."""
    if output is None:
        yield
        return
    command = [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid)]
    kind = "flamegraph" if output.suffix == ".svg" else "raw"  # raw: collapsed stacks, to sum
    spy = subprocess.Popen([*command, "--output", str(output), "--format", kind])
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=60)


def start_bare_worker(stack: Stack, log_dir: Path, sandbox: str) -> subprocess.Popen[bytes]:
    log = open(log_dir / "bare_worker.log", "ab")  # noqa: SIM115 - lives as long as the worker
    return subprocess.Popen(
        [sys.executable, "-m", "bench.bare_worker"],
        cwd=ROOT,
        stdout=log,
        stderr=log,
        env={
            **os.environ,
            "TEMPORAL_ADDRESS": stack.temporal_address,
            "WORKFLOW_SANDBOX": sandbox,
        },
        start_new_session=True,
    )


@asynccontextmanager
async def stack_with_bare_worker(
    sandbox: str = SANDBOX_MODES[0], technicians: int = TECHNICIANS
) -> AsyncIterator[tuple[Stack, Client, dict[str, int]]]:
    """A fresh embedded stack, the bare worker beside ours (both in the same sandbox mode),
    a client, and every pid."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    stack = start_on_free_ports(
        db_file=workdir / "dev.db",
        ui=False,
        log_dir=workdir,
        extra_env={
            "RELEASE_CALLBACK_DELAY_S": "0.2",
            "WORKFLOW_SANDBOX": sandbox,
            **NO_WRITE_LIMIT,
            **roster.prepare(workdir, technicians),
        },
    )
    bare_worker = start_bare_worker(stack, workdir, sandbox)
    try:
        client = await connect(Settings(temporal_address=stack.temporal_address))
        pids = {name: proc.pid for name, proc in stack.processes.items()}
        yield stack, client, pids | {"bare_worker": bare_worker.pid, "driver": os.getpid()}
    finally:
        bare_worker.terminate()
        bare_worker.wait()
        stack.stop()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    """Every phase asked for in the first sandbox mode listed; in each other mode the cost and
    throughput phases again (what the sandbox changes: CPU per migration, payloads), both
    sides in that mode. `sandbox` in the results puts the modes side by side."""
    results: dict[str, Any] = {
        "started_at": now().isoformat(),
        "n": args.n,
        "concurrency": args.concurrency,
    }
    phases: dict[str, float] = {}
    first, *others = args.sandbox
    results |= await one_mode(args, first, args.phases, phases)
    by_mode = {first: {k: results.get(k) for k in PER_MODE}}
    for mode in others:
        again = await one_mode(args, mode, args.phases & {"throughput"}, phases)
        by_mode[mode] = {k: again.get(k) for k in PER_MODE}
    results["sandbox"] = {mode: with_ratios(values) for mode, values in by_mode.items()}
    if "scale" in args.phases:
        results |= await timed_phase(phases, "scale", scale_phase(args))
    results["phase_seconds"] = phases
    results["targets"] = verdicts(results)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    if "scale" in args.phases:
        scale.plot(results, args.results / "latest.png")
    print(table(results), flush=True)
    return results


def with_ratios(values: dict[str, Any]) -> dict[str, Any]:
    """A mode's figures with ours against bare: worker CPU and payloads per happy path."""
    ours_cpu, bare_cpu = values["cpu_ms_per_migration_worker"], values[PER_MODE[1]]
    ours_payloads, bare_payloads = values["payloads_happy_path"], values[PER_MODE[3]]
    return values | {
        "worker_cpu_ratio": round(ours_cpu / bare_cpu, 2) if ours_cpu and bare_cpu else None,
        "payloads_ratio": round(ours_payloads / bare_payloads, 2),
    }


async def timed_phase(phases: dict[str, float], name: str, work: Any) -> Any:
    began = time.monotonic()
    result = await work
    phases[name] = round(time.monotonic() - began, 1)
    return result


async def one_mode(
    args: argparse.Namespace, sandbox: str, wanted: set[str], phases: dict[str, float]
) -> dict[str, Any]:
    """The phases on one stack whose workers (ours and bare) run in this sandbox mode."""
    results: dict[str, Any] = {}
    suffix = "" if sandbox == args.sandbox[0] else f"_sandbox_{sandbox}"

    async def timed(name: str, work: Any) -> Any:
        return await timed_phase(phases, name + suffix, work)

    async with (
        stack_with_bare_worker(sandbox, max(args.burst, TECHNICIANS)) as (stack, client, pids),
        httpx.AsyncClient(base_url=stack.api_url, timeout=120) as api,
        httpx.AsyncClient(base_url=stack.simulators_url, timeout=60) as sims,
    ):
        metrics_url = None if suffix else stack.temporal_metrics_url
        paths, plan = await timed("cost", cost_per_path(api, client, metrics_url))
        results |= paths
        if not suffix and args.crm_orders:
            happy = {k: paths[f"{k}_happy_path"] for k in ("events", "metered_actions")}
            urls = (stack.simulators_url, stack.temporal_metrics_url)
            results |= await timed(
                "crm", crm_share(api, sims, client, urls, args.crm_orders, happy)
            )
        results |= await timed("letterbox", letterbox_burst(api, sims))
        results |= await timed("matching", match_burst(sims, args.matches, args.match_window))
        if "throughput" in wanted:
            results |= await timed(
                "throughput",
                throughput(stack, client, args.n, args.concurrency, plan, pids, args.profile),
            )
        if "storm" in wanted:
            results |= await timed(
                "storm", storm(api, sims, client, stack, args.storm, args.storm_window)
            )
        if "burst" in wanted:
            results |= await timed("burst", burst_storm(api, sims, client, stack, args.burst))
    return results


async def scale_phase(args: argparse.Namespace) -> dict[str, Any]:
    """The scale curve on two fresh stacks: a server's heap never shrinks, so a side measured
    after the other would hide its own growth."""
    async with (
        stack_with_bare_worker() as (ours_stack, ours_client, ours_pids),
        stack_with_bare_worker() as (bare_stack, bare_client, bare_pids),
    ):
        return await scale.scale_curve(
            ours_client,
            bare_client,
            args.scale,
            args.scale_concurrency,
            ours_pids,
            bare_pids,
            f"{ours_stack.simulators_url}/notifications/escalations",
            f"{bare_stack.simulators_url}/losing-operator/orders",
        )


def sizes(text: str) -> list[int]:
    return sorted(int(part) for part in text.split(","))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100, help="migrations for the throughput run")
    parser.add_argument("--concurrency", type=int, default=10, help="concurrent API clients")
    parser.add_argument("--storm", type=int, default=300, help="promises running out together")
    parser.add_argument("--storm-window", type=int, default=45, help="seconds until they do")
    parser.add_argument("--burst", type=int, default=1000, help="visit windows ending together")
    parser.add_argument("--matches", type=int, default=200, help="match requests to answer")
    parser.add_argument(
        "--crm-orders", type=int, default=20, help="product orders placed by a CRM with a listener"
    )
    parser.add_argument("--match-window", type=float, default=60, help="seconds they arrive over")
    parser.add_argument(
        "--scale",
        type=sizes,
        default=[1000, 2000, 5000, 10000],
        help="open migrations at each point of the scale curve",
    )
    parser.add_argument("--scale-concurrency", type=int, default=20, help="concurrent starters")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the JSON and PNG go")
    parser.add_argument(
        "--phases",
        type=lambda text: set(text.split(",")),
        default=set(PHASES),
        help=f"which phases after the cost one to run (default all: {','.join(PHASES)})",
    )
    parser.add_argument(
        "--sandbox",
        type=lambda text: text.split(","),
        default=list(SANDBOX_MODES),
        help="the workers' sandbox modes, in order: every phase in the first, cost and "
        "throughput again in each other (default on,off)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="py-spy profile of our worker in the throughput run (.svg: a flame graph); the bare worker's goes beside it, named bare-*",
    )
    asyncio.run(main(parser.parse_args()))
    sys.stdout.flush()
    os._exit(
        0
    )  # the native runtime can abort at interpreter exit (CONTRIBUTING.md, "A clean exit")
