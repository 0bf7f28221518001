"""How a migration ends short of completion (withdrawn or failed) without abandoning anyone."""

from __future__ import annotations

from datetime import datetime

from domain import promises
from domain.commands import Effect, EffectKind
from domain.editing import append_timeline, pop_compensations
from domain.models import Actor, PromiseName, Stage
from domain.records import MigrationState
from domain.rules import Rules

STILL_OWED_AFTER_THE_END = frozenset({PromiseName.SERVICE_RESTORATION})
# The losing provider still answers what we asked through the hub: an order answered after
# a withdrawal is then cancelled, so the migration waits for it.
HUB_ANSWERS = frozenset(
    {
        PromiseName.SWITCH_MATCH,
        PromiseName.SWITCH_ORDER,
        PromiseName.SWITCH_UPDATE,
        PromiseName.SWITCH_CANCELLATION,
    }
)


def set_final_stage(
    draft: MigrationState, stage: Stage, reason: str, by: Actor | None, now: datetime
) -> list[Effect]:
    """End the draft as withdrawn or failed: the saga unwinds, and a customer left without
    service keeps the restoration promise while the losing operator reinstates the old line."""
    draft.stage = stage
    draft.outcome_reason = reason
    stranded = draft.customer_without_service and Rules(draft.rules).rebooks_and_reinstates
    keep = (STILL_OWED_AFTER_THE_END if stranded else frozenset()) | HUB_ANSWERS
    draft.promises = promises.cancel_pending(draft.promises, now, keep)
    append_timeline(draft, now, stage.value, by, reason)
    effects = pop_compensations(draft)
    if stranded and not draft.reinstatement_requested:
        draft.reinstatement_requested = True
        operator = draft.request.losing_operator
        append_timeline(
            draft,
            now,
            "reinstatement_requested",
            None,
            f"the customer is without service: {operator} is asked to reinstate the old line; "
            "the migration stays open until service is back",
        )
        effects.append(Effect(kind=EffectKind.REQUEST_REINSTATEMENT, step="reinstatement"))
    return effects
