"""Auditors read every migration in the Temporal Web UI of the embedded stack, in plaintext
through the codec server, and find migrations with the manual's ready-made links."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.async_api import ViewportSize, expect

from stack import Stack
from tests.browser import DESKTOP, DOCS, chromium, reload_until_shown
from tests.e2e.client import auth, create, until

AUDITING = Path(__file__).resolve().parents[2] / "docs" / "auditing.md"
# Tall enough for the manual's picture to show the timers' rows under the input.
TALL_DESKTOP: ViewportSize = {"width": 1400, "height": 1500}
# What the Web UI shows where it could not decode a payload.
CIPHERTEXT = ("binary/encrypted", "encoding", "Decode failed")
# A timer's summary in words. Which timers exist depends on timing: the confirmation's
# early-warning timer only if the migration reached its first sleep before the
# confirmation arrived; the technician's call's always, started in the same workflow task
# that completes the confirmation (so it is in the history before the API answers).
TIMER_SUMMARY = re.compile(
    r"Promise (?:confirmation|technician_contact) at risk: "
    r"(?:the back office|field service) is warned \((?:the customer's confirmation is to be "
    r"recorded|field service must call the customer to book the visit) by \d\d:\d\d on "
    r"\w+ \d+ \w+ \(Europe/Rome\), (?:48|24) h\)"
)


async def test_an_auditor_reads_a_migration_in_plaintext(api: httpx.AsyncClient) -> None:
    """What an auditor must read, each where it stands once its page has loaded (never
    where the timeline happens to draw first): the input, a timer's summary in words, the
    update's argument and answer, and no ciphertext anywhere."""
    mid = await create(api)
    r = await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    assert r.status_code == 200, r.text
    async with chromium() as browser:
        page = await browser.new_page(viewport=TALL_DESKTOP)
        await page.goto(r.json()["web_ui_url"])
        await expect(page.get_by_text('"offer": "fibra-1000"')).to_be_visible()

        await page.get_by_role("tab", name="User Metadata").click()
        summary, details, current = (page.frame_locator("iframe").nth(i) for i in range(3))
        await expect(summary.locator("body")).to_contain_text("offer fibra-1000, sold by dario")
        await expect(details.locator("body")).to_contain_text("Confirmation within 48 h")
        await expect(current.locator("body")).to_contain_text(
            "Next step: field service must call the customer"
        )

        # The event list gives every timer's summary in its row: the technician's call's
        # timer is in the history by now (see TIMER_SUMMARY).
        await page.get_by_role("tab", name=re.compile("Event History")).click()
        main = page.locator("main")
        await expect(main).to_contain_text(TIMER_SUMMARY)
        await page.screenshot(path=str(DOCS / "web-ui.png"))  # the page is tall enough for them
        for event in ("Workflow Execution Update Accepted", "Workflow Execution Update Completed"):
            await page.get_by_text(event).first.click()  # unfolds the event's payloads
        # The confirming agent in the update's input, the migration's answer in its outcome
        # (the code viewer renders the lines in view only: the answer's first lines).
        await expect(main).to_contain_text('"subject": "dario"')
        await expect(main).to_contain_text('"stage": "confirmed"')
        history = await main.inner_text()
        assert "(idempotency key mig-" in history
        for placeholder in CIPHERTEXT:
            assert placeholder not in history


def manual_link(query: str) -> str:
    links = re.findall(
        r"\((http://127\.0\.0\.1:8233/namespaces/default/workflows\?query=[^)]+)\)",
        AUDITING.read_text(),
    )
    return next(str(link) for link in links if link.endswith(query))


async def test_the_readme_link_finds_escalated_migrations(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    mid = await create(api, confirmation=1, escalation_interval=1)
    await until(api, mid, lambda s: s["escalation_level"] >= 2)
    link = manual_link("EscalationLevel%20%3E%3D%202").replace(
        "http://127.0.0.1:8233", stack.ui_url
    )
    async with chromium() as browser:
        page = await browser.new_page(viewport=DESKTOP)
        await reload_until_shown(page, page.locator("main").get_by_text(mid), link)
