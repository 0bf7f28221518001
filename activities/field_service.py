"""Field service: technicians' capacity (slots searched, held, confirmed), work orders and the
tickets routed to them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from temporalio import activity

from activities.http import post, post_json
from activities.messages import (
    ExternalCall,
    Receipt,
    SlotList,
    SlotReservation,
    SlotSearch,
    TicketForward,
    VisitOrder,
    WindowReservation,
)
from domain.commands import Booked
from domain.records import Slot


class FieldService:
    def __init__(self, client: httpx.AsyncClient, hold: timedelta = timedelta(minutes=15)) -> None:
        self._client = client
        self._hold_s = hold.total_seconds()

    @activity.defn(name="field_service.search_slots")
    async def search_slots(self, search: SlotSearch) -> SlotList:
        """Free slots from field service's capacity (a read: no key, nothing reserved)."""
        answer = await post_json(self._client, "/slots/search", search)
        return slot_list(answer["slots"])

    @activity.defn(name="field_service.reserve_slot")
    async def reserve_slot(self, r: SlotReservation) -> Booked:
        """Hold the slot, then confirm the hold. Each step has its own key, so a retry after
        a crash in between gets the same hold back and confirms it; a hold that expired
        meanwhile is refused, and its unit was freed."""
        hold = await post_json(self._client, "/holds", _step(r, "hold"), hold_s=self._hold_s)
        done = await post_json(
            self._client, f"/holds/{hold['hold_id']}/confirm", _step(r, "confirm")
        )
        return booked(done)

    @activity.defn(name="field_service.reserve_window")
    async def reserve_window(self, r: WindowReservation) -> Booked:
        """A manual booking: the technician for the window, refused if he is busy then."""
        return booked(await post_json(self._client, "/reservations", r))

    @activity.defn(name="field_service.book_visit")
    async def book_visit(self, order: VisitOrder) -> Receipt:
        """Book or move the visit with no capacity check: kept registered so migrations
        started before slot booking replay and finish as they began."""
        return await post(self._client, "/visits", order)

    @activity.defn(name="field_service.cancel_visit")
    async def cancel_visit(self, call: ExternalCall) -> Receipt:
        """Cancel the migration's visit; field service frees its unit."""
        return await post(self._client, f"/visits/{call.migration_id}/cancel", call)

    @activity.defn(name="field_service.forward_ticket")
    async def forward_ticket(self, ticket: TicketForward) -> Receipt:
        return await post(self._client, "/tickets", ticket)


def slot_list(found: list[dict[str, Any]]) -> SlotList:
    """Field service's slots as offered: id and window (its unit counts change by the minute)."""
    return SlotList(
        slots=[Slot(slot_id=s["slot_id"], start=s["start"], end=s["end"]) for s in found]
    )


def _step(r: SlotReservation, step: str) -> SlotReservation:
    return r.model_copy(update={"idempotency_key": f"{r.idempotency_key}/{step}"})


def booked(answer: dict[str, str]) -> Booked:
    """What field service confirmed, as the migration records it."""
    return Booked.model_validate(
        {
            "technician_id": answer["technician_id"],
            "window_start": answer["window_start"],
            "window_end": answer["window_end"],
            "work_order_id": answer["reference"],
        }
    )
