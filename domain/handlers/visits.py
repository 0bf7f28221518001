"""The technician's visit: booked or moved by dispatch, reported by the technician, rebooked
when it fails for a reason that can be fixed, and detected as missed when nobody reports it."""

from __future__ import annotations

from datetime import datetime

from domain import promises
from domain.commands import (
    Booked,
    BookVisit,
    Decision,
    Effect,
    EffectKind,
    Refusal,
    RefusalKind,
    ReportVisit,
)
from domain.editing import append_timeline
from domain.handlers.ending import set_final_stage
from domain.models import (
    CUSTOMER_ROLE,
    Actor,
    FailureReason,
    MissReason,
    PromiseName,
    Stage,
    Undo,
    VisitOutcome,
)
from domain.records import Appointment, MigrationState, MissedVisit, VisitMove
from domain.refusals import closed_refusal, conflict
from domain.rules import Rules
from domain.words.staff import MISS_WORDS, at, span, zone_of

REBOOKABLE = frozenset(
    {FailureReason.CUSTOMER_ABSENT, FailureReason.ACCESS_DENIED, FailureReason.TECHNICAL_PROBLEM}
)
# The customer's doing: the end-to-end activation clock stops until the visit is booked again.
CUSTOMER_CAUSED = frozenset({MissReason.CUSTOMER_ABSENT, MissReason.ACCESS_DENIED})
# The operator's fault: the customer is owed the missed-appointment sum.
OPERATOR_AT_FAULT = frozenset(
    {MissReason.TECHNICAL_PROBLEM, MissReason.TECHNICIAN_NO_SHOW, MissReason.MOVED_AT_SHORT_NOTICE}
)


def next_visit_revision(state: MigrationState) -> int:
    """Each booking, move or rebooking is a new revision of the migration's work order."""
    revisions = [m.appointment.revision for m in state.missed_visits]
    if state.appointment is not None:
        revisions.append(state.appointment.revision)
    return max(revisions, default=0) + 1


def refuse_unbookable(state: MigrationState) -> Refusal | None:
    """Why no visit can be booked (or slots offered) at this stage; None when one can."""
    if state.stage not in (Stage.CONFIRMED, Stage.SCHEDULED):
        return closed_refusal(state) or conflict(
            "a visit can be booked only after the customer's confirmation"
            if state.stage is Stage.PROPOSED
            else f"the line is already {state.stage.value}: no visit to book"
        )
    return None


def refuse_book(state: MigrationState, cmd: BookVisit) -> Refusal | None:
    if (refused := refuse_unbookable(state)) is not None:
        return refused
    if cmd.window_end <= cmd.window_start:
        return conflict("the visit window must end after it starts")
    return None


def book(draft: MigrationState, cmd: BookVisit, now: datetime) -> Decision:
    """Record a visit field service has accepted: a first booking, a rebooking or a move."""
    booked = Booked(
        technician_id=cmd.technician_id,
        window_start=cmd.window_start,
        window_end=cmd.window_end,
        work_order_id=cmd.work_order_id or "",
    )
    return record_booking(draft, cmd.actor, booked, now)


def record_booking(draft: MigrationState, actor: Actor, booked: Booked, now: datetime) -> Decision:
    """A first booking, a rebooking or a move, as field service confirmed it. Who moves
    decides who pays (slot rules): a move asked by the customer owes him nothing."""
    revision = next_visit_revision(draft)
    who = actor.subject
    old = draft.appointment
    if old is None:
        _restart_activation(draft, booked.window_start)
        for kept in (PromiseName.TECHNICIAN_CONTACT, PromiseName.REBOOK):
            draft.promises = promises.fulfil(draft.promises, kept.value, now)
        draft.promises = promises.open_promise(
            draft.promises, PromiseName.VISIT, now, booked.window_end
        )
        if Undo.CANCEL_VISIT not in draft.compensations:
            draft.compensations.append(Undo.CANCEL_VISIT)
        event = "visit_rebooked" if draft.missed_visits else "visit_booked"
        detail = span(booked.window_start, booked.window_end, zone_of(draft))
    else:
        detail = f"from {at(draft, old.window_start)} to {at(draft, booked.window_start)}"
        draft.promises = promises.replan(
            draft.promises,
            PromiseName.VISIT.value,
            booked.window_end,
            now,
            who,
            f"visit moved {detail}",
        )
        event = "visit_moved"
        move = VisitMove(
            at=now,
            old_start=old.window_start,
            old_end=old.window_end,
            new_start=booked.window_start,
            new_end=booked.window_end,
        )
        draft.visit_moves.append(move)
        by_customer = Rules(draft.rules).books_from_slots and actor.role == CUSTOMER_ROLE
        if (
            Rules(draft.rules).rebooks_and_reinstates
            and not by_customer
            and old.window_start - now < draft.request.policy.reschedule_notice
        ):
            append_missed_visit(draft, old, MissReason.MOVED_AT_SHORT_NOTICE, now, actor, None)
    draft.stage = Stage.SCHEDULED
    draft.appointment = Appointment(
        technician_id=booked.technician_id,
        window_start=booked.window_start,
        window_end=booked.window_end,
        booked_by=who,
        booked_at=now,
        revision=revision,
        work_order_id=booked.work_order_id,
    )
    append_timeline(draft, now, event, actor, f"technician {booked.technician_id}, {detail}")
    notice = Effect(kind=EffectKind.NOTIFY_VISIT_BOOKED, step=f"visit-notice-{revision}")
    return Decision(state=draft, effects=[notice])


def refuse_report(state: MigrationState, cmd: ReportVisit) -> Refusal | None:
    if state.stage is not Stage.SCHEDULED or state.appointment is None:
        last = state.missed_visits[-1] if state.missed_visits else None
        if state.stage is Stage.CONFIRMED and last is not None:
            return conflict(
                f"the visit of {at(state, last.appointment.window_start)} was recorded as "
                f"{MISS_WORDS[last.reason]}: dispatch must book a new one first"
            )
        return closed_refusal(state) or conflict(
            f"no visit is scheduled: the migration is {state.stage.value}"
        )
    if cmd.actor.subject != state.appointment.technician_id:
        return Refusal(
            kind=RefusalKind.FORBIDDEN,
            reason=f"the visit is assigned to {state.appointment.technician_id}",
        )
    return None


def report(draft: MigrationState, cmd: ReportVisit, now: datetime) -> Decision:
    match cmd.outcome:
        case VisitOutcome.ACTIVATED:
            return _activated(draft, cmd, now)
        case VisitOutcome.FAILED:
            reason = cmd.reason or FailureReason.NOT_FEASIBLE  # recorded before reasons existed
            draft.promises = promises.fulfil(draft.promises, PromiseName.VISIT.value, now)
            if reason in REBOOKABLE:
                return _rebook(draft, MissReason(reason.value), now, cmd.actor, cmd.notes)
            return _not_feasible(draft, cmd, now)


def _activated(draft: MigrationState, cmd: ReportVisit, now: datetime) -> Decision:
    draft.stage = Stage.ACTIVATED
    draft.contract_effective_at = now
    draft.promises = promises.fulfil(draft.promises, PromiseName.VISIT.value, now)
    draft.promises = promises.fulfil(draft.promises, PromiseName.ACTIVATION.value, now)
    if draft.customer_without_service:
        draft.service_restored_at = now
        draft.promises = promises.fulfil(draft.promises, PromiseName.SERVICE_RESTORATION.value, now)
    draft.promises = promises.open_on_calendar(
        draft, PromiseName.CUT_OVER, draft.request.policy.cut_over, now
    )
    draft.compensations.clear()  # a contract in force is not undone by a saga
    draft.release_requested = draft.payment_mandate_requested = True
    detail = cmd.notes or "new line active; contract effective"
    append_timeline(draft, now, "activated", cmd.actor, detail)
    effects = [
        Effect(kind=EffectKind.REQUEST_MANDATE, step="mandate"),
        Effect(kind=EffectKind.NOTIFY_ACTIVATION, step="activation-notice"),
    ]
    if draft.switch is None:  # through the hub, the trigger asks the losing provider
        effects.insert(0, Effect(kind=EffectKind.REQUEST_RELEASE, step="release"))
    return Decision(state=draft, effects=effects)


def _not_feasible(draft: MigrationState, cmd: ReportVisit, now: datetime) -> Decision:
    if cmd.reason is None:
        reason = f"visit failed: {cmd.notes or 'no reason given'}"
    else:
        reason = f"visit failed: {MISS_WORDS[MissReason.NOT_FEASIBLE]}" + (
            f": {cmd.notes}" if cmd.notes else ""
        )
        assert draft.appointment is not None
        append_missed_visit(
            draft, draft.appointment, MissReason.NOT_FEASIBLE, now, cmd.actor, cmd.notes
        )
    draft.compensations = [u for u in draft.compensations if u is not Undo.CANCEL_VISIT]
    effects = set_final_stage(draft, Stage.FAILED, reason, cmd.actor, now)
    return Decision(state=draft, effects=effects)


def _restart_activation(draft: MigrationState, next_window: datetime) -> None:
    """A visit booked again restarts the clock the customer stopped, at the new window's
    start, but never later than dispatch owed the rebooking: dispatch's own slowness is
    never charged to the customer."""
    activation = draft.request.policy.activation
    if activation is None:
        return
    rebook_due = promises.due_of(draft.promises, PromiseName.REBOOK)
    until = min(next_window, rebook_due) if rebook_due else next_window
    restarted = promises.restart_clock(draft, PromiseName.ACTIVATION, activation, until)
    if restarted is not draft.promises:
        draft.promises = restarted
        due = at(draft, promises.due_of(restarted, PromiseName.ACTIVATION) or until)
        detail = (
            f"activation clock restarted at {at(draft, until)}; the new line is now due by {due}"
        )
        append_timeline(draft, until, "clock_restarted", None, detail)


def _rebook(
    draft: MigrationState, why: MissReason, now: datetime, by: Actor | None, notes: str | None
) -> Decision:
    """Back to confirmed: the failed appointment stays in the record, dispatch owes a new one."""
    appointment = draft.appointment
    assert appointment is not None
    append_missed_visit(draft, appointment, why, now, by, notes)
    if why in CUSTOMER_CAUSED and Rules(draft.rules).counts_working_days:
        stopped = promises.stop_clock(
            draft.promises,
            PromiseName.ACTIVATION,
            appointment.window_start,
            MISS_WORDS[why],
            by.subject if by else None,
        )
        if stopped is not draft.promises:
            draft.promises = stopped
            since = at(draft, appointment.window_start)
            detail = f"activation clock stopped since {since}: {MISS_WORDS[why]}"
            append_timeline(draft, now, "clock_stopped", by, detail)
    draft.appointment = None
    draft.stage = Stage.CONFIRMED
    draft.promises = promises.open_on_calendar(
        draft, PromiseName.REBOOK, draft.request.policy.technician_contact, now
    )
    due = draft.promises[-1].due_at  # the rebooking promise just opened
    detail = f"{MISS_WORDS[why]}; dispatch must rebook by {at(draft, due)}" + (
        f" ({notes})" if notes else ""
    )
    append_timeline(draft, now, "visit_failed", by, detail)
    step = f"visit-missed-{appointment.revision}"
    return Decision(state=draft, effects=[Effect(kind=EffectKind.NOTIFY_VISIT_MISSED, step=step)])


def append_missed_visit(
    draft: MigrationState,
    appointment: Appointment,
    why: MissReason,
    at: datetime,
    by: Actor | None,
    notes: str | None,
) -> None:
    draft.missed_visits.append(
        MissedVisit(
            appointment=appointment,
            reason=why,
            at=at,
            by=by.subject if by else None,
            notes=notes,
            operator_at_fault=why in OPERATOR_AT_FAULT,
        )
    )


def rebook_missed_visit(draft: MigrationState, now: datetime) -> list[Effect]:
    """A visit window that ended with no report: the technician never came (or never said).
    The window lapses, the missed-appointment sum is owed, and dispatch must rebook."""
    visit = promises.find(draft.promises, PromiseName.VISIT.value)
    missed = (
        Rules(draft.rules).rebooks_and_reinstates
        and draft.stage is Stage.SCHEDULED
        and visit is not None
        and visit.pending
        and visit.breached_at is not None
    )
    if not missed:
        return []
    draft.promises = promises.lapse(draft.promises, PromiseName.VISIT.value)
    return _rebook(draft, MissReason.TECHNICIAN_NO_SHOW, now, None, None).effects
