"""What a person does to a migration (staff through REST or the console, the customer on
his status page, a CRM amending or cancelling its order): one command, run as the
workflow's update, which checks it before anything is written to history."""

from __future__ import annotations

from typing import TypeVar, cast

from pydantic import BaseModel

from domain.commands import Command
from domain.views import Snapshot
from settings import Settings
from usecases import temporal
from usecases.callers import Principal
from usecases.idempotency import Keyed
from usecases.links import linked
from usecases.scope import check

C = TypeVar("C", bound=Command)
R = TypeVar("R")
Update = temporal.Update[C, R]


async def run(
    client: temporal.Client,
    migration_id: str,
    method: Update[C, R],
    cmd: C,
    operation: str,
    bound: Keyed | None,
) -> R:
    """Run one command; with a key, the command carries it and its fingerprint (the
    migration's ledger refuses the key with another body) and its update id makes the
    server answer a retry with the first answer."""
    if bound is not None:
        cmd = cmd.model_copy(update={"idempotency_key": bound.scoped, "request_hash": bound.digest})
    update_id = bound.update_id(operation) if bound else None
    return await temporal.update(client, migration_id, method, cmd, update_id)


async def perform(
    client: temporal.Client,
    settings: Settings,
    principal: Principal,
    migration_id: str,
    operation: str,
    method: Update[C, R],
    command: type[C],
    body: BaseModel,
    path: dict[str, str],
    bound: Keyed | None,
) -> R:
    """A staff action: the caller's scope checked, the body turned into the command (the
    actor always from the token), the answer linked when it is a snapshot."""
    await check(client, migration_id, principal)
    cmd = command(actor=principal.actor, **body.model_dump(), **path)
    answer = await run(client, migration_id, method, cmd, operation, bound)
    if isinstance(answer, Snapshot):
        return cast(R, linked(settings, answer))  # R is Snapshot here: linked keeps the type
    return answer
