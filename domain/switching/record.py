"""What a migration keeps of its switch: every message it sent and how each was answered,
the references of its latest match, and where the chosen one stands."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from domain.base import Model


class Step(StrEnum):
    """A request's step, as its routing id names it (residentialSwitch + step + kind)."""

    MATCH = "Match"
    ORDER = "Order"
    UPDATE = "OrderUpdate"
    TRIGGER = "OrderTrigger"
    CANCELLATION = "OrderCancellation"


class Status(StrEnum):
    """A switch order reference's life at the losing provider (`expired`: ours to say)."""

    NEW = "new"
    CONFIRMED = "confirmed"
    UPDATED = "updated"
    TRIGGERED = "triggered"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Sent(Model):
    """One message we sent: its correlation id is derived from the migration and `key`, so
    a retried activity sends the very same message."""

    step: Step
    key: str
    correlation_id: str
    at: datetime
    attempt: int = 1
    promise_id: str | None = None  # the answer time it opened (a trigger: the cut-over's)
    reference: str | None = None
    on: date | None = None  # the planned switch date, or the activation date
    answered_at: datetime | None = None
    answer: str | None = None  # in words
    retry_at: datetime | None = None  # the hub could not deliver it: sent again then
    given_up: bool = False  # sent again under a new id, or refused for good

    @property
    def waiting(self) -> bool:
        """Still owed an answer (or a resend)."""
        return self.answered_at is None and not self.given_up


class ServiceFound(Model):
    service_type: str
    action: str
    identifiers: list[str] = Field(default_factory=list)


class SwitchOrder(Model):
    """One reference a match answered, and what ordering it would do to each service."""

    reference: str
    services: list[ServiceFound]
    option: str | None = None  # OptionToRetain or OptionToCease, for the voice line


class Implication(Model):
    """How the losing provider told the customer what switching means for him."""

    method: str
    sent_to: str | None = None  # masked
    sent_by: str


class Switch(Model):
    sent: list[Sent] = Field(default_factory=list)
    # Source RCPID and correlation id of every message taken: a duplicate changes nothing.
    taken: list[str] = Field(default_factory=list)
    matched_at: datetime | None = None
    orders: list[SwitchOrder] = Field(default_factory=list)
    implications: list[Implication] = Field(default_factory=list)
    reference: str | None = None  # the one that follows the customer's voice choice
    status: Status | None = None
    planned: date | None = None
    halted: str | None = None  # why no message goes out until people act

    def by_correlation(self, correlation_id: str | None) -> Sent | None:
        return next((s for s in self.sent if s.correlation_id == correlation_id), None)

    @property
    def busy(self) -> bool:
        """A message is still owed an answer: the next one waits (one at a time)."""
        return any(s.waiting for s in self.sent)
