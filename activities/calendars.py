"""Public holidays for a migration's calendar beyond the years it started with: read from the
`holidays` package by an activity, so the answer is recorded in the migration's history and a
later release of the package never changes a due time already decided."""

from __future__ import annotations

import holidays
from temporalio import activity

from activities.messages import CalendarSpan, Holidays


@activity.defn(name="calendar.extend")
async def extend_calendar(span: CalendarSpan) -> Holidays:
    first, last = span.years
    found = holidays.country_holidays(
        span.country, subdiv=span.subdivision, years=range(first, last + 1)
    )
    return Holidays(dates=sorted(found), source=f"holidays {holidays.__version__}")
