"""What staff see of the hub beyond each migration: the messages that answered nothing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.auth import Principal, Role
from api.deps import ClientDep, allow
from api.schemas import ERROR_RESPONSES
from domain.switching.messages import Parked
from usecases import switching

router = APIRouter(prefix="/switching", responses=ERROR_RESPONSES)


@router.get("/unmatched", tags=["supervisors and auditors"], response_model=list[Parked])
async def unmatched(
    client: ClientDep,
    _: Annotated[Principal, Depends(allow(Role.SUPERVISOR, Role.AUDITOR))],
) -> list[Parked]:
    """Messages from the hub that answer no request of ours, newest first, with why."""
    return await switching.unmatched(client)
