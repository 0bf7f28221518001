"""What a CRM may change in a product order after placing it: the requested start date."""

from __future__ import annotations

from datetime import date, datetime

from domain.commands import ChangeRequestedStart, Decision, Refusal
from domain.editing import append_timeline
from domain.models import Stage
from domain.records import MigrationState
from domain.refusals import closed_refusal, conflict
from domain.rules import Rules


def refuse_change_start(state: MigrationState, cmd: ChangeRequestedStart) -> Refusal | None:
    if not Rules(state.rules).raises_order_events or state.request.product_order is None:
        return conflict("this migration was not placed as a product order")
    if (closed := closed_refusal(state)) is not None:
        return closed
    if state.appointment is not None or state.stage not in (Stage.PROPOSED, Stage.CONFIRMED):
        return conflict(
            "the technician's visit is already booked: the requested start date no longer "
            "applies (move the appointment instead)"
        )
    return None


def change_start(draft: MigrationState, cmd: ChangeRequestedStart, now: datetime) -> Decision:
    before = draft.request.requested_start_date
    draft.request.requested_start_date = cmd.requested_start_date
    detail = f"earliest visit: {_day(cmd.requested_start_date)} (was {_day(before)})"
    append_timeline(draft, now, "requested_start_changed", cmd.actor, detail)
    return Decision(state=draft)


def _day(day: date | None) -> str:
    return f"{day:%a} {day.day} {day:%b}" if day is not None else "as soon as possible"
