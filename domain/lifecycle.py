"""Stages and transitions: what each command may do in each stage, and what it sets in motion.

Every function is pure: it takes a state and returns a new one with the side effects the
workflow must carry out, so every business rule is tested without Temporal.
"""

from __future__ import annotations

from datetime import datetime

from domain import escalation, promises
from domain.calendar import Calendar
from domain.commands import Command, Decision, Effect, EffectKind, Refusal, RefusalKind
from domain.editing import append_escalation, append_timeline, draft_for
from domain.handlers import HANDLERS, visits
from domain.models import (
    TERMINAL_STAGES,
    Actor,
    Declaration,
    MigrationRequest,
    PromiseName,
    Stage,
    Undo,
)
from domain.promises import CUSTOMER_FACING
from domain.records import Escalation, MigrationState
from domain.rules import LEGACY_RULES, Rules
from domain.switching.record import Switch
from domain.words import messages, staff

# A missed visit has its own message (it is rebooked at once), so it gets no second one.
BREACH_NOTICES = CUSTOMER_FACING - {PromiseName.VISIT}


def propose(
    migration_id: str,
    chain_id: str,
    line_key: str,
    sales_agent: str,
    request: MigrationRequest,
    now: datetime,
    rules: int = LEGACY_RULES,
    force_majeure: list[Declaration] | None = None,
) -> MigrationState:
    state = MigrationState(
        migration_id=migration_id,
        chain_id=chain_id,
        line_key=line_key,
        sales_agent=sales_agent,
        request=request,
        created_at=now,
        rules=rules,
        force_majeure=force_majeure or [],
    )
    if request.switch is not None and Rules(rules).switches_through_the_hub:
        state.switch = Switch()
    state.promises = promises.open_on_calendar(
        state, PromiseName.CONFIRMATION, request.policy.confirmation, now
    )
    append_timeline(
        state,
        now,
        "proposed",
        Actor(subject=sales_agent, role="sales"),
        f"offer {request.offer}; withdrawable at no cost",
    )
    return state


def line_validated(state: MigrationState, now: datetime, order_id: str) -> MigrationState:
    draft = draft_for(state)
    draft.compensations.append(Undo.CANCEL_MIGRATION_ORDER)
    append_timeline(draft, now, "line_validated", None, f"losing operator order {order_id}")
    return draft


def line_rejected(state: MigrationState, now: datetime, reason: str) -> MigrationState:
    draft = draft_for(state)
    draft.stage = Stage.FAILED
    draft.outcome_reason = reason
    draft.promises = promises.cancel_pending(draft.promises, now)
    append_timeline(draft, now, "failed", None, reason)
    return draft


def refusal(state: MigrationState, cmd: Command) -> Refusal | None:
    """Why this command cannot be applied now, in words a person can act on; None if it can."""
    if cmd.idempotency_key is not None:
        seen = state.idempotency.get(cmd.idempotency_key)
        if seen is not None and seen != cmd.request_hash:
            return Refusal(
                kind=RefusalKind.IDEMPOTENCY_MISMATCH,
                reason="this Idempotency-Key was already used with a different request",
            )
    return HANDLERS[type(cmd)].refuse(state, cmd)


def apply(state: MigrationState, cmd: Command, now: datetime) -> Decision:
    """Apply an accepted command (call `refusal` first) and list the side effects it needs."""
    decision = HANDLERS[type(cmd)].decide(draft_for(state, cmd), cmd, now)
    return _worded(state, decision, now)


def _worded(before: MigrationState, decision: Decision, now: datetime) -> Decision:
    """Each message to the customer with its words, from the states around the decision."""
    effects = messages.with_texts(before, decision.state, decision.effects, now)
    return decision.model_copy(update={"effects": effects})


def escalate(state: MigrationState, now: datetime) -> Decision:
    """Raise every escalation the ladder says is due by now, each exactly once; mark at risk
    every promise whose warning time has come; a visit window that ended unreported becomes
    a missed visit for dispatch to rebook."""
    ledger, raised = escalation.due_escalations(
        state.promises, now, state.request.policy.escalation_interval
    )
    warned = promises.warn(ledger, now)
    if not raised and warned == state.promises:
        return Decision(state=state)
    draft = draft_for(state)
    draft.promises = warned
    for before, after in zip(ledger, warned, strict=True):
        if after.at_risk and not before.at_risk:
            append_timeline(draft, now, "at_risk", None, staff.warning_words(draft, after))
    effects: list[Effect] = []
    for e in raised:
        worded = e.model_copy(update={"summary": staff.escalation_words(draft, e)})
        append_timeline(draft, now, "escalated", None, worded.summary)
        effects.append(append_escalation(draft, worded))
        effects += _tell_the_customer(draft, worded)
    effects += visits.rebook_missed_visit(draft, now)
    return _worded(state, Decision(state=draft, effects=effects), now)


def _tell_the_customer(state: MigrationState, e: Escalation) -> list[Effect]:
    """A promise made to the customer broke: he hears it once per breach, from us."""
    p = promises.find(state.promises, e.promise)
    if not Rules(state.rules).tells_the_customer_of_breaches or e.level != 1 or p is None:
        return []
    if p.name not in BREACH_NOTICES:
        return []
    step = f"promise-broken-{p.id}-{len(p.replans)}"
    return [Effect(kind=EffectKind.NOTIFY_PROMISE_BROKEN, step=step, escalation=e)]


def with_calendar(state: MigrationState, calendar: Calendar) -> MigrationState:
    """The same migration, its calendar knowing more years of holidays."""
    request = state.request.model_copy(update={"calendar": calendar})
    return state.model_copy(update={"request": request})


def is_closed(state: MigrationState) -> bool:
    """Nothing left to do: a final stage and no promise still waiting (e.g. an unacked ticket)."""
    return state.stage in TERMINAL_STAGES and not any(p.pending for p in state.promises)


def effect_done(
    state: MigrationState, effect: Effect, now: datetime, reference: str
) -> MigrationState:
    """Record what care needs to see of a finished effect: a ticket received by field service."""
    if effect.kind is not EffectKind.FORWARD_TICKET:
        return state
    draft = draft_for(state)
    ticket = draft.ticket(effect.ticket_id or "")
    assert ticket is not None
    ticket.forwarded_at, ticket.field_reference = now, reference
    return draft


def effect_failed(state: MigrationState, now: datetime, what: str, reason: str) -> MigrationState:
    """A side effect the external system refused for good: recorded, never silently lost."""
    draft = draft_for(state)
    append_timeline(draft, now, "side_effect_failed", None, f"{what}: {reason}")
    return draft
