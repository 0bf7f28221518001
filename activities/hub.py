"""An event subscription's side effect: one delivery to one listener, rendered as TMF622 with
this API's public address (an order's events carry neutral facts) and signed."""

from __future__ import annotations

import json

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.tmf import hub
from domain.tmf.hub import Delivery
from security.hashing import delivery_signature, listener_secret

NOT_ALLOWED = "NotAllowed"


class Listeners:
    def __init__(
        self, http: httpx.AsyncClient, signing_key: str, hosts: list[str], public_url: str
    ) -> None:
        self._http = http
        self._signing_key = signing_key
        self._hosts = hosts
        self._public_url = public_url  # the order's links: this API's address

    @activity.defn(name="hub.deliver")
    async def deliver(self, delivery: Delivery) -> None:
        """POST one event, signed with the subscription's secret (derived here, now); any
        answer but 2xx, or none in time, is retried by the workflow's policy."""
        refusal = hub.callback_refusal(delivery.callback, self._hosts)
        if refusal is not None:
            raise ApplicationError(f"callback {refusal}", type=NOT_ALLOWED, non_retryable=True)
        event = delivery.event.rendered(self._public_url)
        body = json.dumps(event, separators=(",", ":")).encode()
        secret = listener_secret(self._signing_key, delivery.subscription_id)
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": delivery_signature(secret, body),
            "X-Event-Id": event["eventId"],
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
