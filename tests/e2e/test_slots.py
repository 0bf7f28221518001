"""Appointments from field service's capacity over real HTTP: a crowd racing for the last units
of a slot, offers read without writing, a manual booking that finds its technician busy, and
the customer choosing (then moving) his appointment on his phone."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from playwright.async_api import expect
from temporalio.client import Client

from stack import Stack
from tests.browser import DOCS, PHONE, chromium
from tests.e2e.client import (
    SHOWS_WITHIN_S,
    auth,
    book_manually,
    migration_body,
    post,
    snapshot,
    until,
    window,
)

RACERS = 20
UNITS = 5  # the roster's technicians in area RM


async def confirmed(api: httpx.AsyncClient, **extra: Any) -> str:
    r = await post(api, "/migrations", {**migration_body(), **extra}, "sales")
    assert r.status_code == 201, r.text
    mid = str(r.json()["migration_id"])
    r = await post(api, f"/migrations/{mid}/confirmation", {"channel": "phone"}, "sales")
    assert r.status_code == 200, r.text
    return mid


async def withdraw(api: httpx.AsyncClient, *ids: str) -> None:
    """Leave no migration waiting in dispatch's queue for the tests after these."""
    answers = await asyncio.gather(
        *(post(api, f"/migrations/{m}/withdrawal", {"reason": "test over"}, "care") for m in ids)
    )
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]


async def test_twenty_racing_for_the_last_five_units_get_five_bookings(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    # A day no other test books, so the slot has exactly its five units left.
    far = (date.today() + timedelta(days=400)).isoformat()
    ids = await asyncio.gather(*(confirmed(api, requested_start_date=far) for _ in range(RACERS)))
    offers = await asyncio.gather(
        *(post(api, f"/migrations/{m}/slot-offers", {"count": 3}, "dispatch") for m in ids)
    )
    slot = offers[0].json()["slots"][0]["slot_id"]
    assert all(o.json()["slots"][0]["slot_id"] == slot for o in offers)
    assert (await sims.get(f"/field-service/slots/{slot}")).json()["free_units"] == UNITS

    answers = await asyncio.gather(
        *(post(api, f"/migrations/{m}/appointment", {"slot_id": slot}, "dispatch") for m in ids)
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] * UNITS + [409] * (RACERS - UNITS), [a.text for a in answers]
    for lost in (a.json()["error"] for a in answers if a.status_code == 409):
        assert "is no longer free" in lost["message"]
        fresh = [s["slot_id"] for s in lost["details"]["slots"]]
        assert fresh and slot not in fresh
    won = {a.json()["migration_id"] for a in answers if a.status_code == 200}
    booked = [
        b for b in (await sims.get("/field-service/bookings")).json() if b["migration_id"] in ids
    ]
    assert {b["migration_id"] for b in booked} == won and len(booked) == UNITS
    assert len({b["technician_id"] for b in booked}) == UNITS  # one visit each per slot
    assert (await sims.get(f"/field-service/slots/{slot}")).json()["free_units"] == 0
    await withdraw(api, *ids)  # cancelling the visits frees their units
    for _ in range(int(SHOWS_WITHIN_S * 10)):
        if (await sims.get(f"/field-service/slots/{slot}")).json()["free_units"] == UNITS:
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError(f"{slot} never had its units back")


async def test_reading_the_slots_writes_nothing(api: httpx.AsyncClient, stack: Stack) -> None:
    mid = await confirmed(api)
    r = await api.get(f"/migrations/{mid}/slots", headers=auth("care"))
    assert r.status_code == 404 and "POST its slot-offers" in r.text
    offered = await post(api, f"/migrations/{mid}/slot-offers", {"count": 4}, "care")
    assert offered.status_code == 201 and len(offered.json()["slots"]) == 4
    label = offered.json()["slots"][0]["label"]
    assert re.fullmatch(r"\w{3} \d{1,2} \w{3}, (morning|afternoon) \d\d:\d\d–\d\d:\d\d", label)
    client = await Client.connect(stack.temporal_address)
    handle = client.get_workflow_handle(mid)
    before = len((await handle.fetch_history()).events)
    for _ in range(3):  # a reload, a link preview: reads
        r = await api.get(f"/migrations/{mid}/slots", headers=auth("dispatch"))
        assert r.status_code == 200 and r.json() == offered.json()
    assert len((await handle.fetch_history()).events) == before
    assert (await api.get(f"/migrations/{mid}/slots", headers=auth("sales"))).status_code == 403
    await withdraw(api, mid)


async def test_a_manual_booking_is_refused_while_the_technician_is_busy(
    api: httpx.AsyncClient,
) -> None:
    first, second = [await confirmed(api) for _ in range(2)]
    booked = await book_manually(api, first, "franco")
    assert booked.status_code == 200, booked.text
    start = booked.json()["appointment"]["window_start"]
    clash = {
        "technician_id": "franco",
        "window_start": start,
        "window_end": window(hours_from_now=2000)["window_start"],
    }
    r = await api.post(
        f"/migrations/{second}/appointment/manual", json=clash, headers=auth("supervisor")
    )
    assert r.status_code == 409
    assert "franco is already booked for another visit then" in r.json()["error"]["message"]
    r = await api.post(
        f"/migrations/{second}/appointment/manual",
        json={"technician_id": "luca", **window()},
        headers=auth("dispatch"),
    )
    assert r.status_code == 403  # an emergency booking is a supervisor's
    await withdraw(api, first, second)


async def status_link(sims: httpx.AsyncClient, mid: str) -> str:
    sent = await sent_to_the_customer(sims, mid, "customer:confirmation_call")
    link = re.search(r"https?://\S+/status/\S+", sent[0])
    assert link is not None, sent[0]
    return link.group(0)


async def sent_to_the_customer(sims: httpx.AsyncClient, mid: str, action: str) -> list[str]:
    for _ in range(int(SHOWS_WITHIN_S * 10)):
        calls = (await sims.get("/calls", params={"migration_id": mid})).json()
        sent = [c["body"]["text"] for c in calls if c["action"] == action]
        if sent:
            return sent
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {action} was sent")


async def test_the_customer_chooses_then_moves_his_appointment_on_his_phone(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    # A week ahead: well before the notice, so he may still move it himself.
    week = (date.today() + timedelta(days=7)).isoformat()
    mid = await confirmed(api, language="en", requested_start_date=week)
    link = await status_link(sims, mid)
    async with chromium() as browser:
        page = await browser.new_page(viewport=PHONE)
        await page.goto(link)
        choose = page.get_by_role("region", name="Choose your appointment")
        await choose.get_by_role("button", name="Show free times").click()
        slots = choose.locator("form.slots button")
        await expect(slots.first).to_be_visible()
        assert await slots.count() == 6
        await page.screenshot(path=str(DOCS / "choose-slot.png"), full_page=True)
        chosen = slots.nth(1)  # not the earliest: his own choice
        slot_id = await chosen.get_attribute("value")
        form = choose.locator("form.slots")
        fields = {
            n: await form.locator(f"input[name='{n}']").input_value()
            for n in ("csrf", "idempotency_key")
        }
        await chosen.click()
        await expect(page.get_by_role("status")).to_have_text(
            "Appointment booked: we sent you a message to confirm it."
        )
        # The same form sent again (a double tap, a reload): nothing is booked twice.
        again = await page.request.post(
            f"{link}/appointment", form={**fields, "slot_id": str(slot_id)}
        )
        assert again.ok

        move = page.get_by_role("region", name="Move your appointment")
        await expect(move.get_by_text("You can move it from here until")).to_be_visible()
        await move.get_by_role("button", name="Show other times").click()
        await move.locator("form.slots button").last.click()
        await expect(page.get_by_role("status")).to_have_text(
            "Appointment booked: we sent you a message to confirm it."
        )
    snap = await until(api, mid, lambda s: len(s["visit_moves"]) == 1)
    assert snap["stage"] == "scheduled" and snap["missed_visits"] == []
    assert snap["compensation"]["amount_cents"] == 0  # his own move owes him nothing
    booked = [e for e in snap["timeline"] if e["event"] == "visit_booked"]
    assert len(booked) == 1 and booked[0]["role"] == "customer"
    activation = next(p for p in snap["promises"] if p["name"] == "activation")
    assert [p["reason"] for p in activation["pauses"]] == [
        "customer declined the earliest slot offered"
    ] * len(activation["pauses"])
    assert activation["pauses"]  # he chose later than the earliest: the clock stopped
    messages = await sent_to_the_customer(sims, mid, "customer:notify_visit_booked")
    assert len(messages) == 2 and all("/status/" in m for m in messages)
    fresh = await snapshot(api, mid)
    assert fresh["appointment"]["booked_by"] == "customer"


async def test_a_forged_or_flooded_appointment_form_is_refused(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    mid = await confirmed(api)
    link = await status_link(sims, mid)
    forged = await api.post(f"{link}/slots", data={"csrf": "0" * 64})
    assert forged.status_code == 403
    page = await api.get(link)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert csrf is not None
    codes = [
        (
            await api.post(
                f"{link}/slots", data={"csrf": csrf.group(1), "idempotency_key": str(uuid.uuid4())}
            )
        ).status_code
        for _ in range(13)
    ]
    assert codes == [303] * 12 + [429]
    await withdraw(api, mid)
