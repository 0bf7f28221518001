"""The staff console in a real browser: each owner signs in, finds their work, acts, and
reads a refusal in words."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import Browser, Page, expect

from stack import Stack
from tests.browser import DESKTOP, DOCS, PHONE, chromium, reload_until_shown
from tests.e2e.client import auth, create, until, window

ROME = ZoneInfo("Europe/Rome")


async def signed_in(browser: Browser, stack: Stack, token: str, phone: bool = False) -> Page:
    page = await browser.new_page(viewport=PHONE if phone else DESKTOP)
    await page.goto(f"{stack.api_url}/console")
    await page.get_by_label("Token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="My work")).to_be_visible()
    return page


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
    r = await api.post(
        f"/migrations/{mid}/appointment",
        json={"technician_id": technician, **window()},
        headers=auth("dispatch"),
    )
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


async def test_dispatch_books_a_visit_from_the_console(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    mid = await create(api)
    await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    # Dispatch types the window in the line's own zone, which the form names.
    start = (datetime.now(ROME) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    async with chromium() as browser:
        page = await signed_in(browser, stack, "dev-dispatch")
        await open_from_my_work(page, stack, mid)
        await page.get_by_label("Technician").fill("luca")
        await page.get_by_label("Window start (Europe/Rome)").fill(start.strftime("%Y-%m-%dT%H:%M"))
        await page.get_by_label("Window end (Europe/Rome)").fill(
            (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
        )
        await page.get_by_role("button", name="Book the visit").click()
        await expect(page.get_by_role("status")).to_have_text("Visit booked.")
    snap = await until(api, mid, lambda s: s["stage"] == "scheduled")
    assert snap["appointment"]["technician_id"] == "luca"
    assert datetime.fromisoformat(snap["appointment"]["window_start"]) == start


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
