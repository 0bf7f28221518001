"""What a migration records as it goes, and its whole state: the promise ledger and its
escalations, appointments, slots offered, visits moved and missed, tickets, the timeline.
The vocabulary they are written in (stages, roles, parties, the request) is `models.py`."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from domain.calendar import Pause
from domain.models import (
    Declaration,
    MigrationRequest,
    MissReason,
    Model,
    OrderCancellation,
    Party,
    PromiseName,
    PromiseStatus,
    Stage,
    TicketStatus,
    Undo,
)
from domain.rules import LEGACY_RULES
from domain.switching.record import Switch


class Replan(Model):
    """A moved due time: kept forever so that re-planning never hides a breach."""

    at: datetime
    by: str
    previous_due: datetime
    new_due: datetime
    reason: str
    breached_at: datetime | None = None


class Promise(Model):
    id: str
    name: PromiseName
    owner: Party
    opened_at: datetime
    due_at: datetime
    status: PromiseStatus = PromiseStatus.OPEN
    fulfilled_at: datetime | None = None
    breached_at: datetime | None = None
    cancelled_at: datetime | None = None
    # A window that passed unkept and can no longer be kept (a visit nobody came to).
    lapsed_at: datetime | None = None
    escalation_level: int = 0
    replans: list[Replan] = Field(default_factory=list)
    # The early warning: when the owner is told the promise is at risk (a share of its
    # budget), and whether and since when it is (no escalation, no compensation).
    warn_at: datetime | None = None
    at_risk: bool = False
    at_risk_since: datetime | None = None
    # Clock-stops, kept forever: while one is open the promise neither breaks nor warns.
    pauses: list[Pause] = Field(default_factory=list)

    @property
    def paused(self) -> bool:
        return any(p.end is None for p in self.pauses)

    @property
    def pending(self) -> bool:
        """Still waiting for someone to act (on time or already breached)."""
        return (
            self.fulfilled_at is None
            and self.lapsed_at is None
            and self.status is not PromiseStatus.CANCELLED
        )


class Escalation(Model):
    promise: str
    level: int
    at: datetime
    recipients: list[str]
    owner: Party
    summary: str = ""  # the words of the notice: what is late, whose move it is


class Appointment(Model):
    technician_id: str
    window_start: datetime
    window_end: datetime
    booked_by: str
    booked_at: datetime
    revision: int
    work_order_id: str


class Slot(Model):
    """A visit window field service has free capacity for (a morning or an afternoon)."""

    slot_id: str
    start: datetime
    end: datetime


class SlotOffer(Model):
    """Slots field service offered for the visit, as offered: the earliest one counts when
    the customer chooses a later one (the activation clock stops for the difference)."""

    offer_id: str
    offered_at: datetime
    by: str
    role: str
    slots: list[Slot]

    @property
    def earliest(self) -> Slot | None:
        return min(self.slots, key=lambda s: s.start, default=None)

    def slot(self, slot_id: str) -> Slot | None:
        return next((s for s in self.slots if s.slot_id == slot_id), None)


class VisitMove(Model):
    """A booked visit moved to another window: the customer sees both."""

    at: datetime
    old_start: datetime
    old_end: datetime
    new_start: datetime
    new_end: datetime


class MissedVisit(Model):
    """An appointment that was not kept, and whether the operator owes the customer for it."""

    appointment: Appointment
    reason: MissReason
    at: datetime
    by: str | None
    notes: str | None = None
    operator_at_fault: bool


class Ticket(Model):
    ticket_id: str
    channel: str
    summary: str
    opened_by: str
    opened_at: datetime
    routed_to: Party
    status: TicketStatus = TicketStatus.OPEN
    ack_due: datetime
    forwarded_at: datetime | None = None
    field_reference: str | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    note: str | None = None


class TimelineEntry(Model):
    """The audit trail: what happened, when, and who did it in which role."""

    at: datetime
    event: str
    actor: str | None = None
    role: str | None = None
    detail: str = ""


class MigrationState(Model):
    migration_id: str
    # The first run's id: tells apart two migrations of one line that reuse its workflow id.
    chain_id: str
    line_key: str
    sales_agent: str
    request: MigrationRequest
    stage: Stage = Stage.PROPOSED
    created_at: datetime
    promises: list[Promise] = Field(default_factory=list)
    escalations: list[Escalation] = Field(default_factory=list)
    tickets: list[Ticket] = Field(default_factory=list)
    appointment: Appointment | None = None
    missed_visits: list[MissedVisit] = Field(default_factory=list)
    visit_moves: list[VisitMove] = Field(default_factory=list)
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    contract_effective_at: datetime | None = None
    payment_mandate_requested: bool = False
    release_requested: bool = False
    line_released_at: datetime | None = None
    without_service_since: datetime | None = None
    service_restored_at: datetime | None = None
    # Started days without service in earlier episodes (service restored, then lost again),
    # and, from the calendar rules on, those episodes themselves (a table pays them by date).
    earlier_days_without_service: int = 0
    earlier_outages: list[tuple[datetime, datetime]] = Field(default_factory=list)
    # Force majeure in the line's area, as declared (and revoked) while the migration ran.
    force_majeure: list[Declaration] = Field(default_factory=list)
    outcome_reason: str | None = None
    compensations: list[Undo] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)
    idempotency: dict[str, str] = Field(default_factory=dict)
    rules: int = LEGACY_RULES
    reinstatement_requested: bool = False
    # The latest slots offered for the visit, and how many offers were made (their ids).
    slot_offer: SlotOffer | None = None
    offers_made: int = 0
    # A product order's events raised so far (they are numbered by it) and what the last
    # one showed, so each change is told once; and the cancellation task that withdrew it.
    order_events: int = 0
    order_told: str | None = None
    order_cancellation: OrderCancellation | None = None
    # What it exchanged with the losing provider through the hub (rules 9, hub switching).
    switch: Switch | None = None

    @property
    def customer_without_service(self) -> bool:
        return self.without_service_since is not None and self.service_restored_at is None

    def ticket(self, ticket_id: str) -> Ticket | None:
        """The ticket with this id (in a draft, the draft's own, to edit)."""
        return next((t for t in self.tickets if t.ticket_id == ticket_id), None)
