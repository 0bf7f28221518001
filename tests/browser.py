"""A real browser for page tests: Playwright driving Debian's Chromium (Playwright cannot
download its own browser here). `make test` installs the package when it runs as root."""

from __future__ import annotations

import shutil
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, ViewportSize, async_playwright, expect

from stack import Stack

DOCS = Path(__file__).resolve().parent.parent / "docs"
PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1400, "height": 1000}
# What a person must see shows well within these on a loaded 2-core machine; a test waits for
# it to show, never for a fixed time.
SEEN_WITHIN_MS = 30_000
LISTED_WITHIN_S = 90.0  # visibility (lists, worklists) trails a workflow by about a second
# How long one load of such a page may take to draw its list before it is loaded again: a
# shorter wait could reload a slow page forever without ever letting it draw.
ONE_LOAD_MS = 10_000
expect.set_options(timeout=SEEN_WITHIN_MS)
# Headless, and quiet: this machine reaches no network, so Chromium's background calls
# would only fail; as root it needs --no-sandbox.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("no Chromium: run `apt-get install chromium` (make test does, as root)")
    return found


async def reload_until_shown(page: Page, shown: Locator, url: str | None = None) -> None:
    """Open `url` (or reload) until `shown` is on the page: for lists fed by Temporal's
    visibility, which trails the workflow."""
    deadline = time.monotonic() + LISTED_WITHIN_S
    while True:
        await (page.goto(url) if url else page.reload())
        try:
            await expect(shown.first).to_be_attached(timeout=ONE_LOAD_MS)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), args=FLAGS)
        try:
            yield browser
        finally:
            await browser.close()


async def signed_in(browser: Browser, stack: Stack, token: str, phone: bool = False) -> Page:
    """A console page signed in with a development token."""
    page = await browser.new_page(viewport=PHONE if phone else DESKTOP)
    await page.goto(f"{stack.api_url}/console")
    await page.get_by_label("Token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="My work")).to_be_visible()
    return page
