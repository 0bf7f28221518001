"""What staff see of the hub beyond each migration: the messages that answered nothing, and
the customers of ours switching away (we are the losing provider)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from api.auth import Principal, Role
from api.deps import ClientDep, allow
from api.schemas import ERROR_RESPONSES
from domain.switching.messages import Parked
from domain.switching.outgoing import OutgoingView
from usecases import switching
from usecases.switching import OutgoingRow

router = APIRouter(prefix="/switching", responses=ERROR_RESPONSES)


@router.get("/unmatched", tags=["supervisors and auditors"], response_model=list[Parked])
async def unmatched(
    client: ClientDep,
    _: Annotated[Principal, Depends(allow(Role.SUPERVISOR, Role.AUDITOR))],
) -> list[Parked]:
    """Messages from the hub that answer no request of ours, newest first, with why."""
    return await switching.unmatched(client)


OutgoingStatus = Annotated[
    str | None, Query(pattern=r"^(new|confirmed|updated|triggered|cancelled|lapsed)$")
]


@router.get(
    "/outgoing", tags=["care", "supervisors and auditors"], response_model=list[OutgoingRow]
)
async def outgoing(
    client: ClientDep,
    _: Annotated[Principal, Depends(allow(Role.CARE, Role.SUPERVISOR, Role.AUDITOR))],
    status: OutgoingStatus = None,
) -> list[OutgoingRow]:
    """Customers of ours switching away through the hub: whose, which services, the planned
    date, where it stands, our answers still owed."""
    return await switching.outgoing_list(client, status)


@router.get(
    "/outgoing/{switch_id}",
    tags=["care", "supervisors and auditors"],
    response_model=OutgoingView,
)
async def outgoing_switch(
    switch_id: Annotated[str, Path(pattern=r"^switch-out-[0-9a-f]{24}$")],
    client: ClientDep,
    _: Annotated[Principal, Depends(allow(Role.CARE, Role.SUPERVISOR, Role.AUDITOR))],
) -> OutgoingView:
    """One outgoing switch: its references, our promises, its timeline in words."""
    return await switching.outgoing_view(client, switch_id)
