"""Event subscriptions (the hub): a CRM registers a listener for its orders' events, gets its
signing secret once, removes it, and resumes it once suspended (our extension). Every
delivery is the worker's, from a durable workflow per subscription; never this process's."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from uuid import uuid4

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.service import RPCError, RPCStatusCode

from activities.hub import delivery_id, subscriptions_query
from api import workflow_calls as calls
from api.auth import Principal
from api.deps import ClientDep, SettingsDep
from api.errors import ApiError
from api.tmf.callers import CrmReading, CrmWriting
from api.tmf.orders import TMF_ERRORS
from domain.tmf import hub
from domain.tmf.hub import DeliveryPolicy, DeliveryState, Subscription
from domain.tmf.models import BASE_PATH, EventSubscription, EventSubscriptionInput
from security.hashing import listener_secret
from settings import Settings
from workflows import search_attributes as sa
from workflows.event_delivery import REMOVE_SIGNAL, RESUME_SIGNAL, EventDeliveryWorkflow

log = logging.getLogger("api")
router = APIRouter(prefix=BASE_PATH, tags=["TM Forum: events"], responses=TMF_ERRORS)
# A new subscription answers once visibility lists it: an order placed after the answer is
# announced to it (visibility is eventually consistent; this waits for it, briefly).
VISIBLE_WITHIN_S = 10.0
REMOVED_WITHIN_S = 10.0


@router.post("/hub", status_code=201, response_model=EventSubscription)
async def register_listener(
    body: EventSubscriptionInput,
    client: ClientDep,
    settings: SettingsDep,
    principal: CrmWriting,
) -> JSONResponse:
    """Register a listener for this CRM's orders. The answer carries its `secret` (our
    extension), once: each delivery is signed with it (`X-Hub-Signature-256`)."""
    refusal = hub.callback_refusal(body.callback, settings.hub_callback_hosts)
    if refusal is not None:
        raise ApiError(400, "invalid_request", f"invalid request: callback {refusal}")
    try:
        types = hub.event_types(body.query)
    except ValueError as err:
        raise ApiError(400, "invalid_request", f"invalid request: query: {err}") from err
    ident = uuid4().hex
    subscription = Subscription(
        id=ident, crm=principal.subject, callback=body.callback, query=body.query, event_types=types
    )
    policy = policy_of(settings)
    async with calls.temporal_errors(delivery_id(ident)):
        await client.start_workflow(
            EventDeliveryWorkflow.run,
            DeliveryState(subscription=subscription, policy=policy),
            id=delivery_id(ident),
            task_queue=settings.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            memo={
                "subscription": subscription.model_dump(mode="json"),
                "policy": policy.model_dump(mode="json"),
            },
            search_attributes=TypedSearchAttributes(
                [SearchAttributePair(sa.ORDERING_CRM, principal.subject)]
            ),
            static_summary=f"Events of {principal.subject}'s product orders to {body.callback}",
        )
        await _listed(client, principal.subject, delivery_id(ident))
    secret = listener_secret(settings.hub_signing_key.get_secret_value(), ident)
    answer = EventSubscription(id=ident, callback=body.callback, query=body.query, secret=secret)
    return JSONResponse(answer.wire(), status_code=201)


@router.get("/hub/{id}", response_model=EventSubscription)
async def read_listener(id: str, client: ClientDep, principal: CrmReading) -> JSONResponse:
    """A listener's state (our extension): suspended or not, events waiting. No secret."""
    return JSONResponse((await _view(client, id, principal)).wire())


@router.delete("/hub/{id}", status_code=204)
async def remove_listener(id: str, client: ClientDep, principal: CrmWriting) -> Response:
    await _tell(client, id, principal, REMOVE_SIGNAL)
    # Answered once it has ended (it stops a delivery in flight): GET then says 404.
    with contextlib.suppress(TimeoutError):
        handle = client.get_workflow_handle(delivery_id(id))
        await asyncio.wait_for(handle.result(), REMOVED_WITHIN_S)
    return Response(status_code=204)


@router.post("/hub/{id}/resume", response_model=EventSubscription)
async def resume_listener(id: str, client: ClientDep, principal: CrmWriting) -> JSONResponse:
    """Our extension: send a suspended listener's kept events again, in order."""
    await _tell(client, id, principal, RESUME_SIGNAL)
    return JSONResponse((await _view(client, id, principal)).wire())


async def _tell(client: Client, ident: str, principal: Principal, signal: str) -> None:
    """Signal the CRM's own live subscription's delivery workflow (404 if not its own)."""
    await _view(client, ident, principal)
    async with calls.temporal_errors(ident):
        await client.get_workflow_handle(delivery_id(ident)).signal(signal)


async def _view(client: Client, ident: str, principal: Principal) -> EventSubscription:
    """The CRM's own live subscription, or 404 (another CRM's, or removed)."""
    missing = ApiError(404, "not_found", f"no subscription {ident}")
    if not ident.isalnum() or len(ident) > 64:
        raise missing
    handle = client.get_workflow_handle_for(EventDeliveryWorkflow.run, delivery_id(ident))
    async with calls.temporal_errors(ident):
        try:
            described = await handle.describe()
        except RPCError as err:
            if err.status is RPCStatusCode.NOT_FOUND:
                raise missing from err
            raise
        crm = described.typed_search_attributes.get(sa.ORDERING_CRM)
        if described.status is not WorkflowExecutionStatus.RUNNING or crm != principal.subject:
            raise missing
        memo = Subscription.model_validate(await described.memo_value("subscription"))
        status = await handle.query(EventDeliveryWorkflow.status)
    return EventSubscription(
        id=ident,
        callback=memo.callback,
        query=memo.query,
        suspended=status.suspended,
        pending_events=status.pending,
    )


async def _listed(client: Client, crm: str, workflow_id: str) -> None:
    """Wait (briefly) until announcements will find the new subscription; past that, it
    exists all the same and is found a moment later."""
    query = f"{subscriptions_query(crm)} AND WorkflowId = '{workflow_id}'"
    deadline = asyncio.get_running_loop().time() + VISIBLE_WITHIN_S
    while (await client.count_workflows(query)).count == 0:
        if asyncio.get_running_loop().time() > deadline:
            log.warning("subscription %s not yet in visibility", workflow_id)
            return
        await asyncio.sleep(0.1)


def policy_of(settings: Settings) -> DeliveryPolicy:
    return DeliveryPolicy(
        suspend_after_s=settings.hub_suspend_after_s,
        retry_max_interval_s=settings.hub_retry_max_interval_s,
    )
