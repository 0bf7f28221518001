"""The monthly promise-keeping report, run by Temporal itself: a Schedule starts this
workflow on the first day of each month for the month before; a supervisor can run any
month now (`POST /reports/monthly`)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.messages import MonthlyJob, MonthlyMade
    from activities.reporting import ReadModel
    from domain.figures import previous_month

# Reading a month of facts and rendering them: seconds, minutes for a very large operator.
MAKING = timedelta(minutes=10)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=5), maximum_interval=timedelta(minutes=5))


@workflow.defn
class MonthlyReportWorkflow:
    @workflow.run
    async def run(self, job: MonthlyJob) -> MonthlyMade:
        month = job.month or previous_month(workflow.now())
        return await workflow.execute_activity_method(
            ReadModel.monthly_report,
            MonthlyJob(month=month),
            start_to_close_timeout=MAKING,
            retry_policy=RETRY,
            summary=f"Promise-keeping report for {month}",
        )
