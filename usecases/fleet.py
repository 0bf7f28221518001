"""The fleet of migrations as Temporal's visibility counts it when the metrics are scraped:
no state of ours to drift."""

from __future__ import annotations

from domain.models import Stage
from domain.promises import MAX_LEVEL
from observability.api_metrics import Census
from usecases import temporal
from usecases import visibility as v
from workflows import search_attributes as sa


async def census(client: temporal.Client) -> Census:
    running = v.where(v.EXECUTION_STATUS, "Running")
    levels = range(1, MAX_LEVEL + 1)
    queries = [
        *(v.where(sa.STAGE, s.value) for s in Stage),
        *(v.all_of(v.where(sa.ESCALATION_LEVEL, n), running) for n in levels),
        v.all_of(v.where(sa.WITHOUT_SERVICE, True), running),
    ]
    totals = await temporal.counts(client, queries)
    stages = len(Stage)
    return Census(
        by_stage=dict(zip(Stage, totals[:stages], strict=True)),
        escalated=dict(zip(levels, totals[stages : stages + len(levels)], strict=True)),
        without_service=totals[-1],
    )
