"""A migration's calendar through the API, over real HTTP: the windows a sales agent asks
for are counted on the line's calendar, and a calendar the API cannot resolve is refused
with the field and the reason."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import httpx
import pytest

from tests.e2e.client import auth, migration_body
from tests.e2e.hub import subscriber

LONDON = ZoneInfo("Europe/London")


def next_scottish_working_day(after: date) -> date:
    """Counted here from the library and the weekday alone, apart from the product's code."""
    days_off = holidays.country_holidays("GB", subdiv="SCT", years=[after.year, after.year + 1])
    day = after + timedelta(days=1)
    while day.weekday() >= 5 or day in days_off:
        day += timedelta(days=1)
    return day


async def test_a_working_day_window_on_a_scottish_line(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    body = await subscriber(sims)
    body["policy"] = {"confirmation": {"working_days": 1}, "ticket_ack": "PT4H"}
    body["calendar"] = {"country": "GB", "subdivision": "SCT"}
    r = await api.post("/migrations", json=body, headers=auth("sales"))
    assert r.status_code == 201, r.text
    started = datetime.fromisoformat(r.json()["created_at"])
    confirmation = next(p for p in r.json()["promises"] if p["name"] == "confirmation")
    expected = datetime.combine(
        next_scottish_working_day(started.astimezone(LONDON).date()),
        time(23, 59, 59),
        tzinfo=LONDON,
    )
    assert datetime.fromisoformat(confirmation["due_at"]) == expected.astimezone(UTC)


async def test_a_british_line_gets_its_jurisdictions_windows_and_currency(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    """No window asked for: the activation promise and the repair clock come from the GB
    data file (10 and 2 working days), and whatever is owed is owed in pounds."""
    body = await subscriber(sims)
    r = await api.post("/migrations", json=body, headers=auth("sales"))
    assert r.status_code == 201, r.text
    mid = r.json()["migration_id"]
    r = await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    assert r.status_code == 200, r.text
    snap = r.json()
    activation = next(p for p in snap["promises"] if p["name"] == "activation")
    due = datetime.fromisoformat(activation["due_at"]).astimezone(LONDON)
    assert due.time() == time(23, 59, 59) and due.weekday() < 5
    assert activation["owner"] == "gaining_operator"
    assert snap["compensation"] == {"currency": "GBP", "amount_cents": 0}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"calendar": {"country": "GB", "subdivision": "XYZ"}}, "calendar"),
        ({"calendar": {"country": "IT", "time_zone": "Mars/Olympus"}}, "calendar"),
        ({"calendar": {"country": "IT", "working_days": [1, 1]}}, "calendar"),
        (
            {"calendar": {"country": "IT", "working_hours": {"start": "18:00", "end": "08:00"}}},
            "calendar.working_hours",
        ),
        ({"policy": {"confirmation": {"working_days": 0}}}, "policy.confirmation"),
        ({"policy": {"confirmation": {"fortnights": 2}}}, "policy.confirmation"),
    ],
)
async def test_a_calendar_or_window_it_cannot_count_is_refused(
    api: httpx.AsyncClient, change: dict[str, Any], field: str
) -> None:
    r = await api.post("/migrations", json=migration_body() | change, headers=auth("sales"))
    assert r.status_code == 422, r.text
    assert any(d["field"].startswith(field) for d in r.json()["error"]["details"]), r.text


async def test_the_activation_window_may_be_overridden_at_start_like_any_other(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    """`policy.activation` is a promise window like the others: one working day asked for on
    a Scottish line is due at the end of the next Scottish working day after confirmation."""
    body = await subscriber(sims)
    body["policy"] = {"activation": {"working_days": 1}}
    body["calendar"] = {"country": "GB", "subdivision": "SCT"}
    r = await api.post("/migrations", json=body, headers=auth("sales"))
    assert r.status_code == 201, r.text
    mid = r.json()["migration_id"]
    r = await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    assert r.status_code == 200, r.text
    confirmed = datetime.fromisoformat(r.json()["confirmed_at"])
    activation = next(p for p in r.json()["promises"] if p["name"] == "activation")
    expected = datetime.combine(
        next_scottish_working_day(confirmed.astimezone(LONDON).date()),
        time(23, 59, 59),
        tzinfo=LONDON,
    )
    assert datetime.fromisoformat(activation["due_at"]) == expected.astimezone(UTC)
    r = await api.post(
        f"/migrations/{mid}/withdrawal", json={"reason": "test done"}, headers=auth("sales")
    )
    assert r.status_code == 200, r.text
