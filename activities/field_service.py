"""Field service: technicians' work orders and the tickets routed to them."""

from __future__ import annotations

import httpx
from temporalio import activity

from activities.http import post
from activities.messages import ExternalCall, Receipt, TicketForward, VisitOrder


class FieldService:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    @activity.defn(name="field_service.book_visit")
    async def book_visit(self, order: VisitOrder) -> Receipt:
        """Book or move the migration's visit; each revision is one idempotent effect."""
        return await post(self._client, "/visits", order)

    @activity.defn(name="field_service.cancel_visit")
    async def cancel_visit(self, call: ExternalCall) -> Receipt:
        return await post(self._client, f"/visits/{call.migration_id}/cancel", call)

    @activity.defn(name="field_service.forward_ticket")
    async def forward_ticket(self, ticket: TicketForward) -> Receipt:
        return await post(self._client, "/tickets", ticket)
