"""A staff action at the edge: what a person does to a migration, typed from request body to
answer, with its REST route and console form; and the one way both edges perform it. The
table of actions is `api/actions.py`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar, get_type_hints

from pydantic import BaseModel

from domain.commands import Command
from domain.models import Role
from domain.views import Snapshot
from settings import Settings
from usecases import actions, temporal
from usecases.actions import Update
from usecases.callers import Principal
from usecases.fields import Body
from usecases.idempotency import keyed

B = TypeVar("B", bound=Body)
C = TypeVar("C", bound=Command)
R = TypeVar("R", bound=BaseModel)

PATH_PARAMETER = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class StaffAction(Generic[B, C, R]):
    """One thing a person does to a migration, typed from request body to answer."""

    # Part of every update id and request hash: renaming one would make a retried request
    # look new. Never rename.
    name: str
    body: type[B]
    command: type[C]
    update: Update[C, R]
    roles: frozenset[Role]
    path: str  # under /migrations/{migration_id}; its other parameters go to the command
    tags: tuple[str, ...]
    doc: str  # the route's description in the OpenAPI document
    form: str  # the console's form: /console/migrations/{id}/<form>, templates/forms/<form>.html
    label: str  # the console's heading for the form
    done: str  # what the console says once it worked
    # When the console offers the form on a migration's page; None: beside each open ticket.
    offered: Callable[[Snapshot], bool] | None
    status_code: int = 200

    @property
    def path_parameters(self) -> tuple[str, ...]:
        return tuple(PATH_PARAMETER.findall(self.path))

    @property
    def answer(self) -> type[R]:
        """What the update answers, read from its own signature (the route's response model)."""
        answer: type[R] = get_type_hints(self.update)["return"]
        return answer


async def perform(
    action: StaffAction[B, C, R],
    client: temporal.Client,
    settings: Settings,
    principal: Principal,
    migration_id: str,
    body: B,
    path: dict[str, str],
    key: str | None,
) -> R:
    """The action's use case, its Idempotency-Key bound to its caller and request the same
    way whether it came through REST or a console form."""
    bound = keyed(key, principal.subject, action.name, migration_id, [body, path])
    return await actions.perform(
        client,
        settings,
        principal,
        migration_id,
        action.name,
        action.update,
        action.command,
        body,
        path,
        bound,
    )
