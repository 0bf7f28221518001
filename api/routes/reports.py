"""GET /reports/promise-keeping: the figures supervisors, auditors and the regulator ask for,
from the SQL read model (Temporal's visibility filters but cannot aggregate)."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from temporalio.common import WorkflowIDConflictPolicy

from activities.messages import MonthlyJob
from api.auth import Principal, Role
from api.deps import ClientDep, SettingsDep, allow
from api.errors import ApiError
from api.schemas import ERROR_RESPONSES, Body
from api.workflow_calls import temporal_errors
from domain.figures import ChartData, GroupBy, Report, chart_data, report
from reporting import store
from workflows.monthly_report import MonthlyReportWorkflow

router = APIRouter(prefix="/reports", tags=["reports"], responses=ERROR_RESPONSES)
CSV = "text/csv"


def instant(value: date | datetime) -> datetime:
    """A day is its midnight in UTC; a moment must name its zone."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ApiError(422, "invalid_request", "from and to must name their time zone")
        return value
    return datetime.combine(value, time(0), UTC)


@router.get(
    "/promise-keeping",
    response_model=Report,
    responses={200: {"content": {CSV: {}}, "description": "JSON, or CSV with Accept: text/csv"}},
)
async def promise_keeping(
    request: Request,
    _: Annotated[Principal, Depends(allow(Role.SUPERVISOR, Role.AUDITOR))],
    start: Annotated[datetime | date, Query(alias="from", description="inclusive")],
    end: Annotated[datetime | date, Query(alias="to", description="exclusive")],
    group_by: GroupBy | None = None,
) -> Response | Report:
    """Each figure counts its own event in the half-open period [from, to); every figure
    is defined in the answer's `definitions`. `Accept: text/csv` gives one row per group
    and figure."""
    made = await figures(request, instant(start), instant(end), group_by)
    if CSV in request.headers.get("accept", ""):
        return Response(as_csv(made), media_type=CSV)
    return made


async def figures(
    request: Request, since: datetime, until: datetime, group_by: GroupBy | None
) -> Report:
    """The report for a period, from the read model (the REST route's and the console's)."""
    found = await _rows(request, since, until)
    return report(found, since, until, group_by, datetime.now(UTC))


async def charts(request: Request, since: datetime, until: datetime) -> ChartData:
    return chart_data(await _rows(request, since, until), since, until)


async def _rows(request: Request, since: datetime, until: datetime) -> dict[str, list[Any]]:
    if until <= since:
        raise ApiError(422, "invalid_request", "to must come after from")
    try:
        return await asyncio.to_thread(store.rows, request.app.state.reporting, since, until)
    except SQLAlchemyError as err:
        raise ApiError(
            503, "unavailable", "the report's read model is unreachable: retry later"
        ) from err


class MonthIn(Body):
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-11"])


class MonthlyOut(BaseModel):
    month: str
    made_at: datetime
    url: str  # the rendered page, in the console


@router.post("/monthly", status_code=201, response_model=MonthlyOut)
async def run_monthly(
    body: MonthIn,
    client: ClientDep,
    settings: SettingsDep,
    _: Annotated[Principal, Depends(allow(Role.SUPERVISOR))],
) -> MonthlyOut:
    """Make a month's report now (the schedule makes last month's on the 1st); made again,
    it replaces the stored one."""
    async with temporal_errors(f"monthly-report-{body.month}"):
        made = await client.execute_workflow(
            MonthlyReportWorkflow.run,
            MonthlyJob(month=body.month),
            id=f"monthly-report-{body.month}",
            task_queue=settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
    return MonthlyOut(month=made.month, made_at=made.made_at, url=monthly_url(made.month))


@router.get("/monthly", response_model=list[MonthlyOut])
async def list_monthly(
    request: Request, _: Annotated[Principal, Depends(allow(Role.SUPERVISOR, Role.AUDITOR))]
) -> list[MonthlyOut]:
    """The stored monthly reports, newest first."""
    found = await asyncio.to_thread(store.monthly, request.app.state.reporting)
    return [MonthlyOut(**m, url=monthly_url(m["month"])) for m in found]


def monthly_url(month: str) -> str:
    return f"/console/reports/monthly/{month}"


def as_csv(made: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["group", "figure", "value"])
    for group in made.groups:
        for name, value in group.figures.items():
            writer.writerow([group.group, name, "" if value is None else value])
    return out.getvalue()
