"""The one ASGI layer every request passes: security headers on every answer (refusals and
failures included), a route cannot weaken them, and every request is logged and counted."""

from __future__ import annotations

import logging

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.edge import MAX_BODY_BYTES, Edge
from observability.api_metrics import ApiMetrics


async def loose(_: Request) -> Response:
    return JSONResponse({"ok": True}, headers={"Cache-Control": "public, max-age=600"})


async def broken(_: Request) -> Response:
    raise RuntimeError("a bug")


def client(metrics: ApiMetrics) -> httpx.AsyncClient:
    app = Starlette(
        routes=[
            Route("/items/{migration_id}", loose, methods=["GET", "POST"]),
            Route("/broken", broken),
        ]
    )
    transport = httpx.ASGITransport(app=Edge(app, metrics), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://edge")


def count(metrics: ApiMetrics, route: str, status: str) -> float:
    value = metrics.registry.get_sample_value(
        "api_requests_total", {"method": "GET", "route": route, "status": status}
    )
    return value or 0.0


async def test_our_headers_win_over_a_routes_own() -> None:
    async with client(ApiMetrics()) as http:
        r = await http.get("/items/mig-1")
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert r.headers.get_list("cache-control") == ["no-store"]  # replaced, not doubled


async def test_a_body_too_large_is_refused_with_the_headers_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="api.access")
    async with client(ApiMetrics()) as http:
        r = await http.post("/items/mig-1", content=b"x" * (MAX_BODY_BYTES + 1))
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
    assert r.headers["x-frame-options"] == "DENY"
    assert any(getattr(rec, "fields", {}).get("status") == 413 for rec in caplog.records)


async def test_a_failing_request_is_still_logged_and_counted_by_its_template(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="api.access")
    metrics = ApiMetrics()
    async with client(metrics) as http:
        await http.get("/items/mig-7")
        failed = await http.get("/broken")
    assert failed.status_code == 500
    assert count(metrics, "/items/{migration_id}", "200") == 1  # the template, never the id
    assert count(metrics, "/broken", "500") == 1
    assert [getattr(rec, "fields", {}).get("status") for rec in caplog.records] == [200, 500]
