"""What people do to a migration: one POST route per entry of `api.actions.ACTIONS`, each an
update the workflow validates before anything is written to history."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api.actions import ACTIONS
from api.auth import Principal, Role
from api.deps import ClientDep, IdempotencyKey, SettingsDep, writing
from api.schemas import ERROR_RESPONSES
from api.staff_action import StaffAction, perform
from settings import Settings
from usecases import temporal

router = APIRouter(prefix="/migrations/{migration_id}", responses=ERROR_RESPONSES)


@dataclass(frozen=True)
class Caller:
    """Who acts (subject and role from the token only), with their Idempotency-Key."""

    client: temporal.Client
    settings: Settings
    principal: Principal
    key: str | None


def acting(roles: frozenset[Role]) -> Any:
    """The caller, within the action's roles and the rate limit (the use case checks the
    caller's scope)."""

    async def caller(
        client: ClientDep,
        settings: SettingsDep,
        key: IdempotencyKey = None,
        # A default, not Annotated: the string annotation could not see `roles`.
        principal: Principal = Depends(writing(*roles)),  # noqa: B008
    ) -> Caller:
        return Caller(client, settings, principal, key)

    return Depends(caller)


def endpoint(action: StaffAction[Any, Any, Any]) -> Callable[..., Awaitable[Any]]:
    """The route's function, with the signature FastAPI reads: the path's parameters, the
    action's body type (validated, and named in the OpenAPI document) and the caller."""

    async def run(migration_id: str, body: Any, caller: Caller, **path: str) -> Any:
        return await perform(
            action,
            caller.client,
            caller.settings,
            caller.principal,
            migration_id,
            body,
            path,
            caller.key,
        )

    plain = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [
        inspect.Parameter("migration_id", plain, annotation=str),
        *(inspect.Parameter(p, plain, annotation=str) for p in action.path_parameters),
        inspect.Parameter("body", plain, annotation=action.body),
        inspect.Parameter("caller", plain, annotation=Annotated[Caller, acting(action.roles)]),
    ]
    run.__signature__ = inspect.Signature(parameters, return_annotation=action.answer)  # type: ignore[attr-defined]  # FastAPI reads the signature we give it
    run.__name__ = run.__qualname__ = action.name.replace("-", "_")
    run.__doc__ = action.doc
    return run


for _action in ACTIONS:
    router.add_api_route(
        _action.path,
        endpoint(_action),
        methods=["POST"],
        response_model=_action.answer,
        status_code=_action.status_code,
        tags=list(_action.tags),
    )
