"""The API's Prometheus series: requests per route and status, and the fleet of migrations
as Temporal's visibility counts it when scraped (no state of ours to drift)."""

from __future__ import annotations

import asyncio

from fastapi import Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from temporalio.client import Client

from domain.models import Stage
from domain.promises import MAX_LEVEL
from workflows import search_attributes as sa

COUNT_TIMEOUT_S = 5.0
RUNNING = "ExecutionStatus = 'Running'"


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

    async def exposition(self, client: Client) -> Response:
        """Refresh the fleet gauges from visibility, then render every series."""
        try:
            await asyncio.wait_for(self._count_fleet(client), COUNT_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - request series still matter while Temporal is down
            self.visibility_errors.inc()
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)

    async def _count_fleet(self, client: Client) -> None:
        stages = {s: f"{sa.STAGE.name} = '{s.value}'" for s in Stage}
        levels = {
            n: f"{sa.ESCALATION_LEVEL.name} = {n} AND {RUNNING}" for n in range(1, MAX_LEVEL + 1)
        }
        lost = f"{sa.WITHOUT_SERVICE.name} = true AND {RUNNING}"
        queries = [*stages.values(), *levels.values(), lost]
        found = await asyncio.gather(*(client.count_workflows(q) for q in queries))
        totals = [c.count for c in found]
        for stage, n in zip(stages, totals, strict=False):
            self.by_stage.labels(stage.value).set(n)
        for level, n in zip(levels, totals[len(stages) :], strict=False):
            self.escalated.labels(str(level)).set(n)
        self.without_service.set(totals[-1])
