"""Words a person can act on: the next step, each promise, each escalation.

Shown in the snapshot, the Web UI's current details, the timeline and escalation notices,
so the same sentence reads the same everywhere.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from domain import promises
from domain.calendar import in_words
from domain.models import MissReason, Party, PromiseName, Stage
from domain.records import Escalation, MigrationState, Promise

MIDDAY = 13  # a slot starting before this local hour is a morning's
MISS_WORDS = {
    MissReason.CUSTOMER_ABSENT: "customer absent",
    MissReason.ACCESS_DENIED: "access denied",
    MissReason.TECHNICAL_PROBLEM: "technical problem",
    MissReason.NOT_FEASIBLE: "the line cannot be built",
    MissReason.TECHNICIAN_NO_SHOW: "no report by the end of the window (technician no-show)",
    MissReason.MOVED_AT_SHORT_NOTICE: "moved at short notice",
}

LEVEL_WORDS = {1: "team lead", 2: "operations manager", 3: "head of customer operations"}
PARTY_WORDS = {
    Party.GAINING_OPERATOR: "the back office",
    Party.FIELD_TEAM: "field service",
    Party.DISPATCH: "dispatch",
    Party.LOSING_OPERATOR: "the losing operator",
    Party.CUSTOMER: "the customer",
}


def when(t: datetime, zone: str | None = None) -> str:
    """The one way a person reads a moment, wherever he reads it (a refusal, the timeline,
    the next step, a worklist, the console, the Web UI's summaries): "Mon 7 Dec, 13:00" in
    the line's zone; UTC, said so, for a line with no calendar (migrations from before
    calendars). Machine fields keep ISO 8601 beside these words."""
    local = t.astimezone(ZoneInfo(zone) if zone else UTC)
    said = f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"
    return said if zone else f"{said} UTC"


def span(start: datetime, end: datetime, zone: str | None = None) -> str:
    """A window: "Mon 7 Dec, 13:00–18:00" within a day, else both ends in full."""
    tz = ZoneInfo(zone) if zone else UTC
    if start.astimezone(tz).date() == end.astimezone(tz).date():
        return f"{when(start, zone).removesuffix(' UTC')}–{clock(end, zone)}" + (
            "" if zone else " UTC"
        )
    return f"{when(start, zone)} to {when(end, zone)}"


def zone_of(state: MigrationState) -> str | None:
    """The line's time zone (None: a migration from before calendars, read in UTC)."""
    calendar = state.request.calendar
    return calendar.time_zone if calendar else None


def at(state: MigrationState, t: datetime) -> str:
    """A moment of this migration, in its line's zone."""
    return when(t, zone_of(state))


def slot_label(start: datetime, end: datetime, zone: str | None = None) -> str:
    """A slot as dispatch reads it: "Tue 8 Dec, morning 08:00–13:00", in the line's zone."""
    local = start.astimezone(ZoneInfo(zone) if zone else UTC)
    part = "morning" if local.hour < MIDDAY else "afternoon"
    return f"{local:%a} {local.day} {local:%b}, {part} {clock(start, zone)}–{clock(end, zone)}"


def clock(t: datetime, zone: str | None = None) -> str:
    """The time of day alone, in the line's zone (UTC before calendars)."""
    return t.astimezone(ZoneInfo(zone) if zone else UTC).strftime("%H:%M")


def due_words(state: MigrationState, p: Promise) -> str:
    """A due time as people read it: "23:59 on Tuesday 28 December (Europe/Rome), 2 working
    days; paused 1 day: customer absent". Migrations from before calendars keep the ISO
    timestamp their records always had."""
    calendar = state.request.calendar
    if calendar is None:
        return at(state, p.due_at)
    local = p.due_at.astimezone(calendar.zone)
    said = f"{local:%H:%M} on {local:%A} {local.day} {local:%B} ({calendar.time_zone})"
    window = promises.window_of(state, p.name)
    if window is not None:
        said += f", {in_words(window)}"
    stopped = sum(((q.end - q.start) for q in p.pauses if q.end is not None), timedelta(0))
    if stopped:
        days = math.ceil(stopped / timedelta(days=1))
        reasons = ", ".join(dict.fromkeys(q.reason for q in p.pauses))
        said += f"; paused {days} day{'s' if days > 1 else ''}: {reasons}"
    return said


def promise_words(state: MigrationState, p: Promise) -> str:
    """What the promise asks of whom, and by when."""
    by = due_words(state, p)
    match p.name:
        case PromiseName.CONFIRMATION:
            return f"the customer's confirmation is to be recorded by {by}"
        case PromiseName.TECHNICIAN_CONTACT:
            return f"field service must call the customer to book the visit by {by}"
        case PromiseName.REBOOK:
            last = state.missed_visits[-1] if state.missed_visits else None
            why = f"visit failed: {MISS_WORDS[last.reason]}; " if last else ""
            return f"{why}dispatch must rebook the visit by {by}"
        case PromiseName.VISIT:
            a = state.appointment
            who = f"technician {a.technician_id}" if a else "the technician"
            visiting = (
                span(a.window_start, p.due_at, zone_of(state)) if a else f"by {at(state, p.due_at)}"
            )
            return f"{who} visits the customer {visiting} and reports the outcome"
        case PromiseName.SERVICE_RESTORATION:
            lost = state.without_service_since
            since = at(state, lost) if lost else "?"
            how = (
                f"{state.request.losing_operator} is asked to reinstate the old line; "
                if state.reinstatement_requested
                else ""
            )
            return f"customer without service since {since}: {how}restore service by {by}"
        case PromiseName.TICKET_ACK:
            ticket = p.id.partition(":")[2]
            return f"the field team must acknowledge ticket {ticket} by {by}"
        case PromiseName.CUT_OVER if state.switch is not None:
            return f"{state.request.losing_operator} must confirm the trigger (its service ends) by {by}"
        case PromiseName.CUT_OVER:
            return f"{state.request.losing_operator} must release the old line by {by}"
        case PromiseName.SWITCH_MATCH:
            return f"{state.request.losing_operator} must answer the match through the hub by {by}"
        case PromiseName.SWITCH_ORDER | PromiseName.SWITCH_UPDATE:
            return f"{state.request.losing_operator} must confirm the switch date by {by}"
        case PromiseName.SWITCH_CANCELLATION:
            return f"{state.request.losing_operator} must confirm the cancellation by {by}"
        case (
            PromiseName.ANSWER_MATCH
            | PromiseName.ANSWER_ORDER
            | PromiseName.ANSWER_UPDATE
            | PromiseName.ANSWER_TRIGGER
            | PromiseName.ANSWER_CANCELLATION
        ):
            return f"we must answer the gaining provider through the hub by {by}"
        case PromiseName.ACTIVATION:
            stopped = next((q for q in p.pauses if q.end is None), None)
            if stopped is not None:
                return (
                    f"the contract's time for the new line is stopped since "
                    f"{at(state, stopped.start)}: {stopped.reason}"
                )
            return f"the new line must be active by {by} (the contract's time)"


def next_step(state: MigrationState) -> str:
    first = promises.earliest_pending(state.promises)
    if first is not None:
        return promise_words(state, first)
    match state.stage:
        case Stage.COMPLETED:
            return "nothing: the migration is completed"
        case Stage.WITHDRAWN | Stage.FAILED:
            return f"nothing: the migration is {state.stage.value} ({state.outcome_reason})"
        case Stage.PROPOSED | Stage.CONFIRMED | Stage.SCHEDULED | Stage.ACTIVATED:
            return "nothing is due"


def warning_words(state: MigrationState, p: Promise) -> str:
    """The early warning to the owner: what is at risk of breaking, and by when."""
    return f"at risk, {PARTY_WORDS[p.owner]} to act: {promise_words(state, p)}"


def escalation_words(state: MigrationState, e: Escalation) -> str:
    p = promises.find(state.promises, e.promise)
    what = promise_words(state, p) if p is not None else "the customer is without service"
    return f"level {e.level} ({LEVEL_WORDS.get(e.level, 'top')}): {what}"


def timer_summary(state: MigrationState, due: datetime | None) -> str:
    """What the Web UI shows on the timer: which promise, due when, what happens then."""
    interval = state.request.policy.escalation_interval
    parts = []
    for p in state.promises:
        if due is not None and p.pending and not p.at_risk and p.warn_at == due:
            owner = PARTY_WORDS[p.owner]
            parts.append(f"Promise {p.id} at risk: {owner} is warned ({promise_words(state, p)})")
        if due is None or promises.next_attention(p, interval) != due:
            continue
        level = p.escalation_level + 1
        then = f"level {level} escalation to the {LEVEL_WORDS[level]}"
        if p.escalation_level == 0:
            parts.append(f"Promise {p.id}: {promise_words(state, p)}. If not kept: {then}")
        else:
            parts.append(f"Promise {p.id} still broken ({promise_words(state, p)}): {then}")
    return "; ".join(parts) or f"next deadline {at(state, due) if due else 'none'}"
