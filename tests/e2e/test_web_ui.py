"""Auditors read every migration in the Temporal Web UI of the embedded stack, in plaintext
through the codec server, and find migrations with the README's ready-made links."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.async_api import expect

from stack import Stack
from tests.browser import DESKTOP, DOCS, chromium
from tests.e2e.client import auth, create, until

README = Path(__file__).resolve().parents[2] / "README.md"
# What the Web UI shows where it could not decode a payload.
CIPHERTEXT = ("binary/encrypted", "encoding", "Decode failed")
TIMER_SUMMARY = re.compile(
    r"Promise (confirmation: the customer's confirmation is to be recorded"
    r"|technician_contact: field service must call the customer) by"
)


async def test_an_auditor_reads_a_migration_in_plaintext(api: httpx.AsyncClient) -> None:
    mid = await create(api)
    r = await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    assert r.status_code == 200, r.text
    async with chromium() as browser:
        page = await browser.new_page(viewport=DESKTOP)
        await page.goto(r.json()["web_ui_url"])
        await expect(page.get_by_text('"offer": "fibra-1000"')).to_be_visible(timeout=20_000)
        # A timer's summary in words: the confirmation's (canceled by the update) or the
        # technician's call (running); the timeline draws its groups a few at a time, and
        # which it shows first depends on timing (as long as the input on a loaded machine).
        await expect(page.get_by_text(TIMER_SUMMARY).first).to_be_visible(timeout=20_000)
        await page.screenshot(path=str(DOCS / "web-ui.png"))

        await page.get_by_role("tab", name="User Metadata").click()
        summary, details, current = (page.frame_locator("iframe").nth(i) for i in range(3))
        await expect(summary.locator("body")).to_contain_text("offer fibra-1000, sold by dario")
        await expect(details.locator("body")).to_contain_text("Confirmation within 48 h")
        await expect(current.locator("body")).to_contain_text(
            "Next step: field service must call the customer"
        )

        await page.get_by_role("tab", name=re.compile("Event History")).click()
        for event in ("Workflow Execution Update Accepted", "Workflow Execution Update Completed"):
            await page.get_by_text(event).first.click()  # unfolds the event's payloads
        main = page.locator("main")
        # The confirming agent in the update's input, the migration's answer in its outcome
        # (the code viewer renders the lines in view only: the answer's first lines).
        await expect(main).to_contain_text('"subject": "dario"', timeout=20_000)
        await expect(main).to_contain_text('"stage": "confirmed"')
        history = await main.inner_text()
        assert "(idempotency key mig-" in history
        for placeholder in CIPHERTEXT:
            assert placeholder not in history


def readme_link(query: str) -> str:
    links = re.findall(
        r"\((http://127\.0\.0\.1:8233/namespaces/default/workflows\?query=[^)]+)\)",
        README.read_text(),
    )
    return next(str(link) for link in links if link.endswith(query))


async def test_the_readme_link_finds_escalated_migrations(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    mid = await create(api, confirmation=1, escalation_interval=1)
    await until(api, mid, lambda s: s["escalation_level"] >= 2)
    link = readme_link("EscalationLevel%20%3E%3D%202").replace(
        "http://127.0.0.1:8233", stack.ui_url
    )
    async with chromium() as browser:
        page = await browser.new_page(viewport=DESKTOP)
        for _ in range(30):  # visibility trails the workflow by up to about a second
            await page.goto(link)
            try:
                await expect(page.locator("main")).to_contain_text(mid, timeout=2_000)
                return
            except AssertionError:
                continue
    raise AssertionError(f"{mid} never listed at {link}")
