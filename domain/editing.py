"""Edits on a draft: the private copy of a state that one decision is building.

A decision starts from `draft_for`, which returns a new state; every other function here
changes the draft it is handed and is named for what it changes (`append_*`, `pop_*`), so a
reader sees each mutation at the call site.
"""

from __future__ import annotations

from datetime import datetime

from domain.commands import Command, Effect, EffectKind, Refusal, RefusalKind
from domain.models import (
    Actor,
    Escalation,
    MigrationState,
    Stage,
    Ticket,
    TimelineEntry,
    Undo,
)

UNDO_EFFECTS = {
    Undo.CANCEL_MIGRATION_ORDER: EffectKind.CANCEL_MIGRATION_ORDER,
    Undo.CANCEL_VISIT: EffectKind.CANCEL_VISIT,
}


def ts(t: datetime) -> str:
    """A timestamp as people read it in refusals and the timeline."""
    return t.isoformat().replace("+00:00", "Z")


def conflict(reason: str) -> Refusal:
    return Refusal(kind=RefusalKind.CONFLICT, reason=reason)


def find_ticket(state: MigrationState, ticket_id: str) -> Ticket | None:
    return next((t for t in state.tickets if t.ticket_id == ticket_id), None)


def closed_refusal(state: MigrationState) -> Refusal | None:
    """The reason nothing more can happen in a migration that reached its end."""
    match state.stage:
        case Stage.WITHDRAWN:
            return conflict(f"the migration was withdrawn: {state.outcome_reason}")
        case Stage.FAILED:
            return conflict(f"the migration failed: {state.outcome_reason}")
        case Stage.COMPLETED:
            released = state.line_released_at
            return conflict(f"the migration was completed at {ts(released) if released else '?'}")
        case Stage.PROPOSED | Stage.CONFIRMED | Stage.SCHEDULED | Stage.ACTIVATED:
            return None


def draft_for(state: MigrationState, cmd: Command | None = None) -> MigrationState:
    """A new state to edit, remembering the command's Idempotency-Key with its request."""
    draft = state.model_copy(deep=True)
    if cmd is not None and cmd.idempotency_key is not None and cmd.request_hash is not None:
        draft.idempotency[cmd.idempotency_key] = cmd.request_hash
    return draft


def append_timeline(
    draft: MigrationState, at: datetime, event: str, by: Actor | None, detail: str
) -> None:
    subject, role = (by.subject, by.role) if by else (None, None)
    draft.timeline.append(
        TimelineEntry(at=at, event=event, actor=subject, role=role, detail=detail)
    )


def append_escalation(draft: MigrationState, e: Escalation) -> Effect:
    """Record an escalation; its position in the record keeps its notice's key unique."""
    draft.escalations.append(e)
    step = f"escalation-{len(draft.escalations)}-{e.promise}-{e.level}"
    return Effect(kind=EffectKind.ESCALATE, step=step, escalation=e)


def pop_compensations(draft: MigrationState) -> list[Effect]:
    """The saga's compensations, most recent first; the stack is emptied as they are issued."""
    undo = [
        Effect(kind=UNDO_EFFECTS[u], step=f"undo-{u.value}") for u in reversed(draft.compensations)
    ]
    draft.compensations.clear()
    return undo
