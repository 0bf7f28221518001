"""The promise ledger: every window promised to the customer or between teams."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from domain.calendar import Pause, due_at, warning_at
from domain.models import Party, PromiseName, PromiseStatus
from domain.policy import PromiseWindow
from domain.records import MigrationState, Promise, Replan
from domain.rules import Rules

MAX_LEVEL = 3

OWNERS: dict[PromiseName, Party] = {
    PromiseName.CONFIRMATION: Party.GAINING_OPERATOR,
    PromiseName.TECHNICIAN_CONTACT: Party.FIELD_TEAM,
    PromiseName.VISIT: Party.FIELD_TEAM,
    PromiseName.SERVICE_RESTORATION: Party.FIELD_TEAM,
    PromiseName.TICKET_ACK: Party.FIELD_TEAM,
    PromiseName.CUT_OVER: Party.LOSING_OPERATOR,
    PromiseName.REBOOK: Party.DISPATCH,
    PromiseName.ACTIVATION: Party.GAINING_OPERATOR,
    PromiseName.SWITCH_MATCH: Party.LOSING_OPERATOR,
    PromiseName.SWITCH_ORDER: Party.LOSING_OPERATOR,
    PromiseName.SWITCH_UPDATE: Party.LOSING_OPERATOR,
    PromiseName.SWITCH_CANCELLATION: Party.LOSING_OPERATOR,
    PromiseName.ANSWER_MATCH: Party.GAINING_OPERATOR,
    PromiseName.ANSWER_ORDER: Party.GAINING_OPERATOR,
    PromiseName.ANSWER_UPDATE: Party.GAINING_OPERATOR,
    PromiseName.ANSWER_TRIGGER: Party.GAINING_OPERATOR,
    PromiseName.ANSWER_CANCELLATION: Party.GAINING_OPERATOR,
}
# Promises made to the customer himself: a broken one is told to him and compensated.
CUSTOMER_FACING = frozenset(
    {
        PromiseName.TECHNICIAN_CONTACT,
        PromiseName.REBOOK,
        PromiseName.VISIT,
        PromiseName.SERVICE_RESTORATION,
        PromiseName.ACTIVATION,
    }
)

# Clocks that force majeure stops: the customer's, but the visit, whose window is the
# appointment itself (a visit that cannot happen is moved, and the move is recorded).
STOPPABLE = CUSTOMER_FACING - {PromiseName.VISIT}


# Each promise's window in the policy, to say it with its due time ("2 working days").
POLICY_WINDOWS = {
    PromiseName.CONFIRMATION: "confirmation",
    PromiseName.TECHNICIAN_CONTACT: "technician_contact",
    PromiseName.REBOOK: "technician_contact",
    PromiseName.SERVICE_RESTORATION: "service_restoration",
    PromiseName.TICKET_ACK: "ticket_ack",
    PromiseName.CUT_OVER: "cut_over",
    PromiseName.ACTIVATION: "activation",
}


def window_of(state: MigrationState, name: PromiseName) -> PromiseWindow | None:
    """The window this migration gives a promise of this kind; None for the visit (its
    window is the appointment itself)."""
    field = POLICY_WINDOWS.get(name)
    window: PromiseWindow | None = getattr(state.request.policy, field) if field else None
    return window


def open_on_calendar(
    state: MigrationState, name: PromiseName, window: PromiseWindow, now: datetime, key: str = ""
) -> list[Promise]:
    """The ledger with a promise opened now for this window: due on the migration's calendar
    and warning its owner before, from the calendar rules on; in elapsed time, with no
    warning, before them."""
    if not Rules(state.rules).counts_working_days:
        return open_promise(state.promises, name, now, due_at(now, window, None), key)
    calendar = state.request.calendar
    stops = force_majeure_pauses(state, name, now)
    due = due_at(now, window, calendar, stops)
    warn = warning_at(now, due, window, calendar, state.request.policy.warn_at_share)
    ledger = open_promise(state.promises, name, now, due, key, warn_at=warn)
    if stops:
        ledger[-1] = ledger[-1].model_copy(update={"pauses": stops})
    return ledger


def open_promise(
    ledger: list[Promise],
    name: PromiseName,
    now: datetime,
    due_at: datetime,
    key: str = "",
    warn_at: datetime | None = None,
) -> list[Promise]:
    pid = f"{name.value}:{key}" if key else name.value
    if any(p.id == pid and p.pending for p in ledger):
        raise ValueError(f"promise {pid} is already open")
    promise = Promise(
        id=pid, name=name, owner=OWNERS[name], opened_at=now, due_at=due_at, warn_at=warn_at
    )
    return [*ledger, promise]


def stop_clock(
    ledger: list[Promise], name: PromiseName, since: datetime, reason: str, by: str | None
) -> list[Promise]:
    """Stop a pending, unbroken promise's clock from `since` until `restart_clock`."""
    p = find(ledger, name.value)
    if p is None or not p.pending or p.paused or p.breached_at is not None:
        return ledger
    pause = Pause(start=since, end=None, reason=reason, by=by)
    return _replace(ledger, p, p.model_copy(update={"pauses": [*p.pauses, pause]}))


def restart_clock(
    state: MigrationState, name: PromiseName, window: PromiseWindow, at: datetime
) -> list[Promise]:
    """Close the open pause at `at`; the due time (and warning) move by exactly the time
    the clock stood still, counted as the promise counts."""
    p = find(state.promises, name.value)
    if p is None or not p.paused:
        return state.promises
    pauses = [
        q if q.end is not None else q.model_copy(update={"end": max(at, q.start)}) for q in p.pauses
    ]
    return _replace(state.promises, p, with_pauses(state, p, window, pauses))


def with_pauses(
    state: MigrationState, p: Promise, window: PromiseWindow, pauses: list[Pause]
) -> Promise:
    """The promise with these clock-stops, its due time (and warning) counted again from
    its opening: each ended pause moves it by exactly the time it stopped the clock."""
    calendar = state.request.calendar
    due = due_at(p.opened_at, window, calendar, pauses)
    share = state.request.policy.warn_at_share
    warn = warning_at(p.opened_at, due, window, calendar, share) if p.warn_at else None
    return p.model_copy(update={"pauses": pauses, "due_at": due, "warn_at": warn})


def force_majeure_pauses(state: MigrationState, name: PromiseName, since: datetime) -> list[Pause]:
    """The clock-stops a customer-facing promise opened at `since` starts with: every
    declaration of force majeure in force from then on."""
    if name not in STOPPABLE:
        return []
    return [
        Pause(
            start=max(d.start, since),
            end=d.end,
            reason=f"force majeure: {d.reason}",
            by=d.by,
            declaration=d.declaration_id,
        )
        for d in state.force_majeure
        if d.revoked_at is None and d.end > since
    ]


def _warning(p: Promise) -> datetime | None:
    """When this promise will warn its owner; None if it has, or never will now."""
    if not p.pending or p.paused or p.at_risk or p.breached_at is not None:
        return None
    return p.warn_at


def warn(ledger: list[Promise], now: datetime) -> list[Promise]:
    """The ledger with every promise whose warning time has come marked at risk."""
    return [
        p.model_copy(update={"at_risk": True, "at_risk_since": w})
        if (w := _warning(p)) is not None and w <= now
        else p
        for p in ledger
    ]


def next_warning(ledger: Iterable[Promise]) -> datetime | None:
    """When the next promise turns at risk."""
    return min((w for p in ledger if (w := _warning(p)) is not None), default=None)


def due_of(ledger: Iterable[Promise], name: PromiseName) -> datetime | None:
    """When the pending promise of this kind falls due; None if none is pending."""
    p = find((p for p in ledger if p.pending), name.value)
    return p.due_at if p else None


def find(ledger: Iterable[Promise], pid: str) -> Promise | None:
    """The latest promise with this id (a promise id can be reopened after it closed)."""
    found = None
    for p in ledger:
        if p.id == pid:
            found = p
    return found


def _replace(ledger: list[Promise], old: Promise, new: Promise) -> list[Promise]:
    return [new if p is old else p for p in ledger]


def fulfil(ledger: list[Promise], pid: str, now: datetime) -> list[Promise]:
    """Mark a pending promise fulfilled; a late fulfilment stays recorded as breached."""
    p = find(ledger, pid)
    if p is None or not p.pending:
        return ledger
    status = PromiseStatus.KEPT if p.breached_at is None else PromiseStatus.BREACHED
    return _replace(ledger, p, p.model_copy(update={"fulfilled_at": now, "status": status}))


def replan(
    ledger: list[Promise], pid: str, new_due: datetime, now: datetime, by: str, reason: str
) -> list[Promise]:
    """Move a due time; the old one (and any breach of it) stays in the record."""
    p = find(ledger, pid)
    if p is None or not p.pending:
        raise ValueError(f"promise {pid} is not pending")
    record = Replan(
        at=now,
        by=by,
        previous_due=p.due_at,
        new_due=new_due,
        reason=reason,
        breached_at=p.breached_at,
    )
    moved = p.model_copy(
        update={
            "due_at": new_due,
            "status": PromiseStatus.OPEN,
            "breached_at": None,
            "escalation_level": 0,
            "replans": [*p.replans, record],
        }
    )
    return _replace(ledger, p, moved)


def cancel_pending(
    ledger: list[Promise], now: datetime, keep: frozenset[PromiseName] = frozenset()
) -> list[Promise]:
    """Cancel every pending promise but those named in `keep` (still owed after the end)."""
    return [
        p.model_copy(update={"status": PromiseStatus.CANCELLED, "cancelled_at": now})
        if p.pending and p.name not in keep
        else p
        for p in ledger
    ]


def lapse(ledger: list[Promise], pid: str) -> list[Promise]:
    """Close a breached window that can no longer be kept, as of its due time."""
    p = find(ledger, pid)
    if p is None or not p.pending:
        return ledger
    return _replace(ledger, p, p.model_copy(update={"lapsed_at": p.due_at}))


def next_attention(p: Promise, interval: timedelta) -> datetime | None:
    """When this promise next needs the ladder: its due time, then one step per interval."""
    if not p.pending or p.paused or p.escalation_level >= MAX_LEVEL:
        return None
    return p.due_at + interval * p.escalation_level


def next_due(ledger: Iterable[Promise], interval: timedelta) -> datetime | None:
    """The one instant the migration's single durable timer must be aimed at."""
    times = [t for p in ledger if (t := next_attention(p, interval)) is not None]
    return min(times, default=None)


def earliest_pending(ledger: Iterable[Promise]) -> Promise | None:
    pending = [p for p in ledger if p.pending]
    return min(pending, key=lambda p: p.due_at, default=None)
