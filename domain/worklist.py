"""Each owner's queue: what a role must do on a migration, in words, by when.

A step nobody can see is not owned: every pending step of a migration appears in the
worklist of the role that owns it. Pure: the API finds the candidate migrations through
Temporal visibility, then asks this module what each one holds for the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain import promises
from domain.models import Model, PromiseName, Role, Stage
from domain.records import Ticket
from domain.views import Snapshot
from domain.words.staff import MISS_WORDS, clock, when


class Action(StrEnum):
    CONFIRM = "confirm"
    BOOK_VISIT = "book_visit"
    REPORT_VISIT = "report_visit"
    ACKNOWLEDGE_TICKET = "acknowledge_ticket"
    RESTORE_SERVICE = "restore_service"
    FOLLOW_UP = "follow_up"
    CONFIRM_LINE_RELEASE = "confirm_line_release"
    REVIEW_ESCALATION = "review_escalation"


class Caller(Model):
    role: Role
    subject: str
    operator: str | None = None


class WorkItem(Model):
    migration_id: str
    stage: Stage
    action: Action
    summary: str
    due_at: datetime | None
    overdue: bool
    at_risk: bool = False  # its promise has warned its owner: act before it breaks
    time_zone: str | None = None  # the line's, for the times a page shows
    escalation_level: int
    customer_without_service: bool
    window_start: datetime | None = None
    window_end: datetime | None = None
    ticket_id: str | None = None
    read_only: bool = False  # shown for awareness; another role acts on it
    web_ui_url: str | None = None


def _ago(then: datetime, now: datetime) -> str:
    hours = int((now - then).total_seconds() // 3600)
    return f"{hours} h ago" if hours >= 1 else "less than an hour ago"


def _item(
    snap: Snapshot,
    now: datetime,
    action: Action,
    summary: str,
    due: datetime | None,
    **more: object,
) -> WorkItem:
    window = snap.appointment
    return WorkItem.model_validate(
        {
            "migration_id": snap.migration_id,
            "stage": snap.stage,
            "action": action,
            "summary": summary,
            "due_at": due,
            "overdue": due is not None and due < now,
            "at_risk": any(p.pending and p.at_risk and p.due_at == due for p in snap.promises),
            "escalation_level": snap.escalation_level,
            "customer_without_service": snap.customer_without_service,
            "window_start": window.window_start if window else None,
            "window_end": window.window_end if window else None,
            "web_ui_url": snap.web_ui_url,
            "time_zone": snap.time_zone,
            **more,
        }
    )


def _open_tickets(snap: Snapshot) -> list[Ticket]:
    return [t for t in snap.tickets if t.acknowledged_at is None]


def _ticket_items(snap: Snapshot, now: datetime, read_only: bool) -> list[WorkItem]:
    return [
        _item(
            snap,
            now,
            Action.ACKNOWLEDGE_TICKET,
            f"Acknowledge ticket {t.ticket_id} ({t.channel}): “{t.summary}”, due {when(t.ack_due, snap.time_zone)}",
            t.ack_due,
            ticket_id=t.ticket_id,
            read_only=read_only,
        )
        for t in _open_tickets(snap)
    ]


def _sales(snap: Snapshot, caller: Caller, now: datetime) -> list[WorkItem]:
    if snap.stage is not Stage.PROPOSED or snap.sales_agent != caller.subject:
        return []
    due = promises.due_of(snap.promises, PromiseName.CONFIRMATION)
    words = f"Record the customer's confirmation: proposed {_ago(snap.created_at, now)}"
    return [
        _item(snap, now, Action.CONFIRM, f"{words}, promised by {_by(due, snap.time_zone)}", due)
    ]


def _dispatch(snap: Snapshot, caller: Caller, now: datetime) -> list[WorkItem]:
    items = _ticket_items(snap, now, read_only=False)
    if snap.stage is Stage.CONFIRMED:
        if snap.missed_visits:
            last = snap.missed_visits[-1]
            due = promises.due_of(snap.promises, PromiseName.REBOOK)
            words = (
                f"Rebook the visit: {MISS_WORDS[last.reason]} on {when(last.at, snap.time_zone)}"
            )
            items.insert(
                0,
                _item(snap, now, Action.BOOK_VISIT, f"{words}, by {_by(due, snap.time_zone)}", due),
            )
        else:
            due = promises.due_of(snap.promises, PromiseName.TECHNICIAN_CONTACT)
            since = _ago(snap.confirmed_at, now) if snap.confirmed_at else "recently"
            words = f"Book the visit: customer confirmed {since}, contact promised by {_by(due, snap.time_zone)}"
            items.insert(0, _item(snap, now, Action.BOOK_VISIT, words, due))
    return items


def _technician(snap: Snapshot, caller: Caller, now: datetime) -> list[WorkItem]:
    visit = snap.appointment
    if visit is None or visit.technician_id != caller.subject:
        return []
    items = _ticket_items(snap, now, read_only=False)
    if snap.stage is Stage.SCHEDULED:
        words = (
            f"Visit {when(visit.window_start, snap.time_zone)} to {clock(visit.window_end, snap.time_zone)}: "
            f"{snap.customer.name}, {snap.line.address}; report the outcome"
        )
        items.insert(0, _item(snap, now, Action.REPORT_VISIT, words, visit.window_end))
    return items


def _restore(snap: Snapshot, now: datetime, read_only: bool) -> list[WorkItem]:
    if not snap.customer_without_service or snap.without_service_since is None:
        return []
    due = promises.due_of(snap.promises, PromiseName.SERVICE_RESTORATION)
    words = (
        f"Customer without service since {when(snap.without_service_since, snap.time_zone)}: "
        f"restoration promised by {_by(due, snap.time_zone)}"
    )
    return [_item(snap, now, Action.RESTORE_SERVICE, words, due, read_only=read_only)]


def _care(snap: Snapshot, caller: Caller, now: datetime) -> list[WorkItem]:
    items = _restore(snap, now, read_only=False) + _ticket_items(snap, now, read_only=True)
    broken = [p for p in snap.promises if p.pending and p.breached_at is not None]
    if broken:
        first = min(broken, key=lambda p: p.due_at)
        words = (
            f"Promise {first.id} broken since {when(first.due_at, snap.time_zone)}: tell the customer what "
            f"happens now ({snap.next_step})"
        )
        items.append(_item(snap, now, Action.FOLLOW_UP, words, first.due_at))
    return items


def _operator(snap: Snapshot, caller: Caller, now: datetime) -> list[WorkItem]:
    if snap.stage is not Stage.ACTIVATED or snap.losing_operator != caller.operator:
        return []
    due = promises.due_of(snap.promises, PromiseName.CUT_OVER)
    active = (
        when(snap.contract_effective_at, snap.time_zone) if snap.contract_effective_at else "today"
    )
    words = f"Release the old line: the new one is active since {active}, release due by {_by(due, snap.time_zone)}"
    return [_item(snap, now, Action.CONFIRM_LINE_RELEASE, words, due)]


def _oversight(snap: Snapshot, caller: Caller, now: datetime) -> list[WorkItem]:
    items = _restore(snap, now, read_only=True)
    if snap.escalation_level >= 2:
        words = f"Escalated to level {snap.escalation_level}: {snap.next_step}"
        due = snap.owner.due_at
        items.append(_item(snap, now, Action.REVIEW_ESCALATION, words, due, read_only=True))
    return items


QUEUES: dict[Role, Callable[[Snapshot, Caller, datetime], list[WorkItem]]] = {
    Role.SALES: _sales,
    Role.DISPATCH: _dispatch,
    Role.TECHNICIAN: _technician,
    Role.CARE: _care,
    Role.OPERATOR: _operator,
    Role.SUPERVISOR: _oversight,
    Role.AUDITOR: _oversight,
}


def items_for(caller: Caller, snap: Snapshot, now: datetime) -> list[WorkItem]:
    """What this migration holds for the caller's queue (often nothing)."""
    return QUEUES[caller.role](snap, caller, now)


def in_order(items: list[WorkItem]) -> list[WorkItem]:
    """Overdue first, then those at risk, then the soonest due; nothing due last."""
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(items, key=lambda i: (not i.overdue, not i.at_risk, i.due_at or far))


def _by(due: datetime | None, zone: str | None) -> str:
    return when(due, zone) if due else "no set time"


class DayVisit(Model):
    """One visit on a technician's day: where, whom to call, when."""

    migration_id: str
    window_start: datetime
    window_end: datetime
    time_zone: str | None
    address: str
    customer_name: str
    phone: str


def my_day(technician: str, snaps: Iterable[Snapshot], now: datetime) -> list[DayVisit]:
    """The technician's own visits today (today in each line's zone), in slot order."""
    visits = [
        DayVisit(
            migration_id=s.migration_id,
            window_start=a.window_start,
            window_end=a.window_end,
            time_zone=s.time_zone,
            address=s.line.address,
            customer_name=s.customer.name,
            phone=s.customer.phone,
        )
        for s in snaps
        if (a := s.appointment) is not None
        and s.stage is Stage.SCHEDULED
        and a.technician_id == technician
        and _local_day(a.window_start, s.time_zone) == _local_day(now, s.time_zone)
    ]
    return sorted(visits, key=lambda v: v.window_start)


def _local_day(t: datetime, zone: str | None) -> date:
    return t.astimezone(ZoneInfo(zone) if zone else UTC).date()
