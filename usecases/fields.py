"""The field types every request body is made of: strict, so that a refusal names the field
and the reason, and text is taken exactly as sent (never trimmed)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

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
