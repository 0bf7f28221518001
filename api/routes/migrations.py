"""Start, read and list migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from temporalio.client import Client, WorkflowExecution

from api import calendars, jurisdictions, scope
from api import workflow_calls as calls
from api.auth import Principal, Role
from api.deps import ClientDep, IdempotencyKey, SettingsDep, allow, get_principal, writing
from api.errors import ApiError
from api.links import linked, web_ui_url
from api.routes import force_majeure
from api.schemas import (
    ERROR_RESPONSES,
    LineLookupIn,
    MigrationIn,
    MigrationPage,
    MigrationSummary,
    canonical,
)
from domain.commands import StartMigration
from domain.models import Customer, Line, MigrationRequest, OrderRef, Stage
from domain.policy import MigrationPolicy
from domain.views import OfferView, Snapshot
from security import hashing
from settings import Settings
from workflows import search_attributes as sa

router = APIRouter(prefix="/migrations", responses=ERROR_RESPONSES)
PAGE_SIZE = 50  # one page of the supervisors' list


@router.post("", status_code=201, tags=["sales"], response_model=Snapshot)
async def start_migration(
    body: MigrationIn,
    client: ClientDep,
    settings: SettingsDep,
    principal: Annotated[Principal, Depends(writing(Role.SALES))],
    key: IdempotencyKey = None,
) -> Snapshot:
    """Record a proposal: nothing changes on the customer's line until the technician comes."""
    digest = hashing.request_hash(f"start/{principal.subject}", canonical(body))
    return linked(settings, await place(client, settings, body, principal.subject, key, digest))


async def place(
    client: Client,
    settings: Settings,
    body: MigrationIn,
    agent: str,
    key: str | None,
    digest: str,
    order: OrderRef | None = None,
) -> Snapshot:
    """Start a migration for a seller, or for a CRM's product order (`order`): the calendar
    and the jurisdiction's terms resolved now and recorded with it."""
    overrides = body.policy.overrides() if body.policy else {}
    calendar = calendars.resolve(body.calendar, datetime.now(UTC).date())
    terms = jurisdictions.all_terms()[calendar.country]
    request = MigrationRequest(
        customer=Customer(**body.customer.model_dump()),
        line=Line(**body.line.model_dump()),
        losing_operator=body.losing_operator,
        offer=body.offer,
        policy=MigrationPolicy.model_validate(jurisdictions.default_windows(terms) | overrides),
        language=body.language,
        calendar=calendar,
        terms=terms,
        requested_start_date=body.requested_start_date,
        product_order=order,
    )
    line_key = hashing.line_key(settings.api_secret.get_secret_value(), body.line.number)
    start = StartMigration(
        line_key=line_key,
        sales_agent=agent,
        request=request,
        force_majeure=await force_majeure.in_force(client, body.line.area),
    )
    return await calls.start(client, settings.task_queue, f"mig-{line_key}", start, key, digest)


@router.get("/{migration_id}", tags=["everyone"], response_model=Snapshot)
async def get_migration(
    migration_id: str,
    client: ClientDep,
    settings: SettingsDep,
    principal: Annotated[Principal, Depends(get_principal)],
) -> Snapshot:
    """The whole truth: stage, owner of the next step, promises, tickets, escalations.
    Technicians see only their assigned migrations, gateways only their operator's."""
    return linked(settings, await scope.visible_snapshot(client, migration_id, principal))


@router.get("/{migration_id}/slots", tags=["dispatch", "care"], response_model=OfferView)
async def latest_slots(
    migration_id: str,
    client: ClientDep,
    _: Annotated[Principal, Depends(allow(Role.DISPATCH, Role.CARE, Role.SUPERVISOR))],
) -> OfferView:
    """The latest slots offered for the visit. A read: it writes nothing, so a reload or a
    link preview never makes an offer (nor starts a clock-stop); POST slot-offers does."""
    snap = await calls.snapshot(client, migration_id)
    if snap.slot_offer is None:
        raise ApiError(
            404, "not_found", f"no slots offered yet for {migration_id}: POST its slot-offers"
        )
    return snap.slot_offer


@router.post("/lookup", tags=["care", "supervisors and auditors"], response_model=MigrationPage)
async def lookup(
    body: LineLookupIn,
    client: ClientDep,
    settings: SettingsDep,
    _: Annotated[Principal, Depends(allow(Role.CARE, Role.SUPERVISOR, Role.AUDITOR))],
) -> MigrationPage:
    """Every migration of one line, the running one and earlier ones, newest first. The
    number travels in the body (access logs keep URLs) and is searched as its keyed hash."""
    line_key = hashing.line_key(settings.api_secret.get_secret_value(), body.line_number)
    query = f"{sa.LINE_NUMBER.name} = '{line_key}'"
    async with calls.temporal_errors("(lookup)"):
        found = [_summary(settings, w) async for w in client.list_workflows(query, limit=PAGE_SIZE)]
    return MigrationPage(items=found, next_page_token=None)


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
    clauses = ["WorkflowType = 'LineMigrationWorkflow'"]
    if stage is not None:
        clauses.append(f"{sa.STAGE.name} = '{stage.value}'")
    if escalated is not None:
        clauses.append(f"{sa.ESCALATION_LEVEL.name} {'>' if escalated else '='} 0")
    if without_service is not None:
        clauses.append(f"{sa.WITHOUT_SERVICE.name} = {str(without_service).lower()}")
    if losing_operator is not None:
        clauses.append(f"{sa.LOSING_OPERATOR.name} = '{losing_operator}'")
    token = _page_token(settings, page_token) if page_token else None
    pages = client.list_workflows(" AND ".join(clauses), page_size=PAGE_SIZE, next_page_token=token)
    async with calls.temporal_errors("(list)"):
        await pages.fetch_next_page()
    items = [_summary(settings, w) for w in pages.current_page or []]
    nxt = pages.next_page_token
    return MigrationPage(
        items=items,
        next_page_token=hashing.seal(settings.api_secret.get_secret_value(), nxt) if nxt else None,
    )


def _summary(settings: Settings, w: WorkflowExecution) -> MigrationSummary:
    attributes = w.typed_search_attributes
    return MigrationSummary(
        migration_id=w.id,
        status=w.status.name.lower() if w.status else "unknown",
        stage=_stage(attributes.get(sa.STAGE)),
        losing_operator=attributes.get(sa.LOSING_OPERATOR),
        sales_agent=attributes.get(sa.SALES_AGENT),
        technician_id=attributes.get(sa.TECHNICIAN),
        escalation_level=attributes.get(sa.ESCALATION_LEVEL),
        customer_without_service=attributes.get(sa.WITHOUT_SERVICE),
        next_deadline=attributes.get(sa.NEXT_DEADLINE),
        started_at=w.start_time,
        web_ui_url=web_ui_url(settings, w.id),
    )


def _stage(value: str | None) -> Stage | None:
    return Stage(value) if value is not None and value in set(Stage) else None


def _page_token(settings: Settings, sealed: str) -> bytes:
    """Only page tokens this API gave ever reach the server."""
    token = hashing.unseal(settings.api_secret.get_secret_value(), sealed)
    if token is None:
        raise ApiError(422, "invalid_request", "page_token is not a token this API gave")
    return token
