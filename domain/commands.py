"""What people ask of a migration, what it refuses, and what it asks of the world in return."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from domain.models import (
    Actor,
    Declaration,
    FailureReason,
    MigrationRequest,
    Model,
    Money,
    RestoredHow,
    Stage,
    VisitOutcome,
)
from domain.records import Escalation, MigrationState, Slot


class Command(Model):
    actor: Actor
    # An API client's Idempotency-Key and a hash of its body: the same key with another
    # body is refused, so a retry can never be mistaken for a different request.
    idempotency_key: str | None = None
    request_hash: str | None = None


class Confirm(Command):
    channel: str
    note: str | None = None


class Withdraw(Command):
    reason: str
    # Set when a CRM's cancelProductOrder task asks it (TM Forum): recorded with the order.
    cancellation_id: str | None = None


class ChangeRequestedStart(Command):
    """A CRM moves the earliest day its customer wants the technician (before booking)."""

    requested_start_date: date | None


class BookVisit(Command):
    """Decided only once field service accepted: the workflow fills in its work order."""

    technician_id: str
    window_start: datetime
    window_end: datetime
    work_order_id: str | None = None


class OfferSlots(Command):
    """Ask field service for free slots; recorded with what it found (the workflow fills
    in `slots` from its answer), so the earliest time offered is on the record."""

    count: int = 6
    slots: list[Slot] = []


class Booked(Model):
    """What field service confirmed for a slot: the technician it assigned, and the window."""

    technician_id: str
    window_start: datetime
    window_end: datetime
    work_order_id: str


class BookSlot(Command):
    """Book (or move) the visit into a slot of the latest offer; decided once field service
    has held and confirmed it (the workflow fills in `booked`)."""

    slot_id: str
    booked: Booked | None = None


class ReportVisit(Command):
    outcome: VisitOutcome
    # Required for a failure by the API; absent only in commands recorded before reasons
    # existed, which are decided as `not_feasible` (the old rule) so they replay unchanged.
    reason: FailureReason | None = None
    notes: str | None = None


class ReportServiceLoss(Command):
    reported_via: str
    detail: str | None = None


class ConfirmServiceRestored(Command):
    how: RestoredHow
    notes: str | None = None


class ConfirmLineRelease(Command):
    released_at: datetime | None = None


class OpenTicket(Command):
    channel: str
    summary: str


class AcknowledgeTicket(Command):
    ticket_id: str
    note: str | None = None


class RefusalKind(StrEnum):
    CONFLICT = "conflict"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"


class Refusal(Model):
    kind: RefusalKind
    reason: str


class EffectKind(StrEnum):
    CONFIRMATION_CALL = "confirmation_call"
    NOTIFY_VISIT_BOOKED = "notify_visit_booked"
    NOTIFY_ACTIVATION = "notify_activation"
    NOTIFY_WITHDRAWAL = "notify_withdrawal"
    NOTIFY_VISIT_MISSED = "notify_visit_missed"
    NOTIFY_PROMISE_BROKEN = "notify_promise_broken"
    CANCEL_VISIT = "cancel_visit"
    CANCEL_MIGRATION_ORDER = "cancel_migration_order"
    REQUEST_RELEASE = "request_release"
    REQUEST_MANDATE = "request_mandate"
    REQUEST_REINSTATEMENT = "request_reinstatement"
    FORWARD_TICKET = "forward_ticket"
    ESCALATE = "escalate"
    SEND_TO_HUB = "send_to_hub"  # a One Touch Switch message, posted to the hub's letterbox
    PARK_HUB_MESSAGE = "park_hub_message"  # one that answers nothing of ours: for supervisors


class Effect(Model):
    """One external side effect; `step` makes its idempotency key unique in the migration."""

    kind: EffectKind
    step: str
    ticket_id: str | None = None
    escalation: Escalation | None = None
    text: str | None = None  # a message to the customer, in his language
    message: dict[str, Any] | None = None  # a hub message, as it travels


class Decision(Model):
    state: MigrationState
    effects: list[Effect] = []


class StartMigration(Model):
    """The workflow's one input: a new proposal, or the state carried over a continue-as-new."""

    line_key: str
    sales_agent: str
    request: MigrationRequest
    state: MigrationState | None = None
    # Force majeure already declared in the line's area when the migration starts, as the
    # API process's copy of the register held it at `force_majeure_read_at` (None: asked of
    # the registry itself, before copies).
    force_majeure: list[Declaration] = []
    force_majeure_read_at: datetime | None = None


class Outcome(Model):
    migration_id: str
    stage: Stage
    reason: str | None
    compensation: Money
