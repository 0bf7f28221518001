"""Pydantic models shared by every layer: the migration's state, its commands and its views."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from domain.base import Model
from domain.calendar import Calendar
from domain.policy import MigrationPolicy
from domain.switching.request import SwitchRequest
from domain.terms import Terms


class Stage(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    SCHEDULED = "scheduled"
    ACTIVATED = "activated"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    FAILED = "failed"


TERMINAL_STAGES = frozenset({Stage.COMPLETED, Stage.WITHDRAWN, Stage.FAILED})
BEFORE_ACTIVATION = frozenset({Stage.PROPOSED, Stage.CONFIRMED, Stage.SCHEDULED})


class Role(StrEnum):
    """What a person or system may do, from their token."""

    SALES = "sales"
    DISPATCH = "dispatch"
    TECHNICIAN = "technician"
    CARE = "care"
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    CRM = "crm"  # an operator's CRM, placing orders through TM Forum's Product Ordering API


class Party(StrEnum):
    GAINING_OPERATOR = "gaining_operator"
    LOSING_OPERATOR = "losing_operator"
    FIELD_TEAM = "field_team"
    DISPATCH = "dispatch"
    CUSTOMER = "customer"


class PromiseName(StrEnum):
    CONFIRMATION = "confirmation"
    TECHNICIAN_CONTACT = "technician_contact"
    VISIT = "visit"
    SERVICE_RESTORATION = "service_restoration"
    TICKET_ACK = "ticket_ack"
    CUT_OVER = "cut_over"
    REBOOK = "rebook"
    ACTIVATION = "activation"
    # The losing provider's answers through the One Touch Switch hub (its answer times).
    SWITCH_MATCH = "switch_match"
    SWITCH_ORDER = "switch_order"
    SWITCH_UPDATE = "switch_update"
    SWITCH_CANCELLATION = "switch_cancellation"
    # Ours to the gaining provider when a customer leaves us (the same answer times).
    ANSWER_MATCH = "answer_match"
    ANSWER_ORDER = "answer_order"
    ANSWER_UPDATE = "answer_update"
    ANSWER_TRIGGER = "answer_trigger"
    ANSWER_CANCELLATION = "answer_cancellation"


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BREACHED = "breached"
    CANCELLED = "cancelled"


class VisitOutcome(StrEnum):
    ACTIVATED = "activated"
    FAILED = "failed"


class FailureReason(StrEnum):
    """Why a technician could not activate the line; all but `not_feasible` are rebooked."""

    CUSTOMER_ABSENT = "customer_absent"
    ACCESS_DENIED = "access_denied"
    TECHNICAL_PROBLEM = "technical_problem"
    NOT_FEASIBLE = "not_feasible"


class MissReason(StrEnum):
    """Why an appointment was not kept: a reported failure, or one the operator caused."""

    CUSTOMER_ABSENT = "customer_absent"
    ACCESS_DENIED = "access_denied"
    TECHNICAL_PROBLEM = "technical_problem"
    NOT_FEASIBLE = "not_feasible"
    TECHNICIAN_NO_SHOW = "technician_no_show"
    MOVED_AT_SHORT_NOTICE = "moved_at_short_notice"


class RestoredHow(StrEnum):
    OLD_LINE_REINSTATED = "old_line_reinstated"
    NEW_LINE_ACTIVE = "new_line_active"


class TicketStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"


# Who acts from the status page: the customer himself, through his link.
CUSTOMER_ROLE = "customer"


class Actor(Model):
    """Who acted: always the authenticated subject, never a field a client can set."""

    subject: str
    role: str


class Customer(Model):
    name: str
    phone: str
    email: str | None = None


class Line(Model):
    number: str
    address: str
    migration_code: str
    # Where the line is, for declarations of force majeure: an Italian province code (MI)
    # or a UK postcode district (EH1).
    area: str | None = None


class Declaration(Model):
    """Force majeure declared for an area: every customer-facing clock there stops for it."""

    declaration_id: str
    area: str
    start: datetime
    end: datetime
    reason: str
    by: str
    revoked_at: datetime | None = None


class Language(StrEnum):
    IT = "it"
    EN = "en"


class OrderRef(Model):
    """The CRM's side of a migration placed as a TM Forum product order."""

    crm: str  # the CRM's subject: it alone sees the order
    external_id: str | None = None  # the CRM's own order number
    customer_id: str  # the CRM's customer id (the order's related party)
    # The API's public address when placed, kept by orders placed before the edges rendered
    # them (rules 7: their events still carry it); newer orders hold no URL.
    base_url: str | None = None
    placed_at: datetime | None = None  # when the CRM placed it (the order's date)


class OrderCancellation(Model):
    """A CRM's cancelProductOrder task that withdrew the migration."""

    id: str
    reason: str
    at: datetime


class MigrationRequest(Model):
    customer: Customer
    line: Line
    losing_operator: str
    offer: str
    policy: MigrationPolicy = Field(default_factory=MigrationPolicy)
    language: Language = Language.IT  # of every message and of the status page
    # Working week, hours, zone and public holidays, resolved when the migration starts and
    # recorded with it; absent in migrations started before calendars existed.
    calendar: Calendar | None = None
    # The jurisdiction's compensation tables (and default windows), likewise recorded.
    terms: Terms | None = None
    # The earliest day the customer wants the technician (slots are searched from it).
    requested_start_date: date | None = None
    # Set when a CRM placed the migration as a TM Forum product order.
    product_order: OrderRef | None = None
    # Set when the line switches through the One Touch Switch hub (its jurisdiction's way):
    # what the losing provider matches the customer on (rules 9).
    switch: SwitchRequest | None = None


class Undo(StrEnum):
    """Compensations registered as each side effect succeeds, unwound in reverse."""

    CANCEL_MIGRATION_ORDER = "cancel_migration_order"
    CANCEL_VISIT = "cancel_visit"


class Money(Model):
    currency: str = "EUR"
    amount_cents: int
