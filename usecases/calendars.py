"""A migration's calendar, resolved when it starts: its country's working week and hours,
its time zone and the public holidays of the years it can reach (from the `holidays`
package). The workflow gets them in its start input and never reads the library, so a new
holiday list changes no due time a running migration has already decided."""

from __future__ import annotations

from datetime import date, time
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import holidays

from domain.calendar import MONDAY_TO_FRIDAY, Calendar
from usecases.jurisdictions import all_terms

if TYPE_CHECKING:
    from usecases.proposal import CalendarIn

DEFAULT_COUNTRY = "IT"
DEFAULT_HOURS = (time(8), time(18))
# The start year and the two after it: longer than any migration's life (a few weeks, and
# every promise at most 90 days); continue-as-new carries the same calendar.
YEARS_AHEAD = 2


@cache
def supported_countries() -> dict[str, list[str]]:
    """Every country the holidays library knows, with its subdivisions."""
    return {country: list(subs) for country, subs in holidays.list_supported_countries().items()}


@lru_cache(maxsize=512)  # countries × subdivisions in use × the year turning over
def holidays_of(country: str, subdivision: str | None, years: tuple[int, int]) -> tuple[date, ...]:
    """The public holidays of those years, resolved once per process: the library computes
    them afresh on every call (Easter, moving feasts), and a start needs them every time."""
    found = holidays.country_holidays(
        country, subdiv=subdivision, years=range(years[0], years[1] + 1)
    )
    return tuple(sorted(found))


def resolve(asked: CalendarIn | None, today: date) -> Calendar:
    """The calendar a new migration starts with: what the request asked, the country's
    defaults for the rest."""
    country = asked.country if asked else DEFAULT_COUNTRY
    subdivision = asked.subdivision if asked else None
    years = (today.year, today.year + YEARS_AHEAD)
    hours = (
        (asked.working_hours.start, asked.working_hours.end)
        if asked and asked.working_hours
        else DEFAULT_HOURS
    )
    return Calendar(
        country=country,
        subdivision=subdivision,
        time_zone=(asked.time_zone if asked else None) or all_terms()[country].time_zone,
        working_days=tuple(sorted(asked.working_days))
        if asked and asked.working_days
        else MONDAY_TO_FRIDAY,
        working_hours=hours,
        holidays=holidays_of(country, subdivision, years),
        years=years,
        source=f"holidays {holidays.__version__}",
    )
