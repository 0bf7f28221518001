"""Refusals in words a person can act on: what every command's check may answer."""

from __future__ import annotations

from domain.commands import Refusal, RefusalKind
from domain.models import Stage
from domain.records import MigrationState
from domain.words.staff import at


def conflict(reason: str) -> Refusal:
    return Refusal(kind=RefusalKind.CONFLICT, reason=reason)


def closed_refusal(state: MigrationState) -> Refusal | None:
    """The reason nothing more can happen in a migration that reached its end."""
    match state.stage:
        case Stage.WITHDRAWN:
            return conflict(f"the migration was withdrawn: {state.outcome_reason}")
        case Stage.FAILED:
            return conflict(f"the migration failed: {state.outcome_reason}")
        case Stage.COMPLETED:
            released = state.line_released_at
            return conflict(
                f"the migration was completed at {at(state, released) if released else '?'}"
            )
        case Stage.PROPOSED | Stage.CONFIRMED | Stage.SCHEDULED | Stage.ACTIVATED:
            return None
