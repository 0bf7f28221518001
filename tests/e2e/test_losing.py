"""A customer of ours switching away, over real HTTP: the simulated gaining provider sends
its requests through the simulated hub to our letterbox, and keeps our answers. Our
services end at the subscriber system once, and only after the trigger."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from playwright.async_api import expect

from stack import Stack
from tests.browser import DOCS, chromium, signed_in
from tests.e2e.client import auth
from tests.e2e.hub import answered, ask, our_customer


def today() -> str:
    return f"{datetime.now(UTC).date()}"


def later(days: int) -> str:
    return f"{datetime.now(UTC).date() + timedelta(days=days)}"


async def ceased(sims: httpx.AsyncClient, account: str) -> list[dict[str, Any]]:
    calls = (await sims.get("/calls")).json()
    return [
        c for c in calls if c["system"] == "subscribers" and c["body"].get("account") == account
    ]


async def test_a_customer_of_ours_is_ceased_once_and_only_after_the_trigger(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    match = await our_customer(sims)
    port = {"serviceType": "NBICS", "action": "port", "serviceIdentifier": match["_number"]}
    match["services"] = [*match["services"], port]
    confirmation = await answered(sims, await ask(sims, "Match", match))
    assert confirmation["routing"] == "MatchConfirmation"
    assert "alternativeSwitchOrders" not in confirmation  # the voice line named: one reference
    reference = confirmation["matchResult"]["switchOrderReference"]
    voice = confirmation["matchResult"]["services"][1]["serviceIdentifiers"]
    assert voice == [{"identifierType": "DN", "identifier": match["_number"]}]
    told = [(t["sentMethod"], t["sentTo"]) for t in confirmation["implicationsSent"]]
    assert told == [("email", "i***@example.co.uk"), ("sms", "077*****456")]
    ordered = await answered(
        sims,
        await ask(
            sims, "Order", {"switchOrderReference": reference, "plannedSwitchDate": later(3)}
        ),
    )
    assert ordered["status"] == "confirmed"
    moved = await answered(
        sims,
        await ask(
            sims, "OrderUpdate", {"switchOrderReference": reference, "plannedSwitchDate": later(4)}
        ),
    )
    assert moved["status"] == "updated"
    assert await ceased(sims, match["_account"]) == []  # nothing before the trigger
    asked_at = datetime.now(UTC)
    trigger = await answered(
        sims,
        await ask(
            sims, "OrderTrigger", {"switchOrderReference": reference, "activationDate": today()}
        ),
    )
    assert trigger["status"] == "triggered"
    (cease,) = await ceased(sims, match["_account"])
    assert cease["action"] == "cease" and cease["body"]["services"] == ["IAS", "NBICS"]
    assert datetime.fromisoformat(str(cease["first_received_at"])) >= asked_at
    calls = (await sims.get("/calls")).json()
    assert any(
        c["action"] == "final_bill" and c["body"]["account"] == match["_account"] for c in calls
    )
    again = await answered(
        sims,
        await ask(
            sims, "OrderTrigger", {"switchOrderReference": reference, "activationDate": today()}
        ),
    )
    assert again["faultCode"] == "1404"  # from the switch that ended, through its own workflow
    assert len(await ceased(sims, match["_account"])) == 1


async def test_broadband_only_offers_both_voice_options_and_a_cancellation_ceases_nothing(
    sims: httpx.AsyncClient,
) -> None:
    match = await our_customer(sims)
    confirmation = await answered(sims, await ask(sims, "Match", match))
    keep = confirmation["matchResult"]["switchOrderReference"]
    cease = confirmation["alternativeSwitchOrders"][0]["matchResult"]["switchOrderReference"]
    options = [s["switchAction"] for s in confirmation["matchResult"]["services"]]
    assert options == ["ServiceFound", "OptionToRetain"]
    ordered = await answered(
        sims,
        await ask(sims, "Order", {"switchOrderReference": keep, "plannedSwitchDate": later(2)}),
    )
    assert ordered["status"] == "confirmed"
    used = await answered(
        sims,
        await ask(sims, "Order", {"switchOrderReference": cease, "plannedSwitchDate": later(2)}),
    )
    assert used["faultCode"] == "1213"
    cancelled = await answered(
        sims, await ask(sims, "OrderCancellation", {"switchOrderReference": keep})
    )
    assert cancelled["status"] == "cancelled"
    again = await answered(
        sims,
        await ask(sims, "Order", {"switchOrderReference": keep, "plannedSwitchDate": later(2)}),
    )
    assert again["faultCode"] == "1205"
    assert await ceased(sims, match["_account"]) == []


async def test_unknown_references_duplicates_and_a_second_switch_get_the_right_answers(
    sims: httpx.AsyncClient,
) -> None:
    unknown = await answered(
        sims,
        await ask(
            sims,
            "Order",
            {"switchOrderReference": str(uuid.uuid4()), "plannedSwitchDate": later(2)},
        ),
    )
    assert unknown["faultCode"] == "1201"
    match = await our_customer(sims)
    twice_correlation = await ask(sims, "Match", match, deliveries=2)
    twice = await answered(sims, twice_correlation)
    assert twice["routing"] == "MatchConfirmation"
    await asyncio.sleep(1)
    assert (await answered(sims, twice_correlation))["count"] == 1  # one answer to both
    correlation = await ask(sims, "Match", match)  # the same customer, while his switch is open
    assert (await answered(sims, correlation))["faultCode"] == "1111"
    stranger = await our_customer(sims, surname="Smith")
    stranger["name"] = "Jones"
    assert (await answered(sims, await ask(sims, "Match", stranger)))["faultCode"] == "1108"


async def test_staff_see_customers_leaving_us(
    api: httpx.AsyncClient, sims: httpx.AsyncClient, stack: Stack
) -> None:
    match = await our_customer(sims, surname="Ní Bhriain")
    confirmation = await answered(sims, await ask(sims, "Match", match))
    reference = confirmation["matchResult"]["switchOrderReference"]
    await answered(
        sims,
        await ask(
            sims, "Order", {"switchOrderReference": reference, "plannedSwitchDate": later(5)}
        ),
    )
    rows = (await api.get("/switching/outgoing", headers=auth("care"))).json()
    mine = next(r for r in rows if r["customer"] == "Ní Bhriain")
    assert mine["status"] == "confirmed" and mine["planned"] == later(5)
    view = (
        await api.get(f"/switching/outgoing/{mine['switch_id']}", headers=auth("supervisor"))
    ).json()
    assert [e["event"] for e in view["timeline"]][:2] == [
        "switch_out_matched",
        "switch_out_confirmed",
    ]
    assert (await api.get("/switching/outgoing", headers=auth("sales"))).status_code == 403
    async with chromium() as browser:
        page = await signed_in(browser, stack, "dev-care")
        await page.goto(f"{stack.api_url}/console/switches")
        await expect(page.locator("main")).to_contain_text("Ní Bhriain")
        await page.screenshot(path=str(DOCS / "console-switches.png"))
        await page.goto(f"{stack.api_url}/console/switches/{mine['switch_id']}")
        await expect(page.locator("main")).to_contain_text("ordered switch order")
