"""Start a migration, read one, look a line up, list them: the use cases of sales, care,
supervisors and auditors, and of a CRM's product order (which starts one too)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from domain.calendar import in_words
from domain.commands import StartMigration
from domain.models import Customer, Line, MigrationRequest, OrderRef, Stage
from domain.policy import MigrationPolicy
from domain.tmf.facts import ORDER_MEMO
from domain.views import OfferView, Snapshot
from security import hashing
from settings import Settings
from usecases import calendars, force_majeure, jurisdictions, switching, temporal
from usecases import visibility as v
from usecases.callers import Principal
from usecases.errors import in_conflict, invalid, not_found
from usecases.idempotency import Keyed, key_reused, reserve
from usecases.links import linked, web_ui_url
from usecases.proposal import MigrationIn
from usecases.scope import snapshot, visible_snapshot
from workflows import search_attributes as sa
from workflows.line_migration import LineMigrationWorkflow

PAGE_SIZE = 50  # one page of the supervisors' list
MIGRATION = "LineMigrationWorkflow"


class MigrationSummary(BaseModel):
    """One row of a list, read from search attributes alone (no query per migration)."""

    migration_id: str
    status: str
    stage: Stage | None
    losing_operator: str | None
    sales_agent: str | None
    technician_id: str | None
    escalation_level: int | None
    customer_without_service: bool | None
    next_deadline: datetime | None
    started_at: datetime | None
    web_ui_url: str = Field(description="this migration in the Temporal Web UI")


class MigrationPage(BaseModel):
    items: list[MigrationSummary]
    next_page_token: str | None


async def place(
    client: temporal.Client,
    settings: Settings,
    body: MigrationIn,
    agent: str,
    bound: Keyed | None,
    order: OrderRef | None = None,
) -> Snapshot:
    """Start a migration for a seller, or for a CRM's product order (`order`): the calendar
    and the jurisdiction's terms resolved now and recorded with it. A retry with the same
    key and body lands on the same migration; the same key with another body (another
    line, say) is refused and starts nothing."""
    overrides = body.policy.overrides() if body.policy else {}
    calendar = calendars.resolve(body.calendar, datetime.now(UTC).date())
    terms = jurisdictions.all_terms()[calendar.country]
    switch = await switching.switch_request(settings, body, calendar.country)
    line = body.line
    request = MigrationRequest(
        customer=Customer(**body.customer.model_dump(exclude={"surname"})),
        line=Line(
            number=line.number,
            address=line.address if isinstance(line.address, str) else line.address.one_line(),
            migration_code=line.migration_code or "",
            area=line.area,
        ),
        losing_operator=body.losing_operator,
        offer=body.offer,
        policy=MigrationPolicy.model_validate(jurisdictions.default_windows(terms) | overrides),
        language=body.language,
        calendar=calendar,
        terms=terms,
        requested_start_date=body.requested_start_date,
        product_order=order,
        switch=switch,
    )
    line_key = hashing.line_key(settings.api_secret.get_secret_value(), body.line.number)
    declared, read_at = await force_majeure.copy_for(client).in_force(body.line.area)
    start_input = StartMigration(
        line_key=line_key,
        sales_agent=agent,
        request=request,
        force_majeure=declared,
        force_majeure_read_at=read_at,
    )
    migration_id = f"mig-{line_key}"
    if bound is not None:
        await reserve(client, settings.task_queue, bound, migration_id)
        if same := await _earlier_start(client, migration_id, bound):
            return linked(settings, same)
    how = temporal.Start(
        id=migration_id,
        task_queue=settings.task_queue,
        memo=_memo(bound, order, request.offer),
        search_attributes=sa.at_start(
            line_key, request.losing_operator, agent, request.line.area, order
        ),
        summary=f"Line migration from {request.losing_operator}: offer {request.offer}, "
        f"sold by {agent}",
        details=_promised_windows(request.policy),
    )
    if not await temporal.start(client, LineMigrationWorkflow.run, start_input, how, once=False):
        if bound is not None and (same := await _earlier_start(client, migration_id, bound)):
            return linked(settings, same)
        raise in_conflict(
            f"a migration is already running for this line: {migration_id}",
            {"migration_id": migration_id},
        )
    return linked(settings, await snapshot(client, migration_id))


def _memo(bound: Keyed | None, order: OrderRef | None, offer: str) -> dict[str, Any] | None:
    """What visibility shows beside the search attributes: a keyed start's key and
    fingerprint (compared with a retry), a product order's static facts (a CRM's list is
    read from visibility alone). Only what is needed: the memo is history bytes."""
    memo: dict[str, Any] = {}
    if bound is not None:
        memo |= {"idempotency_key": bound.scoped, "request_hash": bound.digest}
    if order is not None:
        memo |= {ORDER_MEMO: {"ref": order.model_dump(mode="json"), "offer": offer}}
    return memo or None


def _promised_windows(p: MigrationPolicy) -> str:
    """The Web UI's static details: the windows this migration promises, once, in words."""
    return (
        f"Confirmation within {in_words(p.confirmation)}, the technician's call within "
        f"{in_words(p.technician_contact)} of it, service restored within "
        f"{in_words(p.service_restoration)}, tickets acknowledged within {in_words(p.ticket_ack)}, "
        f"the old line released within {in_words(p.cut_over)} of activation. A broken promise "
        f"escalates at once, then one level every {in_words(p.escalation_interval)}, up to level 3."
    )


async def _earlier_start(
    client: temporal.Client, migration_id: str, bound: Keyed
) -> Snapshot | None:
    """The migration this very keyed request already started, if it did."""
    described = await temporal.describe(client, migration_id)
    if described is None or await described.memo_value("idempotency_key", None) != bound.scoped:
        return None
    if await described.memo_value("request_hash", None) != bound.digest:
        raise key_reused()
    return await snapshot(client, migration_id)


async def view(
    client: temporal.Client, settings: Settings, migration_id: str, principal: Principal
) -> Snapshot:
    """The whole truth, within the caller's scope, with its links."""
    return linked(settings, await visible_snapshot(client, migration_id, principal))


async def latest_slots(client: temporal.Client, migration_id: str) -> OfferView:
    snap = await snapshot(client, migration_id)
    if snap.slot_offer is None:
        raise not_found(f"no slots offered yet for {migration_id}: POST its slot-offers")
    return snap.slot_offer


async def lookup(client: temporal.Client, settings: Settings, line_number: str) -> MigrationPage:
    """Every migration of one line, newest first, searched by its keyed hash."""
    line_key = hashing.line_key(settings.api_secret.get_secret_value(), line_number)
    found = await temporal.listed(client, v.where(sa.LINE_NUMBER, line_key), PAGE_SIZE)
    return MigrationPage(items=[_summary(settings, w) for w in found], next_page_token=None)


async def listing(
    client: temporal.Client,
    settings: Settings,
    stage: Stage | None,
    escalated: bool | None,
    without_service: bool | None,
    losing_operator: str | None,
    page_token: str | None,
) -> MigrationPage:
    """One page of migrations from visibility (the same data as the Web UI)."""
    clauses = []
    if stage is not None:
        clauses.append(v.where(sa.STAGE, stage.value))
    if escalated is not None:
        clauses.append(v.where(sa.ESCALATION_LEVEL, 0, ">" if escalated else "="))
    if without_service is not None:
        clauses.append(v.where(sa.WITHOUT_SERVICE, without_service))
    if losing_operator is not None:
        clauses.append(v.where(sa.LOSING_OPERATOR, losing_operator))
    secret = settings.api_secret.get_secret_value()
    token = _page_token(secret, page_token) if page_token else None
    rows, following = await temporal.page(
        client, v.workflows_of(MIGRATION, *clauses), PAGE_SIZE, token
    )
    return MigrationPage(
        items=[_summary(settings, w) for w in rows],
        next_page_token=hashing.seal(secret, following) if following else None,
    )


def _summary(settings: Settings, w: temporal.Listed) -> MigrationSummary:
    attributes = w.typed_search_attributes
    stage = attributes.get(sa.STAGE)
    return MigrationSummary(
        migration_id=w.id,
        status=w.status.name.lower() if w.status else "unknown",
        stage=Stage(stage) if stage is not None and stage in set(Stage) else None,
        losing_operator=attributes.get(sa.LOSING_OPERATOR),
        sales_agent=attributes.get(sa.SALES_AGENT),
        technician_id=attributes.get(sa.TECHNICIAN),
        escalation_level=attributes.get(sa.ESCALATION_LEVEL),
        customer_without_service=attributes.get(sa.WITHOUT_SERVICE),
        next_deadline=attributes.get(sa.NEXT_DEADLINE),
        started_at=w.start_time,
        web_ui_url=web_ui_url(settings, w.id),
    )


def _page_token(secret: str, sealed: str) -> bytes:
    """Only page tokens this API gave ever reach the server."""
    token = hashing.unseal(secret, sealed)
    if token is None:
        raise invalid("page_token is not a token this API gave")
    return token
