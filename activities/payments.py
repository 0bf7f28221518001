"""Payments: the bank mandate, requested only once the contract is effective."""

from __future__ import annotations

import httpx
from temporalio import activity

from activities.http import post
from activities.messages import MandateRequest, Receipt


class Payments:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    @activity.defn(name="payments.request_mandate")
    async def request_mandate(self, request: MandateRequest) -> Receipt:
        return await post(self._client, "/mandates", request)
