"""A British line switched through the simulated One Touch Switch hub over real HTTP: the
whole exchange, a match refused, a withdrawal cancelling at the hub, duplicates, the hub
down for a minute, and a letterbox that refuses what is malformed without a 5xx."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from typing import Any

import httpx
from playwright.async_api import ViewportSize, expect

from stack import Stack
from tests.browser import DOCS, chromium, signed_in
from tests.e2e.client import auth, post, until
from tests.e2e.hub import HUB_CREDENTIALS, received, routing, sent_by, subscriber, token

ANSWER = "residentialSwitchOrderConfirmation"
TALL_DESKTOP: ViewportSize = {"width": 2000, "height": 1400}


async def start(api: httpx.AsyncClient, body: dict[str, Any]) -> str:
    r = await api.post("/migrations", json=body, headers=auth("sales"))
    assert r.status_code == 201, r.text
    return str(r.json()["migration_id"])


def switch_is(status: str) -> Any:
    return lambda s: s["switch"] is not None and s["switch"]["status"] == status


async def book_gordon(api: httpx.AsyncClient, mid: str, day: int) -> None:
    start_at = f"2027-01-{day:02d}T10:00:00+00:00"
    r = await post(
        api,
        f"/migrations/{mid}/appointment/manual",
        {
            "technician_id": "gordon",
            "window_start": start_at,
            "window_end": start_at.replace("T10", "T14"),
        },
        "supervisor",
    )
    assert r.status_code == 200, r.text


async def test_a_british_line_switches_through_the_hub(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    mid = await start(api, await subscriber(sims))
    matched = await until(api, mid, switch_is("new"))
    assert "RLOS matched the customer" in " ".join(e["detail"] for e in matched["timeline"])
    await post(api, f"/migrations/{mid}/confirmation", {"channel": "phone"}, "sales")
    await book_gordon(api, mid, 11)
    ordered = await until(api, mid, switch_is("confirmed"))
    assert ordered["switch"]["planned_switch_date"] == "2027-01-11"
    await book_gordon(api, mid, 12)  # the visit moves: the switch date follows
    moved = await until(api, mid, switch_is("updated"))
    assert moved["switch"]["planned_switch_date"] == "2027-01-12"
    r = await post(api, f"/migrations/{mid}/visit", {"outcome": "activated"}, "dev-tech-gordon")
    assert r.status_code == 200, r.text
    done = await until(api, mid, lambda s: s["stage"] == "completed")
    assert done["line_released_at"] is not None
    mine = sent_by(await received(sims), done)
    assert [routing(m) for m in mine] == [
        "MatchRequest",
        "OrderRequest",
        "OrderUpdateRequest",
        "OrderTriggerRequest",
    ]
    assert all(m["deliveries"] == 1 for m in mine)
    reference = done["switch"]["reference"]
    assert (await sims.get(f"/hub/orders/{reference}")).json()["status"] == "triggered"
    words = [e["detail"] for e in done["timeline"] if e["event"] == "completed"]
    assert "confirmed the trigger" in words[0]


async def test_a_surname_the_losing_provider_does_not_know_fails_in_words(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    body = await subscriber(sims, surname="Smith")
    body["customer"]["surname"] = "Jones"
    mid = await start(api, body)
    failed = await until(api, mid, lambda s: s["stage"] == "failed")
    assert (
        failed["outcome_reason"]
        == "the losing provider found the customer but not the surname (1108)"
    )


async def test_a_withdrawal_after_ordering_cancels_at_the_hub(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    mid = await start(api, await subscriber(sims))
    await until(api, mid, switch_is("new"))
    await post(api, f"/migrations/{mid}/confirmation", {"channel": "phone"}, "sales")
    await book_gordon(api, mid, 13)
    await until(api, mid, switch_is("confirmed"))
    r = await post(api, f"/migrations/{mid}/withdrawal", {"reason": "changed his mind"}, "sales")
    assert r.status_code == 200, r.text
    cancelled = await until(api, mid, switch_is("cancelled"))
    assert cancelled["stage"] == "withdrawn"
    reference = cancelled["switch"]["reference"]
    assert (await sims.get(f"/hub/orders/{reference}")).json()["status"] == "cancelled"


async def test_the_same_answer_delivered_twice_changes_nothing(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    await sims.post(
        "/hub/faults", json={"routing": "residentialSwitchMatchRequest", "duplicate": True}
    )
    mid = await start(api, await subscriber(sims))
    snap = await until(api, mid, switch_is("new"))
    delivered = (await sims.get("/hub/delivered")).json()
    exchanges = " ".join(snap["switch"]["exchanges"])
    answering = [d["message"]["envelope"]["destination"].get("correlationID") for d in delivered]
    ours = [d for d, c in zip(delivered, answering, strict=True) if c and c in exchanges]
    assert [d["status"] for d in ours] == [202, 202]
    await asyncio.sleep(1)
    again = await until(api, mid, switch_is("new"))
    assert [e["event"] for e in again["timeline"]].count("switch_matched") == 1


async def test_the_hub_down_for_a_minute_loses_nothing_and_sends_nothing_twice(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    await sims.post("/faults", json={"system": "hub", "fail_for_s": 60, "status": 503})
    try:
        mid = await start(api, await subscriber(sims))
        await asyncio.sleep(30)
        assert (await until(api, mid, lambda s: True))["switch"]["status"] is None
        matched = await until(api, mid, switch_is("new"))
    finally:
        await sims.delete("/faults")
    mine = sent_by(await received(sims), matched)
    assert [(routing(m), m["deliveries"]) for m in mine] == [("MatchRequest", 1)]


async def test_a_start_needs_what_a_match_needs(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    body = await subscriber(sims)
    no_surname = json.loads(json.dumps(body))
    del no_surname["customer"]["surname"]
    r = await api.post("/migrations", json=no_surname, headers=auth("sales"))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "customer.surname"
    in_words = json.loads(json.dumps(body))
    in_words["line"]["address"] = "1 High Street, Edinburgh"
    r = await api.post("/migrations", json=in_words, headers=auth("sales"))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "line.address"
    r = await api.post(
        "/migrations", json={**body, "losing_operator": "RZZZ"}, headers=auth("sales")
    )
    assert r.status_code == 409 and "not in the hub's directory" in r.json()["error"]["message"]
    r = await api.post(
        "/migrations", json={**body, "losing_operator": "RSUS"}, headers=auth("sales")
    )
    assert r.status_code == 409 and "suspended at the hub" in r.json()["error"]["message"]


def answer(correlation: str, destination: str = "RMIG", routing_id: str = ANSWER) -> dict[str, Any]:
    return {
        "envelope": {
            "source": {"type": "RCPID", "identity": "RLOS", "correlationID": correlation},
            "destination": {"type": "RCPID", "identity": destination, "correlationID": "not-ours"},
            "routingID": routing_id,
        },
        routing_id: {"switchOrderReference": str(uuid.uuid4()), "status": "confirmed"},
    }


async def test_the_letterbox_refuses_what_is_malformed_without_a_5xx(
    api: httpx.AsyncClient,
) -> None:
    bearer = {"Authorization": f"Bearer {await token(api)}"}

    async def letterbox(body: Any, headers: dict[str, str] = bearer) -> httpx.Response:
        return await api.post("/letterbox/v1/post", content=json.dumps(body), headers=headers)

    bad_type = answer(str(uuid.uuid4()))
    bad_type["envelope"]["source"]["type"] = "XXX"
    silly = answer(str(uuid.uuid4()))
    silly["envelope"]["routingID"] = "Silly"
    refused = {
        "bad source type": (await letterbox(bad_type), 9006),
        "unknown destination": (await letterbox(answer(str(uuid.uuid4()), "RZZZ")), 9003),
        "257-byte correlation id": (await letterbox(answer("x" * 257)), 9006),
        "routing id Silly": (await letterbox(silly), 9012),
        "not JSON": (await api.post("/letterbox/v1/post", content=b"{", headers=bearer), 9006),
    }
    for case, (r, code) in refused.items():
        assert r.status_code == 400, (case, r.text)
        assert r.json()["errorCode"] == code, case
    taken = answer("y" * 256)
    r = await letterbox(taken)
    assert r.status_code == 202 and r.content == b""
    assert (await letterbox(taken, {})).status_code == 401
    assert (await letterbox(taken, {"Authorization": "Bearer forged"})).status_code == 401
    both = await api.post(
        "/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": HUB_CREDENTIALS[0],
            "client_secret": "x",
        },
        auth=HUB_CREDENTIALS,
    )
    assert both.status_code == 401 and both.json()["code"] == 900902
    wrong = await api.post(
        "/oauth2/token", data={"grant_type": "client_credentials"}, auth=("dev-hub-client", "nope")
    )
    assert wrong.status_code == 401 and wrong.json() == {
        "code": 900901,
        "message": "Invalid Credentials",
        "description": "the client id or secret is not the hub's",
    }
    parked = await api.get("/switching/unmatched", headers=auth("supervisor"))
    assert parked.status_code == 200
    assert any(p["message"]["source_correlation"] == "y" * 256 for p in parked.json())


async def test_an_auditor_reads_the_exchange_with_the_hub_in_the_web_ui(
    api: httpx.AsyncClient, sims: httpx.AsyncClient, stack: Stack
) -> None:
    """The messages sent (each activity's summary in words) and the answers taken (the
    signal's payload, decoded by the codec server), in one GB migration's history."""
    mid = await start(api, await subscriber(sims))
    await post(api, f"/migrations/{mid}/confirmation", {"channel": "phone"}, "sales")
    await book_gordon(api, mid, 14)
    snap = await until(api, mid, switch_is("confirmed"))
    async with chromium() as browser:
        page = await browser.new_page(viewport=TALL_DESKTOP)
        await page.goto(snap["web_ui_url"])
        await page.get_by_role("tab", name=re.compile("Event History")).click()
        main = page.locator("main")
        await expect(main).to_contain_text("One Touch Switch: MatchRequest to RLOS")
        await expect(main).to_contain_text(
            f"One Touch Switch: OrderRequest {snap['switch']['reference']}"
        )
        await page.get_by_text("Workflow Execution Signaled").last.click()  # the first: the match's
        await expect(main).to_contain_text('"routing_id": "residentialSwitchMatchConfirmation"')
        await page.screenshot(path=str(DOCS / "switching-web-ui.png"))
        history = await main.inner_text()
        for placeholder in ("binary/encrypted", "Decode failed"):
            assert placeholder not in history
        # The console tells the same exchange in words; supervisors also see the unmatched.
        console = await signed_in(browser, stack, "dev-supervisor")
        await console.goto(f"{stack.api_url}/console/migrations/{mid}")
        card = console.locator("section", has_text="Switch through the hub")
        await expect(card).to_contain_text(f"switch order {snap['switch']['reference']}")
        await expect(card).to_contain_text("match request sent to RLOS through the hub")
        await console.goto(f"{stack.api_url}/console/hub-messages")
        await expect(
            console.get_by_role("heading", name="Hub messages nobody asked for")
        ).to_be_visible()
