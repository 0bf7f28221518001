"""The promise-keeping report over real HTTP: migrations write their facts as they go, the
report counts them, as JSON and CSV, and a read model rebuilt from Temporal says the same."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import expect
from temporalio.client import ScheduleActionStartWorkflow

from connection import connect
from domain.figures import GroupBy, report
from reporting import store
from settings import Settings
from stack import Stack
from tests.browser import DESKTOP, DOCS, chromium
from tests.e2e.client import SHOWS_WITHIN_S, auth, book, migration_body, post, technician_of
from usecases.reports import SCHEDULE_ID, rebuild

OPERATOR = "wind"  # no other test migrates from it: its group is this test's alone


async def started(api: httpx.AsyncClient) -> str:
    r = await post(api, "/migrations", {**migration_body(), "losing_operator": OPERATOR}, "sales")
    assert r.status_code == 201, r.text
    mid = str(r.json()["migration_id"])
    r = await post(api, f"/migrations/{mid}/confirmation", {"channel": "phone"}, "sales")
    assert r.status_code == 200, r.text
    return mid


async def figures(api: httpx.AsyncClient, period: dict[str, str]) -> dict[str, Any]:
    r = await api.get(
        "/reports/promise-keeping",
        params={**period, "group_by": "losing_operator"},
        headers=auth("supervisor"),
    )
    assert r.status_code == 200, r.text
    groups: dict[str, dict[str, Any]] = {g["group"]: g["figures"] for g in r.json()["groups"]}
    return groups.get(OPERATOR, {})


async def test_the_report_counts_what_the_migrations_wrote_and_a_rebuild_agrees(
    api: httpx.AsyncClient, stack: Stack, tmp_path: Path
) -> None:
    since = datetime.now(UTC) - timedelta(seconds=1)
    activated, withdrawn, _waiting = [await started(api) for _ in range(3)]
    technician = technician_of(await book(api, activated))
    r = await post(api, f"/migrations/{activated}/visit", {"outcome": "activated"}, technician)
    assert r.status_code == 200, r.text
    r = await post(api, f"/migrations/{withdrawn}/withdrawal", {"reason": "changed mind"}, "care")
    assert r.status_code == 200, r.text
    period = {"from": since.isoformat(), "to": (since + timedelta(days=1)).isoformat()}

    deadline, found = time.monotonic() + SHOWS_WITHIN_S, {}
    while time.monotonic() < deadline:
        found = await figures(api, period)
        if found.get("migrations_withdrawn") == 1 and found.get("activation_hours_p50") is not None:
            break
        await asyncio.sleep(0.5)
    assert found["migrations_started"] == 3 and found["migrations_withdrawn"] == 1
    assert 0 <= found["activation_hours_p50"] < 1

    csv = await api.get(
        "/reports/promise-keeping",
        params={**period, "group_by": "losing_operator"},
        headers={**auth("auditor"), "Accept": "text/csv"},
    )
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert f"{OPERATOR},migrations_started,3" in csv.text
    refused = await api.get("/reports/promise-keeping", params=period, headers=auth("sales"))
    assert refused.status_code == 403
    backwards = {"from": period["to"], "to": period["from"]}
    bad = await api.get("/reports/promise-keeping", params=backwards, headers=auth("auditor"))
    assert bad.status_code == 422

    # A read model rebuilt from Temporal alone gives the same figures as the live one.
    rebuilt = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    settings = Settings(temporal_address=stack.temporal_address, reporting_database_url=rebuilt)
    client = await connect(settings)
    written = await rebuild(client, settings, where=f"LosingOperator = '{OPERATOR}'")
    assert written == 3
    start, end = since, since + timedelta(days=1)
    now = datetime.now(UTC)
    with store.opened(rebuilt) as fresh, store.opened(live_url(stack)) as live:
        from_rebuilt = report(
            store.rows(fresh, start, end), start, end, GroupBy.LOSING_OPERATOR, now
        )
        from_live = report(store.rows(live, start, end), start, end, GroupBy.LOSING_OPERATOR, now)
    ours = [g for g in from_live.groups if g.group == OPERATOR]
    assert [g for g in from_rebuilt.groups if g.group == OPERATOR] == ours


def live_url(stack: Stack) -> str:
    return stack.env()["REPORTING_DATABASE_URL"]


async def test_a_supervisor_reads_the_report_with_its_charts_in_the_console(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    await started(api)  # at least one migration this month
    async with chromium() as browser:
        page = await browser.new_page(viewport=DESKTOP)
        await page.goto(f"{stack.api_url}/console")
        await page.get_by_label("Token").fill("dev-supervisor")
        await page.get_by_role("button", name="Sign in").click()
        await page.get_by_role("link", name="Reports", exact=True).click()
        await page.get_by_label("Group by").select_option("losing_operator")
        await page.get_by_role("button", name="Show the figures").click()
        figures_of = page.get_by_role("region", name=f"Figures: {OPERATOR}")
        await expect(figures_of.get_by_text("migrations started")).to_be_visible()
        charts = page.locator("img.chart")
        assert await charts.count() == 3
        for i in range(3):  # each drawn: an image that decoded, from its own route
            await expect(charts.nth(i)).to_have_js_property("complete", True)
            assert await charts.nth(i).evaluate("img => img.naturalWidth") == 640
        async with page.expect_download() as downloading:
            await page.get_by_role("link", name="Download as CSV").click()
        saved = await (await downloading.value).path()
        assert saved.read_text().startswith("group,figure,value")
        await page.screenshot(path=str(DOCS / "reports.png"), full_page=True)
    async with chromium() as browser:  # a technician has no reports
        page = await browser.new_page(viewport=DESKTOP)
        await page.goto(f"{stack.api_url}/console")
        await page.get_by_label("Token").fill("dev-tech-luca")
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("link", name="Reports", exact=True)).to_have_count(0)
        await page.goto(f"{stack.api_url}/console/reports")
        await expect(page.get_by_role("alert")).to_contain_text("for supervisors and auditors")


async def test_the_monthly_report_is_scheduled_and_can_be_run_now(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    client = await connect(Settings(temporal_address=stack.temporal_address))
    described = await client.get_schedule_handle(SCHEDULE_ID).describe()  # made at start-up
    (calendar,) = described.schedule.spec.calendars
    assert [(r.start, r.end) for r in calendar.day_of_month] == [(1, 1)]
    action = described.schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    assert action.workflow == "MonthlyReportWorkflow"

    month = datetime.now(UTC).strftime("%Y-%m")
    refused = await api.post("/reports/monthly", json={"month": month}, headers=auth("auditor"))
    assert refused.status_code == 403
    bad = await api.post("/reports/monthly", json={"month": "2026-13"}, headers=auth("supervisor"))
    assert bad.status_code == 422
    made = await api.post("/reports/monthly", json={"month": month}, headers=auth("supervisor"))
    assert made.status_code == 201, made.text
    listed = await api.get("/reports/monthly", headers=auth("auditor"))
    assert [m["month"] for m in listed.json()][:1] == [month]
    async with chromium() as browser:
        page = await browser.new_page(viewport=DESKTOP)
        await page.goto(f"{stack.api_url}/console")
        await page.get_by_label("Token").fill("dev-auditor")
        await page.get_by_role("button", name="Sign in").click()
        await page.goto(f"{stack.api_url}/console/reports")
        await (
            page.get_by_role("region", name="Monthly reports")
            .get_by_role("link", name=month)
            .click()
        )
        await expect(page.get_by_role("heading", name=f"Promise keeping, {month}")).to_be_visible()
        await expect(page.get_by_role("heading", name="Per losing operator")).to_be_visible()
