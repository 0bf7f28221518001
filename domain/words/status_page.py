"""What the customer's status page says: the truth of his migration, in his words.

Only his first name and the last three digits of his line; no staff names, roles only.
The page and its JSON twin are both this view.
"""

from __future__ import annotations

from datetime import datetime

from domain.models import Language, Model, PromiseName, PromiseStatus, Stage
from domain.promises import CUSTOMER_FACING
from domain.terms import Accrued
from domain.views import Snapshot
from domain.words.customer import moment, money, window, words

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


def _first_name(full: str) -> str:
    return full.split()[0] if full.split() else ""


def view(snap: Snapshot, now: datetime) -> StatusView:
    lang = snap.language
    return StatusView(
        language=lang,
        first_name=_first_name(snap.customer.name),
        line_ending=snap.line.number[-3:],
        stage=snap.stage,
        headline=words(lang).status_page.headlines[snap.stage],
        steps=_steps(snap, lang),
        next_step=next_step(snap, lang),
        promises=_promises(snap, now, lang),
        moves=_moves(snap, lang),
        compensation=money(snap.compensation.amount_cents, lang, snap.compensation.currency),
        compensation_items=[_owed(o, lang) for o in snap.compensation_items],
        outcome=_outcome(snap, lang),
        problems=_problems(snap, lang),
    )


def _steps(snap: Snapshot, lang: Language) -> list[Step]:
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
    names = words(lang).status_page.steps
    return [
        Step(name=name, done_at=when, when=moment(when, lang) if when else None, current=i == at)
        for i, (name, when) in enumerate(zip(names, done, strict=True))
    ]


def next_step(snap: Snapshot, lang: Language) -> str:
    """Who owes the next step, and by when, in plain words."""
    catalogue = words(lang)
    said = catalogue.status_page
    party, due = snap.owner.party, snap.owner.due_at
    if party is None or due is None:
        return said.nothing_due
    pending = [p for p in snap.promises if p.pending and p.owner is party]
    first = min(pending, key=lambda p: p.due_at) if pending else None
    if first is not None and first.name is PromiseName.VISIT and snap.appointment:
        a = snap.appointment
        return said.technician_comes.format(when=window(a.window_start, a.window_end, lang))
    what = catalogue.promises[first.name] if first else ""
    return said.owner_will.format(who=catalogue.parties[party], what=what, by=moment(due, lang))


def _promises(snap: Snapshot, now: datetime, lang: Language) -> list[PromiseLine]:
    catalogue = words(lang)
    lines = []
    for p in snap.promises:
        if p.name not in CUSTOMER_FACING or p.status is PromiseStatus.CANCELLED:
            continue
        broken = p.breached_at is not None
        status = "broken" if broken else "kept" if p.fulfilled_at else "open"
        text = f"{catalogue.promises[p.name]}: {catalogue.status_page.promise_status[status]}"
        if broken and p.pending:
            text += catalogue.status_page.case_escalated
        lines.append(PromiseLine(what=p.name.value, status=status, due_at=p.due_at, words=text))
    return lines


def _moves(snap: Snapshot, lang: Language) -> list[str]:
    catalogue = words(lang)
    moves = [
        catalogue.status_page.visit_moved.format(
            was=window(v.old_start, v.old_end, lang), when=window(v.new_start, v.new_end, lang)
        )
        for v in snap.visit_moves
    ]
    for m in snap.missed_visits:
        a = m.appointment
        moves.append(f"{window(a.window_start, a.window_end, lang)}: {catalogue.misses[m.reason]}")
    return moves


def _owed(owed: Accrued, lang: Language) -> str:
    catalogue = words(lang)
    what = owed.what
    label = catalogue.status_page.owed.get(what) or catalogue.promises[PromiseName(what)]
    return f"{label}: {money(owed.amount_cents, lang, owed.currency)}"


def _outcome(snap: Snapshot, lang: Language) -> str | None:
    said = words(lang).status_page
    if snap.stage not in (Stage.WITHDRAWN, Stage.FAILED):
        return None
    if snap.customer_without_service:
        return said.reinstating
    why = snap.outcome_reason or ""
    if snap.stage is Stage.WITHDRAWN:
        return said.withdrawn.format(why=why)
    return said.failed.format(why=why)


def _problems(snap: Snapshot, lang: Language) -> list[ProblemLine]:
    said = words(lang).status_page
    return [
        ProblemLine(
            summary=t.summary,
            opened_at=t.opened_at,
            acknowledged_at=t.acknowledged_at,
            words=said.taken_up.format(at=moment(t.acknowledged_at, lang))
            if t.acknowledged_at
            else said.to_be_taken_up.format(by=moment(t.ack_due, lang)),
        )
        for t in snap.tickets
        if t.channel == STATUS_CHANNEL
    ]
