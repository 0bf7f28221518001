"""What each role can do from the console, as forms: the same updates, validations and
refusals as the REST API, with the refusal shown in words on the page."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import ValidationError
from temporalio.client import Client

from api import scope
from api.actions import BY_FORM, StaffAction
from api.actions import perform as perform_action
from api.auth import Principal
from api.rate_limit import WriteLimiter
from api.schemas import Body
from domain.models import Actor
from settings import Settings

B = TypeVar("B", bound=Body)
LOCAL_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")  # what datetime-local sends


def _utc(value: str) -> str:
    """A datetime-local field, labelled UTC on the page, as an aware timestamp."""
    return f"{value}:00+00:00" if LOCAL_MINUTE.fullmatch(value) else value


class Refused(Exception):
    """An action the console could not do, with the reason in words."""


def parse(action: StaffAction[B, Any, Any], form: dict[str, str]) -> B:
    """The form as the API's body: empty optional fields are absent, errors are words."""
    fields = {k: _utc(v) for k, v in form.items() if k in action.body.model_fields and v != ""}
    try:
        return action.body.model_validate(fields)
    except ValidationError as err:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}" for e in err.errors()
        )
        raise Refused(reasons) from err


async def perform(
    client: Client,
    settings: Settings,
    limiter: WriteLimiter,
    principal: Principal,
    migration_id: str,
    name: str,
    form: dict[str, str],
    key: str,
) -> None:
    action = BY_FORM.get(name)
    if action is None or principal.role not in action.roles:
        raise Refused(f"a {principal.role.value} cannot do this")
    body = parse(action, form)
    limiter.take(principal)
    await scope.check(client, migration_id, principal)
    actor = Actor(subject=principal.subject, role=principal.role.value)
    path = {p: form.get(p, "") for p in action.path_parameters}
    await perform_action(action, client, settings, actor, key, migration_id, body, path)
