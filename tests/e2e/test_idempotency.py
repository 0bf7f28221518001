"""Every write binds its Idempotency-Key the same way, to its caller and its body: the same key
and body again get the first answer and do nothing new; the same key with another body is
refused with 422 in words and does nothing. The writes come from the app's route table, so a
new write without its case here fails the first test."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from fastapi.routing import APIRoute

from api.main import ROUTERS
from stack import Stack
from tests.e2e.client import (
    CRM,
    TMF,
    auth,
    create,
    migration_body,
    order_body,
    post,
    technician_of,
    visit_window,
)

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
A = "/migrations/{migration_id}"
# Written here, with the Idempotency-Key header, against the real stack.
KEYED = {
    ("POST", "/migrations"),
    ("POST", f"{A}/confirmation"),
    ("POST", f"{A}/withdrawal"),
    ("POST", f"{A}/slot-offers"),
    ("POST", f"{A}/appointment"),
    ("POST", f"{A}/appointment/manual"),
    ("POST", f"{A}/visit"),
    ("POST", f"{A}/service-loss"),
    ("POST", f"{A}/service-restored"),
    ("POST", f"{A}/line-release"),
    ("POST", f"{A}/tickets"),
    ("POST", f"{A}/tickets/{{ticket_id}}/acknowledgement"),
    ("POST", "/force-majeure"),
    ("DELETE", "/force-majeure/{declaration_id}"),
    ("POST", "/reports/monthly"),
}
# Writes that carry their key otherwise, or are no write at all; each says why.
ELSEWHERE = {
    ("POST", "/migrations/lookup"): "a read: the line number travels in the body",
    ("POST", "/console/sign-in"): "opens a session; writes nothing",
    ("POST", "/console/sign-out"): "closes a session; writes nothing",
    ("POST", "/console/migrations/{migration_id}/{action}"): "the form's idempotency_key, "
    "bound by api.actions.perform exactly as the REST route of the same action",
    ("POST", "/status/{token}/problem"): "the form's idempotency_key, bound to the link",
    ("POST", "/status/{token}/slots"): "the form's idempotency_key, bound to the link",
    ("POST", "/status/{token}/appointment"): "the form's idempotency_key, bound to the link",
    ("POST", "/tmf-api/productOrderingManagement/v4/productOrder"): "its externalId is its "
    "key, bound the same way (same body: the same order; another: 409, test_tmf.py)",
    ("POST", "/oauth2/token"): "issues a token to the hub; writes nothing",
    ("POST", "/letterbox/v1/post"): "the hub's message is its own key: the sender and its "
    "correlation id, taken once (test_switching.py)",
}
# TM Forum's writes, written here too: a refusal in TM Forum's Error shape.
KEYED |= {
    ("PATCH", f"{TMF}/productOrder/{{id}}"),
    ("POST", f"{TMF}/cancelProductOrder"),
    ("POST", f"{TMF}/hub"),
    ("DELETE", f"{TMF}/hub/{{id}}"),
    ("POST", f"{TMF}/hub/{{id}}/resume"),
}


def test_every_write_route_has_its_idempotency_case() -> None:
    writes = {
        (method, route.path)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in (route.methods or set()) & WRITES
    }
    assert writes == KEYED | set(ELSEWHERE)


Send = Callable[[str, dict[str, Any] | None], Awaitable[httpx.Response]]


async def twice_then_another(
    send: Send,
    body: dict[str, Any] | None,
    other: dict[str, Any] | None,
    same: str | None,
    closes: bool = False,
) -> httpx.Response:
    """First with a key, again with it (the same answer: `same` names the field that says
    so; the server answers a repeated update even once its migration has closed), then
    with another body (refused, nothing done). After a write that `closes` its migration,
    the other body may find it closed already (409) instead of refused by its ledger."""
    key = str(uuid.uuid4())
    first = await send(key, body)
    assert first.status_code < 300, first.text
    again = await send(key, body)
    assert again.status_code == first.status_code, again.text
    if same is not None:
        assert again.json()[same] == first.json()[same]
    refused = await send(key, other)
    if closes and refused.status_code == 409:
        assert "is closed" in refused.text, refused.text
        return first
    assert refused.status_code == 422, refused.text
    error = refused.json().get("error") or refused.json()  # ours, or TM Forum's `Error`
    assert error["code"] == "idempotency_key_reused", error
    assert "already used with a different request" in error["message"]
    return first


def poster(api: httpx.AsyncClient, path: str, who: str) -> Send:
    async def send(key: str, body: dict[str, Any] | None) -> httpx.Response:
        return await api.post(path, json=body, headers=auth(who, key))

    return send


async def test_a_key_is_bound_to_its_body_on_every_write_of_a_migration(
    api: httpx.AsyncClient,
) -> None:
    started = await twice_then_another(
        poster(api, "/migrations", "sales"), migration_body(), migration_body(), "migration_id"
    )
    mid = started.json()["migration_id"]
    on = f"/migrations/{mid}"
    ticket = await twice_then_another(
        poster(api, f"{on}/tickets", "care"),
        {"channel": "phone", "summary": "when does the technician come?"},
        {"channel": "phone", "summary": "another question"},
        "ticket_id",
    )
    await twice_then_another(
        poster(api, f"{on}/tickets/{ticket.json()['ticket_id']}/acknowledgement", "dispatch"),
        {"note": "read"},
        {"note": "read again"},
        "acknowledged_at",
    )
    await twice_then_another(
        poster(api, f"{on}/confirmation", "sales"),
        {"channel": "phone"},
        {"channel": "email"},
        "confirmed_at",
    )
    offer = await twice_then_another(
        poster(api, f"{on}/slot-offers", "dispatch"), {"count": 6}, {"count": 5}, "offer_id"
    )
    slots = offer.json()["slots"]
    booked = await twice_then_another(
        poster(api, f"{on}/appointment", "dispatch"),
        {"slot_id": slots[0]["slot_id"]},
        {"slot_id": slots[1]["slot_id"]},
        "appointment",
    )
    await twice_then_another(
        poster(api, f"{on}/visit", technician_of(booked.json())),
        {"outcome": "activated"},
        {"outcome": "activated", "notes": "another report"},
        "contract_effective_at",
    )
    await twice_then_another(
        poster(api, f"{on}/line-release", "operator"),
        {},
        {"released_at": "2026-01-01T00:00:00Z"},
        "line_released_at",
        closes=True,
    )


async def test_a_key_is_bound_to_its_body_when_service_is_lost_and_on_withdrawal(
    api: httpx.AsyncClient,
) -> None:
    mid = await create(api)
    on = f"/migrations/{mid}"
    r = await post(api, f"{on}/confirmation", {"channel": "phone"}, "sales")
    assert r.status_code == 200, r.text
    await twice_then_another(
        poster(api, f"{on}/appointment/manual", "supervisor"),
        {"technician_id": "luca", **visit_window()},
        {"technician_id": "luca", **visit_window()},
        "appointment",
    )
    await twice_then_another(
        poster(api, f"{on}/service-loss", "operator"),
        {"reported_via": "gateway"},
        {"reported_via": "phone"},
        "customer_without_service",
    )
    await twice_then_another(
        poster(api, f"{on}/service-restored", "care"),
        {"how": "old_line_reinstated"},
        {"how": "old_line_reinstated", "notes": "another report"},
        "customer_without_service",
    )
    await twice_then_another(
        poster(api, f"{on}/withdrawal", "sales"),
        {"reason": "the customer changed his mind"},
        {"reason": "another reason"},
        "stage",
        closes=True,
    )
    # A key is its caller's: another caller's same key is another request.
    other = await create(api)
    key = str(uuid.uuid4())
    for who in ("sales", "care"):
        r = await api.post(
            f"/migrations/{other}/tickets",
            json={"channel": who, "summary": f"said to {who}"},
            headers=auth(who, key),
        )
        assert r.status_code == 201, r.text
    r = await post(api, f"/migrations/{other}/withdrawal", {"reason": "tidy up"}, "sales")
    assert r.status_code == 200, r.text


async def test_a_key_is_bound_to_its_body_on_tm_forums_writes(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    placed = await api.post(f"{TMF}/productOrder", json=order_body(), headers=auth(CRM))
    assert placed.status_code == 201, placed.text
    order = placed.json()

    def patching(key: str, body: dict[str, Any] | None) -> Awaitable[httpx.Response]:
        headers = {**auth(CRM, key), "Content-Type": "application/merge-patch+json"}
        return api.patch(f"{TMF}/productOrder/{order['id']}", json=body, headers=headers)

    await twice_then_another(
        patching,
        {"requestedStartDate": "2030-01-15T00:00:00Z"},
        {"requestedStartDate": "2030-01-16T00:00:00Z"},
        "requestedStartDate",
    )
    task = {"productOrder": {"id": order["id"]}, "cancellationReason": "changed mind"}
    cancelled = await twice_then_another(
        poster(api, f"{TMF}/cancelProductOrder", CRM),
        task,
        {**task, "cancellationReason": "another reason"},
        "id",
    )
    assert cancelled.json()["state"] == "done"
    callback = f"{stack.simulators_url}/listener/idempotent"
    registered = await twice_then_another(
        poster(api, f"{TMF}/hub", CRM),
        {"callback": callback},
        {"callback": callback, "query": "eventType=ProductOrderCreateEvent"},
        "id",
    )
    other = await api.post(f"{TMF}/hub", json={"callback": callback}, headers=auth(CRM))
    assert other.status_code == 201 and other.json()["id"] != registered.json()["id"]
    ids = {"one": registered.json()["id"], "other": other.json()["id"]}

    def on(path: str, method: str) -> Send:
        async def send(key: str, body: dict[str, Any] | None) -> httpx.Response:
            assert body is not None
            url = f"{TMF}/hub/{ids[body['which']]}{path}"
            return await api.request(method, url, headers=auth(CRM, key))

        return send

    await twice_then_another(on("/resume", "POST"), {"which": "one"}, {"which": "other"}, "id")
    await twice_then_another(on("", "DELETE"), {"which": "one"}, {"which": "other"}, None)
    still = await api.get(f"{TMF}/hub/{ids['other']}", headers=auth(CRM))
    assert still.status_code == 200, still.text  # the refused removal removed nothing
    r = await api.delete(f"{TMF}/hub/{ids['other']}", headers=auth(CRM))
    assert r.status_code == 204, r.text


async def test_a_key_is_bound_to_its_body_on_force_majeure_and_reports(
    api: httpx.AsyncClient,
) -> None:
    declared = await twice_then_another(
        poster(api, "/force-majeure", "supervisor"),
        {
            "area": "QQ1",
            "from": "2030-01-01T00:00:00Z",
            "to": "2030-01-02T00:00:00Z",
            "reason": "a",
        },
        {
            "area": "QQ1",
            "from": "2030-01-01T00:00:00Z",
            "to": "2030-01-03T00:00:00Z",
            "reason": "a",
        },
        "declaration_id",
    )
    other = await api.post(
        "/force-majeure",
        json={
            "area": "QQ2",
            "from": "2030-01-01T00:00:00Z",
            "to": "2030-01-02T00:00:00Z",
            "reason": "b",
        },
        headers=auth("supervisor"),
    )
    assert other.status_code == 201, other.text

    def revoking(key: str, body: dict[str, Any] | None) -> Awaitable[httpx.Response]:
        assert body is not None
        return api.delete(f"/force-majeure/{body['id']}", headers=auth("supervisor", key))

    await twice_then_another(
        revoking,
        {"id": declared.json()["declaration_id"]},
        {"id": other.json()["declaration_id"]},
        "declaration_id",
    )
    register = await api.get("/force-majeure", headers=auth("auditor"))
    by_id = {d["declaration_id"]: d for d in register.json()["items"]}
    assert by_id[other.json()["declaration_id"]]["revoked_at"] is None  # refused: untouched
    r = await api.delete(
        f"/force-majeure/{other.json()['declaration_id']}", headers=auth("supervisor")
    )
    assert r.status_code == 200, r.text
    future = await api.post(
        "/reports/monthly", json={"month": "2999-01"}, headers=auth("supervisor")
    )
    assert future.status_code == 422 and "has not begun" in future.text, future.text
    await twice_then_another(
        poster(api, "/reports/monthly", "supervisor"),
        {"month": "2025-01"},
        {"month": "2025-02"},
        "month",
    )
