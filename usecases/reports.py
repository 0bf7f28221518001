"""The promise-keeping report: its figures and charts for a period (from the SQL read model,
since Temporal's visibility filters but cannot aggregate), the monthly reports (made by a
Temporal Schedule, or now on request), and the read model rebuilt from Temporal."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from activities.messages import MonthlyJob, MonthlyMade
from domain.figures import ChartData, GroupBy, Report, chart_data, report
from domain.words.figures import figure_label, figure_value
from reporting import store
from settings import Settings
from usecases import temporal
from usecases import visibility as v
from usecases.errors import invalid, unavailable
from usecases.idempotency import Keyed, reserve
from workflows.line_migration import LineMigrationWorkflow
from workflows.monthly_report import MonthlyReportWorkflow

SCHEDULE_ID = "monthly-promise-keeping-report"
MIGRATION = "LineMigrationWorkflow"


async def figures(
    engine: Engine, since: datetime, until: datetime, group_by: GroupBy | None
) -> Report:
    """The report for the half-open period [since, until)."""
    return report(await _rows(engine, since, until), since, until, group_by, datetime.now(UTC))


async def charts(engine: Engine, since: datetime, until: datetime) -> ChartData:
    return chart_data(await _rows(engine, since, until), since, until)


async def _rows(engine: Engine, since: datetime, until: datetime) -> dict[str, list[Any]]:
    if until <= since:
        raise invalid("to must come after from")
    try:
        return await asyncio.to_thread(store.rows, engine, since, until)
    except SQLAlchemyError as err:
        raise unavailable("the report's read model is unreachable: retry later") from err


def as_csv(made: Report) -> str:
    """One row per group and figure: the machine's name and number, then both in words."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["group", "figure", "value", "figure in words", "value in words"])
    for group in made.groups:
        for name, value in group.figures.items():
            shown = figure_value(name, value)
            row = [group.group, name, "" if value is None else value, figure_label(name), shown]
            writer.writerow(row)
    return out.getvalue()


async def make_monthly(
    client: temporal.Client, task_queue: str, month: str, bound: Keyed | None
) -> MonthlyMade:
    """Make a month's report now (made again, it replaces the stored one); a month that has
    not begun has nothing to report."""
    if month > datetime.now(UTC).strftime("%Y-%m"):
        raise invalid(f"{month} has not begun: its report can be made from its first day")
    if bound is not None:
        await reserve(client, task_queue, bound, f"monthly-report-{month}")
    made: MonthlyMade = await temporal.execute(
        client,
        MonthlyReportWorkflow.run,
        MonthlyJob(month=month),
        f"monthly-report-{month}",
        task_queue,
    )
    return made


async def stored_monthly(engine: Engine) -> list[dict[str, Any]]:
    """The stored monthly reports, newest first."""
    return await asyncio.to_thread(store.monthly, engine)


async def monthly_page(engine: Engine, month: str) -> str | None:
    return await asyncio.to_thread(store.monthly_page, engine, month)


async def ensure_schedule(client: temporal.Client, task_queue: str) -> bool:
    """The monthly report's Schedule, created unless it exists (idempotent); whether this
    call created it. Visible in the Web UI's Schedules page."""
    how = temporal.Start(
        id="monthly-report",  # the schedule appends the run's time
        task_queue=task_queue,
        summary="The promise-keeping report of the month before",
    )
    # At 03:00 UTC on the first day of every month, the month before.
    at = temporal.Monthly(day=1, hour=3, comment="the first of the month, 03:00 UTC")
    return await temporal.ensure_schedule(
        client, SCHEDULE_ID, MonthlyReportWorkflow.run, MonthlyJob(), how, at
    )


async def rebuild(client: temporal.Client, settings: Settings, where: str = "") -> int:
    """Write the facts of every migration's latest run again (`where`: a visibility clause
    that narrows them); how many were written. Idempotent, so it can run any time."""
    store.migrate(settings.reporting_database_url)
    query = v.workflows_of(MIGRATION, *([f"({where})"] if where else []))
    written = 0
    with store.opened(settings.reporting_database_url) as engine:
        for w in await temporal.listed(client, query):
            if w.status is temporal.Status.CONTINUED_AS_NEW:
                continue  # its state lives on in the next run, which is listed too
            facts = await temporal.query(client, LineMigrationWorkflow.facts, w.id, w.run_id)
            await asyncio.to_thread(store.write, engine, facts)
            written += 1
    return written
