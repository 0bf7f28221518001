"""Notifications: messages and calls to the customer, escalation notices to staff."""

from __future__ import annotations

import httpx
from temporalio import activity

from activities.http import post
from activities.messages import CustomerMessage, EscalationNotice, Receipt
from domain.words.messages import STATUS_LINK
from security.status_links import StatusLinks


class Notifications:
    def __init__(self, client: httpx.AsyncClient, links: StatusLinks, public_url: str) -> None:
        self._client = client
        self._links, self._public_url = links, public_url

    @activity.defn(name="notifications.notify_customer")
    async def notify_customer(self, message: CustomerMessage) -> Receipt:
        """Send the message with the customer's status link, which only this side can sign."""
        link = (
            f"{self._public_url}/status/{self._links.token(message.migration_id, message.chain_id)}"
        )
        text = message.text.replace(STATUS_LINK, link)
        return await post(self._client, "/customer", message.model_copy(update={"text": text}))

    @activity.defn(name="notifications.escalate")
    async def escalate(self, notice: EscalationNotice) -> Receipt:
        return await post(self._client, "/escalations", notice)
