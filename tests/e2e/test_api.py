"""The REST contract, end to end over real HTTP against the real dev server and worker."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import pytest

from connection import connect
from settings import Settings
from stack import Stack
from tests.e2e.client import (
    SHOWS_WITHIN_S,
    TOKENS,
    auth,
    book,
    create,
    migration_body,
    technician_of,
    until,
    window,
)
from tests.inprocess import inprocess_api

ELSEWHERE = "dev-tech-franco"  # a technician of another area: never assigned here


async def test_whole_lifecycle(api: httpx.AsyncClient, sims: httpx.AsyncClient) -> None:
    mid = await create(api)
    r = await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    assert r.status_code == 200 and r.json()["stage"] == "confirmed"
    again = await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("care")
    )
    assert again.status_code == 409
    assert again.json()["error"]["message"].startswith("already confirmed by dario at ")

    booked = await book(api, mid)  # from the slots field service offered
    assert booked["stage"] == "scheduled"
    technician, assigned = technician_of(booked), booked["appointment"]["technician_id"]
    r = await api.post(
        f"/migrations/{mid}/tickets",
        json={"channel": "twitter", "summary": "when?"},
        headers=auth("care"),
    )
    assert r.status_code == 201 and r.json()["ticket_id"] == "T1" and r.json()["status"] == "open"
    r = await api.post(
        f"/migrations/{mid}/tickets/T1/acknowledgement", json={}, headers=auth(technician)
    )
    assert r.status_code == 200 and r.json()["acknowledged_by"] == assigned

    r = await api.post(
        f"/migrations/{mid}/visit", json={"outcome": "activated"}, headers=auth(ELSEWHERE)
    )
    assert r.status_code == 404  # a technician sees only his own migrations
    r = await api.post(
        f"/migrations/{mid}/visit", json={"outcome": "activated"}, headers=auth(technician)
    )
    assert r.status_code == 200 and r.json()["contract_effective"] is True

    # The losing operator's gateway releases the old line and calls the API back.
    done = await until(api, mid, lambda s: s["stage"] == "completed")
    assert done["owner"]["party"] is None
    calls = (await sims.get("/calls", params={"migration_id": mid})).json()
    actions = sorted(c["action"] for c in calls)
    assert actions == sorted(
        [
            "open_order",
            "customer:confirmation_call",
            "hold",
            "confirm_hold",
            "customer:notify_visit_booked",
            "forward_ticket",
            "release",
            "mandate",
            "customer:notify_activation",
        ]
    )


async def test_error_codes(api: httpx.AsyncClient) -> None:
    mid = await create(api)
    assert (await api.get(f"/migrations/{mid}")).status_code == 401
    r = await api.get(f"/migrations/{mid}", headers=auth("nobody-knows-me"))
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    r = await api.post("/migrations", json=migration_body(), headers=auth("care"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = await api.get("/migrations/mig-does-not-exist", headers=auth("care"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = await api.post(f"/migrations/{mid}/line-release", json={}, headers=auth("operator"))
    assert r.status_code == 409 and "not active yet" in r.json()["error"]["message"]

    bad = migration_body()
    bad["customer"]["phone"] = "333 123"
    r = await api.post("/migrations", json=bad, headers=auth("sales"))
    assert r.status_code == 422
    assert [d["field"] for d in r.json()["error"]["details"]] == ["customer.phone"]
    r = await api.post(
        f"/migrations/{mid}/confirmation",
        json={"channel": "x", "by": "dario"},
        headers=auth("sales"),
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "by"
    r = await api.post(
        f"/migrations/{mid}/appointment/manual",
        json={"technician_id": "luca", **window(hours_from_now=-30)},
        headers=auth("supervisor"),
    )
    assert r.status_code == 422 and "future" in r.text
    r = await api.post(
        f"/migrations/{mid}/confirmation",
        content=b'{"channel": ',
        headers={**auth("sales"), "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    for content, kind in ((b"\xff\xfe{", "application/json"), (b"channel=phone", "text/plain")):
        r = await api.post(
            f"/migrations/{mid}/confirmation",
            content=content,
            headers={**auth("sales"), "Content-Type": kind},
        )
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request", r.text
    r = await api.post(
        f"/migrations/{mid}/confirmation",
        content=b"x" * 100_000,
        headers={**auth("sales"), "Content-Type": "application/json"},
    )
    assert r.status_code == 413
    r = await api.post(
        "/migrations", json=migration_body(confirmation="PT0S"), headers=auth("sales")
    )
    assert (
        r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "policy.confirmation"
    )


async def test_one_running_migration_per_line(api: httpx.AsyncClient) -> None:
    body = migration_body()
    first = await api.post("/migrations", json=body, headers=auth("sales"))
    second = await api.post("/migrations", json=body, headers=auth("sales"))
    assert second.status_code == 409
    assert first.json()["migration_id"] in second.json()["error"]["message"]


async def test_retries_with_the_same_key_do_nothing_twice(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    body, key = migration_body(), str(uuid.uuid4())
    first = await api.post("/migrations", json=body, headers=auth("sales", key))
    again = await api.post("/migrations", json=body, headers=auth("sales", key))
    assert first.status_code == again.status_code == 201
    mid = first.json()["migration_id"]
    assert again.json()["migration_id"] == mid

    ckey = str(uuid.uuid4())
    answers = await asyncio.gather(
        *(
            api.post(
                f"/migrations/{mid}/confirmation",
                json={"channel": "phone"},
                headers=auth("sales", ckey),
            )
            for _ in range(3)
        )
    )
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len({a.json()["confirmed_at"] for a in answers}) == 1
    other = await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "email"}, headers=auth("sales", ckey)
    )
    assert other.status_code == 422, other.text
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    snap = await until(api, mid, lambda s: True)
    assert [e["event"] for e in snap["timeline"]].count("confirmed") == 1
    await asyncio.sleep(0.5)
    calls = (await sims.get("/calls", params={"migration_id": mid})).json()
    assert [c["action"] for c in calls].count("customer:confirmation_call") == 1


async def test_listing_filters(api: httpx.AsyncClient) -> None:
    late = await create(api, technician_contact=1, escalation_interval=3600)
    await api.post(
        f"/migrations/{late}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    dark = await create(api)
    r = await api.post(
        f"/migrations/{dark}/service-loss",
        json={"reported_via": "gateway"},
        headers=auth("operator"),
    )
    assert r.status_code == 200 and r.json()["customer_without_service"] is True
    await until(api, late, lambda s: s["escalation_level"] == 1)

    async def listed(query: str) -> set[str]:
        deadline = time.monotonic() + SHOWS_WITHIN_S  # visibility is eventually consistent
        while time.monotonic() < deadline:
            r = await api.get(f"/migrations?{query}", headers=auth("supervisor"))
            assert r.status_code == 200
            ids = {i["migration_id"] for i in r.json()["items"]}
            if {late, dark} & ids:
                return ids
            await asyncio.sleep(0.1)
        return set()

    assert late in await listed("escalated=true&stage=confirmed")
    without = await listed("without_service=true&losing_operator=telecom")
    assert dark in without and late not in without
    for token in ("not-base64!", "AAAAAAAA"):  # undecodable; decodable but not Temporal's
        r = await api.get("/migrations", params={"page_token": token}, headers=auth("auditor"))
        assert r.status_code == 422, r.text


ENDPOINTS: list[tuple[str, str, dict[str, Any], set[str]]] = [
    ("POST", "/migrations", {}, {"sales"}),
    ("GET", "/migrations/{id}", {}, set(TOKENS)),
    ("GET", "/migrations", {}, {"supervisor", "auditor", "care"}),
    ("POST", "/migrations/{id}/confirmation", {"channel": "phone"}, {"sales", "care"}),
    ("POST", "/migrations/{id}/withdrawal", {"reason": "x"}, {"sales", "care"}),
    ("POST", "/migrations/{id}/slot-offers", {"count": 2}, {"dispatch", "care"}),
    ("GET", "/migrations/{id}/slots", {}, {"dispatch", "care", "supervisor"}),
    ("POST", "/migrations/{id}/appointment", {"slot_id": "RM.2027-01-04.am"}, {"dispatch", "care"}),
    ("POST", "/migrations/{id}/appointment/manual", {"technician_id": "luca"}, {"supervisor"}),
    (
        "POST",
        "/migrations/{id}/visit",
        {"outcome": "failed", "reason": "customer_absent"},
        {"technician"},
    ),
    ("POST", "/migrations/{id}/service-loss", {"reported_via": "x"}, {"operator", "care"}),
    (
        "POST",
        "/migrations/{id}/service-restored",
        {"how": "old_line_reinstated"},
        {"operator", "care", "technician"},
    ),
    ("POST", "/migrations/{id}/line-release", {}, {"operator"}),
    (
        "POST",
        "/migrations/{id}/tickets",
        {"channel": "x", "summary": "y"},
        {"care", "sales", "technician"},
    ),
    ("POST", "/migrations/{id}/tickets/T1/acknowledgement", {}, {"technician", "dispatch"}),
]


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS)
async def test_role_matrix(
    api: httpx.AsyncClient, method: str, path: str, body: dict[str, Any], allowed: set[str]
) -> None:
    """Every role against every endpoint: the allowed get past auth, the others get 403."""
    url = path.format(id="mig-role-matrix-unknown")
    if path == "/migrations" and method == "POST":
        body = migration_body(code="NOTVALID!")  # invalid: nothing is started
    if path.endswith("manual"):
        body = {**body, **window()}
    for role in TOKENS:
        r = await api.request(
            method, url, json=body if method == "POST" else None, headers=auth(role)
        )
        if role in allowed:
            assert r.status_code in (200, 404, 422), (role, r.status_code, r.text)
        else:
            assert r.status_code == 403, (role, r.status_code, r.text)


async def test_a_start_key_is_bound_to_its_first_request(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    key = str(uuid.uuid4())
    first = await api.post("/migrations", json=migration_body(), headers=auth("sales", key))
    assert first.status_code == 201, first.text
    other_line = migration_body()
    reused = await api.post("/migrations", json=other_line, headers=auth("sales", key))
    assert reused.status_code == 422 and reused.json()["error"]["code"] == "idempotency_key_reused"

    # Another API process (a restart, or a second replica) knows the binding too.
    settings = Settings(temporal_address=stack.temporal_address, task_queue="line-migrations")
    client = await connect(settings)
    async with inprocess_api(client, temporal_address=stack.temporal_address) as elsewhere:
        again = await elsewhere.post("/migrations", json=other_line, headers=auth("sales", key))
    assert again.status_code == 422, again.text

    # Nothing was started for the other line: it starts now, without a key.
    fresh = await api.post("/migrations", json=other_line, headers=auth("sales"))
    assert fresh.status_code == 201, fresh.text
