"""The customer's word: confirming the proposal, or withdrawing it at no cost."""

from __future__ import annotations

from datetime import datetime

from domain import promises
from domain.commands import Confirm, Decision, Effect, EffectKind, Refusal, Withdraw
from domain.editing import append_timeline
from domain.handlers.ending import set_final_stage
from domain.models import OrderCancellation, PromiseName, Stage
from domain.records import MigrationState
from domain.refusals import closed_refusal, conflict
from domain.rules import Rules
from domain.words.staff import at


def refuse_confirm(state: MigrationState, cmd: Confirm) -> Refusal | None:
    if state.confirmed_at is not None:
        return conflict(
            f"already confirmed by {state.confirmed_by} at {at(state, state.confirmed_at)}"
        )
    return closed_refusal(state)


def confirm(draft: MigrationState, cmd: Confirm, now: datetime) -> Decision:
    draft.stage = Stage.CONFIRMED
    draft.confirmed_by, draft.confirmed_at = cmd.actor.subject, now
    draft.promises = promises.fulfil(draft.promises, PromiseName.CONFIRMATION.value, now)
    draft.promises = promises.open_on_calendar(
        draft, PromiseName.TECHNICIAN_CONTACT, draft.request.policy.technician_contact, now
    )
    activation = draft.request.policy.activation
    if activation is not None and Rules(draft.rules).counts_working_days:
        draft.promises = promises.open_on_calendar(draft, PromiseName.ACTIVATION, activation, now)
    detail = f"via {cmd.channel}" + (f": {cmd.note}" if cmd.note else "")
    append_timeline(draft, now, "confirmed", cmd.actor, detail)
    call = Effect(kind=EffectKind.CONFIRMATION_CALL, step="confirmation-call")
    return Decision(state=draft, effects=[call])


def refuse_withdraw(state: MigrationState, cmd: Withdraw) -> Refusal | None:
    if state.contract_effective_at is not None:
        return conflict(
            f"the contract is effective since {at(state, state.contract_effective_at)}: "
            "withdrawal is no longer possible"
        )
    return closed_refusal(state)


def withdraw(draft: MigrationState, cmd: Withdraw, now: datetime) -> Decision:
    effects = set_final_stage(draft, Stage.WITHDRAWN, cmd.reason, cmd.actor, now)
    if cmd.cancellation_id is not None:
        draft.order_cancellation = OrderCancellation(
            id=cmd.cancellation_id, reason=cmd.reason, at=now
        )
    effects.append(Effect(kind=EffectKind.NOTIFY_WITHDRAWAL, step="withdrawal-notice"))
    return Decision(state=draft, effects=effects)
