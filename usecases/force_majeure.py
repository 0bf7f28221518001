"""Force majeure: a supervisor declares it for an area and a period, and every customer
clock of the migrations there stops for the overlap; auditors and care read the register."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import TypeVar
from weakref import WeakKeyDictionary

from domain.models import Declaration
from usecases import temporal
from usecases.idempotency import Keyed, reserve
from usecases.requests import ForceMajeureIn
from workflows.force_majeure import (
    REGISTRY_ID,
    Declarations,
    Declare,
    ForceMajeureRegistry,
    Registry,
    Revoke,
)

C = TypeVar("C", Declare, Revoke)


async def declare(
    client: temporal.Client, task_queue: str, body: ForceMajeureIn, by: str, bound: Keyed | None
) -> Declaration:
    """Declare force majeure for an area and a period: the customer-facing clocks of every
    migration there stop for the overlap, and those of migrations started during it too."""
    cmd = Declare(area=body.area, start=body.start, end=body.end, reason=body.reason, by=by)
    declared = await _update(
        client, task_queue, ForceMajeureRegistry.declare, cmd, bound, "declare"
    )
    copy_for(client).forget()
    return declared


async def revoke(
    client: temporal.Client, task_queue: str, declaration_id: str, by: str, bound: Keyed | None
) -> Declaration:
    """Revoke a declaration: every clock it stopped is counted again as if it never had."""
    cmd = Revoke(declaration_id=declaration_id, by=by)
    revoked = await _update(client, task_queue, ForceMajeureRegistry.revoke, cmd, bound, "revoke")
    copy_for(client).forget()
    return revoked


async def _update(
    client: temporal.Client,
    task_queue: str,
    method: temporal.Update[C, Declaration],
    cmd: C,
    bound: Keyed | None,
    action: str,
) -> Declaration:
    """One update of the registry, starting it the first time. The register keeps no ledger
    of keys, so a key is reserved first: the same key with another body is refused before
    anything is declared, and a retry of the same request is the same update."""
    if bound is not None:
        await reserve(client, task_queue, bound, REGISTRY_ID)
    start = temporal.Start(
        id=REGISTRY_ID, task_queue=task_queue, summary="The register of force-majeure declarations"
    )
    update_id = bound.update_id(f"force-majeure-{action}") if bound else None
    return await temporal.update_with_start(
        client, method, cmd, ForceMajeureRegistry.run, Registry(), start, update_id
    )


async def register(client: temporal.Client) -> Declarations:
    """Every declaration, revoked ones with the time they were."""
    found = await temporal.query_or_none(client, ForceMajeureRegistry.declarations, REGISTRY_ID)
    return found or Declarations(items=[])  # nothing was ever declared


def of_area(register: Declarations, area: str | None) -> list[Declaration]:
    """An area's declarations, revoked ones included (a migration may need to drop one)."""
    return [d for d in register.items if d.area == area] if area is not None else []


class RegisterCopy:
    """This process's copy of the register, read again once it is a second old: starts take
    the declarations in force from it, not from the registry (every start asking the one
    registry workflow queued them all behind it). Each start records when its copy was read;
    a migration whose copy was too old when it started asks the register itself, and the
    registry's second pass tells those started while copies still lacked a change."""

    REREAD_AFTER_S = 1.0  # well inside COPY_FRESH_FOR: a start rarely needs to ask again

    def __init__(self, client: temporal.Client) -> None:
        self._client = client
        self._register = Declarations(items=[])
        self._read_at: datetime | None = None
        self._read_mono = float("-inf")
        self._reading = asyncio.Lock()

    async def in_force(self, area: str | None) -> tuple[list[Declaration], datetime]:
        """The area's declarations not revoked, and when the register was read."""
        async with self._reading:  # concurrent starts share one read
            if self._read_at is None or time.monotonic() - self._read_mono > self.REREAD_AFTER_S:
                asked_at, asked_mono = datetime.now(UTC), time.monotonic()
                self._register = await register(self._client)
                self._read_at, self._read_mono = asked_at, asked_mono
            declared = [d for d in of_area(self._register, area) if d.revoked_at is None]
            return declared, self._read_at

    def forget(self) -> None:
        """A declaration or revocation made through this process: read again at the next start."""
        self._read_mono = float("-inf")


_copies: WeakKeyDictionary[temporal.Client, RegisterCopy] = WeakKeyDictionary()


def copy_for(client: temporal.Client) -> RegisterCopy:
    """One copy per Temporal client (a process has one; tests have several)."""
    if client not in _copies:
        _copies[client] = RegisterCopy(client)
    return _copies[client]
