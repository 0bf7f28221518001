"""The Temporal Schedule that makes the monthly report: created at start-up, idempotently
(another process already made it: nothing to do); visible in the Web UI's Schedules page."""

from __future__ import annotations

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleRange,
    ScheduleSpec,
)

from activities.messages import MonthlyJob
from workflows.monthly_report import MonthlyReportWorkflow

SCHEDULE_ID = "monthly-promise-keeping-report"


def monthly(task_queue: str) -> Schedule:
    """At 03:00 UTC on the first day of every month, the month before."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            MonthlyReportWorkflow.run,
            MonthlyJob(),
            id="monthly-report",  # the schedule appends the run's time
            task_queue=task_queue,
            static_summary="The promise-keeping report of the month before",
        ),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    day_of_month=[ScheduleRange(1)],
                    hour=[ScheduleRange(3)],
                    comment="the first of the month, 03:00 UTC",
                )
            ]
        ),
    )


async def ensure(client: Client, task_queue: str) -> bool:
    """Create the schedule unless it exists; whether this call created it."""
    try:
        await client.create_schedule(SCHEDULE_ID, monthly(task_queue))
    except ScheduleAlreadyRunningError:
        return False
    return True
