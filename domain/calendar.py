"""Promises counted as regulators count them: elapsed time, working days or working hours on
the migration's calendar (its country's working week, working hours, public holidays and
time zone), with pauses while the clock is stopped.

Pure: the public holidays come in the calendar, resolved outside the workflow and recorded
in its history, so a new holiday list never moves a due time already decided.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MONDAY_TO_FRIDAY = (1, 2, 3, 4, 5)  # ISO weekdays
END_OF_DAY = time(23, 59, 59)
DAY = timedelta(days=1)
# Far more working days than any promise spans: a calendar whose week has no working day is
# refused when it is made, so these loops always end well before.
MAX_DAYS_SCANNED = 3660
# How far ahead a calendar must know its holidays: longer than any promise's window (90 days
# at most) and its escalation ladder, so a due time is never counted on unknown days.
LOOKAHEAD = timedelta(days=180)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WorkingDays(Frozen):
    """Due at 23:59:59 local time of the Nth working day after the day the promise starts."""

    working_days: Annotated[int, Field(ge=1, le=60)]


class WorkingHours(Frozen):
    """Due once N hours inside working hours, on working days, have passed."""

    working_hours: Annotated[int, Field(ge=1, le=480)]


CalendarWindow = WorkingDays | WorkingHours


class Pause(Frozen):
    """A stopped clock: from, to (None while still stopped), why and who said so."""

    start: datetime
    end: datetime | None
    reason: str
    by: str | None = None
    declaration: str | None = None  # the force-majeure declaration behind it, if any


class Calendar(Frozen):
    """A migration's working calendar, with the public holidays of the years it may reach."""

    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    subdivision: str | None = None
    time_zone: str
    working_days: tuple[int, ...] = MONDAY_TO_FRIDAY
    working_hours: tuple[time, time] = (time(8), time(18))
    holidays: tuple[date, ...] = ()  # public holidays of every year in `years`, sorted
    years: tuple[int, int]  # first and last year the holidays were resolved for
    source: str = ""  # where the holidays came from (library and version), for the audit

    @field_validator("holidays")
    @classmethod
    def _sorted(cls, holidays: tuple[date, ...]) -> tuple[date, ...]:
        return tuple(sorted(set(holidays)))  # what the binary search relies on

    @model_validator(mode="after")
    def _sane(self) -> Calendar:
        if not self.working_days or not set(self.working_days) <= set(range(1, 8)):
            raise ValueError("working_days must name ISO weekdays, 1 (Monday) to 7 (Sunday)")
        start, end = self.working_hours
        if start >= end:
            raise ValueError("working_hours must start before they end")
        ZoneInfo(self.time_zone)  # an unknown zone fails here, not at the first due time
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() in self.working_days and not self._is_holiday(day)

    def _is_holiday(self, day: date) -> bool:
        """A binary search of the sorted holidays: the due-time loops ask once per day."""
        i = bisect_left(self.holidays, day)
        return i < len(self.holidays) and self.holidays[i] == day

    def working_spans(self, day: date) -> tuple[datetime, datetime] | None:
        """The working hours of a working day, as aware instants; None on a day off."""
        if not self.is_working_day(day):
            return None
        start, end = self.working_hours
        return _local(day, start, self.zone), _local(day, end, self.zone)


def years_to_add(calendar: Calendar, now: datetime) -> tuple[int, int] | None:
    """The years whose holidays the calendar must learn before it can count ahead of `now`;
    None while it knows enough."""
    needed = (now + LOOKAHEAD).astimezone(calendar.zone).year
    return (calendar.years[1] + 1, needed) if needed > calendar.years[1] else None


def with_more_years(
    calendar: Calendar, years: tuple[int, int], found: Iterable[date], source: str
) -> Calendar:
    """The calendar knowing the holidays of `years` too, and where they came from."""
    return calendar.model_copy(
        update={
            "holidays": tuple(sorted({*calendar.holidays, *found})),
            "years": (calendar.years[0], years[1]),
            "source": f"{calendar.source}; {years[0]}-{years[1]}: {source}",
        }
    )


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A local wall-clock time as an instant; across a change of clocks the earlier reading
    (fold 0), which every working hour here (08:00 to 18:00) never straddles."""
    return datetime.combine(day, at, tzinfo=zone)


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """Midnight at the start of a local day, as an instant."""
    return _local(day, time(0), zone).astimezone(UTC)


def _next_working_day(calendar: Calendar, after: date) -> date:
    day = after
    for _ in range(MAX_DAYS_SCANNED):
        day += DAY
        if calendar.is_working_day(day):
            return day
    raise ValueError("no working day in ten years: check the calendar")


def end_of_working_days(calendar: Calendar, start: datetime, n: int) -> datetime:
    """23:59:59 local time of the nth working day after the local day `start` falls on."""
    day = start.astimezone(calendar.zone).date()
    for _ in range(n):
        day = _next_working_day(calendar, day)
    return _local(day, END_OF_DAY, calendar.zone)


def add_working_time(calendar: Calendar, start: datetime, budget: timedelta) -> datetime:
    """The instant at which `budget` of working time has passed since `start`."""
    zone = calendar.zone
    day = start.astimezone(zone).date()
    left = budget
    for _ in range(MAX_DAYS_SCANNED):
        spans = calendar.working_spans(day)
        if spans is not None:
            begin, end = max(spans[0], start), spans[1]
            if begin < end:
                if end - begin >= left:
                    return begin + left
                left -= end - begin
        day += DAY
    raise ValueError("no working time in ten years: check the calendar")


def working_time_between(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """How much working time lies between two instants."""
    total = timedelta(0)
    day = start.astimezone(calendar.zone).date()
    last = end.astimezone(calendar.zone).date()
    while day <= last:
        spans = calendar.working_spans(day)
        if spans is not None:
            begin, finish = max(spans[0], start), min(spans[1], end)
            total += max(finish - begin, timedelta(0))
        day += DAY
    return total


Window = timedelta | WorkingDays | WorkingHours


def due_at(
    start: datetime,
    window: Window,
    calendar: Calendar | None,
    pauses: Iterable[Pause] = (),
) -> datetime:
    """When a promise started at `start` with this window falls due, its clock stopped during
    each (ended) pause that begins before the due time it would otherwise have.

    A pause moves the due time by exactly the time it stopped: elapsed time for an elapsed
    window, working time for the others (a working-days due time is then rounded up to
    23:59:59 of the working day it lands on)."""
    if isinstance(window, timedelta):
        due = start + window
        for p in sorted(pauses, key=lambda p: p.start):
            if p.end is not None and p.start < due:
                due += max(p.end - max(p.start, start), timedelta(0))
        return due
    if calendar is None:
        raise ValueError("a working-days or working-hours window needs a calendar")
    if isinstance(window, WorkingDays):
        due = end_of_working_days(calendar, start, window.working_days)
    else:
        due = add_working_time(calendar, start, timedelta(hours=window.working_hours))
    for p in sorted(pauses, key=lambda p: p.start):
        if p.end is not None and p.start < due:
            stopped = working_time_between(calendar, max(p.start, start), p.end)
            if stopped > timedelta(0):
                due = _after(calendar, due, stopped, window)
    return due.astimezone(UTC)


def _after(
    calendar: Calendar, due: datetime, stopped: timedelta, window: CalendarWindow
) -> datetime:
    moved = add_working_time(calendar, due, stopped)
    if isinstance(window, WorkingHours):
        return moved
    return _local(moved.astimezone(calendar.zone).date(), END_OF_DAY, calendar.zone)


def warning_at(
    start: datetime, due: datetime, window: Window, calendar: Calendar | None, share: float
) -> datetime:
    """When `share` of a promise's budget has passed, in the promise's own units: elapsed
    time for an elapsed window, working time on the calendar for the others."""
    if isinstance(window, timedelta) or calendar is None:
        return start + (due - start) * share
    return add_working_time(calendar, start, working_time_between(calendar, start, due) * share)


def in_words(window: Window) -> str:
    """A window as staff read it: 48 h, 2 working days, 16 working hours."""
    if isinstance(window, WorkingDays):
        n = window.working_days
        return f"{n} working day{'s' if n > 1 else ''}"
    if isinstance(window, WorkingHours):
        return f"{window.working_hours} working hours"
    seconds = int(window.total_seconds())
    return f"{seconds // 3600} h" if seconds % 3600 == 0 else f"{seconds} s"
