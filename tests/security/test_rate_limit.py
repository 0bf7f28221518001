"""The write limiter as a token bucket, on a clock the test moves."""

from __future__ import annotations

import pytest

from api import rate_limit
from api.auth import Principal, Role
from api.rate_limit import LinkLimiter, WriteLimiter
from usecases.errors import Refused

DARIO = Principal(role=Role.SALES, subject="dario")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_rate_with_retry_after() -> None:
    clock = Clock()
    limiter = WriteLimiter(per_second=2, burst=3, clock=clock)
    for _ in range(3):
        limiter.take(DARIO)
    with pytest.raises(Refused) as refused:
        limiter.take(DARIO)
    assert refused.value.status == 429 and refused.value.headers == {"Retry-After": "1"}
    clock.now = 0.5  # one write refilled
    limiter.take(DARIO)
    with pytest.raises(Refused):
        limiter.take(DARIO)
    limiter.take(Principal(role=Role.CARE, subject="giulia"))  # another caller, its own bucket


def test_idle_callers_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rate_limit, "MAX_TRACKED", 2)
    clock = Clock()
    limiter = WriteLimiter(per_second=1, burst=5, clock=clock)
    for name in ("a", "b", "c"):
        limiter.take(Principal(role=Role.SALES, subject=name))
    clock.now = 10.0  # all refilled
    limiter.take(DARIO)
    assert len(limiter._buckets) == 1


def test_a_status_link_gets_a_few_reports_an_hour_and_is_forgotten_after() -> None:
    now = [0.0]
    links = LinkLimiter(per_window=3, window_s=3600, clock=lambda: now[0])
    assert [links.allow("a") for _ in range(4)] == [True, True, True, False]
    assert links.allow("b")  # each link its own allowance
    now[0] = 3599.0
    assert not links.allow("a")
    now[0] = 3600.0  # the first three reports are an hour old: they no longer count
    assert links.allow("a")
    now[0] = 7300.0
    links.allow("c")
    assert links.tracked() == 1  # "a" and "b" expired and were pruned
