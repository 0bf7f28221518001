"""What the customer's status page says: the truth of his migration, in his words.

Only his first name and the last three digits of his line; no staff names, roles only.
The page and its JSON twin are both this view.
"""

from __future__ import annotations

from datetime import datetime

from domain.models import Language, Model, PromiseName, PromiseStatus, Stage
from domain.promises import CUSTOMER_FACING
from domain.views import Snapshot
from domain.words.customer import MISSES, PARTIES, PROMISES, euros, moment, window

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


STEP_NAMES: dict[Language, list[str]] = {
    Language.IT: [
        "Proposta",
        "Conferma",
        "Visita fissata",
        "Nuova linea attiva",
        "Vecchia linea chiusa",
    ],
    Language.EN: ["Proposal", "Confirmation", "Visit booked", "New line active", "Old line closed"],
}
HEADLINES: dict[Stage, dict[Language, str]] = {
    Stage.PROPOSED: {
        Language.IT: "Aspettiamo la tua conferma",
        Language.EN: "Waiting for your confirmation",
    },
    Stage.CONFIRMED: {
        Language.IT: "Confermata: ora fissiamo la visita",
        Language.EN: "Confirmed: now we book the visit",
    },
    Stage.SCHEDULED: {
        Language.IT: "Visita del tecnico fissata",
        Language.EN: "Technician's visit booked",
    },
    Stage.ACTIVATED: {
        Language.IT: "La tua nuova linea è attiva",
        Language.EN: "Your new line is active",
    },
    Stage.COMPLETED: {Language.IT: "Migrazione completata", Language.EN: "Migration completed"},
    Stage.WITHDRAWN: {Language.IT: "Proposta ritirata", Language.EN: "Proposal withdrawn"},
    Stage.FAILED: {Language.IT: "Migrazione non riuscita", Language.EN: "Migration not possible"},
}
STATUS_WORDS: dict[str, dict[Language, str]] = {
    "kept": {Language.IT: "mantenuta", Language.EN: "kept"},
    "open": {Language.IT: "in corso", Language.EN: "open"},
    "broken": {Language.IT: "non mantenuta", Language.EN: "broken"},
}
OWED_WORDS: dict[str, dict[Language, str]] = {
    "missed_appointments": {
        Language.IT: "appuntamenti mancati",
        Language.EN: "missed appointments",
    },
    "without_service": {Language.IT: "giorni senza linea", Language.EN: "days without service"},
}


def _first_name(full: str) -> str:
    return full.split()[0] if full.split() else ""


def view(snap: Snapshot, now: datetime) -> StatusView:
    lang = snap.language
    return StatusView(
        language=lang,
        first_name=_first_name(snap.customer.name),
        line_ending=snap.line.number[-3:],
        stage=snap.stage,
        headline=HEADLINES[snap.stage][lang],
        steps=_steps(snap, lang),
        next_step=next_step(snap, lang),
        promises=_promises(snap, now, lang),
        moves=_moves(snap, lang),
        compensation=euros(snap.compensation.amount_cents, lang),
        compensation_items=[_owed(o.what, o.amount_cents, lang) for o in snap.compensation_items],
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
    return [
        Step(name=name, done_at=when, when=moment(when, lang) if when else None, current=i == at)
        for i, (name, when) in enumerate(zip(STEP_NAMES[lang], done, strict=True))
    ]


def next_step(snap: Snapshot, lang: Language) -> str:
    """Who owes the next step, and by when, in plain words."""
    party, due = snap.owner.party, snap.owner.due_at
    if party is None or due is None:
        return "Non c'è altro da fare." if lang is Language.IT else "Nothing more is due."
    pending = [p for p in snap.promises if p.pending and p.owner is party]
    first = min(pending, key=lambda p: p.due_at) if pending else None
    what = PROMISES[first.name][lang] if first else ""
    who = PARTIES[party][lang]
    if first is not None and first.name is PromiseName.VISIT and snap.appointment:
        a = snap.appointment
        return (
            f"Il tecnico viene da te {window(a.window_start, a.window_end, lang)}."
            if lang is Language.IT
            else f"The technician comes to you {window(a.window_start, a.window_end, lang)}."
        )
    if lang is Language.IT:
        return f"{who} deve {what} entro {moment(due, lang)}."
    return f"{who} will {what} by {moment(due, lang)}."


def _promises(snap: Snapshot, now: datetime, lang: Language) -> list[PromiseLine]:
    lines = []
    for p in snap.promises:
        if p.name not in CUSTOMER_FACING or p.status is PromiseStatus.CANCELLED:
            continue
        broken = p.breached_at is not None
        status = "broken" if broken else "kept" if p.fulfilled_at else "open"
        words = f"{PROMISES[p.name][lang]}: {STATUS_WORDS[status][lang]}"
        if broken and p.pending:
            words += (
                " — il caso è passato ai responsabili, che se ne occupano ora"
                if lang is Language.IT
                else " — the case has gone to our managers, who are on it now"
            )
        lines.append(PromiseLine(what=p.name.value, status=status, due_at=p.due_at, words=words))
    return lines


def _moves(snap: Snapshot, lang: Language) -> list[str]:
    moves = []
    for v in snap.visit_moves:
        was, now = window(v.old_start, v.old_end, lang), window(v.new_start, v.new_end, lang)
        moves.append(
            f"Visita spostata da {was} a {now}"
            if lang is Language.IT
            else f"Visit moved from {was} to {now}"
        )
    for m in snap.missed_visits:
        a = m.appointment
        moves.append(f"{window(a.window_start, a.window_end, lang)}: {MISSES[m.reason][lang]}")
    return moves


def _owed(what: str, cents: int, lang: Language) -> str:
    words = OWED_WORDS.get(what) or PROMISES[PromiseName(what)]
    label = words[lang]
    return f"{label}: {euros(cents, lang)}"


def _outcome(snap: Snapshot, lang: Language) -> str | None:
    if snap.stage not in (Stage.WITHDRAWN, Stage.FAILED):
        return None
    if snap.customer_without_service:
        return (
            "Abbiamo chiesto al tuo vecchio operatore di ridarti la linea; ti aggiorniamo qui finché non funziona."
            if lang is Language.IT
            else "We asked your old operator to give you your line back; this page follows it until it works."
        )
    why = snap.outcome_reason or ""
    if snap.stage is Stage.WITHDRAWN:
        return (
            f"Ritirata senza costi ({why}): sulla tua linea attuale non cambia nulla."
            if lang is Language.IT
            else f"Withdrawn at no cost ({why}): nothing changes on your current line."
        )
    return (
        f"Non è stato possibile ({why}): la tua linea attuale resta com'è."
        if lang is Language.IT
        else f"It was not possible ({why}): your current line stays as it is."
    )


def _problems(snap: Snapshot, lang: Language) -> list[ProblemLine]:
    lines = []
    for t in snap.tickets:
        if t.channel != STATUS_CHANNEL:
            continue
        if t.acknowledged_at:
            words = (
                f"preso in carico {moment(t.acknowledged_at, lang)}"
                if lang is Language.IT
                else f"taken up {moment(t.acknowledged_at, lang)}"
            )
        else:
            words = (
                f"ricevuto, da prendere in carico entro {moment(t.ack_due, lang)}"
                if lang is Language.IT
                else f"received, to be taken up by {moment(t.ack_due, lang)}"
            )
        lines.append(
            ProblemLine(
                summary=t.summary,
                opened_at=t.opened_at,
                acknowledged_at=t.acknowledged_at,
                words=words,
            )
        )
    return lines
