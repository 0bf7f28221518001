"""Force majeure: a supervisor declares it for an area and a period, and every customer
clock of the migrations there stops for the overlap; auditors and care read the register."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends
from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode
from temporalio.workflow import UpdateMethodMultiParam

from api.auth import Principal, Role
from api.deps import ClientDep, IdempotencyKey, SettingsDep, allow, writing
from api.schemas import ERROR_RESPONSES, ForceMajeureIn
from api.workflow_calls import temporal_errors
from domain.models import Declaration
from workflows.force_majeure import (
    REGISTRY_ID,
    Declarations,
    Declare,
    ForceMajeureRegistry,
    Registry,
    Revoke,
)

router = APIRouter(
    prefix="/force-majeure", tags=["supervisors and auditors"], responses=ERROR_RESPONSES
)
C = TypeVar("C", Declare, Revoke)


async def _update(
    client: Client,
    task_queue: str,
    method: UpdateMethodMultiParam[[ForceMajeureRegistry, C], Declaration],
    cmd: C,
    key: str | None,
    action: str,
) -> Declaration:
    """One update of the registry, starting it the first time; a retried request with the
    same Idempotency-Key is the same update."""
    start = WithStartWorkflowOperation(
        ForceMajeureRegistry.run,
        Registry(),
        id=REGISTRY_ID,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        task_queue=task_queue,
        static_summary="The register of force-majeure declarations",
    )
    update_id = f"force-majeure-{action}:{key}" if key else None
    async with temporal_errors(REGISTRY_ID):
        return await client.execute_update_with_start_workflow(
            method, cmd, start_workflow_operation=start, id=update_id
        )


async def in_force(client: Client, area: str | None) -> list[Declaration]:
    """The declarations not revoked for an area: a migration starting there starts with them."""
    if area is None:
        return []
    return [d for d in (await _read(client)).items if d.area == area and d.revoked_at is None]


async def _read(client: Client) -> Declarations:
    handle = client.get_workflow_handle_for(ForceMajeureRegistry.run, REGISTRY_ID)
    async with temporal_errors(REGISTRY_ID):
        try:
            return await handle.query(ForceMajeureRegistry.declarations)
        except RPCError as err:
            if err.status is not RPCStatusCode.NOT_FOUND:
                raise
            return Declarations(items=[])  # nothing was ever declared


@router.post("", status_code=201, response_model=Declaration)
async def declare(
    body: ForceMajeureIn,
    client: ClientDep,
    settings: SettingsDep,
    principal: Annotated[Principal, Depends(writing(Role.SUPERVISOR))],
    key: IdempotencyKey = None,
) -> Declaration:
    """Declare force majeure for an area and a period: the customer-facing clocks of every
    migration there stop for the overlap, and those of migrations started during it too."""
    cmd = Declare(
        area=body.area, start=body.start, end=body.end, reason=body.reason, by=principal.subject
    )
    return await _update(
        client, settings.task_queue, ForceMajeureRegistry.declare, cmd, key, "declare"
    )


@router.get("", response_model=Declarations)
async def declarations(
    client: ClientDep,
    _: Annotated[Principal, Depends(allow(Role.SUPERVISOR, Role.AUDITOR, Role.CARE))],
) -> Any:
    """Every declaration, revoked ones with the time they were."""
    return await _read(client)


@router.delete("/{declaration_id}", response_model=Declaration)
async def revoke(
    declaration_id: str,
    client: ClientDep,
    settings: SettingsDep,
    principal: Annotated[Principal, Depends(writing(Role.SUPERVISOR))],
    key: IdempotencyKey = None,
) -> Declaration:
    """Revoke a declaration: every clock it stopped is counted again as if it never had."""
    cmd = Revoke(declaration_id=declaration_id, by=principal.subject)
    return await _update(
        client, settings.task_queue, ForceMajeureRegistry.revoke, cmd, key, "revoke"
    )
