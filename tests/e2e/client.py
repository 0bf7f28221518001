"""Talking to a running stack over real HTTP, as its users do: tokens, bodies, polling."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

import httpx

TOKENS = {
    "sales": "dev-sales",
    "dispatch": "dev-dispatch",
    "technician": "dev-tech-luca",
    "care": "dev-care",
    "operator": "dev-operator",
    "supervisor": "dev-supervisor",
    "auditor": "dev-auditor",
    "crm": "dev-crm",
}
SARA = "dev-tech-sara"
# A background step (an activity, a timer, visibility) shows well within this on a loaded
# 2-core machine; tests poll for it with this deadline, never sleep a fixed time.
SHOWS_WITHIN_S = 60.0
BOOKING_ATTEMPTS = 20  # each lost slot is answered with fresh ones


def auth(role_or_token: str, key: str | None = None) -> dict[str, str]:
    token = TOKENS.get(role_or_token, role_or_token)
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


def new_line() -> str:
    """A random Rome number: ten random digits keep thousands of migrations apart."""
    return f"+3906{random.randrange(10**9, 10**10)}"


def migration_body(code: str = "TIM12345", **policy: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer": {"name": "Mario Rossi", "phone": "+393331234567", "email": "m@example.it"},
        "line": {
            "number": new_line(),
            "address": "Via Roma 1, Roma",
            "migration_code": code,
            "area": "RM",
        },
        "losing_operator": "telecom",
        "offer": "fibra-1000",
    }
    if policy:
        body["policy"] = policy
    return body


def window(hours_from_now: float = 2, length_h: float = 4) -> dict[str, str]:
    start = datetime.now(UTC) + timedelta(hours=hours_from_now)
    return {
        "window_start": start.isoformat(),
        "window_end": (start + timedelta(hours=length_h)).isoformat(),
    }


# Windows booked by hand: each an evening a day later than the last, so the same technician
# can take them all (field service refuses a technician booked twice at once), and after
# every slot ends (18:00), so no booking from a slot clashes with one.
EVENING = clock_time(18, 30)
ROME = ZoneInfo("Europe/Rome")
_manual_windows = itertools.count(1)


def visit_window(length_h: float = 4) -> dict[str, str]:
    """An evening window from tomorrow on that overlaps no other booked by this process."""
    day = datetime.now(ROME).date() + timedelta(days=next(_manual_windows))
    start = datetime.combine(day, EVENING, ROME)
    return {
        "window_start": start.isoformat(),
        "window_end": (start + timedelta(hours=length_h)).isoformat(),
    }


async def book_manually(
    api: httpx.AsyncClient, mid: str, technician: str = "luca", length_h: float = 4
) -> httpx.Response:
    """A supervisor books a named technician for a window (the emergency route)."""
    return await api.post(
        f"/migrations/{mid}/appointment/manual",
        json={"technician_id": technician, **visit_window(length_h)},
        headers=auth("supervisor"),
    )


async def book(api: httpx.AsyncClient, mid: str, role: str = "dispatch") -> dict[str, Any]:
    """Book the visit as dispatch does: ask for slots, choose the first; a slot someone took
    meanwhile is answered with fresh slots, and the first of those is chosen."""
    r = await post(api, f"/migrations/{mid}/slot-offers", {"count": 6}, role)
    assert r.status_code == 201, r.text
    slots = r.json()["slots"]
    for _ in range(BOOKING_ATTEMPTS):
        r = await post(
            api, f"/migrations/{mid}/appointment", {"slot_id": slots[0]["slot_id"]}, role
        )
        if r.status_code == 200:
            snap: dict[str, Any] = r.json()
            return snap
        assert r.status_code == 409, r.text
        slots = r.json()["error"]["details"]["slots"]
    raise AssertionError(f"no slot could be booked for {mid}")


def technician_of(snap: dict[str, Any]) -> str:
    """The development token of the technician field service assigned."""
    return f"dev-tech-{snap['appointment']['technician_id']}"


async def create(api: httpx.AsyncClient, **policy: Any) -> str:
    r = await api.post("/migrations", json=migration_body(**policy), headers=auth("sales"))
    assert r.status_code == 201, r.text
    return str(r.json()["migration_id"])


async def until(
    api: httpx.AsyncClient, migration_id: str, check: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """Poll the snapshot until a background step shows in it."""
    snap: dict[str, Any] = {}
    deadline = time.monotonic() + SHOWS_WITHIN_S
    while time.monotonic() < deadline:
        try:
            r = await api.get(f"/migrations/{migration_id}", headers=auth("auditor"))
        except httpx.TimeoutException:  # a query lost as the workflow closed: ask again
            continue
        snap = r.json()
        if r.status_code == 200 and check(snap):  # a 503 says: retry
            return snap
        await asyncio.sleep(0.1)
    raise AssertionError(f"never happened; last snapshot: {snap}")


async def queue(api: httpx.AsyncClient, who: str) -> list[dict[str, Any]]:
    r = await api.get("/worklist", headers=auth(who))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


async def actions_on(
    api: httpx.AsyncClient, who: str, mid: str, expected: set[str]
) -> dict[str, Any]:
    """Wait until visibility has caught up and the caller's queue shows them."""
    mine: list[dict[str, Any]] = []
    deadline = time.monotonic() + SHOWS_WITHIN_S
    while time.monotonic() < deadline:
        mine = [i for i in await queue(api, who) if i["migration_id"] == mid]
        if {i["action"] for i in mine} == expected:
            return {i["action"]: i for i in mine}
        await asyncio.sleep(0.1)
    raise AssertionError(f"{who} never saw {expected} on {mid}: {mine}")


async def snapshot(api: httpx.AsyncClient, mid: str) -> dict[str, Any]:
    r = await api.get(f"/migrations/{mid}", headers=auth("auditor"))
    assert r.status_code == 200, r.text
    snap: dict[str, Any] = r.json()
    return snap


async def wait_all(
    api: httpx.AsyncClient, ids: list[str], check: Any, limit_s: float = 120
) -> None:
    deadline = time.monotonic() + limit_s
    pending = set(ids)
    while pending:
        assert time.monotonic() < deadline, f"{len(pending)} never got there"
        snaps = await asyncio.gather(*(snapshot(api, m) for m in pending))
        pending = {s["migration_id"] for s in snaps if not check(s)}
        await asyncio.sleep(0.3)


def effects_per_migration(calls: list[dict[str, Any]]) -> Counter[tuple[str, str]]:
    return Counter((c["migration_id"], c["action"]) for c in calls)


async def post(
    api: httpx.AsyncClient, path: str, body: dict[str, Any], role: str
) -> httpx.Response:
    """A client that retries with the same Idempotency-Key until it gets an answer."""
    key = str(uuid.uuid4())
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            r = await api.post(path, json=body, headers=auth(role, key))
            if r.status_code < 500:
                return r
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.5)
    raise AssertionError(f"{path} never answered")


async def start_many(api: httpx.AsyncClient, n: int, **policy: Any) -> list[str]:
    answers = await asyncio.gather(
        *(post(api, "/migrations", migration_body(**policy), "sales") for _ in range(n))
    )
    assert all(a.status_code == 201 for a in answers), [a.text for a in answers]
    return [a.json()["migration_id"] for a in answers]


TMF = "/tmf-api/productOrderingManagement/v4"
CRM, OTHER_CRM = "dev-crm", "dev-crm-globex"


def order_body(external_id: str | None = None, **changes: Any) -> dict[str, Any]:
    characteristics = {
        "lineNumber": new_line(),
        "migrationCode": "TIM12345",
        "losingOperator": "telecom",
        "customerPhone": "+393331234567",
        "customerEmail": "m@example.it",
        "area": "RM",
    }
    body: dict[str, Any] = {
        "externalId": external_id or f"ACME-{uuid.uuid4().hex[:10]}",
        "productOrderItem": [
            {
                "id": "1",
                "action": "add",
                "productOffering": {"id": "fibra-1000"},
                "product": {
                    "productCharacteristic": [
                        {"name": k, "value": v} for k, v in characteristics.items()
                    ],
                    "place": [{"role": "installationAddress", "name": "Via Roma 1, Roma"}],
                },
            }
        ],
        "relatedParty": [
            {"id": "C-42", "name": "Mario Rossi", "role": "customer", "@referredType": "Individual"}
        ],
    }
    return {**body, **changes}
