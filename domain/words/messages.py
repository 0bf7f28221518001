"""Messages that say when: each message to the customer states the facts of its moment, in
his language, and ends with his status link (`{status_link}`, filled in by the activity that
sends it, which holds the link's key; the workflow never does).

The text is written when the decision is taken, from the states before and after it, so a
retried or replayed message says exactly the same thing.
"""

from __future__ import annotations

from datetime import datetime

from domain import compensation, promises
from domain.commands import Effect, EffectKind
from domain.models import PromiseName
from domain.records import MigrationState
from domain.words import customer
from domain.words.customer import Voice

STATUS_LINK = "{status_link}"
CUSTOMER_MESSAGES = frozenset(
    {
        EffectKind.CONFIRMATION_CALL,
        EffectKind.NOTIFY_VISIT_BOOKED,
        EffectKind.NOTIFY_VISIT_MISSED,
        EffectKind.NOTIFY_ACTIVATION,
        EffectKind.NOTIFY_WITHDRAWAL,
        EffectKind.NOTIFY_PROMISE_BROKEN,
    }
)


def with_texts(
    before: MigrationState, after: MigrationState, effects: list[Effect], now: datetime
) -> list[Effect]:
    """The effects, each customer message with its words."""
    return [
        e.model_copy(update={"text": text(before, after, e, now)})
        if e.kind in CUSTOMER_MESSAGES
        else e
        for e in effects
    ]


def text(before: MigrationState, after: MigrationState, effect: Effect, now: datetime) -> str:
    calendar = after.request.calendar
    voice = customer.voice(after.request.language, calendar.time_zone if calendar else None)
    said = voice.words.messages
    match effect.kind:
        case EffectKind.CONFIRMATION_CALL:
            due = promises.due_of(after.promises, PromiseName.TECHNICIAN_CONTACT)
            body = said.confirmed.format(by=voice.moment(due) if due else "?")
        case EffectKind.NOTIFY_VISIT_BOOKED:
            body = _visit_booked(before, after, voice)
        case EffectKind.NOTIFY_VISIT_MISSED:
            body = _visit_missed(after, voice)
        case EffectKind.NOTIFY_ACTIVATION:
            body = said.activated.format(at=voice.moment(now))
        case EffectKind.NOTIFY_WITHDRAWAL:
            body = said.withdrawn_reinstating if after.reinstatement_requested else said.withdrawn
        case EffectKind.NOTIFY_PROMISE_BROKEN:
            body = _broken(after, effect, now, voice)
        case _:
            raise ValueError(f"{effect.kind} is not a message to the customer")
    return f"{body}\n{said.follow}{STATUS_LINK}"


def _visit_booked(before: MigrationState, after: MigrationState, voice: Voice) -> str:
    new, said = after.appointment, voice.words.messages
    assert new is not None
    when = voice.window(new.window_start, new.window_end)
    old = before.appointment
    if old is not None and (old.window_start, old.window_end) != (new.window_start, new.window_end):
        return said.visit_moved.format(
            was=voice.window(old.window_start, old.window_end), when=when
        )
    return said.visit_booked.format(when=when)


def _visit_missed(after: MigrationState, voice: Voice) -> str:
    last, catalogue = after.missed_visits[-1], voice.words
    due = promises.due_of(after.promises, PromiseName.REBOOK)
    text = catalogue.messages.visit_missed.format(
        when=voice.window(last.appointment.window_start, last.appointment.window_end),
        why=catalogue.misses[last.reason],
        by=voice.moment(due) if due else "?",
    )
    if not last.operator_at_fault:
        return text
    per_visit = compensation.per_missed_visit(after, last.at)
    owed = voice.money(per_visit.amount_cents, per_visit.currency)
    return text + catalogue.messages.missed_owed.format(owed=owed)


def _broken(after: MigrationState, effect: Effect, now: datetime, voice: Voice) -> str:
    assert effect.escalation is not None
    p = promises.find(after.promises, effect.escalation.promise)
    assert p is not None
    catalogue, owed = voice.words, compensation.total(after, now)
    return catalogue.messages.promise_broken.format(
        what=catalogue.promises[p.name],
        by=voice.moment(p.due_at),
        owed=voice.money(owed.amount_cents, owed.currency),
    )
