"""HTTP request bodies: strict, with the field and the reason in every refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import available_timezones

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from api.calendars import supported_countries
from api.jurisdictions import all_terms
from domain.calendar import WorkingDays, WorkingHours
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


def _written(value: Any) -> Any:
    """A timestamp as the schema states it, an RFC 3339 string: never a number that pydantic
    would read as seconds since 1970."""
    if not isinstance(value, str):
        raise ValueError("an RFC 3339 date-time with its offset, e.g. 2026-12-01T09:00:00Z")
    return value


Timestamp = Annotated[AwareDatetime, BeforeValidator(_written)]
# Where a line is, for force majeure: an Italian province code or a UK postcode district.
Area = Annotated[
    str,
    Field(
        pattern=r"^(?:[A-Z]{2}|[A-Z]{1,2}[0-9][0-9A-Z]?)$",
        description="an Italian province code (MI) or a UK postcode district (EH1)",
        examples=["MI", "EH1"],
    ),
]
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
    area: Area | None = None


ELAPSED: TypeAdapter[timedelta] = TypeAdapter(Window)
WINDOW_FORMS = 'an ISO 8601 duration, seconds, {"working_days": N} or {"working_hours": N}'


def promise_window(value: Any) -> timedelta | WorkingDays | WorkingHours:
    """A promise's window in whichever form it came, refused once, at its own field, with
    the reason in words (a plain union would answer one error per form it tried)."""
    form: TypeAdapter[Any] = ELAPSED
    if isinstance(value, dict):
        if "working_days" in value:
            form = TypeAdapter(WorkingDays)
        elif "working_hours" in value:
            form = TypeAdapter(WorkingHours)
        else:
            raise ValueError(f"a window is {WINDOW_FORMS}")
    try:
        window: timedelta | WorkingDays | WorkingHours = form.validate_python(value)
    except ValidationError as err:
        raise ValueError(err.errors()[0]["msg"]) from None
    return window


# A promise's window: an ISO 8601 duration or seconds (elapsed), or {"working_days": N} or
# {"working_hours": N} on the migration's calendar.
PromiseWindowIn = Annotated[
    timedelta | WorkingDays | WorkingHours,
    PlainValidator(promise_window),
    WithJsonSchema(
        {
            "anyOf": [
                ELAPSED.json_schema(),
                WorkingDays.model_json_schema(),
                WorkingHours.model_json_schema(),
            ],
            "examples": ["PT48H", {"working_days": 2}, {"working_hours": 16}],
        }
    ),
]


class PolicyIn(Body):
    confirmation: PromiseWindowIn | None = None
    technician_contact: PromiseWindowIn | None = None
    service_restoration: PromiseWindowIn | None = None
    ticket_ack: PromiseWindowIn | None = None
    cut_over: PromiseWindowIn | None = None
    escalation_interval: Window | None = None

    def overrides(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class WorkingHoursIn(Body):
    start: time = Field(examples=["08:00"])
    end: time = Field(examples=["18:00"])

    @model_validator(mode="after")
    def _order(self) -> WorkingHoursIn:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class CalendarIn(Body):
    """Where the customer's line is, for the working days its promises are counted in."""

    country: Annotated[
        str,
        Field(
            pattern=r"^[A-Z]{2}$",
            description="a jurisdiction with compensation tables: IT or GB",
            examples=["IT", "GB"],
        ),
    ] = "IT"
    subdivision: Annotated[
        str | None,
        Field(
            pattern=r"^[A-Z0-9]{1,5}$",
            description="ISO 3166-2 code after the dash: SCT for GB-SCT",
            examples=["SCT"],
        ),
    ] = None
    time_zone: Annotated[
        str | None,
        Field(
            description="default: the jurisdiction's (Europe/Rome, Europe/London)",
            examples=["Europe/Rome"],
        ),
    ] = None
    working_days: Annotated[
        list[Annotated[int, Field(ge=1, le=7)]] | None,
        Field(min_length=1, max_length=7, description="ISO weekdays; default 1 to 5"),
    ] = None
    working_hours: WorkingHoursIn | None = None

    @model_validator(mode="after")
    def _known(self) -> CalendarIn:
        subdivisions = supported_countries().get(self.country)
        if subdivisions is None or self.country not in all_terms():
            known = ", ".join(sorted(all_terms()))
            raise ValueError(f"no compensation tables for country {self.country}: one of {known}")
        if self.subdivision is not None and self.subdivision not in subdivisions:
            raise ValueError(f"{self.country} has no subdivision {self.subdivision}")
        if self.time_zone is not None and self.time_zone not in available_timezones():
            raise ValueError(f"unknown time zone {self.time_zone}")
        if self.working_days is not None and len(set(self.working_days)) != len(self.working_days):
            raise ValueError("working_days must not repeat a day")
        return self


class MigrationIn(Body):
    customer: CustomerIn
    line: LineIn
    losing_operator: Name
    offer: Text
    policy: PolicyIn | None = None
    calendar: CalendarIn | None = Field(
        None, description="default: Italy's (the promises count its working days and holidays)"
    )
    language: Language = Field(
        Language.IT, description="of every message to the customer and of his status page"
    )
    requested_start_date: date | None = Field(
        None,
        description="the earliest day the customer wants the technician: slots are offered "
        "from it (default: today)",
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


def error_responses(
    model: type[BaseModel], described: dict[int, str]
) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` of each refusal status, all in one error shape."""
    return {status: {"model": model, "description": words} for status, words in described.items()}


ERROR_RESPONSES = error_responses(
    ErrorBody,
    {
        401: "missing, unknown, expired or invalid token",
        403: "wrong role, or a token without a known role",
        404: "unknown migration or ticket, or one outside the caller's scope",
        409: "a transition the migration's stage refuses; the message says why",
        413: "body too large",
        422: "invalid body or parameters: each field and why",
        429: "too many writes by this caller: retry after Retry-After seconds",
        503: "Temporal unreachable: retry later, with the same Idempotency-Key",
    },
)


def canonical(value: Any) -> Any:
    """Body as plain JSON types, for hashing a request."""
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value
