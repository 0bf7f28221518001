"""The losing operator's gateway: migration orders on the old line."""

from __future__ import annotations

import httpx
from temporalio import activity

from activities.http import post
from activities.messages import LineOrder, OrderRef, Receipt


class LosingOperatorGateway:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    @activity.defn(name="losing_operator.open_order")
    async def open_order(self, order: LineOrder) -> Receipt:
        """Validate line and migration code and register the pending migration (no release)."""
        return await post(self._client, "/orders", order)

    @activity.defn(name="losing_operator.request_release")
    async def request_release(self, ref: OrderRef) -> Receipt:
        return await post(self._client, f"/orders/{ref.migration_id}/release", ref)

    @activity.defn(name="losing_operator.cancel_order")
    async def cancel_order(self, ref: OrderRef) -> Receipt:
        return await post(self._client, f"/orders/{ref.migration_id}/cancel", ref)

    @activity.defn(name="losing_operator.request_reinstatement")
    async def request_reinstatement(self, ref: OrderRef) -> Receipt:
        """Give the customer his old line back after an early cease (make good what broke)."""
        return await post(self._client, f"/orders/{ref.migration_id}/reinstate", ref)
