"""What every simulated system shares: a record of calls deduped by idempotency key, and faults."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field


class System(StrEnum):
    LOSING_OPERATOR = "losing_operator"
    FIELD_SERVICE = "field_service"
    NOTIFICATIONS = "notifications"
    PAYMENTS = "payments"
    LISTENER = "listener"  # a CRM's event listener (TM Forum hub callbacks)
    SUBSCRIBERS = "subscribers"  # the operator's subscriber system (our own customers)
    HUB = "hub"  # the One Touch Switch hub's letterbox


class CallRecord(BaseModel):
    system: System
    action: str
    migration_id: str
    idempotency_key: str
    deliveries: int
    first_received_at: datetime
    body: dict[str, Any]
    response: dict[str, Any]


class FaultSpec(BaseModel):
    """Trouble to inject into one system; counts are consumed call by call."""

    system: System
    fail_next: int = Field(0, ge=0, description="answer the next N calls with `status`")
    status: int = Field(503, ge=400, le=599)
    hang_next: int = Field(0, ge=0, description="hold the next N calls for `hang_s` seconds")
    hang_s: float = Field(0.0, ge=0, le=120)
    fail_for_s: float = Field(0.0, ge=0, le=600, description="answer `status` for this long")
    latency_s: float = Field(0.0, ge=0, le=30, description="added to every call")
    reject_migration_codes: list[str] = Field(
        default_factory=list, description="losing operator: codes that do not match the line"
    )
    release_callback_delay_s: float | None = Field(None, ge=0, le=600)
    action: str | None = Field(
        None, description="only calls of this action (e.g. `confirm_hold`) are caught"
    )


@dataclass
class Faults:
    fail_next: int = 0
    status: int = 503
    hang_next: int = 0
    hang_s: float = 0.0
    latency_s: float = 0.0
    action: str | None = None
    fail_until: float = 0.0  # monotonic


@dataclass
class Recorder:
    calls: dict[tuple[System, str], CallRecord] = field(default_factory=dict)
    faults: dict[System, Faults] = field(default_factory=dict)
    rejected_codes: set[str] = field(default_factory=set)
    release_callback_delay_s: float | None = None
    faulted: int = 0

    def inject(self, spec: FaultSpec) -> None:
        until = time.monotonic() + spec.fail_for_s if spec.fail_for_s else 0.0
        self.faults[spec.system] = Faults(
            spec.fail_next,
            spec.status,
            spec.hang_next,
            spec.hang_s,
            spec.latency_s,
            spec.action,
            until,
        )
        self.rejected_codes |= set(spec.reject_migration_codes)
        if spec.release_callback_delay_s is not None:
            self.release_callback_delay_s = spec.release_callback_delay_s

    def clear(self) -> None:
        self.faults.clear()
        self.rejected_codes.clear()
        self.release_callback_delay_s = None

    async def trouble(self, system: System, action: str) -> int | None:
        """Apply injected faults; the status to answer instead of the real one, if any."""
        f = self.faults.get(system)
        if f is None or f.action not in (None, action):
            return None
        if f.latency_s:
            await asyncio.sleep(f.latency_s)
        if f.hang_next > 0:
            f.hang_next -= 1
            self.faulted += 1
            await asyncio.sleep(f.hang_s)
        if f.fail_until > time.monotonic():
            self.faulted += 1
            return f.status
        if f.fail_next > 0:
            f.fail_next -= 1
            self.faulted += 1
            return f.status
        return None

    def seen(self, system: System, key: str) -> CallRecord | None:
        """A repeated delivery of an effect already done: counted, not done again."""
        record = self.calls.get((system, key))
        if record is not None:
            record.deliveries += 1
        return record

    def record(
        self, system: System, action: str, key: str, body: dict[str, Any], response: dict[str, Any]
    ) -> CallRecord:
        record = CallRecord(
            system=system,
            action=action,
            migration_id=str(body.get("migration_id", "")),
            idempotency_key=key,
            deliveries=1,
            first_received_at=datetime.now(UTC),
            body=body,
            response=response,
        )
        self.calls[(system, key)] = record
        return record


def recorder(request: Request) -> Recorder:
    found: Recorder = request.app.state.recorder
    return found


async def effect(
    request: Request,
    system: System,
    action: str,
    key: str,
    body: dict[str, Any],
    response: dict[str, Any] | None = None,
) -> JSONResponse:
    """Answer a call once per key: faults first, then dedupe, then the effect itself."""
    rec = recorder(request)
    status = await rec.trouble(system, action)
    if status is not None:
        return JSONResponse({"detail": f"{system.value} injected fault"}, status_code=status)
    previous = rec.seen(system, key)
    if previous is not None:
        return JSONResponse(previous.response)
    answer = {"reference": f"{system.value}-{len(rec.calls) + 1}", **(response or {})}
    rec.record(system, action, key, body, answer)
    return JSONResponse(answer, status_code=201)
