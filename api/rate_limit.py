"""Writes per caller, as a token bucket: a burst is fine, a runaway script is not.

Per API process: behind several instances, each allows the rate (size the settings, or
put a shared limiter in the gateway in front).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from api.auth import Principal
from usecases.errors import Refused

MAX_TRACKED = 10_000  # callers; beyond, buckets refilled to the brim are forgotten


@dataclass
class Bucket:
    tokens: float
    at: float


class WriteLimiter:
    def __init__(
        self, per_second: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate, self._burst, self._clock = per_second, burst, clock
        self._buckets: dict[tuple[str, str], Bucket] = {}

    def take(self, principal: Principal) -> None:
        """Spend one write or answer 429 saying when the next one will be allowed."""
        now = self._clock()
        if len(self._buckets) > MAX_TRACKED:
            self._forget_idle(now)
        key = (principal.role.value, principal.subject)
        bucket = self._buckets.setdefault(key, Bucket(tokens=self._burst, at=now))
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.at) * self._rate)
        bucket.at = now
        if bucket.tokens < 1:
            wait = math.ceil((1 - bucket.tokens) / self._rate)
            raise Refused(
                429,
                "rate_limited",
                f"too many writes: retry in {wait} s",
                headers={"Retry-After": str(wait)},
            )
        bucket.tokens -= 1

    def _forget_idle(self, now: float) -> None:
        """A full bucket is the same as no bucket: drop those, so memory stays bounded."""
        self._buckets = {
            key: b
            for key, b in self._buckets.items()
            if b.tokens + (now - b.at) * self._rate < self._burst
        }


class LinkLimiter:
    """A few writes per window for each customer's status link, in this process's memory.

    A link's record is dropped once its window has passed, so a crowd of links that each
    wrote once long ago costs nothing."""

    def __init__(
        self, per_window: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit, self._window, self._clock = per_window, window_s, clock
        self._sent: dict[str, list[float]] = {}

    def allow(self, link: str) -> bool:
        now = self._clock()
        self._prune(now)
        sent = self._sent.setdefault(link, [])
        if len(sent) >= self._limit:
            return False
        sent.append(now)
        return True

    def tracked(self) -> int:
        """How many links are remembered (for tests and for memory's sake)."""
        return len(self._sent)

    def _prune(self, now: float) -> None:
        self._sent = {
            link: live
            for link, times in self._sent.items()
            if (live := [t for t in times if now - t < self._window])
        }
