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
from domain.models import Language, MigrationState, PromiseName
from domain.words.customer import MISSES, PROMISES, euros, moment, window

STATUS_LINK = "{status_link}"
FOLLOW = {
    Language.IT: "Segui la tua migrazione qui: " + STATUS_LINK,
    Language.EN: "Follow your migration here: " + STATUS_LINK,
}
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
    lang = after.request.language
    it = lang is Language.IT
    match effect.kind:
        case EffectKind.CONFIRMATION_CALL:
            due = promises.due_of(after.promises, PromiseName.TECHNICIAN_CONTACT)
            by = moment(due, lang) if due else "?"
            body = (
                f"Abbiamo registrato la tua conferma. Il nostro servizio tecnico ti chiamerà "
                f"per fissare la visita entro {by}. La tua linea attuale funziona finché la "
                "nuova non è attiva."
                if it
                else f"We recorded your confirmation. Our field service will call you to book "
                f"the visit by {by}. Your current line keeps working until the new one is active."
            )
        case EffectKind.NOTIFY_VISIT_BOOKED:
            body = _visit_booked(before, after, lang)
        case EffectKind.NOTIFY_VISIT_MISSED:
            body = _visit_missed(after, lang)
        case EffectKind.NOTIFY_ACTIVATION:
            body = (
                f"La tua nuova linea è attiva da {moment(now, lang)}: il contratto parte oggi. "
                "La vecchia linea verrà chiusa dal tuo vecchio operatore."
                if it
                else f"Your new line is active since {moment(now, lang)}: your contract starts "
                "today. Your old operator will now close the old line."
            )
        case EffectKind.NOTIFY_WITHDRAWAL:
            body = _withdrawal(after, lang)
        case EffectKind.NOTIFY_PROMISE_BROKEN:
            body = _broken(after, effect, now, lang)
        case _:
            raise ValueError(f"{effect.kind} is not a message to the customer")
    return f"{body}\n{FOLLOW[lang]}"


def _visit_booked(before: MigrationState, after: MigrationState, lang: Language) -> str:
    new = after.appointment
    assert new is not None
    when = window(new.window_start, new.window_end, lang)
    old = before.appointment
    if old is not None and (old.window_start, old.window_end) != (new.window_start, new.window_end):
        was = window(old.window_start, old.window_end, lang)
        return (
            f"La visita del tecnico è stata spostata da {was} a {when}."
            if lang is Language.IT
            else f"Your technician's visit has moved from {was} to {when}."
        )
    return (
        f"La visita del tecnico è fissata per {when}."
        if lang is Language.IT
        else f"Your technician's visit is booked for {when}."
    )


def _visit_missed(after: MigrationState, lang: Language) -> str:
    last = after.missed_visits[-1]
    when = window(last.appointment.window_start, last.appointment.window_end, lang)
    due = promises.due_of(after.promises, PromiseName.REBOOK)
    by = moment(due, lang) if due else "?"
    owed = euros(after.request.policy.missed_visit_cents, lang) if last.operator_at_fault else ""
    if lang is Language.IT:
        text = (
            f"La visita di {when} non si è potuta fare: {MISSES[last.reason][lang]}. Ti "
            f"chiameremo per un nuovo appuntamento entro {by}; la tua linea attuale funziona."
        )
        return text + (f" Ti riconosciamo {owed} per l'appuntamento mancato." if owed else "")
    text = (
        f"Your visit of {when} could not take place: {MISSES[last.reason][lang]}. We will call "
        f"you to book a new one by {by}; your current line keeps working."
    )
    return text + (f" We owe you {owed} for the missed appointment." if owed else "")


def _withdrawal(after: MigrationState, lang: Language) -> str:
    if after.reinstatement_requested:
        return (
            "La tua proposta è stata ritirata senza costi. Abbiamo chiesto al tuo vecchio "
            "operatore di ridarti la linea, e ti aggiorniamo finché non funziona."
            if lang is Language.IT
            else "Your proposal was withdrawn at no cost. We asked your old operator to give "
            "you your line back, and we keep you posted until it works."
        )
    return (
        "La tua proposta è stata ritirata senza costi: sulla tua linea attuale non cambia nulla."
        if lang is Language.IT
        else "Your proposal was withdrawn at no cost: nothing changes on your current line."
    )


def _broken(after: MigrationState, effect: Effect, now: datetime, lang: Language) -> str:
    assert effect.escalation is not None
    p = promises.find(after.promises, effect.escalation.promise)
    assert p is not None
    what = PROMISES[p.name][lang]
    owed = euros(compensation.total(after, now).amount_cents, lang)
    if lang is Language.IT:
        return (
            f"Non abbiamo mantenuto la promessa di {what} entro {moment(p.due_at, lang)}. "
            f"Il caso è passato al responsabile, che se ne occupa ora. Indennizzo maturato "
            f"finora: {owed}."
        )
    return (
        f"We did not keep our promise to {what} by {moment(p.due_at, lang)}. The case has gone "
        f"to the team lead, who is on it now. Compensation owed so far: {owed}."
    )
