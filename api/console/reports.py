"""The console's Reports page (supervisors, auditors): a period, the figures as tables, the
charts as images from their own route, a CSV download. No JavaScript."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import Principal
from api.console import session
from api.console.pages import page, to_sign_in
from domain.figures import DEFINITIONS, GroupBy
from domain.models import Role
from reporting import charts as drawing
from usecases import reports as use
from usecases.errors import Refused

router = APIRouter(prefix="/console/reports", include_in_schema=False)
READERS = frozenset({Role.SUPERVISOR, Role.AUDITOR})


def _period(start: str | None, end: str | None) -> tuple[date, date]:
    """The days asked for; by default this month so far and the rest of it."""
    today = datetime.now(UTC).date()
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    try:
        return (
            date.fromisoformat(start) if start else first,
            date.fromisoformat(end) if end else following,
        )
    except ValueError as err:
        raise Refused(422, "invalid_request", "dates are written YYYY-MM-DD") from err


def _instants(days: tuple[date, date]) -> tuple[datetime, datetime]:
    return datetime.combine(days[0], time(0), UTC), datetime.combine(days[1], time(0), UTC)


async def _reader(request: Request) -> Any:
    who = await session.principal(request)
    if who.role not in READERS:
        raise Refused(403, "forbidden", "the reports are for supervisors and auditors")
    return who


async def _reader_or_page(request: Request) -> Principal | Response:
    """The signed-in supervisor or auditor, or the page that turns anyone else away."""
    try:
        who: Principal = await _reader(request)
    except session.NotSignedIn:
        return to_sign_in()
    except Refused as err:
        return page(request, "error.html", err.status, message=err.message)
    return who


@router.get("")
async def reports(
    request: Request, start: str | None = None, end: str | None = None, group_by: str = ""
) -> Response:
    who = await _reader_or_page(request)
    if isinstance(who, Response):
        return who
    try:
        days = _period(start, end)
        grouping = GroupBy(group_by) if group_by else None
        made = await use.figures(request.app.state.reporting, *_instants(days), grouping)
    except (Refused, ValueError) as err:
        message = err.message if isinstance(err, Refused) else f"unknown grouping {group_by}"
        return page(request, "error.html", 422, who=who, message=message)
    query = f"start={days[0]}&end={days[1]}"
    stored = await use.stored_monthly(request.app.state.reporting)
    return page(
        request,
        "reports.html",
        who=who,
        report=made,
        days=days,
        group_by=group_by,
        groupings=[g.value for g in GroupBy],
        definitions=DEFINITIONS,
        query=query,
        charts=list(drawing.CHARTS),
        monthly=stored,
    )


@router.get("/monthly/{month}")
async def monthly_report(request: Request, month: str) -> Response:
    """A stored monthly report's page, as it was made."""
    who = await _reader_or_page(request)
    if isinstance(who, Response):
        return who
    html = await use.monthly_page(request.app.state.reporting, month)
    if html is None:
        return page(request, "error.html", 404, who=who, message=f"no report for {month} yet")
    return HTMLResponse(html)


@router.get("/charts/{name}.png")
async def chart(
    request: Request, name: str, start: str | None = None, end: str | None = None
) -> Response:
    try:
        await _reader(request)
        if name not in drawing.CHARTS:
            raise Refused(404, "not_found", f"no chart {name}")
        data = await use.charts(request.app.state.reporting, *_instants(_period(start, end)))
    except session.NotSignedIn:
        return Response(status_code=401)
    except Refused as err:
        return Response(err.message, status_code=err.status, media_type="text/plain")
    image = await asyncio.to_thread(drawing.png, name, data)
    return Response(image, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get("/promise-keeping.csv")
async def download(
    request: Request, start: str | None = None, end: str | None = None, group_by: str = ""
) -> Response:
    try:
        await _reader(request)
        grouping = GroupBy(group_by) if group_by else None
        made = await use.figures(
            request.app.state.reporting, *_instants(_period(start, end)), grouping
        )
    except session.NotSignedIn:
        return to_sign_in()
    except Refused as err:
        return Response(err.message, status_code=err.status, media_type="text/plain")
    except ValueError:
        return Response(f"unknown grouping {group_by}", status_code=422, media_type="text/plain")
    name = f"promise-keeping-{made.start.date()}-{made.end.date()}.csv"
    return Response(
        use.as_csv(made),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
