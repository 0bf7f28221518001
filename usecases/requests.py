"""The bodies of what people do to a migration (confirm, book, report a visit, open a
ticket, ...), of force majeure and of a line's look-up: the inputs of the use cases every
edge calls, validated once, whichever edge they came through."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import (
    AwareDatetime,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from domain.models import FailureReason, RestoredHow, VisitOutcome
from usecases.fields import E164, Area, Body, LongText, Name, Text, Timestamp


class ConfirmationIn(Body):
    channel: Text = Field(examples=["phone"])
    note: LongText | None = None


class WithdrawalIn(Body):
    reason: LongText = Field(examples=["the customer changed his mind"])


class AppointmentIn(Body):
    technician_id: Name = Field(examples=["luca"])
    window_start: AwareDatetime
    window_end: AwareDatetime

    @model_validator(mode="after")
    def _window(self) -> AppointmentIn:
        if self.window_end <= self.window_start:
            raise ValueError("window_end must be after window_start")
        if self.window_end <= datetime.now(UTC):
            raise ValueError("the visit window must lie in the future")
        return self


class SlotOffersIn(Body):
    count: int = Field(6, ge=1, le=20, description="how many free slots to offer")


class SlotChoiceIn(Body):
    slot_id: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
        description="one of the latest offer's slots (POST slot-offers, GET slots)",
        examples=["RM.2026-12-08.am"],
    )


class VisitIn(Body):
    outcome: VisitOutcome
    reason: FailureReason | None = Field(
        None,
        validate_default=True,
        description="required when the visit failed: customer_absent, access_denied and "
        "technical_problem are rebooked; not_feasible ends the migration",
    )
    notes: LongText | None = None

    @field_validator("reason")
    @classmethod
    def _reason(cls, reason: FailureReason | None, info: ValidationInfo) -> FailureReason | None:
        outcome = info.data.get("outcome")
        if outcome is VisitOutcome.FAILED and reason is None:
            allowed = ", ".join(r.value for r in FailureReason)
            raise ValueError(f"required for a failed visit: one of {allowed}")
        if outcome is VisitOutcome.ACTIVATED and reason is not None:
            raise ValueError("only for a failed visit")
        return reason


class ServiceRestoredIn(Body):
    how: RestoredHow
    notes: LongText | None = None


class ServiceLossIn(Body):
    reported_via: Text = Field(examples=["gateway", "phone"])
    detail: LongText | None = None


class LineReleaseIn(Body):
    released_at: AwareDatetime | None = None


class TicketIn(Body):
    channel: Text = Field(examples=["twitter"])
    summary: LongText = Field(examples=["line dead since Monday, activation promised in 24 h"])


class AcknowledgementIn(Body):
    note: LongText | None = None


class ForceMajeureIn(Body):
    area: Area
    start: Timestamp = Field(alias="from", description="when the force majeure began")
    end: Timestamp = Field(alias="to", description="when it ends (or is expected to)")
    reason: Text = Field(examples=["flooding closed the exchange"])

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _period(self) -> ForceMajeureIn:
        if self.end <= self.start:
            raise ValueError("to must be after from")
        return self


class LineLookupIn(Body):
    line_number: E164
