"""What the promise-keeping report counts about one migration, read from its state: ids (the
line only as its keyed hash, never the customer's name, phone or address), milestones, each
promise and how it ended, escalations, compensation, missed visits, outages and tickets.

One pure function, so the live read model and a rebuild from Temporal write the same rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import compensation
from domain.calendar import Pause, working_time_between
from domain.models import Model, PromiseStatus, Stage
from domain.records import MigrationState

ENDED = {Stage.WITHDRAWN.value, Stage.FAILED.value}


class MigrationFact(Model):
    chain_id: str
    migration_id: str
    line_key: str
    jurisdiction: str | None
    time_zone: str | None
    losing_operator: str
    area: str | None
    sales_agent: str
    technician: str | None
    stage: str
    started_at: datetime
    confirmed_at: datetime | None
    booked_at: datetime | None
    activated_at: datetime | None
    completed_at: datetime | None
    ended_at: datetime | None  # withdrawn or failed
    # Confirmation to activation: hours, and working days on the migration's own calendar.
    activation_hours: float | None
    activation_working_days: float | None


class PromiseFact(Model):
    promise_id: str
    kind: str
    owner: str
    opened_at: datetime
    due_at: datetime
    status: str  # kept, broken, open, cancelled
    kept_on_time: bool | None  # None while open or cancelled
    breached_at: datetime | None
    paused_s: float


class EscalationFact(Model):
    promise: str
    level: int
    at: datetime


class CompensationFact(Model):
    what: str
    amount_cents: int
    currency: str
    table_version: str | None
    reference: str | None


class MissedVisitFact(Model):
    revision: int
    reason: str
    at: datetime
    operator_at_fault: bool


class OutageFact(Model):
    start: datetime
    end: datetime | None


class TicketFact(Model):
    ticket_id: str
    opened_at: datetime
    acknowledged_at: datetime | None


class Facts(Model):
    """Everything the report needs about one migration, keyed by its run chain. A write that
    carries a change (`changes`) leaves a table it does not carry (None) as it was."""

    migration: MigrationFact
    promises: list[PromiseFact] | None
    escalations: list[EscalationFact] | None
    compensation: list[CompensationFact] | None
    missed_visits: list[MissedVisitFact] | None
    outages: list[OutageFact] | None
    tickets: list[TicketFact] | None


TABLES = ("promises", "escalations", "compensation", "missed_visits", "outages", "tickets")


def changes(written: Facts | None, now: Facts) -> Facts | None:
    """What a write must carry once `written` is in the read model: nothing when no figure
    changed; else the migration's row and only the tables that changed."""
    if written is None:
        return now
    if written == now:
        return None
    same = {name: None for name in TABLES if getattr(written, name) == getattr(now, name)}
    return now.model_copy(update=same)


def facts_of(state: MigrationState, now: datetime) -> Facts:
    req = state.request
    booked = next((e.at for e in state.timeline if e.event == "visit_booked"), None)
    ended = next((e.at for e in state.timeline if e.event in ENDED), None)
    completed = state.line_released_at if state.stage is Stage.COMPLETED else None
    technician = state.appointment.technician_id if state.appointment else None
    if technician is None and state.missed_visits:
        technician = state.missed_visits[-1].appointment.technician_id
    hours, days = _activation(state)
    migration = MigrationFact(
        chain_id=state.chain_id,
        migration_id=state.migration_id,
        line_key=state.line_key,
        jurisdiction=req.calendar.country if req.calendar else None,
        time_zone=req.calendar.time_zone if req.calendar else None,
        losing_operator=req.losing_operator,
        area=req.line.area,
        sales_agent=state.sales_agent,
        technician=technician,
        stage=state.stage.value,
        started_at=state.created_at,
        confirmed_at=state.confirmed_at,
        booked_at=booked,
        activated_at=state.contract_effective_at,
        completed_at=completed,
        ended_at=ended,
        activation_hours=hours,
        activation_working_days=days,
    )
    return Facts(
        migration=migration,
        promises=[
            PromiseFact(
                promise_id=p.id,
                kind=p.name.value,
                owner=p.owner.value,
                opened_at=p.opened_at,
                due_at=p.due_at,
                status=_status(p.status, p.breached_at),
                kept_on_time=_on_time(p.status, p.fulfilled_at, p.breached_at),
                breached_at=p.breached_at,
                paused_s=sum((_paused(q, now) for q in p.pauses), timedelta()).total_seconds(),
            )
            for p in state.promises
        ],
        escalations=[
            EscalationFact(promise=e.promise, level=e.level, at=e.at) for e in state.escalations
        ],
        compensation=[
            CompensationFact(
                what=a.what,
                amount_cents=a.amount_cents,
                currency=a.currency,
                table_version=a.table_version,
                reference=a.reference,
            )
            for a in compensation.breakdown(state, now)
        ],
        missed_visits=[
            MissedVisitFact(
                revision=m.appointment.revision,
                reason=m.reason.value,
                at=m.at,
                operator_at_fault=m.operator_at_fault,
            )
            for m in state.missed_visits
        ],
        outages=[OutageFact(start=s, end=e) for s, e in _outages(state)],
        tickets=[
            TicketFact(
                ticket_id=t.ticket_id, opened_at=t.opened_at, acknowledged_at=t.acknowledged_at
            )
            for t in state.tickets
        ],
    )


def _activation(state: MigrationState) -> tuple[float | None, float | None]:
    """Confirmation to activation, in hours and in working days (working time divided by
    the calendar's working day) where the migration has a calendar."""
    start, end = state.confirmed_at, state.contract_effective_at
    if start is None or end is None:
        return None, None
    hours = (end - start).total_seconds() / 3600
    calendar = state.request.calendar
    if calendar is None:
        return hours, None
    opens, closes = calendar.working_hours  # a calendar's day always has working hours
    day = (closes.hour * 60 + closes.minute - opens.hour * 60 - opens.minute) / 60
    worked = working_time_between(calendar, start, end).total_seconds() / 3600
    return hours, worked / day


def _status(status: PromiseStatus, breached_at: datetime | None) -> str:
    if status is PromiseStatus.CANCELLED:
        return "cancelled"
    if breached_at is not None:
        return "broken"
    return "kept" if status is PromiseStatus.KEPT else "open"


def _on_time(
    status: PromiseStatus, fulfilled_at: datetime | None, breached_at: datetime | None
) -> bool | None:
    if breached_at is not None:
        return False
    return True if fulfilled_at is not None and status is not PromiseStatus.CANCELLED else None


def _paused(p: Pause, now: datetime) -> timedelta:
    return (p.end or now) - p.start


def _outages(state: MigrationState) -> list[tuple[datetime, datetime | None]]:
    episodes: list[tuple[datetime, datetime | None]] = list(state.earlier_outages)
    if state.without_service_since is not None:
        episodes.append((state.without_service_since, state.service_restored_at))
    return episodes
