"""The API's Prometheus series: requests per route and status, and the fleet of migrations
as Temporal's visibility counts it when scraped (no state of ours to drift)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass

from fastapi import Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from domain.models import Stage

COUNT_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Census:
    """The fleet as visibility counts it: migrations by stage, running ones by escalation
    level, and running ones whose customer has no service."""

    by_stage: dict[Stage, int]
    escalated: dict[int, int]
    without_service: int


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "api_requests",
            "HTTP requests by route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "api_request_duration_seconds",
            "HTTP request latency by route template",
            ["method", "route"],
            registry=self.registry,
        )
        self.by_stage = Gauge(
            "migrations",
            "migrations by stage (open stages: running ones)",
            ["stage"],
            registry=self.registry,
        )
        self.escalated = Gauge(
            "migrations_escalated",
            "running migrations by current escalation level",
            ["level"],
            registry=self.registry,
        )
        self.without_service = Gauge(
            "customers_without_service",
            "running migrations whose customer has no service",
            registry=self.registry,
        )
        self.visibility_errors = Counter(
            "metrics_visibility_errors",
            "scrapes whose migration counts could not be read",
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.latency.labels(method, route).observe(seconds)
        self.requests.labels(method, route, str(status)).inc()

    async def exposition(self, census: Awaitable[Census]) -> Response:
        """Refresh the fleet gauges from a census of visibility, then render every series."""
        try:
            fleet = await asyncio.wait_for(census, COUNT_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - request series still matter while Temporal is down
            self.visibility_errors.inc()
        else:
            for stage, n in fleet.by_stage.items():
                self.by_stage.labels(stage.value).set(n)
            for level, n in fleet.escalated.items():
                self.escalated.labels(str(level)).set(n)
            self.without_service.set(fleet.without_service)
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)
