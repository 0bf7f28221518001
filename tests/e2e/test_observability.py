"""What operations staff read: Prometheus series on the API and the worker, JSON logs that
name the migration and who acted, and never the customer's personal data."""

from __future__ import annotations

import json
import re

import httpx

from stack import Stack
from tests.e2e.client import SARA, auth, book_manually, create, migration_body, until

PERSONAL = migration_body()["customer"]


def series(text: str, name: str, **labels: str) -> float:
    """The value of one series in a Prometheus exposition (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(f"{name}{{") or line.startswith(f"{name} "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.rsplit(" ", 1)[0]))
            if labels.items() <= found.items():
                return float(line.rsplit(" ", 1)[1])
    return 0.0


async def drive_with_an_escalation(api: httpx.AsyncClient) -> str:
    mid = await create(api, confirmation=1, escalation_interval=3600)
    await until(api, mid, lambda s: s["escalation_level"] >= 1)
    r = await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    assert r.status_code == 200, r.text
    assert (await book_manually(api, mid)).status_code == 200
    r = await api.post(
        f"/migrations/{mid}/visit", json={"outcome": "activated"}, headers=auth("technician")
    )
    assert r.status_code == 200, r.text
    await until(api, mid, lambda s: s["stage"] == "completed")
    return mid


async def test_metrics_on_the_api_and_the_worker(api: httpx.AsyncClient, stack: Stack) -> None:
    await drive_with_an_escalation(api)
    refused = await api.post(
        "/migrations/nope/visit", json={"outcome": "activated"}, headers=auth(SARA)
    )
    assert refused.status_code == 404

    text = (await api.get("/metrics")).text
    confirmation = "/migrations/{migration_id}/confirmation"
    assert series(text, "api_requests_total", route=confirmation, status="200") >= 1
    assert (
        series(text, "api_requests_total", route="/migrations/{migration_id}/visit", status="404")
        >= 1
    )
    assert series(text, "api_request_duration_seconds_count", route=confirmation) >= 1
    assert series(text, "migrations", stage="completed") >= 1
    assert "customers_without_service " in text
    assert "migrations_escalated{" in text

    async with httpx.AsyncClient() as http:
        url = f"http://127.0.0.1:{stack.ports.worker_metrics}/metrics"
        worker = (await http.get(url)).text
        server = (await http.get(stack.temporal_metrics_url)).text
    assert series(worker, "temporal_workflow_completed") >= 1  # SDK series
    assert series(worker, "temporal_activity_execution_latency_count") >= 1
    assert series(worker, "migration_escalations_total", level="1") >= 1  # product series
    assert series(worker, "migration_promise_breaches_total", promise="confirmation") >= 1
    assert series(worker, "migration_promises_opened_total", promise="confirmation") >= 1
    assert series(worker, "migration_closed_total", stage="completed") >= 1
    # The server's own meter of what Temporal Cloud would bill (docs/costs.md).
    started = {"action_type": "grpc_StartWorkflowExecution", "namespace": "default"}
    assert series(server, "action", **started) >= 1


async def test_logs_are_json_name_the_migration_and_hold_no_personal_data(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    mid = await drive_with_an_escalation(api)
    assert stack.log_dir is not None
    for process in ("api", "worker"):
        text = (stack.log_dir / f"{process}.log").read_text()
        for value in PERSONAL.values():
            assert value not in text, f"{process} logged personal data"
        for secret in ("dev-sales", "dev-only-api-secret", "Bearer "):
            assert secret not in text, f"{process} logged a secret"
        lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        mine = [line for line in lines if line.get("migration_id") == mid]
        assert mine, f"no {process} log line names {mid}"
        if process == "api":
            confirm = next(line for line in mine if line["message"].endswith("/confirmation"))
            assert confirm["subject"] == "dario" and confirm["role"] == "sales"
            assert confirm["status"] == 200
        else:
            calls = [line for line in mine if "activity" in line]
            assert calls and all({"run_id", "step", "status"} <= line.keys() for line in calls)
            assert any(
                line["level"] == "warning" and "escalation" in line["message"] for line in mine
            )
