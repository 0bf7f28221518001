"""Edits on a draft: the private copy of a state that one decision is building.

A decision starts from `draft_for`, which returns a new state; every other function here
changes the draft it is handed and is named for what it changes (`append_*`, `pop_*`), so a
reader sees each mutation at the call site.
"""

from __future__ import annotations

from datetime import datetime

from domain.commands import Command, Effect, EffectKind
from domain.models import Actor, Undo
from domain.records import Escalation, MigrationState, TimelineEntry

UNDO_EFFECTS = {
    Undo.CANCEL_MIGRATION_ORDER: EffectKind.CANCEL_MIGRATION_ORDER,
    Undo.CANCEL_VISIT: EffectKind.CANCEL_VISIT,
}


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
