"""Start, read and list migrations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import Principal, Role
from api.deps import ClientDep, IdempotencyKey, SettingsDep, allow, get_principal, writing
from api.schemas import ERROR_RESPONSES
from domain.models import Stage
from domain.views import OfferView, Snapshot
from usecases import migrations
from usecases.idempotency import keyed
from usecases.migrations import MigrationPage
from usecases.proposal import MigrationIn
from usecases.requests import LineLookupIn

router = APIRouter(prefix="/migrations", responses=ERROR_RESPONSES)


@router.post("", status_code=201, tags=["sales"], response_model=Snapshot)
async def start_migration(
    body: MigrationIn,
    client: ClientDep,
    settings: SettingsDep,
    principal: Annotated[Principal, Depends(writing(Role.SALES))],
    key: IdempotencyKey = None,
) -> Snapshot:
    """Record a proposal: nothing changes on the customer's line until the technician comes."""
    bound = keyed(key, principal.subject, "start", "migrations", body)
    return await migrations.place(client, settings, body, principal.subject, bound)


@router.get("/{migration_id}", tags=["everyone"], response_model=Snapshot)
async def get_migration(
    migration_id: str,
    client: ClientDep,
    settings: SettingsDep,
    principal: Annotated[Principal, Depends(get_principal)],
) -> Snapshot:
    """The whole truth: stage, owner of the next step, promises, tickets, escalations.
    Technicians see only their assigned migrations, gateways only their operator's."""
    return await migrations.view(client, settings, migration_id, principal)


@router.get("/{migration_id}/slots", tags=["dispatch", "care"], response_model=OfferView)
async def latest_slots(
    migration_id: str,
    client: ClientDep,
    _: Annotated[Principal, Depends(allow(Role.DISPATCH, Role.CARE, Role.SUPERVISOR))],
) -> OfferView:
    """The latest slots offered for the visit. A read: it writes nothing, so a reload or a
    link preview never makes an offer (nor starts a clock-stop); POST slot-offers does."""
    return await migrations.latest_slots(client, migration_id)


@router.post("/lookup", tags=["care", "supervisors and auditors"], response_model=MigrationPage)
async def lookup(
    body: LineLookupIn,
    client: ClientDep,
    settings: SettingsDep,
    _: Annotated[Principal, Depends(allow(Role.CARE, Role.SUPERVISOR, Role.AUDITOR))],
) -> MigrationPage:
    """Every migration of one line, the running one and earlier ones, newest first. The
    number travels in the body (access logs keep URLs) and is searched as its keyed hash."""
    return await migrations.lookup(client, settings, body.line_number)


@router.get("", tags=["supervisors and auditors"], response_model=MigrationPage)
async def list_migrations(
    client: ClientDep,
    settings: SettingsDep,
    _: Annotated[Principal, Depends(allow(Role.SUPERVISOR, Role.AUDITOR, Role.CARE))],
    stage: Stage | None = None,
    escalated: bool | None = None,
    without_service: bool | None = None,
    losing_operator: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")] = None,
    page_token: Annotated[str | None, Query(max_length=4096)] = None,
) -> MigrationPage:
    """Filter migrations from Temporal visibility (the same data as the Web UI)."""
    return await migrations.listing(
        client, settings, stage, escalated, without_service, losing_operator, page_token
    )
