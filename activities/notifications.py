"""Notifications: messages and calls to the customer, escalation notices to staff."""

from __future__ import annotations

import httpx
from temporalio import activity

from activities.http import post
from activities.messages import CustomerMessage, EscalationNotice, Receipt


class Notifications:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    @activity.defn(name="notifications.notify_customer")
    async def notify_customer(self, message: CustomerMessage) -> Receipt:
        return await post(self._client, "/customer", message)

    @activity.defn(name="notifications.escalate")
    async def escalate(self, notice: EscalationNotice) -> Receipt:
        return await post(self._client, "/escalations", notice)
