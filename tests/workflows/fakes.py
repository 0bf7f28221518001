"""Same-name stand-ins for the activities, recording every effect by its idempotency key."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeVar

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.calendars import extend_calendar
from activities.http import BUSINESS_REFUSAL
from activities.messages import (
    CustomerMessage,
    EscalationNotice,
    ExternalCall,
    LineOrder,
    MandateRequest,
    OrderRef,
    Receipt,
    TicketForward,
    VisitOrder,
)

Payload = TypeVar("Payload", bound=ExternalCall)

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
        read, with no side effect to record)."""
        return [*(self._fake(name, model) for name, model in SIGNATURES.items()), extend_calendar]

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
