"""The monthly report's workflow: a scheduled run (no month named) reports the month before
the one it runs in; a named month is made as asked."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from temporalio import activity
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.messages import MonthlyJob, MonthlyMade
from domain.figures import month_period, previous_month
from tests.workflows.steps import record
from workflows.monthly_report import MonthlyReportWorkflow
from workflows.sandbox import RUNNER

MADE_AT = datetime(2026, 12, 1, 3, tzinfo=UTC)


async def test_a_scheduled_run_reports_the_month_before(env: WorkflowEnvironment) -> None:
    asked: list[str | None] = []

    @activity.defn(name="reporting.monthly_report")
    async def monthly_report(job: MonthlyJob) -> MonthlyMade:
        asked.append(job.month)
        return MonthlyMade(month=job.month or "", made_at=MADE_AT)

    async with Worker(
        env.client,
        task_queue=f"tq-{uuid.uuid4()}",
        workflows=[MonthlyReportWorkflow],
        activities=[monthly_report],
        workflow_runner=RUNNER,
    ) as worker:
        now = await env.get_current_time()
        handle = await env.client.start_workflow(
            MonthlyReportWorkflow.run,
            MonthlyJob(),
            id=f"monthly-{uuid.uuid4()}",
            task_queue=worker.task_queue,
        )
        made = await handle.result()
        await record(handle, "monthly_report")
        named = await env.client.execute_workflow(
            MonthlyReportWorkflow.run,
            MonthlyJob(month="2026-02"),
            id=f"monthly-{uuid.uuid4()}",
            task_queue=worker.task_queue,
        )
    assert asked == [previous_month(now), "2026-02"]
    assert made.month == previous_month(now) and named.month == "2026-02"


def test_months_are_half_open_periods_in_utc() -> None:
    assert month_period("2026-12") == (
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert previous_month(datetime(2026, 12, 1, 0, 30, tzinfo=UTC)) == "2026-11"
    assert previous_month(datetime(2027, 1, 15, tzinfo=UTC)) == "2026-12"
