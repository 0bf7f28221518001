"""Force majeure: a supervisor declares it for an area and a period, and every customer
clock of the migrations there stops for the overlap; auditors and care read the register."""

from __future__ import annotations

from typing import TypeVar

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
    return await _update(client, task_queue, ForceMajeureRegistry.declare, cmd, bound, "declare")


async def revoke(
    client: temporal.Client, task_queue: str, declaration_id: str, by: str, bound: Keyed | None
) -> Declaration:
    """Revoke a declaration: every clock it stopped is counted again as if it never had."""
    cmd = Revoke(declaration_id=declaration_id, by=by)
    return await _update(client, task_queue, ForceMajeureRegistry.revoke, cmd, bound, "revoke")


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


async def in_force(client: temporal.Client, area: str | None) -> list[Declaration]:
    """The declarations not revoked for an area: a migration starting there starts with them."""
    if area is None:
        return []
    return [d for d in (await register(client)).items if d.area == area and d.revoked_at is None]
