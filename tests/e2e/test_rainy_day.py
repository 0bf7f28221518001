"""No customer is abandoned, through the API and the simulated losing operator."""

from __future__ import annotations

import httpx

from tests.e2e.client import auth, book_manually, create, until


async def test_a_line_that_cannot_be_built_while_the_customer_has_no_service(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    mid = await create(api)
    await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    r = await api.post(
        f"/migrations/{mid}/service-restored", json={"how": "new_line_active"}, headers=auth("care")
    )
    assert r.status_code == 409 and "not without service" in r.json()["error"]["message"]
    r = await book_manually(api, mid)
    assert r.status_code == 200, r.text
    r = await api.post(
        f"/migrations/{mid}/service-loss",
        json={"reported_via": "gateway"},
        headers=auth("operator"),
    )
    assert r.status_code == 200 and r.json()["customer_without_service"] is True

    r = await api.post(
        f"/migrations/{mid}/visit", json={"outcome": "failed"}, headers=auth("technician")
    )
    assert r.status_code == 422
    detail = r.json()["error"]["details"][0]
    assert detail["field"] == "reason" and "customer_absent" in detail["reason"]
    r = await api.post(
        f"/migrations/{mid}/visit",
        json={"outcome": "failed", "reason": "not_feasible", "notes": "no duct"},
        headers=auth("technician"),
    )
    assert r.status_code == 200, r.text
    failed = r.json()
    assert failed["stage"] == "failed" and failed["customer_without_service"] is True
    assert failed["reinstatement_requested"] is True
    assert "reinstate the old line" in failed["next_step"]

    # The simulated gateway reinstates the old line and reports it: only then it closes.
    closed = await until(api, mid, lambda s: not s["customer_without_service"])
    assert closed["stage"] == "failed" and closed["owner"]["party"] is None
    restored = next(e for e in closed["timeline"] if e["event"] == "service_restored")
    assert restored["role"] == "operator" and restored["detail"].startswith("old line reinstated")
    assert closed["compensation"]["amount_cents"] == 750  # one started day without service
    calls = (await sims.get("/calls", params={"migration_id": mid})).json()
    actions = [c["action"] for c in calls]
    assert actions.count("request_reinstatement") == 1 and "release" not in actions
    assert actions.count("cancel_order") == 1


async def test_a_customer_absent_is_rebooked(api: httpx.AsyncClient) -> None:
    mid = await create(api)
    await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    await book_manually(api, mid)
    r = await api.post(
        f"/migrations/{mid}/visit",
        json={"outcome": "failed", "reason": "customer_absent"},
        headers=auth("technician"),
    )
    snap = r.json()
    assert r.status_code == 200 and snap["stage"] == "confirmed"
    assert snap["owner"]["party"] == "dispatch" and snap["missed_visits"][0]["by"] == "luca"
    r = await book_manually(api, mid)
    assert r.status_code == 200 and r.json()["stage"] == "scheduled"
    assert r.json()["compensation"]["amount_cents"] == 0
