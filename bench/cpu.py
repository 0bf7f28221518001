"""CPU seconds each process spends: which one saturates, and what a migration costs it."""

from __future__ import annotations

import psutil


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """User + system time so far of each process and those of its children that are not
    watched themselves (the CLI may run the server as a child; the driver starts them all)."""
    watched = set(pids.values())
    out: dict[str, float] = {}
    for name, pid in pids.items():
        proc = psutil.Process(pid)
        procs = [proc, *(c for c in proc.children(recursive=True) if c.pid not in watched)]
        out[name] = sum(p.cpu_times().user + p.cpu_times().system for p in procs)
    return out


def per_migration_ms(
    before: dict[str, float], after: dict[str, float], n: int, prefix: str
) -> dict[str, float]:
    return {
        f"{prefix}cpu_ms_per_migration_{name}": round((after[name] - before[name]) * 1000 / n, 1)
        for name in before
    }
