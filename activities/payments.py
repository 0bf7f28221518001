"""Payments: the bank mandate, requested only once the contract is effective; the final bill
of a customer who switched away."""

from __future__ import annotations

import httpx
from temporalio import activity

from activities.http import post
from activities.messages import FinalBill, MandateRequest, Receipt


class Payments:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    @activity.defn(name="payments.request_mandate")
    async def request_mandate(self, request: MandateRequest) -> Receipt:
        return await post(self._client, "/mandates", request)

    @activity.defn(name="payments.final_bill")
    async def final_bill(self, bill: FinalBill) -> Receipt:
        """A customer who switched away: billed up to the day before the switch, once."""
        return await post(self._client, "/final-bills", bill)
