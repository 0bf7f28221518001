"""The customer's status link: in every message, a truthful page on his phone, a way to
report a problem that reaches the field team, and nothing for anyone without the link."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import httpx
from playwright.async_api import expect

from tests.browser import DOCS, PHONE, chromium
from tests.e2e.client import (
    SHOWS_WITHIN_S,
    actions_on,
    auth,
    book_manually,
    migration_body,
    until,
)


async def confirmed_in(
    api: httpx.AsyncClient, sims: httpx.AsyncClient, language: str
) -> tuple[str, str]:
    """A confirmed migration and the status link its confirmation message carried."""
    r = await api.post(
        "/migrations", json={**migration_body(), "language": language}, headers=auth("sales")
    )
    assert r.status_code == 201, r.text
    mid = r.json()["migration_id"]
    r = await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    assert r.status_code == 200
    deadline = time.monotonic() + SHOWS_WITHIN_S
    while time.monotonic() < deadline:
        calls: list[dict[str, Any]] = (
            await sims.get("/calls", params={"migration_id": mid})
        ).json()
        sent = [c["body"]["text"] for c in calls if c["action"] == "customer:confirmation_call"]
        if sent:
            link = re.search(r"https?://\S+/status/\S+", sent[0])
            assert link is not None, sent[0]
            assert r.json()["customer_status_url"] == link.group(0)
            return mid, link.group(0)
        await asyncio.sleep(0.1)
    raise AssertionError("no confirmation message was sent")


async def test_the_link_answers_for_its_migration_only(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    mid, link = await confirmed_in(api, sims, "en")
    r = await api.get(link, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    page = r.json()
    assert page["first_name"] == "Mario" and page["stage"] == "confirmed"
    assert page["next_step"].startswith(
        "Our field service will call you to book the technician's visit by"
    )
    for private in ("Rossi", "dario", "+39333", "Via Roma"):
        assert private not in r.text
    token = link.rsplit("/", 1)[1]
    body, mac = token.split(".")
    for bad in (f"{body}.{mac[::-1]}", f"{body[:-3]}.{mac}", "nonsense"):
        r = await api.get(f"/status/{bad}")
        assert r.status_code == 404 and "not valid" in r.text and "Mario" not in r.text


async def test_a_customer_reads_his_page_and_reports_a_problem(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    mid, link = await confirmed_in(api, sims, "it")
    r = await book_manually(api, mid)
    assert r.status_code == 200
    async with chromium() as browser:
        page = await browser.new_page(viewport=PHONE)
        await page.goto(link)
        await expect(page.get_by_role("heading", name="Ciao Mario")).to_be_visible()
        await expect(page.get_by_text("Il tecnico viene da te")).to_be_visible()
        await page.get_by_label("Segnala un problema").fill("Il tecnico può venire dopo le 17?")
        await page.get_by_role("button", name="Invia la segnalazione").click()
        await expect(page.get_by_role("status")).to_have_text("Segnalazione ricevuta.")
        await expect(page.get_by_text("da prendere in carico entro")).to_be_visible()

        # The report is a ticket like any other: in the field team's queues.
        item = await actions_on(api, "technician", mid, {"report_visit", "acknowledge_ticket"})
        ticket = item["acknowledge_ticket"]["ticket_id"]
        r = await api.post(
            f"/migrations/{mid}/tickets/{ticket}/acknowledgement",
            json={},
            headers=auth("technician"),
        )
        assert r.status_code == 200
        await page.reload()
        await expect(page.get_by_text("preso in carico")).to_be_visible()
        await page.screenshot(path=str(DOCS / "status-page.png"), full_page=True)
    snap = await until(api, mid, lambda s: bool(s["tickets"]))
    assert snap["tickets"][0]["channel"] == "status_page"


async def test_reports_are_limited_per_link(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    _, link = await confirmed_in(api, sims, "en")
    page = await api.get(link)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert csrf is not None
    answers = []
    for n in range(4):
        r = await api.post(
            f"{link}/problem", data={"summary": f"problem {n}", "csrf": csrf.group(1)}
        )
        answers.append(r.status_code)
    assert answers == [303, 303, 303, 429]
    forged = await api.post(f"{link}/problem", data={"summary": "x", "csrf": "0" * 64})
    assert forged.status_code == 403
