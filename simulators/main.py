"""Simulated external systems: the losing operator's gateway, field service, notifications,
payments, a CRM's event listener, the One Touch Switch hub (`simulators/hub.py`) and the
operator's subscriber system (`simulators/subscribers.py`). Each records every call, does each effect once per
idempotency key, and takes injected faults, so tests can prove what the real systems would
have seen."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Body, FastAPI, Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from settings import get_settings
from simulators import hub, subscribers
from simulators.capacity import Capacity, Refused, load_roster
from simulators.recorder import CallRecord, FaultSpec, Recorder, System, effect, recorder

log = logging.getLogger("simulators")
Key = Annotated[str, Header(alias="Idempotency-Key", min_length=1)]
Payload = Annotated[dict[str, Any], Body()]

DEFAULT_HOLD_S = 15 * 60
# Bounded retries for the release callback: the API may be restarting.
CALLBACK_ATTEMPTS = 10
CALLBACK_BACKOFF_S = 1.0


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """One pooled client for the gateway's callbacks, as a real gateway keeps one."""
    settings = get_settings()
    async with httpx.AsyncClient(base_url=settings.api_url, timeout=10) as client:
        app.state.api = client
        yield


app = FastAPI(title="External systems simulator", lifespan=lifespan)
app.state.recorder = Recorder()
app.state.capacity = Capacity(load_roster(get_settings().field_service_roster))
app.state.callbacks = set()
app.state.received = {}  # listener name: the deliveries it accepted
app.state.hub = hub.Hub(subscribers=list(hub.SEED))
app.state.subscribers = list(subscribers.SEED)


losing = APIRouter(prefix="/losing-operator", tags=["losing operator"])


@losing.post("/orders")
async def open_order(request: Request, key: Key, body: Payload) -> JSONResponse:
    if body.get("migration_code") in recorder(request).rejected_codes:
        return JSONResponse({"detail": "migration code does not match the line"}, status_code=422)
    return await effect(request, System.LOSING_OPERATOR, "open_order", key, body)


@losing.post("/orders/{migration_id}/release")
async def release(request: Request, migration_id: str, key: Key, body: Payload) -> JSONResponse:
    """Cease the old line; the gateway confirms the release to the API some time later."""
    return await effect_with_callback(
        request, "release", key, body, f"/migrations/{migration_id}/line-release", {}
    )


@losing.post("/orders/{migration_id}/reinstate")
async def reinstate(request: Request, migration_id: str, key: Key, body: Payload) -> JSONResponse:
    """Give the customer back the old line he lost; the gateway says so once it works."""
    return await effect_with_callback(
        request,
        "request_reinstatement",
        key,
        body,
        f"/migrations/{migration_id}/service-restored",
        {"how": "old_line_reinstated", "notes": "old line reinstated by the losing operator"},
    )


@losing.post("/orders/{migration_id}/cancel")
async def cancel_order(
    request: Request, migration_id: str, key: Key, body: Payload
) -> JSONResponse:
    return await effect(request, System.LOSING_OPERATOR, "cancel_order", key, body)


async def effect_with_callback(
    request: Request,
    action: str,
    key: str,
    body: dict[str, Any],
    path: str,
    report: dict[str, Any],
) -> JSONResponse:
    """An effect the real gateway confirms later with a call to the API: once per key."""
    fresh = recorder(request).calls.get((System.LOSING_OPERATOR, key)) is None
    answer = await effect(request, System.LOSING_OPERATOR, action, key, body)
    if fresh and answer.status_code == 201:
        task = asyncio.create_task(call_back(request.app, path, report, key))
        request.app.state.callbacks.add(task)
        task.add_done_callback(request.app.state.callbacks.discard)
    return answer


async def call_back(app: FastAPI, path: str, report: dict[str, Any], key: str) -> None:
    """Tell the API what the gateway did, as the real one does some time later."""
    settings = get_settings()
    delay = app.state.recorder.release_callback_delay_s
    await asyncio.sleep(settings.release_callback_delay_s if delay is None else delay)
    headers = {
        "Authorization": f"Bearer {settings.simulator_operator_token}",
        "Idempotency-Key": f"{key}/callback",
    }
    client: httpx.AsyncClient = app.state.api
    for _ in range(CALLBACK_ATTEMPTS):
        try:
            r = await client.post(path, json=report, headers=headers)
            if r.status_code < 500:
                log.info("gateway callback %s: %s", path, r.status_code)
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(CALLBACK_BACKOFF_S)
    log.error("gateway callback %s gave up", path)


field = APIRouter(prefix="/field-service", tags=["field service"])


@field.post("/visits")
async def book_visit(request: Request, key: Key, body: Payload) -> JSONResponse:
    """Migrations from before slot booking: a visit recorded with no capacity check."""
    return await effect(request, System.FIELD_SERVICE, "book_visit", key, body)


@field.post("/visits/{migration_id}/cancel")
async def cancel_visit(
    request: Request, migration_id: str, key: Key, body: Payload
) -> JSONResponse:
    answer = await effect(request, System.FIELD_SERVICE, "cancel_visit", key, body)
    if answer.status_code < 300:
        capacity(request).cancel(migration_id)
    return answer


class SlotSearchIn(BaseModel):
    area: str
    first_day: date
    count: int = Field(ge=1, le=50)
    non_working: list[date] = []


@field.post("/slots/search")
async def search_slots(request: Request, search: SlotSearchIn) -> JSONResponse:
    """Free slots from capacity (a read: nothing held, nothing recorded)."""
    status = await recorder(request).trouble(System.FIELD_SERVICE, "search_slots")
    if status is not None:
        return JSONResponse({"detail": "field_service injected fault"}, status_code=status)
    try:
        found = capacity(request).search(
            search.area, search.first_day, search.count, set(search.non_working), _now()
        )
    except Refused as err:
        return JSONResponse({"detail": err.reason}, status_code=err.status)
    return JSONResponse({"slots": found})


@field.post("/holds")
async def hold(request: Request, key: Key, body: Payload) -> JSONResponse:
    """Hold a unit of the slot for `hold_s` seconds; unconfirmed, it is freed again."""
    ttl = timedelta(seconds=float(body.get("hold_s", DEFAULT_HOLD_S)))
    return await capacity_effect(
        request,
        "hold",
        key,
        body,
        lambda cap, now: cap.hold(
            key, str(body["slot_id"]), str(body["work_order"]), str(body["migration_id"]), ttl, now
        ),
    )


@field.post("/holds/{hold_id}/confirm")
async def confirm_hold(request: Request, hold_id: str, key: Key, body: Payload) -> JSONResponse:
    """Confirm a live hold: the technician is assigned, the work order's earlier unit freed."""
    return await capacity_effect(
        request, "confirm_hold", key, body, lambda cap, now: cap.confirm(key, hold_id, now)
    )


@field.post("/holds/{hold_id}/release", status_code=204)
async def release_hold(request: Request, hold_id: str) -> None:
    capacity(request).release(hold_id)


@field.post("/reservations")
async def reserve(request: Request, key: Key, body: Payload) -> JSONResponse:
    """A manual booking: this technician for this window, if he is free then."""
    return await capacity_effect(
        request,
        "reserve",
        key,
        body,
        lambda cap, now: cap.reserve(
            key,
            str(body["work_order"]),
            str(body["migration_id"]),
            str(body["technician_id"]),
            datetime.fromisoformat(str(body["window_start"])),
            datetime.fromisoformat(str(body["window_end"])),
            now,
        ),
    )


@field.get("/bookings")
async def bookings(request: Request, technician_id: str | None = None) -> list[dict[str, str]]:
    """Confirmed visits still standing (control: what field service has on its books)."""
    return [
        {**r.answer(), "migration_id": r.migration_id, "work_order": r.work_order}
        for r in capacity(request).booked(technician_id)
    ]


@field.get("/slots/{slot_id}")
async def slot_units(request: Request, slot_id: str) -> dict[str, Any]:
    """How many units of a slot are free now (control)."""
    cap = capacity(request)
    try:
        area, start, end = cap.slot_window(slot_id)
    except Refused as err:
        return {"slot_id": slot_id, "error": err.reason}
    free = cap.free(area, start, end, _now())
    return {
        "slot_id": slot_id,
        "free_units": len(free),
        "technicians": len(cap.roster[area].technicians),
    }


async def capacity_effect(
    request: Request,
    action: str,
    key: str,
    body: dict[str, Any],
    do: Callable[[Capacity, datetime], dict[str, str]],
) -> JSONResponse:
    """A capacity change, once per key: faults first, then the change, checked and made in
    one step (nothing awaits in between), then recorded."""
    rec = recorder(request)
    status = await rec.trouble(System.FIELD_SERVICE, action)
    if status is not None:
        return JSONResponse({"detail": "field_service injected fault"}, status_code=status)
    previous = rec.seen(System.FIELD_SERVICE, key)
    if previous is not None:
        return JSONResponse(previous.response, status_code=201)
    try:
        answer = do(capacity(request), _now())
    except Refused as err:
        return JSONResponse({"detail": err.reason}, status_code=err.status)
    rec.record(System.FIELD_SERVICE, action, key, body, answer)
    return JSONResponse(answer, status_code=201)


def capacity(request: Request) -> Capacity:
    found: Capacity = request.app.state.capacity
    return found


def _now() -> datetime:
    return datetime.now(UTC)


@field.post("/tickets")
async def forward_ticket(request: Request, key: Key, body: Payload) -> JSONResponse:
    return await effect(request, System.FIELD_SERVICE, "forward_ticket", key, body)


notifications = APIRouter(prefix="/notifications", tags=["notifications"])


@notifications.post("/customer")
async def notify_customer(request: Request, key: Key, body: Payload) -> JSONResponse:
    return await effect(request, System.NOTIFICATIONS, f"customer:{body.get('kind')}", key, body)


@notifications.post("/escalations")
async def escalate(request: Request, key: Key, body: Payload) -> JSONResponse:
    action = f"escalation:{body.get('promise')}:{body.get('level')}"
    return await effect(request, System.NOTIFICATIONS, action, key, body)


payments = APIRouter(prefix="/payments", tags=["payments"])


@payments.post("/mandates")
async def request_mandate(request: Request, key: Key, body: Payload) -> JSONResponse:
    return await effect(request, System.PAYMENTS, "mandate", key, body)


@payments.post("/final-bills")
async def final_bill(request: Request, key: Key, body: Payload) -> JSONResponse:
    return await effect(request, System.PAYMENTS, "final_bill", key, body)


listener = APIRouter(prefix="/listener", tags=["event listener"])


class Received(BaseModel):
    """One delivery a listener accepted, as it came: the raw body and the signature header,
    so a test can check the signature with the secret it was given; and when (the lag)."""

    event_id: str
    event_type: str
    signature: str | None
    body: str
    received_at: datetime


@listener.post("/{name}", status_code=204, response_model=None)
async def receive_event(request: Request, name: str) -> Response:
    """A CRM's listener: records every delivery it accepts (repeats included, to count
    them); injected faults make it fail as a listener that is down would."""
    status = await recorder(request).trouble(System.LISTENER, "receive")
    if status is not None:
        return JSONResponse({"detail": "listener injected fault"}, status_code=status)
    raw = (await request.body()).decode()
    event = json.loads(raw)
    received: dict[str, list[Received]] = request.app.state.received
    received.setdefault(name, []).append(
        Received(
            event_id=event["eventId"],
            event_type=event["eventType"],
            signature=request.headers.get("X-Hub-Signature-256"),
            body=raw,
            received_at=datetime.now(UTC),
        )
    )
    return Response(status_code=204)


@listener.get("/{name}")
async def events_received(request: Request, name: str) -> list[Received]:
    found: list[Received] = request.app.state.received.get(name, [])
    return found


control = APIRouter(tags=["control"])


@control.get("/calls")
async def calls(request: Request, migration_id: str | None = None) -> list[CallRecord]:
    """One entry per distinct side effect; `deliveries` counts how often it was received."""
    return [
        c
        for c in recorder(request).calls.values()
        if migration_id is None or c.migration_id == migration_id
    ]


@control.post("/faults", status_code=204)
async def inject(request: Request, spec: FaultSpec) -> None:
    recorder(request).inject(spec)


@control.get("/faults")
async def faulted(request: Request) -> dict[str, int]:
    """How many calls the injected faults have caught so far (failed or held)."""
    return {"faulted": recorder(request).faulted}


@control.delete("/faults", status_code=204)
async def clear(request: Request) -> None:
    recorder(request).clear()


@control.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


for router in (
    losing,
    field,
    notifications,
    payments,
    listener,
    control,
    hub.router,
    subscribers.router,
):
    app.include_router(router)
