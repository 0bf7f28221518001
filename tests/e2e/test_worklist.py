"""Every owner sees their own queue, and only their own, over real HTTP."""

from __future__ import annotations

import httpx

from tests.e2e.client import SARA, actions_on, auth, book_manually, create


async def test_each_owner_sees_their_own_queue(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    mid = await create(api)
    confirm = await actions_on(api, "sales", mid, {"confirm"})
    assert "Record the customer's confirmation" in confirm["confirm"]["summary"]
    assert confirm["confirm"]["web_ui_url"].endswith(mid)

    await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    booking = await actions_on(api, "dispatch", mid, {"book_visit"})
    assert booking["book_visit"]["summary"].startswith("Book the visit: customer confirmed")
    await actions_on(api, "sales", mid, set())

    r = await book_manually(api, mid)
    assert r.status_code == 200, r.text
    visit = await actions_on(api, "technician", mid, {"report_visit"})
    assert visit["report_visit"]["window_start"] is not None
    assert "Via Roma 1, Roma" in visit["report_visit"]["summary"]
    await actions_on(api, SARA, mid, set())  # another technician's visit never appears

    r = await api.post(
        f"/migrations/{mid}/tickets",
        json={"channel": "twitter", "summary": "when?"},
        headers=auth("care"),
    )
    assert r.status_code == 201
    await actions_on(api, "dispatch", mid, {"acknowledge_ticket"})
    await actions_on(api, "technician", mid, {"report_visit", "acknowledge_ticket"})
    care = await actions_on(api, "care", mid, {"acknowledge_ticket"})
    assert (
        care["acknowledge_ticket"]["read_only"] is True
        and care["acknowledge_ticket"]["ticket_id"] == "T1"
    )

    await api.post(
        f"/migrations/{mid}/service-loss", json={"reported_via": "phone"}, headers=auth("care")
    )
    await actions_on(api, "care", mid, {"acknowledge_ticket", "restore_service"})
    oversight = await actions_on(api, "supervisor", mid, {"restore_service", "review_escalation"})
    assert oversight["restore_service"]["read_only"] is True

    await sims.post("/faults", json={"system": "losing_operator", "release_callback_delay_s": 30})
    try:
        r = await api.post(
            f"/migrations/{mid}/visit", json={"outcome": "activated"}, headers=auth("technician")
        )
        assert r.status_code == 200, r.text
        await actions_on(api, "operator", mid, {"confirm_line_release"})
        await actions_on(api, "dev-operator-wind", mid, set())
        await actions_on(api, "technician", mid, {"acknowledge_ticket"})
    finally:
        await sims.delete("/faults")


async def test_a_forged_page_token_is_refused(api: httpx.AsyncClient) -> None:
    r = await api.get("/worklist", params={"page_token": "AAAA"}, headers=auth("care"))
    assert r.status_code == 422
