"""Stages and transitions: what each command may do in each stage, and what it sets in motion.

Every function is pure: it takes a state and returns a new one with the side effects the
workflow must carry out, so every business rule is tested without Temporal.
"""

from __future__ import annotations

from datetime import datetime

from domain import escalation, promises
from domain.commands import (
    AcknowledgeTicket,
    BookVisit,
    Command,
    Confirm,
    ConfirmLineRelease,
    Decision,
    Effect,
    EffectKind,
    OpenTicket,
    Refusal,
    RefusalKind,
    ReportServiceLoss,
    ReportVisit,
    Withdraw,
)
from domain.models import (
    BEFORE_ACTIVATION,
    TERMINAL_STAGES,
    Actor,
    Appointment,
    Escalation,
    MigrationRequest,
    MigrationState,
    Party,
    PromiseName,
    Stage,
    Ticket,
    TicketStatus,
    TimelineEntry,
    Undo,
    VisitOutcome,
)

UNDO_EFFECTS = {
    Undo.CANCEL_MIGRATION_ORDER: EffectKind.CANCEL_MIGRATION_ORDER,
    Undo.CANCEL_VISIT: EffectKind.CANCEL_VISIT,
}


def _ts(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def _note(state: MigrationState, at: datetime, event: str, by: Actor | None, detail: str) -> None:
    subject, role = (by.subject, by.role) if by else (None, None)
    state.timeline.append(
        TimelineEntry(at=at, event=event, actor=subject, role=role, detail=detail)
    )


def _conflict(reason: str) -> Refusal:
    return Refusal(kind=RefusalKind.CONFLICT, reason=reason)


def _ticket(state: MigrationState, ticket_id: str) -> Ticket | None:
    return next((t for t in state.tickets if t.ticket_id == ticket_id), None)


def propose(
    migration_id: str,
    chain_id: str,
    line_key: str,
    sales_agent: str,
    request: MigrationRequest,
    now: datetime,
) -> MigrationState:
    state = MigrationState(
        migration_id=migration_id,
        chain_id=chain_id,
        line_key=line_key,
        sales_agent=sales_agent,
        request=request,
        created_at=now,
    )
    due = now + request.policy.confirmation
    state.promises = promises.open_promise([], PromiseName.CONFIRMATION, now, due)
    _note(
        state,
        now,
        "proposed",
        Actor(subject=sales_agent, role="sales"),
        f"offer {request.offer}; withdrawable at no cost",
    )
    return state


def line_validated(state: MigrationState, now: datetime, order_id: str) -> MigrationState:
    s = state.model_copy(deep=True)
    s.compensations.append(Undo.CANCEL_MIGRATION_ORDER)
    _note(s, now, "line_validated", None, f"losing operator order {order_id}")
    return s


def line_rejected(state: MigrationState, now: datetime, reason: str) -> MigrationState:
    s = state.model_copy(deep=True)
    s.stage = Stage.FAILED
    s.outcome_reason = reason
    s.promises = promises.cancel_pending(s.promises, now)
    _note(s, now, "failed", None, reason)
    return s


def _stage_refusal(state: MigrationState) -> Refusal | None:
    """The reason nothing more can happen in a closed migration."""
    if state.stage is Stage.WITHDRAWN:
        return _conflict(f"the migration was withdrawn: {state.outcome_reason}")
    if state.stage is Stage.FAILED:
        return _conflict(f"the migration failed: {state.outcome_reason}")
    if state.stage is Stage.COMPLETED:
        return _conflict(f"the migration was completed at {_ts(state.line_released_at)}")  # type: ignore[arg-type]
    return None


def refusal(state: MigrationState, cmd: Command) -> Refusal | None:
    """Why this command cannot be applied now, in words a person can act on; None if it can."""
    if cmd.idempotency_key is not None:
        seen = state.idempotency.get(cmd.idempotency_key)
        if seen is not None and seen != cmd.request_hash:
            return Refusal(
                kind=RefusalKind.IDEMPOTENCY_MISMATCH,
                reason="this Idempotency-Key was already used with a different request",
            )
    match cmd:
        case Confirm():
            if state.confirmed_at is not None:
                return _conflict(
                    f"already confirmed by {state.confirmed_by} at {_ts(state.confirmed_at)}"
                )
            return _stage_refusal(state)
        case Withdraw():
            if state.contract_effective_at is not None:
                return _conflict(
                    f"the contract is effective since {_ts(state.contract_effective_at)}: "
                    "withdrawal is no longer possible"
                )
            return _stage_refusal(state)
        case BookVisit():
            if state.stage not in (Stage.CONFIRMED, Stage.SCHEDULED):
                return _stage_refusal(state) or _conflict(
                    "a visit can be booked only after the customer's confirmation"
                    if state.stage is Stage.PROPOSED
                    else f"the line is already {state.stage.value}: no visit to book"
                )
            if cmd.window_end <= cmd.window_start:
                return _conflict("the visit window must end after it starts")
            return None
        case ReportVisit():
            if state.stage is not Stage.SCHEDULED or state.appointment is None:
                return _stage_refusal(state) or _conflict(
                    f"no visit is scheduled: the migration is {state.stage.value}"
                )
            if cmd.actor.subject != state.appointment.technician_id:
                return Refusal(
                    kind=RefusalKind.FORBIDDEN,
                    reason=f"the visit is assigned to {state.appointment.technician_id}",
                )
            return None
        case ReportServiceLoss():
            if state.customer_without_service:
                return _conflict(
                    f"already reported without service since {_ts(state.without_service_since)}"  # type: ignore[arg-type]
                )
            return _stage_refusal(state)
        case ConfirmLineRelease():
            if state.stage is Stage.ACTIVATED:
                return None
            return _stage_refusal(state) or _conflict(
                "the new line is not active yet: the old line must not be released before "
                "the technician activates it"
            )
        case OpenTicket():
            return _stage_refusal(state)
        case AcknowledgeTicket():
            ticket = _ticket(state, cmd.ticket_id)
            if ticket is None:
                return Refusal(kind=RefusalKind.NOT_FOUND, reason=f"no ticket {cmd.ticket_id}")
            if ticket.acknowledged_at is not None:
                return _conflict(
                    f"already acknowledged by {ticket.acknowledged_by} at "
                    f"{_ts(ticket.acknowledged_at)}"
                )
            return None
    raise TypeError(f"unknown command {type(cmd).__name__}")


def apply(state: MigrationState, cmd: Command, now: datetime) -> Decision:
    """Apply an accepted command (call `refusal` first) and list the side effects it needs."""
    s = apply_key(state, cmd)
    who = cmd.actor.subject
    policy = s.request.policy
    effects: list[Effect] = []
    match cmd:
        case Confirm():
            s.stage = Stage.CONFIRMED
            s.confirmed_by, s.confirmed_at = who, now
            s.promises = promises.fulfil(s.promises, PromiseName.CONFIRMATION.value, now)
            s.promises = promises.open_promise(
                s.promises, PromiseName.TECHNICIAN_CONTACT, now, now + policy.technician_contact
            )
            _note(
                s,
                now,
                "confirmed",
                cmd.actor,
                f"via {cmd.channel}" + (f": {cmd.note}" if cmd.note else ""),
            )
            effects.append(Effect(kind=EffectKind.CONFIRMATION_CALL, step="confirmation-call"))
        case Withdraw():
            s.stage = Stage.WITHDRAWN
            s.outcome_reason = cmd.reason
            s.promises = promises.cancel_pending(s.promises, now)
            _note(s, now, "withdrawn", cmd.actor, cmd.reason)
            effects.extend(_unwind(s))
            effects.append(Effect(kind=EffectKind.NOTIFY_WITHDRAWAL, step="withdrawal-notice"))
        case ReportVisit(outcome=VisitOutcome.ACTIVATED):
            s.stage = Stage.ACTIVATED
            s.contract_effective_at = now
            s.promises = promises.fulfil(s.promises, PromiseName.VISIT.value, now)
            if s.customer_without_service:
                s.service_restored_at = now
                s.promises = promises.fulfil(s.promises, PromiseName.SERVICE_RESTORATION.value, now)
            s.promises = promises.open_promise(
                s.promises, PromiseName.CUT_OVER, now, now + policy.cut_over
            )
            s.compensations.clear()  # a contract in force is not undone by a saga
            s.release_requested = s.payment_mandate_requested = True
            _note(
                s, now, "activated", cmd.actor, cmd.notes or "new line active; contract effective"
            )
            effects += [
                Effect(kind=EffectKind.REQUEST_RELEASE, step="release"),
                Effect(kind=EffectKind.REQUEST_MANDATE, step="mandate"),
                Effect(kind=EffectKind.NOTIFY_ACTIVATION, step="activation-notice"),
            ]
        case ReportVisit():
            s.stage = Stage.FAILED
            s.outcome_reason = f"visit failed: {cmd.notes or 'no reason given'}"
            s.promises = promises.fulfil(s.promises, PromiseName.VISIT.value, now)
            s.promises = promises.cancel_pending(s.promises, now)
            s.compensations = [u for u in s.compensations if u is not Undo.CANCEL_VISIT]
            _note(s, now, "failed", cmd.actor, s.outcome_reason)
            effects.extend(_unwind(s))
        case ReportServiceLoss():
            detail = f"via {cmd.reported_via}" + (f": {cmd.detail}" if cmd.detail else "")
            if s.stage in BEFORE_ACTIVATION:
                s.without_service_since = now
                s.promises = promises.open_promise(
                    s.promises,
                    PromiseName.SERVICE_RESTORATION,
                    now,
                    now + policy.service_restoration,
                )
                _note(s, now, "customer_without_service", cmd.actor, detail)
                alarm = escalation.incident("service_loss", Party.FIELD_TEAM, now)
                effects.append(_raise(s, alarm))
            else:
                _note(
                    s,
                    now,
                    "old_line_down_after_activation",
                    cmd.actor,
                    f"{detail}; the customer is served by the new line",
                )
        case ConfirmLineRelease():
            s.stage = Stage.COMPLETED
            s.line_released_at = cmd.released_at or now
            s.promises = promises.fulfil(s.promises, PromiseName.CUT_OVER.value, now)
            _note(s, now, "completed", cmd.actor, f"old line released at {_ts(s.line_released_at)}")
        case OpenTicket():
            ticket_id = f"T{len(s.tickets) + 1}"
            due = now + policy.ticket_ack
            s.promises = promises.open_promise(
                s.promises, PromiseName.TICKET_ACK, now, due, key=ticket_id
            )
            s.tickets.append(
                Ticket(
                    ticket_id=ticket_id,
                    channel=cmd.channel,
                    summary=cmd.summary,
                    opened_by=who,
                    opened_at=now,
                    routed_to=Party.FIELD_TEAM,
                    ack_due=due,
                )
            )
            _note(s, now, "ticket_opened", cmd.actor, f"{ticket_id} via {cmd.channel}")
            effects.append(
                Effect(
                    kind=EffectKind.FORWARD_TICKET, step=f"ticket-{ticket_id}", ticket_id=ticket_id
                )
            )
        case AcknowledgeTicket():
            ticket = _ticket(s, cmd.ticket_id)
            assert ticket is not None
            ticket.status = TicketStatus.ACKNOWLEDGED
            ticket.acknowledged_by, ticket.acknowledged_at, ticket.note = who, now, cmd.note
            s.promises = promises.fulfil(
                s.promises, f"{PromiseName.TICKET_ACK.value}:{ticket.ticket_id}", now
            )
            _note(s, now, "ticket_acknowledged", cmd.actor, ticket.ticket_id)
        case _:
            raise TypeError(f"{type(cmd).__name__} is applied with its own function")
    return Decision(state=s, effects=effects)


def next_visit_revision(state: MigrationState) -> int:
    return state.appointment.revision + 1 if state.appointment else 1


def book_visit(
    state: MigrationState, cmd: BookVisit, now: datetime, work_order_id: str
) -> Decision:
    """Record a visit field service has accepted: a first booking or a move of the booked one."""
    s = apply_key(state, cmd)
    who = cmd.actor.subject
    revision = next_visit_revision(s)
    if s.appointment is None:
        s.promises = promises.fulfil(s.promises, PromiseName.TECHNICIAN_CONTACT.value, now)
        s.promises = promises.open_promise(s.promises, PromiseName.VISIT, now, cmd.window_end)
        s.compensations.append(Undo.CANCEL_VISIT)
        event, detail = "visit_booked", f"{_ts(cmd.window_start)} to {_ts(cmd.window_end)}"
    else:
        old = s.appointment
        detail = f"from {_ts(old.window_start)} to {_ts(cmd.window_start)}"
        s.promises = promises.replan(
            s.promises, PromiseName.VISIT.value, cmd.window_end, now, who, f"visit moved {detail}"
        )
        event = "visit_moved"
    s.stage = Stage.SCHEDULED
    s.appointment = Appointment(
        technician_id=cmd.technician_id,
        window_start=cmd.window_start,
        window_end=cmd.window_end,
        booked_by=who,
        booked_at=now,
        revision=revision,
        work_order_id=work_order_id,
    )
    _note(s, now, event, cmd.actor, f"technician {cmd.technician_id}, {detail}")
    notice = Effect(kind=EffectKind.NOTIFY_VISIT_BOOKED, step=f"visit-notice-{revision}")
    return Decision(state=s, effects=[notice])


def apply_key(state: MigrationState, cmd: Command) -> MigrationState:
    s = state.model_copy(deep=True)
    if cmd.idempotency_key is not None and cmd.request_hash is not None:
        s.idempotency[cmd.idempotency_key] = cmd.request_hash
    return s


def escalate(state: MigrationState, now: datetime) -> Decision:
    """Raise every escalation the ladder says is due by now, each exactly once."""
    s = state.model_copy(deep=True)
    s.promises, raised = escalation.due_escalations(
        s.promises, now, s.request.policy.escalation_interval
    )
    for e in raised:
        _note(s, now, "escalated", None, f"{e.promise} level {e.level}")
    return Decision(state=s, effects=[_raise(s, e) for e in raised])


def _raise(s: MigrationState, e: Escalation) -> Effect:
    """Record an escalation; its position in the record keeps its notice's key unique."""
    s.escalations.append(e)
    step = f"escalation-{len(s.escalations)}-{e.promise}-{e.level}"
    return Effect(kind=EffectKind.ESCALATE, step=step, escalation=e)


def _unwind(s: MigrationState) -> list[Effect]:
    """The saga's compensations, most recent first; the stack is emptied as they are issued."""
    undo = [Effect(kind=UNDO_EFFECTS[u], step=f"undo-{u.value}") for u in reversed(s.compensations)]
    s.compensations.clear()
    return undo


def is_closed(state: MigrationState) -> bool:
    """Nothing left to do: a final stage and no promise still waiting (e.g. an unacked ticket)."""
    return state.stage in TERMINAL_STAGES and not any(p.pending for p in state.promises)


def effect_done(
    state: MigrationState, effect: Effect, now: datetime, reference: str
) -> MigrationState:
    """Record what care needs to see of a finished effect: a ticket received by field service."""
    if effect.kind is not EffectKind.FORWARD_TICKET:
        return state
    s = state.model_copy(deep=True)
    ticket = _ticket(s, effect.ticket_id or "")
    assert ticket is not None
    ticket.forwarded_at, ticket.field_reference = now, reference
    return s


def effect_failed(state: MigrationState, now: datetime, what: str, reason: str) -> MigrationState:
    """A side effect the external system refused for good: recorded, never silently lost."""
    s = state.model_copy(deep=True)
    _note(s, now, "side_effect_failed", None, f"{what}: {reason}")
    return s
