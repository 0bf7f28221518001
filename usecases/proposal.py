"""What a proposal asks for: the customer, the line, the losing operator and the offer, the
promise windows it overrides and the calendar they count on. Every edge that starts a
migration (a seller's REST call or console, a CRM's product order) hands the use case one."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Annotated, Any
from zoneinfo import available_timezones

from pydantic import (
    ConfigDict,
    Field,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from domain.calendar import WorkingDays, WorkingHours
from domain.models import Language
from domain.switching.request import Voice
from usecases.calendars import supported_countries
from usecases.fields import E164, Area, Body, Text, Window
from usecases.jurisdictions import all_terms

# An operator's name at its gateway (IT), or a provider's RCPID at the hub (GB).
LosingOperator = Annotated[
    str,
    Field(
        pattern=r"^(?:[a-z0-9][a-z0-9_.-]{0,63}|[B-Z][A-Z]{3})$",
        description="the losing operator's name at its gateway (IT), or the losing "
        "provider's RCPID at the One Touch Switch hub (GB)",
        examples=["telecom", "RLOS"],
    ),
]
UK_POSTCODE = r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$"


class CustomerIn(Body):
    name: Text
    phone: E164
    email: Annotated[str, Field(pattern=r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")] | None = None
    surname: Text | None = Field(
        None, description="GB: required, the losing provider matches the customer on it"
    )


class AddressIn(Body):
    """An address as the Post Office writes it (PAF): the house number on the street line."""

    lines: Annotated[list[Text], Field(min_length=1, max_length=10, examples=[["1 High Street"]])]
    post_town: Text
    post_code: Annotated[str, Field(pattern=UK_POSTCODE, examples=["EH1 1AA"])]
    uprn: (
        Annotated[
            str, Field(pattern=r"^[0-9]{1,12}$", description="Unique Property Reference Number")
        ]
        | None
    ) = None

    def one_line(self) -> str:
        return ", ".join([*self.lines, self.post_town, self.post_code])


class LineIn(Body):
    number: E164
    address: Text | AddressIn = Field(
        description="in words; GB: an address as the Post Office writes it (lines, post "
        "town, postcode, UPRN if known)"
    )
    migration_code: (
        Annotated[
            str,
            Field(
                pattern=r"^[A-Za-z0-9]{5,32}$",
                description="IT: required, the losing operator judges whether it matches the line",
                examples=["TIM0A1B2C3"],
            ),
        ]
        | None
    ) = None
    area: Area | None = None
    account_at_losing: Text | None = Field(
        None, description="GB: the customer's account number at the losing provider"
    )
    voice: Voice | None = Field(
        None,
        description="GB: the voice line kept with its number (`port`), ceased (`cease`), "
        "or left with the losing provider (absent: broadband only)",
    )


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
    activation: PromiseWindowIn | None = None
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
    losing_operator: LosingOperator
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
