"""The staff console in a real browser: each owner signs in, finds their work, acts, and
reads a refusal in words."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import Page, expect

from stack import Stack
from tests.browser import DOCS, chromium, reload_until_shown, signed_in
from tests.e2e.client import auth, book_manually, create, until

ROME = ZoneInfo("Europe/Rome")


async def open_from_my_work(page: Page, stack: Stack, mid: str) -> None:
    """Visibility trails the workflow by up to a second: reload My work until it shows."""
    link = page.locator(f"a[href='/console/migrations/{mid}']")
    await reload_until_shown(page, link, f"{stack.api_url}/console/work")
    await link.first.click()


async def scheduled_for(api: httpx.AsyncClient, technician: str) -> str:
    mid = await create(api)
    await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    r = await book_manually(api, mid, technician)
    assert r.status_code == 200, r.text
    return mid


async def test_a_technician_reports_his_visit_from_a_phone(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    mid = await scheduled_for(api, "luca")
    async with chromium() as browser:
        page = await signed_in(browser, stack, "dev-tech-luca", phone=True)
        await reload_until_shown(page, page.locator(f"a[href='/console/migrations/{mid}']"))
        await expect(page.get_by_text("Via Roma 1, Roma").first).to_be_visible()
        await page.screenshot(path=str(DOCS / "console.png"), full_page=True)
        await open_from_my_work(page, stack, mid)
        await expect(page.get_by_text("Mario Rossi")).to_be_visible()  # his own visit: he may see
        await page.get_by_role("button", name="Report activated").click()
        await expect(page.get_by_role("status")).to_have_text("Visit reported.")
    snap = await until(api, mid, lambda s: s["stage"] in ("activated", "completed"))
    assert snap["contract_effective"] is True


async def test_a_technicians_day_lists_his_visits_today_in_slot_order(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    now = datetime.now(ROME)
    # Half-hour windows, one after the other (heather cannot be in two places at once).
    later, sooner = now + timedelta(minutes=32), now + timedelta(minutes=1)
    ids = []
    for start in (later, sooner):  # booked in the other order
        mid = await create(api)
        await api.post(
            f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
        )
        r = await api.post(
            f"/migrations/{mid}/appointment/manual",
            json={
                "technician_id": "heather",
                "window_start": start.isoformat(),
                "window_end": (start + timedelta(minutes=30)).isoformat(),
            },
            headers=auth("supervisor"),
        )
        assert r.status_code == 200, r.text
        ids.append(mid)
    today = [m for m, t in zip(ids, (later, sooner), strict=True) if t.date() == now.date()]
    async with chromium() as browser:
        page = await signed_in(browser, stack, "dev-tech-heather", phone=True)
        day = page.get_by_role("region", name="My day")
        rows = day.locator("li")
        await reload_until_shown(page, rows.nth(len(today) - 1) if today else day)
        opened = [
            await a.get_attribute("href") for a in await day.get_by_role("link", name="open").all()
        ]
        assert opened == [f"/console/migrations/{m}" for m in reversed(today)]  # sooner first
        if today:
            await expect(rows.first).to_contain_text("Via Roma 1, Roma")
            await expect(rows.first.get_by_role("link", name="+393331234567")).to_be_visible()


async def test_another_technicians_visit_never_appears(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    mid = await scheduled_for(api, "luca")
    await until(api, mid, lambda s: s["stage"] == "scheduled")
    async with chromium() as browser:
        page = await signed_in(browser, stack, "dev-tech-sara", phone=True)
        assert mid not in await page.content()
        await page.goto(f"{stack.api_url}/console/migrations/{mid}")
        await expect(page.get_by_role("alert")).to_contain_text(f"no migration {mid}")


async def test_dispatch_books_from_the_offered_slots_and_a_taken_one_shows_fresh_ones(
    api: httpx.AsyncClient, stack: Stack, sims: httpx.AsyncClient
) -> None:
    mid = await create(api)
    await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    async with chromium() as browser:
        page = await signed_in(browser, stack, "dev-dispatch")
        await open_from_my_work(page, stack, mid)
        await page.get_by_role("button", name="Show available slots").click()
        await expect(page.get_by_role("status")).to_have_text("Slots offered.")
        booking = page.get_by_role("form", name="Book the visit")
        first = booking.locator("button[name='slot_id']").first
        taken = str(await first.get_attribute("value"))
        await fill(sims, taken)  # other bookings take its last units meanwhile
        await first.click()
        await expect(page.get_by_role("alert")).to_contain_text("is no longer free")
        fresh = booking.locator("button[name='slot_id']")
        await expect(fresh.first).to_be_visible()
        assert taken not in [await b.get_attribute("value") for b in await fresh.all()]
        chosen = str(await fresh.first.get_attribute("value"))
        await fresh.first.click()
        await expect(page.get_by_role("status")).to_have_text("Visit booked.")
    snap = await until(api, mid, lambda s: s["stage"] == "scheduled")
    assert snap["slot_offer"]["slots"][0]["slot_id"] == chosen
    start = next(s["start"] for s in snap["slot_offer"]["slots"] if s["slot_id"] == chosen)
    assert snap["appointment"]["window_start"] == start


async def fill(sims: httpx.AsyncClient, slot_id: str) -> None:
    """Take every free unit of a slot, as other bookings would, through field service."""
    free = (await sims.get(f"/field-service/slots/{slot_id}")).json()["free_units"]
    for _ in range(free):
        order = f"elsewhere-{uuid.uuid4()}"
        body = {"slot_id": slot_id, "work_order": order, "migration_id": order, "hold_s": 600}
        held = await sims.post(
            "/field-service/holds", json=body, headers={"Idempotency-Key": f"{order}/hold"}
        )
        assert held.status_code == 201, held.text
        confirmed = await sims.post(
            f"/field-service/holds/{held.json()['hold_id']}/confirm",
            json={"migration_id": order},
            headers={"Idempotency-Key": f"{order}/confirm"},
        )
        assert confirmed.status_code == 201, confirmed.text


async def test_a_refused_action_shows_its_reason_and_a_resubmission_does_nothing_twice(
    api: httpx.AsyncClient, stack: Stack, sims: httpx.AsyncClient
) -> None:
    mid = await create(api)
    async with chromium() as browser:
        page = await signed_in(browser, stack, "dev-sales")
        await open_from_my_work(page, stack, mid)
        # Care records the confirmation by phone while the page is open.
        r = await api.post(
            f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("care")
        )
        assert r.status_code == 200
        await page.get_by_role("button", name="Record the confirmation").click()
        await expect(page.get_by_role("alert")).to_contain_text(
            "Not done: already confirmed by giulia at"
        )
        assert "Traceback" not in await page.content()

        other = await create(api)
        await page.goto(f"{stack.api_url}/console/migrations/{other}")
        form = page.locator(f"form[action='/console/migrations/{other}/confirm']")
        fields: dict[str, str | float | bool] = {
            name: await form.locator(f"input[name='{name}']").input_value()
            for name in ("csrf", "idempotency_key", "channel")
        }
        await form.get_by_role("button", name="Record the confirmation").click()
        await expect(page.get_by_role("status")).to_have_text("Confirmation recorded.")
        # The same rendered form sent again (a double click, a reload): nothing new happens.
        again = await page.request.post(
            f"{stack.api_url}/console/migrations/{other}/confirm", form=fields
        )
        assert again.ok
    calls = (await sims.get("/calls", params={"migration_id": other})).json()
    assert [c["action"] for c in calls].count("customer:confirmation_call") <= 1
    snap = await until(api, other, lambda s: s["stage"] == "confirmed")
    assert [e["event"] for e in snap["timeline"]].count("confirmed") == 1
