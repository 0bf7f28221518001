"""What the customer's status page says: the truth of his migration, in his words.

Only his first name and the last three digits of his line; no staff names, roles only.
The page and its JSON twin are both this view.
"""

from __future__ import annotations

from datetime import datetime

from domain.calendar import Pause
from domain.models import Language, Model, PromiseName, PromiseStatus, Stage
from domain.promises import CUSTOMER_FACING
from domain.records import Promise
from domain.terms import Accrued
from domain.views import Snapshot
from domain.words import customer
from domain.words.customer import Voice

STATUS_CHANNEL = "status_page"  # tickets the customer opens from his page


class Step(Model):
    name: str
    done_at: datetime | None
    when: str | None  # done_at in the customer's words
    current: bool


class PromiseLine(Model):
    what: str
    status: str  # kept, open, broken
    due_at: datetime
    words: str


class ProblemLine(Model):
    summary: str
    opened_at: datetime
    acknowledged_at: datetime | None
    words: str


class SlotChoice(Model):
    slot_id: str
    label: str


class AppointmentChoice(Model):
    """The customer chooses (or moves) his appointment himself, from the latest offer."""

    heading: str
    note: str | None
    slots: list[SlotChoice]
    more: str  # the button asking for (other) free times
    none_free: str | None


class StatusView(Model):
    language: Language
    first_name: str
    line_ending: str
    stage: Stage
    headline: str
    steps: list[Step]
    next_step: str
    promises: list[PromiseLine]
    moves: list[str]
    compensation: str
    compensation_items: list[str]
    outcome: str | None
    problems: list[ProblemLine]
    appointment: AppointmentChoice | None = None
    switching: list[str] = []  # a switch through the hub, as it went (matched, date, done)


def _first_name(full: str) -> str:
    return full.split()[0] if full.split() else ""


def view(snap: Snapshot, now: datetime) -> StatusView:
    voice = customer.voice(snap.language, snap.time_zone)
    return StatusView(
        language=voice.lang,
        first_name=_first_name(snap.customer.name),
        line_ending=snap.line.number[-3:],
        stage=snap.stage,
        headline=voice.words.status_page.headlines[snap.stage],
        steps=_steps(snap, voice),
        next_step=next_step(snap, voice),
        promises=_promises(snap, now, voice),
        moves=_moves(snap, voice),
        compensation=voice.money(snap.compensation.amount_cents, snap.compensation.currency),
        compensation_items=[_owed(o, voice) for o in snap.compensation_items],
        outcome=_outcome(snap, voice),
        problems=_problems(snap, voice),
        appointment=_choice(snap, now, voice),
        switching=_switching(snap, voice),
    )


def _switching(snap: Snapshot, voice: Voice) -> list[str]:
    """Where his switch stands with his old provider, in his words."""
    sw = snap.switch
    if sw is None or sw.reference is None:
        return []
    said, who = voice.words.status_page, sw.losing_provider
    lines = [said.switch_matched.format(who=who)]
    if sw.planned_switch_date is not None:
        lines.append(said.switch_date.format(who=who, day=voice.date(sw.planned_switch_date)))
    if sw.status == "triggered":
        lines.append(said.switch_done.format(who=who))
    if sw.status == "cancelled":
        lines.append(said.switch_cancelled.format(who=who))
    return lines


def _choice(snap: Snapshot, now: datetime, voice: Voice) -> AppointmentChoice | None:
    """ "Choose your appointment" while a visit is to be booked; "Move your appointment"
    once booked, until the notice before it; nothing otherwise."""
    said = voice.words.status_page
    offer, booked = snap.slot_offer, snap.appointment
    if not snap.slots_open:
        return None
    if booked is not None:
        until = snap.customer_moves_until
        if until is None or now >= until:
            return None
        fresh = offer if offer is not None and offer.offered_at > booked.booked_at else None
        heading, note = said.move_appointment, said.move_until.format(until=voice.moment(until))
    else:
        fresh, heading, note = offer, said.choose_appointment, None
    return AppointmentChoice(
        heading=heading,
        note=note,
        slots=[
            SlotChoice(slot_id=s.slot_id, label=voice.slot(s.start, s.end))
            for s in (fresh.slots if fresh else [])
        ],
        more=said.show_other_times if fresh or booked else said.show_times,
        none_free=said.no_free_slots if fresh is not None and not fresh.slots else None,
    )


def _steps(snap: Snapshot, voice: Voice) -> list[Step]:
    booked = next((e.at for e in snap.timeline if e.event == "visit_booked"), None)
    done = [
        snap.created_at,
        snap.confirmed_at,
        booked,
        snap.contract_effective_at,
        snap.line_released_at,
    ]
    order = [Stage.PROPOSED, Stage.CONFIRMED, Stage.SCHEDULED, Stage.ACTIVATED, Stage.COMPLETED]
    at = order.index(snap.stage) if snap.stage in order else -1
    names = voice.words.status_page.steps
    return [
        Step(name=name, done_at=when, when=voice.moment(when) if when else None, current=i == at)
        for i, (name, when) in enumerate(zip(names, done, strict=True))
    ]


def next_step(snap: Snapshot, voice: Voice) -> str:
    """Who owes the next step, and by when, in plain words."""
    catalogue = voice.words
    said = catalogue.status_page
    party, due = snap.owner.party, snap.owner.due_at
    if party is None or due is None:
        return said.nothing_due
    pending = [p for p in snap.promises if p.pending and p.owner is party]
    first = min(pending, key=lambda p: p.due_at) if pending else None
    if first is not None and first.name is PromiseName.VISIT and snap.appointment:
        a = snap.appointment
        return said.technician_comes.format(when=voice.window(a.window_start, a.window_end))
    what = catalogue.promises[first.name] if first else ""
    return said.owner_will.format(who=catalogue.parties[party], what=what, by=voice.moment(due))


def _promises(snap: Snapshot, now: datetime, voice: Voice) -> list[PromiseLine]:
    catalogue = voice.words
    lines = []
    for p in snap.promises:
        if p.name not in CUSTOMER_FACING or p.status is PromiseStatus.CANCELLED:
            continue
        broken = p.breached_at is not None
        status = "broken" if broken else "kept" if p.fulfilled_at else "open"
        text = f"{catalogue.promises[p.name]}: {catalogue.status_page.promise_status[status]}"
        if broken and p.pending:
            text += catalogue.status_page.case_escalated
        text += _clock(p, voice)
        lines.append(PromiseLine(what=p.name.value, status=status, due_at=p.due_at, words=text))
    return lines


def _clock(p: Promise, voice: Voice) -> str:
    """Whether the promise's clock is on hold, or was and moved its date, and why."""
    said = voice.words.status_page
    stopped = next((q for q in p.pauses if q.end is None), None)
    if stopped is not None:
        return said.clock_stopped.format(
            since=voice.moment(stopped.start), why=_why(stopped, voice)
        )
    if p.pauses and p.pending:
        return said.clock_moved.format(by=voice.moment(p.due_at), why=_why(p.pauses[-1], voice))
    return ""


def _why(pause: Pause, voice: Voice) -> str:
    said = voice.words.status_page
    return said.pause_force_majeure if pause.declaration else said.pause_customer


def _moves(snap: Snapshot, voice: Voice) -> list[str]:
    catalogue = voice.words
    moves = [
        catalogue.status_page.visit_moved.format(
            was=voice.window(v.old_start, v.old_end), when=voice.window(v.new_start, v.new_end)
        )
        for v in snap.visit_moves
    ]
    for m in snap.missed_visits:
        a = m.appointment
        moves.append(f"{voice.window(a.window_start, a.window_end)}: {catalogue.misses[m.reason]}")
    return moves


def _owed(owed: Accrued, voice: Voice) -> str:
    catalogue = voice.words
    what = owed.what
    label = catalogue.status_page.owed.get(what) or catalogue.promises[PromiseName(what)]
    return f"{label}: {voice.money(owed.amount_cents, owed.currency)}"


def _outcome(snap: Snapshot, voice: Voice) -> str | None:
    said = voice.words.status_page
    if snap.stage not in (Stage.WITHDRAWN, Stage.FAILED):
        return None
    if snap.customer_without_service:
        return said.reinstating
    why = snap.outcome_reason or ""
    if snap.stage is Stage.WITHDRAWN:
        return said.withdrawn.format(why=why)
    return said.failed.format(why=why)


def _problems(snap: Snapshot, voice: Voice) -> list[ProblemLine]:
    said = voice.words.status_page
    return [
        ProblemLine(
            summary=t.summary,
            opened_at=t.opened_at,
            acknowledged_at=t.acknowledged_at,
            words=said.taken_up.format(at=voice.moment(t.acknowledged_at))
            if t.acknowledged_at
            else said.to_be_taken_up.format(by=voice.moment(t.ack_due)),
        )
        for t in snap.tickets
        if t.channel == STATUS_CHANNEL
    ]
