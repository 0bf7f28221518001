"""Due times counted as regulators count them: working days and hours on a national
calendar, across holidays, weekends and changes of the clocks, with the clock stopped."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import (
    Calendar,
    Pause,
    WorkingDays,
    WorkingHours,
    due_at,
    warning_at,
    working_time_between,
)

ROME, LONDON = ZoneInfo("Europe/Rome"), ZoneInfo("Europe/London")
YEARS = (2026, 2028)


def calendar(country: str, zone: str, subdivision: str | None = None) -> Calendar:
    found = holidays.country_holidays(country, subdiv=subdivision, years=range(2026, 2029))
    return Calendar(
        country=country,
        subdivision=subdivision,
        time_zone=zone,
        holidays=tuple(sorted(found)),
        years=YEARS,
    )


ITALY = calendar("IT", "Europe/Rome")
SCOTLAND = calendar("GB", "Europe/London", "SCT")
ENGLAND = calendar("GB", "Europe/London", "ENG")


def rome(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=ROME)


def test_italian_holidays_are_not_working_days() -> None:
    for day in (date(2027, 12, 8), date(2027, 12, 24 + 1), date(2027, 3, 29)):  # Easter Monday
        assert not ITALY.is_working_day(day), day
    assert ITALY.is_working_day(date(2027, 12, 27))  # Santo Stefano fell on Sunday: no bridge


def test_two_working_days_from_christmas_eve_evening_in_rome() -> None:
    """Friday 24 December 2027, 17:00: Saturday 25 and Sunday 26 are holidays and weekend,
    so the two working days are Monday 27 and Tuesday 28; due at 23:59:59 Rome time."""
    due = due_at(rome(2027, 12, 24, 17), WorkingDays(working_days=2), ITALY)
    assert due == rome(2027, 12, 28, 23, 59, 59)


def test_48_elapsed_hours_from_christmas_eve_fall_on_a_holiday() -> None:
    due = due_at(rome(2027, 12, 24, 17), timedelta(hours=48), ITALY)
    assert due.astimezone(ROME).date() == date(2027, 12, 26)  # why working days exist


def test_bank_holidays_differ_by_nation() -> None:
    """30 November 2027 (St Andrew's Day) is a bank holiday in Scotland, not in England."""
    start = datetime(2027, 11, 29, 12, tzinfo=LONDON)
    assert due_at(start, WorkingDays(working_days=1), ENGLAND).date() == date(2027, 11, 30)
    scottish = due_at(start, WorkingDays(working_days=1), SCOTLAND)
    assert scottish.astimezone(LONDON).date() == date(2027, 12, 1)


def test_a_start_on_friday_evening_counts_from_monday() -> None:
    due = due_at(rome(2026, 11, 27, 19, 30), WorkingHours(working_hours=4), ITALY)
    assert due == rome(2026, 11, 30, 12)


def test_working_hours_across_the_october_change_of_clocks() -> None:
    """Friday 23 October 2026, 17:00 summer time, plus two working hours: one on Friday,
    one on Monday 26 from 08:00 winter time, in both zones."""
    due = due_at(rome(2026, 10, 23, 17), WorkingHours(working_hours=2), ITALY)
    assert due == datetime(2026, 10, 26, 8, tzinfo=UTC)  # 09:00 CET
    start = datetime(2026, 10, 23, 17, tzinfo=LONDON)
    assert due_at(start, WorkingHours(working_hours=2), ENGLAND) == datetime(
        2026, 10, 26, 9, tzinfo=UTC
    )


def test_working_days_end_at_local_midnight_after_the_change() -> None:
    due = due_at(rome(2026, 10, 23, 17), WorkingDays(working_days=1), ITALY)
    assert due == datetime(2026, 10, 26, 22, 59, 59, tzinfo=UTC)  # 23:59:59 CET


def test_a_pause_across_a_weekend_moves_the_due_time_by_its_working_time_only() -> None:
    """16 working hours from Thursday 09:00 end Friday 15:00 (nine on Thursday, seven on
    Friday). Stopped from Friday 12:00 to Monday 10:00: eight working hours (six on Friday,
    two on Monday), not the 70 hours of the weekend; from Friday 15:00, three more on Friday
    and five on Monday: Monday 13:00."""
    start = rome(2026, 11, 26, 9)  # Thursday
    window = WorkingHours(working_hours=16)
    unpaused = due_at(start, window, ITALY)
    pause = Pause(start=rome(2026, 11, 27, 12), end=rome(2026, 11, 30, 10), reason="absent")
    paused = due_at(start, window, ITALY, [pause])
    assert unpaused == rome(2026, 11, 27, 15)
    assert paused == rome(2026, 11, 30, 13)


def test_a_pause_after_the_due_time_changes_nothing_and_an_open_one_waits() -> None:
    start = rome(2026, 11, 26, 9)
    unpaused = due_at(start, WorkingDays(working_days=1), ITALY)
    late = Pause(start=unpaused + timedelta(hours=1), end=unpaused + timedelta(days=2), reason="x")
    still = Pause(start=start, end=None, reason="force majeure, not over yet")
    assert due_at(start, WorkingDays(working_days=1), ITALY, [late, still]) == unpaused


def test_elapsed_windows_pause_by_elapsed_time() -> None:
    start = datetime(2026, 11, 26, 9, tzinfo=UTC)
    pause = Pause(start=start + timedelta(hours=1), end=start + timedelta(hours=4), reason="x")
    assert due_at(start, timedelta(hours=24), None, [pause]) == start + timedelta(hours=27)


# --- properties ---------------------------------------------------------------------------

starts = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
calendars = st.sampled_from([ITALY, SCOTLAND, ENGLAND])


@given(start=starts, n=st.integers(1, 30), cal=calendars)
def test_a_working_days_due_time_never_falls_on_a_day_off(
    start: datetime, n: int, cal: Calendar
) -> None:
    due = due_at(start, WorkingDays(working_days=n), cal)
    local = due.astimezone(cal.zone)
    assert cal.is_working_day(local.date()) and local.time() == time(23, 59, 59)
    assert local.date() > start.astimezone(cal.zone).date()


@given(start=starts, n=st.integers(1, 100), more=st.integers(0, 50), cal=calendars)
def test_a_larger_budget_never_gives_an_earlier_due_time(
    start: datetime, n: int, more: int, cal: Calendar
) -> None:
    for window, bigger in (
        (WorkingHours(working_hours=n), WorkingHours(working_hours=n + more)),
        (WorkingDays(working_days=min(n, 60)), WorkingDays(working_days=min(n + more, 60))),
    ):
        assert due_at(start, bigger, cal) >= due_at(start, window, cal)


@given(
    start=starts,
    n=st.integers(1, 80),
    offset_h=st.integers(0, 200),
    length_h=st.integers(1, 200),
    cal=calendars,
)
def test_a_pause_moves_the_due_time_by_exactly_the_working_time_it_stopped(
    start: datetime, n: int, offset_h: int, length_h: int, cal: Calendar
) -> None:
    window = WorkingHours(working_hours=n)
    unpaused = due_at(start, window, cal)
    pause_start = start + timedelta(hours=offset_h)
    pause = Pause(start=pause_start, end=pause_start + timedelta(hours=length_h), reason="x")
    paused = due_at(start, window, cal, [pause])
    if pause.start >= unpaused:
        assert paused == unpaused
    else:
        stopped = working_time_between(cal, pause.start, pause.end or pause.start)
        assert working_time_between(cal, unpaused, paused) == stopped


@given(start=starts, n=st.integers(1, 20), length_h=st.integers(1, 200), cal=calendars)
def test_a_paused_working_days_due_time_is_rounded_up_to_a_working_days_end(
    start: datetime, n: int, length_h: int, cal: Calendar
) -> None:
    window = WorkingDays(working_days=n)
    pause = Pause(start=start, end=start + timedelta(hours=length_h), reason="x")
    paused = due_at(start, window, cal, [pause]).astimezone(cal.zone)
    assert cal.is_working_day(paused.date()) and paused.time() == time(23, 59, 59)
    assert paused >= due_at(start, window, cal)


def test_the_warning_comes_at_three_quarters_of_the_budget_in_its_own_units() -> None:
    start = rome(2026, 11, 26, 9)  # Thursday
    assert warning_at(start, start + timedelta(hours=48), timedelta(hours=48), None, 0.75) == (
        start + timedelta(hours=36)
    )
    window = WorkingHours(working_hours=16)
    due = due_at(start, window, ITALY)  # Friday 15:00
    assert warning_at(start, due, window, ITALY, 0.75) == rome(2026, 11, 27, 11)  # 12 h in
