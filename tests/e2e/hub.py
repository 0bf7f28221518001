"""British migrations over real HTTP through the simulated One Touch Switch hub: a
subscriber of the losing provider to match, a GB proposal, the hub's records, our token."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
import uuid
from typing import Any

import httpx

_streets = itertools.count(1)
HUB_CREDENTIALS = ("dev-hub-client", "dev-only-ots-hub-client-secret")


def uk_number() -> str:
    return f"+44131496{random.randrange(10**4, 10**5)}"


async def subscriber(
    sims: httpx.AsyncClient, surname: str = "O'Conner", rcpid: str = "RLOS", **extra: Any
) -> dict[str, Any]:
    """A customer of the losing provider at an address of his own; the proposal's body."""
    street = f"{next(_streets) + random.randrange(10**6)} Test Street"
    number = uk_number()
    national = f"0{number[3:]}"
    r = await sims.post(
        "/hub/subscribers",
        json={
            "rcpid": rcpid,
            "surname": surname,
            "email": "aoife@example.co.uk",
            "lines": [street],
            "post_town": "Edinburgh",
            "post_code": "EH1 1AA",
            "number": national,
            **extra,
        },
    )
    assert r.status_code == 201, r.text
    return gb_body(street, number, rcpid=rcpid)


def gb_body(
    street: str, number: str, surname: str = "O'Conner", rcpid: str = "RLOS"
) -> dict[str, Any]:
    return {
        "customer": {
            "name": f"Aoife {surname}",
            "surname": surname,
            "phone": "+447700900123",
            "email": "aoife@example.co.uk",
        },
        "line": {
            "number": number,
            "address": {"lines": [street], "post_town": "Edinburgh", "post_code": "EH1 1AA"},
            "area": "EH1",
            "voice": "port",
        },
        "losing_operator": rcpid,
        "offer": "fibre-900",
        "calendar": {"country": "GB"},
        "language": "en",
    }


async def received(sims: httpx.AsyncClient) -> list[dict[str, Any]]:
    """What the hub took from us, once each, with how often each was posted."""
    r = await sims.get("/hub/messages")
    found: list[dict[str, Any]] = r.json()
    return found


def sent_by(found: list[dict[str, Any]], mid_snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages one migration sent (its correlation ids are in its exchanges)."""
    exchanges = " ".join(mid_snapshot["switch"]["exchanges"])
    return [m for m in found if m["message"]["envelope"]["source"]["correlationID"] in exchanges]


def routing(m: dict[str, Any]) -> str:
    return str(m["message"]["envelope"]["routingID"]).removeprefix("residentialSwitch")


async def token(api: httpx.AsyncClient) -> str:
    r = await api.post(
        "/oauth2/token", data={"grant_type": "client_credentials"}, auth=HUB_CREDENTIALS
    )
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


async def our_customer(
    sims: httpx.AsyncClient, surname: str = "MacLeod", **extra: Any
) -> dict[str, Any]:
    """A customer of ours at an address of his own (the subscriber system's test data); the
    match request a gaining provider would send for him."""
    street = f"{next(_streets) + random.randrange(10**6)} Rose Street"
    number = f"01314{random.randrange(10**5, 10**6)}"
    account = f"MIG-{uuid.uuid4().hex[:8]}"
    held = {
        "account": account,
        "surname": surname,
        "email": "iain@example.co.uk",
        "mobile": "+447700900456",
        "address": {"lines": [street], "post_town": "Edinburgh", "post_code": "EH2 2PR"},
        "services": [{"type": "IAS"}, {"type": "NBICS", "identifier": number}],
        **extra,
    }
    r = await sims.post("/subscribers", json=held)
    assert r.status_code == 201, r.text
    return {
        "grcpBrandName": "Gaining Test Broadband",
        "name": surname,
        "address": {"addressLines": [street], "postTown": "Edinburgh", "postCode": "EH2 2PR"},
        "services": [{"serviceType": "IAS", "action": "cease"}],
        "_number": number,
        "_account": account,
    }


async def ask(
    sims: httpx.AsyncClient, step: str, payload: dict[str, Any], deliveries: int = 1
) -> str:
    """The simulated gaining provider sends a request to our letterbox; its correlation id."""
    body = {k: v for k, v in payload.items() if not k.startswith("_")}
    r = await sims.post(
        "/hub/gaining/requests",
        json={
            "routing": f"residentialSwitch{step}Request",
            "payload": body,
            "deliveries": deliveries,
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["statuses"] == [202] * deliveries, r.text
    return str(r.json()["correlation_id"])


async def answered(sims: httpx.AsyncClient, correlation: str) -> dict[str, Any]:
    """Our answer to that request, as the gaining provider received it (waited for)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = (
            await sims.get("/hub/gaining/answers", params={"correlation_id": correlation})
        ).json()
        if found:
            message = found[0]
            routing = message["envelope"]["routingID"]
            return {
                "routing": routing.removeprefix("residentialSwitch"),
                "count": len(found),
                **message[routing],
            }
        await asyncio.sleep(0.1)
    raise AssertionError(f"no answer to {correlation}")
