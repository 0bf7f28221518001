"""GET /reports/promise-keeping: the figures supervisors, auditors and the regulator ask for,
from the SQL read model (Temporal's visibility filters but cannot aggregate)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.auth import Principal, Role
from api.deps import ClientDep, IdempotencyKey, SettingsDep, allow
from api.schemas import ERROR_RESPONSES
from domain.figures import GroupBy, Report
from usecases import reports
from usecases.errors import invalid
from usecases.fields import Body
from usecases.idempotency import keyed

router = APIRouter(prefix="/reports", tags=["reports"], responses=ERROR_RESPONSES)
CSV = "text/csv"


def instant(value: date | datetime) -> datetime:
    """A day is its midnight in UTC; a moment must name its zone."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise invalid("from and to must name their time zone")
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
    made = await reports.figures(
        request.app.state.reporting, instant(start), instant(end), group_by
    )
    if CSV in request.headers.get("accept", ""):
        return Response(reports.as_csv(made), media_type=CSV)
    return made


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
    principal: Annotated[Principal, Depends(allow(Role.SUPERVISOR))],
    key: IdempotencyKey = None,
) -> MonthlyOut:
    """Make a month's report now (the schedule makes last month's on the 1st); made again,
    it replaces the stored one."""
    bound = keyed(key, principal.subject, "monthly", "reports", body)
    made = await reports.make_monthly(client, settings.task_queue, body.month, bound)
    return MonthlyOut(month=made.month, made_at=made.made_at, url=monthly_url(made.month))


@router.get("/monthly", response_model=list[MonthlyOut])
async def list_monthly(
    request: Request, _: Annotated[Principal, Depends(allow(Role.SUPERVISOR, Role.AUDITOR))]
) -> list[MonthlyOut]:
    """The stored monthly reports, newest first."""
    found = await reports.stored_monthly(request.app.state.reporting)
    return [MonthlyOut(**m, url=monthly_url(m["month"])) for m in found]


def monthly_url(month: str) -> str:
    return f"/console/reports/monthly/{month}"
