"""What each role can do from the console, as forms: the same updates, validations and
refusals as the REST API, with the refusal shown in words on the page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, available_timezones

from pydantic import ValidationError

from api.actions import BY_FORM
from api.auth import Principal
from api.rate_limit import WriteLimiter
from api.staff_action import StaffAction
from api.staff_action import perform as perform_action
from settings import Settings
from usecases import temporal
from usecases.errors import invalid
from usecases.fields import Body

B = TypeVar("B", bound=Body)
LOCAL_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")  # what datetime-local sends


def _aware(value: str, zone: str) -> str:
    """A datetime-local field, typed in the zone the page names, as an aware timestamp; a
    wall-clock time the change of clocks skips or repeats is refused in words."""
    if not LOCAL_MINUTE.fullmatch(value):
        return value
    naive, tz = datetime.fromisoformat(value), ZoneInfo(zone)
    early, late = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if early.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise invalid(
            f"{value} does not exist in {zone} (the clocks go forward that night): "
            "choose another time"
        )
    if early.utcoffset() != late.utcoffset():
        raise invalid(
            f"{value} happens twice in {zone} (the clocks go back that night): "
            "choose a time outside that hour"
        )
    return early.isoformat()


def _zone(form: dict[str, str]) -> str:
    zone = form.get("time_zone", "UTC")
    if zone not in available_timezones() and zone != "UTC":
        raise invalid(f"unknown time zone {zone}")
    return zone


def parse(action: StaffAction[B, Any, Any], form: dict[str, str]) -> B:
    """The form as the API's body: empty optional fields are absent, errors are words."""
    zone = _zone(form)
    fields = {
        k: _aware(v, zone) for k, v in form.items() if k in action.body.model_fields and v != ""
    }
    try:
        return action.body.model_validate(fields)
    except ValidationError as err:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}" for e in err.errors()
        )
        raise invalid(reasons) from err


async def perform(
    client: temporal.Client,
    settings: Settings,
    limiter: WriteLimiter,
    principal: Principal,
    migration_id: str,
    name: str,
    form: dict[str, str],
    key: str,
) -> None:
    """A form's action, as the REST route does it: the same use case, key and refusals."""
    action = BY_FORM.get(name)
    if action is None or principal.role not in action.roles:
        raise invalid(f"a {principal.role.value} cannot do this")
    body = parse(action, form)
    limiter.take(principal)
    path = {p: form.get(p, "") for p in action.path_parameters}
    await perform_action(action, client, settings, principal, migration_id, body, path, key)
