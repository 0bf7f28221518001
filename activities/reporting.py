"""The promise-keeping read model: a migration's facts written when it reaches a milestone
and when it closes. The write replaces the run chain's rows, so a retry or a replay writes
the same rows again, never a second copy."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine
from temporalio import activity

from activities.messages import MonthlyJob, MonthlyMade
from domain.facts import Facts
from reporting import monthly, store


class ReadModel:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="reporting.record_facts")
    async def record_facts(self, facts: Facts) -> None:
        await asyncio.to_thread(store.write, self._engine, facts)

    @activity.defn(name="reporting.monthly_report")
    async def monthly_report(self, job: MonthlyJob) -> MonthlyMade:
        """The month's figures from the read model, rendered and stored (idempotent: made
        again, the month's report is replaced)."""
        month = job.month or ""
        made = await asyncio.to_thread(monthly.make, self._engine, month)
        return MonthlyMade(month=month, made_at=made)

    async def aclose(self) -> None:
        self._engine.dispose()
