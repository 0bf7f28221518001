"""The operator's subscriber system: our own customers, searched when a gaining provider
asks to match one, and their services ceased when a switch away from us is triggered."""

from __future__ import annotations

import httpx
from temporalio import activity

from activities.http import post, post_json
from activities.messages import CeaseOrder, Receipt, SubscriberSearch
from domain.switching.subscribers import Subscriber


class SubscriberSystem:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    @activity.defn(name="subscribers.search")
    async def search(self, asked: SubscriberSearch) -> list[Subscriber]:
        """Everyone at the address (UPRN or postcode), with the account, or the numbers: a
        read, retried while the system is down; the matcher decides among them."""
        answer = await post_json(self._client, "/search", asked)
        return [Subscriber.model_validate(s) for s in answer["subscribers"]]

    @activity.defn(name="subscribers.cease")
    async def cease(self, order: CeaseOrder) -> Receipt:
        """End these services on the activation date, once per key."""
        return await post(self._client, f"/{order.account}/cease", order)
