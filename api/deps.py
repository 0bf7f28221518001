"""Dependencies: the one Temporal client, the caller's identity and role, idempotency key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import Principal, Role
from api.identity import Identity
from api.rate_limit import WriteLimiter
from observability.logs import request_context
from settings import Settings
from usecases.errors import Refused
from usecases.temporal import Client

bearer = HTTPBearer(
    auto_error=False, description="a JWT from the OpenID Connect provider (or a development token)"
)


def get_client(request: Request) -> Client:
    client: Client = request.app.state.client
    return client


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None:
        raise Refused(401, "unauthorized", "missing bearer token")
    identity: Identity = request.app.state.identity
    principal = await identity.who(credentials.credentials)
    context = request_context.get()
    if context is not None:  # every log line of this request names who acted
        context.update(subject=principal.subject, role=principal.role.value)
    return principal


def allow(*roles: Role) -> Callable[[Principal], Principal]:
    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise Refused(
                403,
                "forbidden",
                f"role {principal.role.value} may not do this (allowed: {allowed})",
            )
        return principal

    return check


def writing(*roles: Role) -> Callable[..., Any]:
    """`allow`, and one write spent from the caller's rate limit."""

    async def spend(request: Request, principal: Principal = Depends(allow(*roles))) -> Principal:  # noqa: B008
        limiter: WriteLimiter = request.app.state.limiter
        limiter.take(principal)
        return principal

    return spend


ClientDep = Annotated[Client, Depends(get_client)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="retries with the same key and body do nothing new",
    ),
]
