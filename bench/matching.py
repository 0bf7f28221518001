"""As the losing provider: match requests arriving through the hub at a steady rate (200 in a
minute by default), and the time from each request's 202 at our letterbox to our answer
reaching the gaining provider, against the Industry Process's 60 s (not a timed test)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from bench.paths import percentile
from tests.e2e.hub import answered, ask, our_customer

MATCH_PROMISE_S = 60.0


async def match_burst(sims: httpx.AsyncClient, n: int, window_s: float) -> dict[str, Any]:
    customers = [await our_customer(sims) for _ in range(n)]
    spacing = window_s / n

    async def one(i: int) -> float:
        await asyncio.sleep(i * spacing)
        correlation = await ask(sims, "Match", customers[i])  # returns once we answered 202
        taken = time.monotonic()
        found = await answered(sims, correlation)
        assert found["routing"] == "MatchConfirmation", found
        return time.monotonic() - taken

    waits = await asyncio.gather(*(one(i) for i in range(n)))
    return {
        "match_requests": n,
        "match_window_s": window_s,
        "match_answer_p50_s": round(percentile(waits, 0.5), 2),
        "match_answer_p99_s": round(percentile(waits, 0.99), 2),
        "match_answer_max_s": round(max(waits), 2),
        "match_answers_within_60s": sum(w <= MATCH_PROMISE_S for w in waits),
    }
