"""Same-name stand-ins for the activities, recording every effect by its idempotency key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.calendars import extend_calendar
from activities.field_service import booked, slot_list
from activities.http import BUSINESS_REFUSAL
from activities.messages import (
    CeaseOrder,
    CustomerMessage,
    EscalationNotice,
    ExternalCall,
    FinalBill,
    HubPost,
    LineOrder,
    MandateRequest,
    OrderRef,
    Receipt,
    SlotList,
    SlotReservation,
    SlotSearch,
    TicketForward,
    VisitOrder,
    WindowReservation,
)
from domain.commands import Booked
from domain.facts import TABLES, Facts
from domain.force_majeure import REGISTER_ACTIVITY
from domain.models import Declaration
from domain.switching.messages import PARK_ACTIVITY, Parked
from domain.tmf.events import OrderEvent
from schemas import ots_problems
from simulators.capacity import Capacity, Refused, load_roster

Payload = TypeVar("Payload", bound=ExternalCall)
R = TypeVar("R")
ROSTER = Path(__file__).resolve().parents[2] / "config" / "field-service.toml"

SIGNATURES: dict[str, type[ExternalCall]] = {
    "losing_operator.open_order": LineOrder,
    "losing_operator.request_release": OrderRef,
    "losing_operator.cancel_order": OrderRef,
    "losing_operator.request_reinstatement": OrderRef,
    "field_service.book_visit": VisitOrder,
    "field_service.cancel_visit": ExternalCall,
    "field_service.forward_ticket": TicketForward,
    "notifications.notify_customer": CustomerMessage,
    "notifications.escalate": EscalationNotice,
    "payments.request_mandate": MandateRequest,
    "payments.final_bill": FinalBill,
    "subscribers.cease": CeaseOrder,
}


@dataclass
class Call:
    name: str
    key: str
    payload: ExternalCall


@dataclass
class FakeSystems:
    """Dedupes by idempotency key like the real systems: `effects` is what the world saw."""

    rejected_codes: set[str] = field(default_factory=set)
    fail_first_attempts: Counter[str] = field(default_factory=Counter)
    deliveries: list[Call] = field(default_factory=list)
    effects: dict[str, Call] = field(default_factory=dict)
    capacity: Capacity = field(default_factory=lambda: Capacity(load_roster(ROSTER)))
    slot_hold: timedelta = timedelta(minutes=15)
    facts: list[Facts] = field(default_factory=list)  # written to the report's read model
    announced: list[OrderEvent] = field(default_factory=list)  # handed to listeners, retries too
    announce_failures: int = 0  # announcements that fail after handing their events over
    hub_refusals: int = 0  # posts to the hub's letterbox refused for good (a 400)
    parked: list[Parked] = field(default_factory=list)  # hub messages for the supervisors
    register: list[Declaration] = field(default_factory=list)  # the force-majeure register
    register_reads: int = 0  # migrations that asked it, their copy being too old

    def hub_messages(self) -> list[dict[str, Any]]:
        """Every message the hub took from us, once each (a retry is the same message)."""
        return [c.payload.message for c in self.named("ots.send") if isinstance(c.payload, HubPost)]

    def stored(self) -> Facts:
        """The read model as the writes left it (one run chain): each table as last carried."""
        merged = self.facts[0]
        for change in self.facts[1:]:
            carried = {n: getattr(change, n) for n in TABLES if getattr(change, n) is not None}
            merged = merged.model_copy(update={"migration": change.migration, **carried})
        return merged

    def named(self, name: str) -> list[Call]:
        return [c for c in self.effects.values() if c.name == name]

    def payloads(self, name: str, model: type[Payload]) -> list[Payload]:
        """What each effect of this activity carried, typed."""
        found = [c.payload for c in self.named(name)]
        assert all(isinstance(p, model) for p in found)
        return [p for p in found if isinstance(p, model)]

    def order(self) -> list[str]:
        return [c.name for c in self.effects.values()]

    def activities(self) -> list[Any]:
        """Every external system faked; the calendar's holiday look-up is real (a library
        read, with no side effect to record), and field service's capacity is the
        simulator's own, on the development roster."""
        capacity = self._field_service()
        facts = self.facts

        @activity.defn(name="reporting.record_facts")
        async def record_facts(written: Facts) -> None:
            facts.append(written)

        @activity.defn(name="hub.announce")
        async def announce(events: list[OrderEvent]) -> int:
            self.announced.extend(events)
            if self.announce_failures > 0:  # as if the answer were lost: retried whole
                self.announce_failures -= 1
                raise RuntimeError("visibility is down")
            return 1

        @activity.defn(name=REGISTER_ACTIVITY)
        async def register_of_area(area: str) -> list[Declaration]:
            self.register_reads += 1
            return [d for d in self.register if d.area == area]

        return [
            *(self._fake(name, model) for name, model in SIGNATURES.items()),
            *capacity,
            *self._hub(),
            record_facts,
            announce,
            register_of_area,
            extend_calendar,
        ]

    def _hub(self) -> list[Any]:
        @activity.defn(name="ots.send")
        async def send(post: HubPost) -> Receipt:
            self.deliveries.append(Call("ots.send", post.idempotency_key, post))
            if self.fail_first_attempts["ots.send"] > 0:
                self.fail_first_attempts["ots.send"] -= 1
                raise RuntimeError("the hub is down")
            problems = ots_problems(post.message)
            if problems or self.hub_refusals > 0:
                self.hub_refusals = max(0, self.hub_refusals - 1)
                said = "; ".join(problems) or "invalid message format (9006)"
                raise ApplicationError(said, type=BUSINESS_REFUSAL, non_retryable=True)
            self.effects.setdefault(
                post.idempotency_key, Call("ots.send", post.idempotency_key, post)
            )
            return Receipt(reference=post.message["envelope"]["source"]["correlationID"])

        @activity.defn(name=PARK_ACTIVITY)
        async def park(parked: Parked) -> None:
            self.parked.append(parked)

        return [send, park]

    def _field_service(self) -> list[Any]:
        cap = self.capacity

        @activity.defn(name="field_service.search_slots")
        async def search_slots(search: SlotSearch) -> SlotList:
            found = _refusing(
                lambda: cap.search(
                    search.area, search.first_day, search.count, set(search.non_working), _now()
                )
            )
            return slot_list(found)

        @activity.defn(name="field_service.reserve_slot")
        async def reserve_slot(r: SlotReservation) -> Booked:
            key = r.idempotency_key
            return self._reserving(
                "field_service.reserve_slot",
                r,
                lambda: cap.confirm(
                    f"{key}/confirm",
                    cap.hold(
                        f"{key}/hold",
                        r.slot_id,
                        r.work_order,
                        r.migration_id,
                        self.slot_hold,
                        _now(),
                    )["hold_id"],
                    _now(),
                ),
            )

        @activity.defn(name="field_service.reserve_window")
        async def reserve_window(r: WindowReservation) -> Booked:
            return self._reserving(
                "field_service.reserve_window",
                r,
                lambda: cap.reserve(
                    r.idempotency_key,
                    r.work_order,
                    r.migration_id,
                    r.technician_id,
                    r.window_start,
                    r.window_end,
                    _now(),
                ),
            )

        return [search_slots, reserve_slot, reserve_window]

    def _reserving(self, name: str, call: ExternalCall, do: Callable[[], dict[str, str]]) -> Booked:
        """A change to capacity, delivered and (once it is done) recorded like any effect."""
        self.deliveries.append(Call(name, call.idempotency_key, call))
        done = booked(_refusing(do))
        self.effects.setdefault(call.idempotency_key, Call(name, call.idempotency_key, call))
        return done

    def _fake(self, name: str, model: type[ExternalCall]) -> Any:
        async def fake(call: ExternalCall) -> Receipt:
            self.deliveries.append(Call(name, call.idempotency_key, call))
            if self.fail_first_attempts[name] > 0:
                self.fail_first_attempts[name] -= 1
                raise RuntimeError(f"{name} is down")
            if isinstance(call, LineOrder) and call.migration_code in self.rejected_codes:
                raise ApplicationError(
                    "migration code does not match the line",
                    type=BUSINESS_REFUSAL,
                    non_retryable=True,
                )
            self.effects.setdefault(call.idempotency_key, Call(name, call.idempotency_key, call))
            return Receipt(reference=f"ref-{len(self.effects)}")

        fake.__annotations__ = {"call": model, "return": Receipt}
        return activity.defn(name=name)(fake)


def _refusing(do: Callable[[], R]) -> R:
    """Field service's "no" as the real activity raises it: a business refusal."""
    try:
        return do()
    except Refused as err:
        raise ApplicationError(err.reason, type=BUSINESS_REFUSAL, non_retryable=True) from err


def _now() -> datetime:
    return datetime.now(UTC)
