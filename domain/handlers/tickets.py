"""Tickets from any channel: routed to the field team, each with its acknowledgement promise."""

from __future__ import annotations

from datetime import datetime

from domain import promises
from domain.commands import (
    AcknowledgeTicket,
    Decision,
    Effect,
    EffectKind,
    OpenTicket,
    Refusal,
    RefusalKind,
)
from domain.editing import append_timeline
from domain.models import Party, PromiseName, TicketStatus
from domain.records import MigrationState, Ticket
from domain.refusals import closed_refusal, conflict
from domain.words.staff import at


def refuse_open(state: MigrationState, cmd: OpenTicket) -> Refusal | None:
    return closed_refusal(state)


def open_ticket(draft: MigrationState, cmd: OpenTicket, now: datetime) -> Decision:
    ticket_id = f"T{len(draft.tickets) + 1}"
    draft.promises = promises.open_on_calendar(
        draft, PromiseName.TICKET_ACK, draft.request.policy.ticket_ack, now, key=ticket_id
    )
    draft.tickets.append(
        Ticket(
            ticket_id=ticket_id,
            channel=cmd.channel,
            summary=cmd.summary,
            opened_by=cmd.actor.subject,
            opened_at=now,
            routed_to=Party.FIELD_TEAM,
            ack_due=draft.promises[-1].due_at,  # the promise just opened
        )
    )
    append_timeline(draft, now, "ticket_opened", cmd.actor, f"{ticket_id} via {cmd.channel}")
    forward = Effect(
        kind=EffectKind.FORWARD_TICKET, step=f"ticket-{ticket_id}", ticket_id=ticket_id
    )
    return Decision(state=draft, effects=[forward])


def refuse_acknowledge(state: MigrationState, cmd: AcknowledgeTicket) -> Refusal | None:
    ticket = state.ticket(cmd.ticket_id)
    if ticket is None:
        return Refusal(kind=RefusalKind.NOT_FOUND, reason=f"no ticket {cmd.ticket_id}")
    if ticket.acknowledged_at is not None:
        return conflict(
            f"already acknowledged by {ticket.acknowledged_by} at {at(state, ticket.acknowledged_at)}"
        )
    return None


def acknowledge(draft: MigrationState, cmd: AcknowledgeTicket, now: datetime) -> Decision:
    ticket = draft.ticket(cmd.ticket_id)
    assert ticket is not None  # refuse_acknowledge ran first
    ticket.status = TicketStatus.ACKNOWLEDGED
    ticket.acknowledged_by, ticket.acknowledged_at = cmd.actor.subject, now
    ticket.note = cmd.note
    pid = f"{PromiseName.TICKET_ACK.value}:{ticket.ticket_id}"
    draft.promises = promises.fulfil(draft.promises, pid, now)
    append_timeline(draft, now, "ticket_acknowledged", cmd.actor, ticket.ticket_id)
    return Decision(state=draft)
