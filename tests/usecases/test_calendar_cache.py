"""A start resolves its calendar without asking the holidays library again: the public
holidays of a country, subdivision and span of years are computed once per process."""

from __future__ import annotations

from datetime import date

import holidays

from usecases import calendars
from usecases.proposal import CalendarIn


def test_the_holidays_of_a_country_and_years_are_resolved_once_and_stay_the_librarys() -> None:
    calendars.holidays_of.cache_clear()
    day = date(2027, 3, 1)
    first = calendars.resolve(CalendarIn(country="GB", subdivision="SCT"), day)
    again = calendars.resolve(CalendarIn(country="GB", subdivision="SCT"), day)
    england = calendars.resolve(CalendarIn(country="GB", subdivision="ENG"), day)
    assert calendars.holidays_of.cache_info().misses == 2  # Scotland once, England once
    assert first == again and first.holidays != england.holidays
    library = holidays.country_holidays("GB", subdiv="SCT", years=range(2027, 2030))
    assert first.holidays == tuple(sorted(library)) and first.years == (2027, 2029)
