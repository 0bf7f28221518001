"""A CRM's event listeners: register one (its delivery workflow started, its signing secret
answered once), read, remove and resume it. Every delivery is the worker's, from one
durable workflow per subscription; never an API process's."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from uuid import uuid4

from domain.tmf import hub
from domain.tmf.hub import DeliveryPolicy, DeliveryState, Subscription
from domain.tmf.models import EventSubscription
from security.hashing import listener_secret
from settings import Settings
from usecases import temporal
from usecases import visibility as v
from usecases.callers import Principal
from usecases.errors import Refused, not_found
from usecases.idempotency import Keyed, derived_id, reserve, seen
from workflows import search_attributes as sa
from workflows.event_delivery import REMOVE_SIGNAL, RESUME_SIGNAL, EventDeliveryWorkflow

log = logging.getLogger("api")
DELIVERY_WORKFLOW = "EventDeliveryWorkflow"
# A new subscription answers once visibility lists it: an order placed after the answer is
# announced to it (visibility is eventually consistent; this waits for it, briefly).
VISIBLE_WITHIN_S = 10.0
VISIBILITY_POLL_S = 0.1
REMOVED_WITHIN = timedelta(seconds=10)


def delivery_id(subscription_id: str) -> str:
    return f"tmf-hub-{subscription_id}"


def subscriptions_query(crm: str) -> str:
    """A CRM's live subscriptions, from visibility."""
    return v.workflows_of(DELIVERY_WORKFLOW, v.where(sa.ORDERING_CRM, crm), running=True)


def policy_of(settings: Settings) -> DeliveryPolicy:
    return DeliveryPolicy(
        suspend_after_s=settings.hub_suspend_after_s,
        retry_max_interval_s=settings.hub_retry_max_interval_s,
    )


async def register(
    client: temporal.Client,
    settings: Settings,
    principal: Principal,
    callback: str,
    query: str | None,
    bound: Keyed | None,
) -> EventSubscription:
    """Register a listener for this CRM's orders; the answer carries its `secret`. A request
    sent again with its key registers nothing new: its subscription's id is derived from the
    key, and the same answer comes back; another body with the key is refused."""
    refusal = hub.callback_refusal(callback, settings.hub_callback_hosts)
    if refusal is not None:
        raise Refused(400, "invalid_request", f"invalid request: callback {refusal}")
    try:
        types = hub.event_types(query)
    except ValueError as err:
        raise Refused(400, "invalid_request", f"invalid request: query: {err}") from err
    if bound is not None:
        await reserve(client, settings.task_queue, bound, "hub")
    ident = derived_id(bound) or uuid4().hex
    subscription = Subscription(
        id=ident, crm=principal.subject, callback=callback, query=query, event_types=types
    )
    policy = policy_of(settings)
    how = temporal.Start(
        id=delivery_id(ident),
        task_queue=settings.task_queue,
        summary=f"Events of {principal.subject}'s product orders to {callback}",
        memo={
            "subscription": subscription.model_dump(mode="json"),
            "policy": policy.model_dump(mode="json"),
        },
        search_attributes=sa.of_crm(principal.subject),
    )
    state = DeliveryState(subscription=subscription, policy=policy)
    await temporal.start(client, EventDeliveryWorkflow.run, state, how, once=True)
    await _listed(client, principal.subject, delivery_id(ident))
    secret = listener_secret(settings.hub_signing_key.get_secret_value(), ident)
    return EventSubscription(id=ident, callback=callback, query=query, secret=secret)


async def read(client: temporal.Client, ident: str, principal: Principal) -> EventSubscription:
    """The CRM's own live subscription (suspended or not, events waiting; no secret), or
    404 (another CRM's, or removed)."""
    missing = not_found(f"no subscription {ident}")
    if not ident.isalnum() or len(ident) > 64:
        raise missing
    described = await temporal.describe(client, delivery_id(ident))
    if described is None:
        raise missing
    crm = described.typed_search_attributes.get(sa.ORDERING_CRM)
    if described.status is not temporal.Status.RUNNING or crm != principal.subject:
        raise missing
    memo = Subscription.model_validate(await described.memo_value("subscription"))
    status = await temporal.query(client, EventDeliveryWorkflow.status, delivery_id(ident))
    return EventSubscription(
        id=ident,
        callback=memo.callback,
        query=memo.query,
        suspended=status.suspended,
        pending_events=status.pending,
    )


async def remove(
    client: temporal.Client, task_queue: str, ident: str, principal: Principal, bound: Keyed | None
) -> None:
    """Remove it; answered once its workflow has ended (it stops a delivery in flight), so a
    read right after says 404. A removal sent again with its key is answered as the first."""
    try:
        await read(client, ident, principal)
    except Refused as refused:  # gone: by this very request before, if its key says so
        if refused.status == 404 and bound is not None and await seen(client, bound):
            return
        raise
    if bound is not None:
        await reserve(client, task_queue, bound, delivery_id(ident))
    await temporal.signal(client, delivery_id(ident), REMOVE_SIGNAL)
    await temporal.wait_closed(client, delivery_id(ident), REMOVED_WITHIN)


async def resume(
    client: temporal.Client, task_queue: str, ident: str, principal: Principal, bound: Keyed | None
) -> EventSubscription:
    """Send a suspended listener's kept events again, in order (resuming twice changes
    nothing; the key binds the request all the same)."""
    if bound is not None:
        await reserve(client, task_queue, bound, delivery_id(ident))
    await read(client, ident, principal)
    await temporal.signal(client, delivery_id(ident), RESUME_SIGNAL)
    return await read(client, ident, principal)


async def _listed(client: temporal.Client, crm: str, workflow_id: str) -> None:
    """Wait (briefly) until announcements will find the new subscription; past that, it
    exists all the same and is found a moment later."""
    query = v.all_of(subscriptions_query(crm), v.where(v.WORKFLOW_ID, workflow_id))
    deadline = asyncio.get_running_loop().time() + VISIBLE_WITHIN_S
    while await temporal.count(client, query) == 0:
        if asyncio.get_running_loop().time() > deadline:
            log.warning("subscription %s not yet in visibility", workflow_id)
            return
        await asyncio.sleep(VISIBILITY_POLL_S)
