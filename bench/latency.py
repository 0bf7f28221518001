"""Latency of what people wait for, measured while the throughput run loads the stack:
reading a migration (a query) and recording a confirmation (an update)."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable

import httpx

from bench.paths import percentile

PROBE_EVERY_S = 0.05
RECENT = 50  # the probe reads one of the latest migrations, as care would


class Latencies:
    def __init__(self) -> None:
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.ids: list[str] = []

    def record(self, kind: str, seconds: float) -> None:
        self.ms[kind].append(seconds * 1000)

    def summary(self, prefix: str = "") -> dict[str, float]:
        out: dict[str, float] = {}
        for kind in ("query", "update"):
            values = self.ms[kind]
            for q, name in ((0.5, "p50"), (0.99, "p99")):
                out[f"{prefix}{kind}_{name}_ms"] = (
                    round(percentile(values, q), 1) if values else 0.0
                )
            out[f"{prefix}{kind}_samples"] = len(values)
        return out

    async def probe(self, read: Callable[[str], Awaitable[object]], until: asyncio.Event) -> None:
        """Read a recent migration every PROBE_EVERY_S until told to stop."""
        while not until.is_set():
            if self.ids:
                mid = random.choice(self.ids[-RECENT:])
                started = time.perf_counter()
                await read(mid)
                self.record("query", time.perf_counter() - started)
            await asyncio.sleep(PROBE_EVERY_S)


class TimedTransport(httpx.AsyncHTTPTransport):
    """Times the confirmations the drivers post, and notes each migration they create."""

    def __init__(self, latencies: Latencies) -> None:
        super().__init__()
        self.latencies = latencies

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        response = await super().handle_async_request(request)
        await response.aread()
        elapsed = time.perf_counter() - started
        path = request.url.path
        if request.method == "POST" and path.endswith("/confirmation"):
            self.latencies.record("update", elapsed)
        elif request.method == "POST" and path == "/migrations" and response.status_code == 201:
            self.latencies.ids.append(json.loads(response.content)["migration_id"])
        return response
