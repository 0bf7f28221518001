"""The customer's service: lost early, restored, and the old line released at cut-over."""

from __future__ import annotations

from datetime import datetime

from domain import compensation, escalation, promises
from domain.commands import (
    ConfirmLineRelease,
    ConfirmServiceRestored,
    Decision,
    Refusal,
    ReportServiceLoss,
)
from domain.editing import append_escalation, append_timeline
from domain.models import BEFORE_ACTIVATION, Party, PromiseName, Stage
from domain.records import MigrationState
from domain.refusals import closed_refusal, conflict
from domain.rules import Rules
from domain.words.staff import at


def refuse_loss(state: MigrationState, cmd: ReportServiceLoss) -> Refusal | None:
    if state.customer_without_service and state.without_service_since is not None:
        return conflict(
            f"already reported without service since {at(state, state.without_service_since)}"
        )
    return closed_refusal(state)


def lose_service(draft: MigrationState, cmd: ReportServiceLoss, now: datetime) -> Decision:
    detail = f"via {cmd.reported_via}" + (f": {cmd.detail}" if cmd.detail else "")
    if draft.stage not in BEFORE_ACTIVATION:
        append_timeline(
            draft,
            now,
            "old_line_down_after_activation",
            cmd.actor,
            f"{detail}; the customer is served by the new line",
        )
        return Decision(state=draft)
    if draft.without_service_since is not None and draft.service_restored_at is not None:
        draft.earlier_days_without_service += compensation.started_days(
            draft.without_service_since, draft.service_restored_at
        )
        if Rules(draft.rules).pays_from_tables:
            draft.earlier_outages.append((draft.without_service_since, draft.service_restored_at))
        draft.service_restored_at = None
    draft.without_service_since = now
    draft.promises = promises.open_on_calendar(
        draft, PromiseName.SERVICE_RESTORATION, draft.request.policy.service_restoration, now
    )
    append_timeline(draft, now, "customer_without_service", cmd.actor, detail)
    alarm = escalation.incident("service_loss", Party.FIELD_TEAM, now)
    alarm = alarm.model_copy(
        update={
            "summary": f"level 3: the customer has no service since {at(draft, now)} ({detail})"
        }
    )
    return Decision(state=draft, effects=[append_escalation(draft, alarm)])


def refuse_restored(state: MigrationState, cmd: ConfirmServiceRestored) -> Refusal | None:
    if not state.customer_without_service:
        return conflict("the customer is not without service: nothing to restore")
    return None


def restore_service(draft: MigrationState, cmd: ConfirmServiceRestored, now: datetime) -> Decision:
    draft.service_restored_at = now
    draft.promises = promises.fulfil(draft.promises, PromiseName.SERVICE_RESTORATION.value, now)
    how = cmd.how.value.replace("_", " ")
    detail = how + (f": {cmd.notes}" if cmd.notes else "")
    append_timeline(draft, now, "service_restored", cmd.actor, detail)
    return Decision(state=draft)


def refuse_release(state: MigrationState, cmd: ConfirmLineRelease) -> Refusal | None:
    if state.stage is Stage.ACTIVATED:
        return None
    return closed_refusal(state) or conflict(
        "the new line is not active yet: the old line must not be released before "
        "the technician activates it"
    )


def release_line(draft: MigrationState, cmd: ConfirmLineRelease, now: datetime) -> Decision:
    draft.stage = Stage.COMPLETED
    draft.line_released_at = released = cmd.released_at or now
    draft.promises = promises.fulfil(draft.promises, PromiseName.CUT_OVER.value, now)
    append_timeline(
        draft, now, "completed", cmd.actor, f"old line released at {at(draft, released)}"
    )
    return Decision(state=draft)
