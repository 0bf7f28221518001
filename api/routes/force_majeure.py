"""Force majeure: a supervisor declares it for an area and a period, and every customer
clock of the migrations there stops for the overlap; auditors and care read the register."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.auth import Principal, Role
from api.deps import ClientDep, IdempotencyKey, SettingsDep, allow, writing
from api.schemas import ERROR_RESPONSES
from domain.models import Declaration
from usecases import force_majeure
from usecases.idempotency import keyed
from usecases.requests import ForceMajeureIn
from workflows.force_majeure import REGISTRY_ID, Declarations

router = APIRouter(
    prefix="/force-majeure", tags=["supervisors and auditors"], responses=ERROR_RESPONSES
)


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
    bound = keyed(key, principal.subject, "declare", REGISTRY_ID, body)
    return await force_majeure.declare(client, settings.task_queue, body, principal.subject, bound)


@router.get("", response_model=Declarations)
async def declarations(
    client: ClientDep,
    _: Annotated[Principal, Depends(allow(Role.SUPERVISOR, Role.AUDITOR, Role.CARE))],
) -> Declarations:
    """Every declaration, revoked ones with the time they were."""
    return await force_majeure.register(client)


@router.delete("/{declaration_id}", response_model=Declaration)
async def revoke(
    declaration_id: str,
    client: ClientDep,
    settings: SettingsDep,
    principal: Annotated[Principal, Depends(writing(Role.SUPERVISOR))],
    key: IdempotencyKey = None,
) -> Declaration:
    """Revoke a declaration: every clock it stopped is counted again as if it never had."""
    bound = keyed(key, principal.subject, "revoke", REGISTRY_ID, declaration_id)
    return await force_majeure.revoke(
        client, settings.task_queue, declaration_id, principal.subject, bound
    )
