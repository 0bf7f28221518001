"""HTTP request bodies: strict, with the field and the reason in every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from domain.models import FailureReason, Language, RestoredHow, Stage, VisitOutcome
from domain.policy import MAX_WINDOW, MIN_WINDOW

E164 = Annotated[str, Field(pattern=r"^\+[1-9][0-9]{6,14}$", examples=["+393331234567"])]
# Text is taken as sent, never trimmed: the schema states exactly what is accepted, so no
# leading or trailing white space and at least one visible character.
# (ASCII white space named one by one: every regex engine agrees on it.)
TRIMMED = r"^[^ \t\n\r\f\v](?:[\s\S]*[^ \t\n\r\f\v])?$"
Text = Annotated[str, Field(min_length=1, max_length=200, pattern=TRIMMED)]
LongText = Annotated[str, Field(min_length=1, max_length=2000, pattern=TRIMMED)]
Name = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
Window = Annotated[timedelta, Field(ge=MIN_WINDOW, le=MAX_WINDOW, examples=["PT24H", 86400])]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CustomerIn(Body):
    name: Text
    phone: E164
    email: Annotated[str, Field(pattern=r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")] | None = None


class LineIn(Body):
    number: E164
    address: Text
    migration_code: Annotated[
        str,
        Field(
            pattern=r"^[A-Za-z0-9]{5,32}$",
            description="the losing operator judges whether it matches the line",
            examples=["TIM0A1B2C3"],
        ),
    ]


class PolicyIn(Body):
    confirmation: Window | None = None
    technician_contact: Window | None = None
    service_restoration: Window | None = None
    ticket_ack: Window | None = None
    cut_over: Window | None = None
    escalation_interval: Window | None = None

    def overrides(self) -> dict[str, timedelta]:
        return self.model_dump(exclude_none=True)


class MigrationIn(Body):
    customer: CustomerIn
    line: LineIn
    losing_operator: Name
    offer: Text
    policy: PolicyIn | None = None
    language: Language = Field(
        Language.IT, description="of every message to the customer and of his status page"
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "customer": {"name": "Mario Rossi", "phone": "+393331234567"},
                    "line": {
                        "number": "+390612345678",
                        "address": "Via Roma 1, Roma",
                        "migration_code": "TIM0A1B2C3",
                    },
                    "losing_operator": "telecom",
                    "offer": "fibra-1000",
                    "policy": {"confirmation": "PT48H", "escalation_interval": "PT4H"},
                }
            ]
        },
    )


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


class LineLookupIn(Body):
    line_number: E164


class MigrationSummary(BaseModel):
    """One row of a list, read from search attributes alone (no query per migration)."""

    migration_id: str
    status: str
    stage: Stage | None
    losing_operator: str | None
    sales_agent: str | None
    technician_id: str | None
    escalation_level: int | None
    customer_without_service: bool | None
    next_deadline: datetime | None
    started_at: datetime | None
    web_ui_url: str = Field(description="this migration in the Temporal Web UI")


class MigrationPage(BaseModel):
    items: list[MigrationSummary]
    next_page_token: str | None


class Health(BaseModel):
    status: str


class ErrorDetail(BaseModel):
    code: str = Field(examples=["conflict"])
    message: str = Field(examples=["already confirmed by dario at 2026-11-02T10:14:00Z"])
    details: Any = None


class ErrorBody(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in {
        401: "missing, unknown, expired or invalid token",
        403: "wrong role, or a token without a known role",
        404: "unknown migration or ticket, or one outside the caller's scope",
        409: "a transition the migration's stage refuses; the message says why",
        413: "body too large",
        422: "invalid body or parameters: each field and why",
        429: "too many writes by this caller: retry after Retry-After seconds",
        503: "Temporal unreachable: retry later, with the same Idempotency-Key",
    }.items()
}


def canonical(value: Any) -> Any:
    """Body as plain JSON types, for hashing a request."""
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value
