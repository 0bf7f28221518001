"""Event subscriptions' side effects: handing a migration's order events to each listener's
delivery workflow, and one delivery to one listener, signed."""

from __future__ import annotations

import json

import httpx
from temporalio import activity
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

from domain.tmf import hub
from domain.tmf.events import OrderEvent
from domain.tmf.hub import Delivery, DeliveryPolicy, DeliveryState, Subscription
from security.hashing import delivery_signature, listener_secret

DELIVERY_WORKFLOW = "EventDeliveryWorkflow"
EVENTS_SIGNAL = "events"
NOT_ALLOWED = "NotAllowed"


def delivery_id(subscription_id: str) -> str:
    return f"tmf-hub-{subscription_id}"


def subscriptions_query(crm: str) -> str:
    """A CRM's live subscriptions, from visibility (the API admits only CRM subjects that
    are safe inside a query: `api/tmf/callers.py`)."""
    return (
        f"WorkflowType = '{DELIVERY_WORKFLOW}' AND ExecutionStatus = 'Running' "
        f"AND OrderingCrm = '{crm}'"
    )


class OrderHub:
    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self._task_queue = task_queue

    @activity.defn(name="hub.announce")
    async def announce(self, events: list[OrderEvent]) -> int:
        """Signal-with-start each live subscription of the order's CRM with the events it
        wants; a subscription removed meanwhile is not started again (its id is never
        reused). Retried whole: each listener takes an event once (by order and sequence)."""
        told = 0
        async for found in self._client.list_workflows(subscriptions_query(events[0].crm)):
            memo = await found.memo()
            subscription = Subscription.model_validate(memo["subscription"])
            wanted = [e for e in events if hub.wants(subscription, e)]
            if not wanted:
                continue
            start = DeliveryState(
                subscription=subscription, policy=DeliveryPolicy.model_validate(memo["policy"])
            )
            try:
                await self._client.start_workflow(
                    DELIVERY_WORKFLOW,
                    start,
                    id=found.id,
                    task_queue=self._task_queue,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                    start_signal=EVENTS_SIGNAL,
                    start_signal_args=[wanted],
                )
            except WorkflowAlreadyStartedError:  # removed since it was listed
                continue
            told += 1
        return told


class Listeners:
    def __init__(self, http: httpx.AsyncClient, signing_key: str, hosts: list[str]) -> None:
        self._http = http
        self._signing_key = signing_key
        self._hosts = hosts

    @activity.defn(name="hub.deliver")
    async def deliver(self, delivery: Delivery) -> None:
        """POST one event, signed with the subscription's secret (derived here, now); any
        answer but 2xx, or none in time, is retried by the workflow's policy."""
        refusal = hub.callback_refusal(delivery.callback, self._hosts)
        if refusal is not None:
            raise ApplicationError(f"callback {refusal}", type=NOT_ALLOWED, non_retryable=True)
        body = json.dumps(delivery.event.body, separators=(",", ":")).encode()
        secret = listener_secret(self._signing_key, delivery.subscription_id)
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": delivery_signature(secret, body),
            "X-Event-Id": delivery.event.body["eventId"],
        }
        response = await self._http.post(delivery.callback, content=body, headers=headers)
        activity.logger.info(  # ids and status only: the event carries personal data
            "listener %s answered %s",
            delivery.subscription_id,
            response.status_code,
            extra={"fields": {"event_id": headers["X-Event-Id"], "status": response.status_code}},
        )
        if not response.is_success:
            raise ApplicationError(f"the listener answered {response.status_code}")
