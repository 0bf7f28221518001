"""The embedded stack answers, a request reaches a workflow, the simulators dedupe."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from stack import Ports, Stack, StackError
from tests.e2e.client import auth, create


async def test_health_is_ok_when_temporal_answers(api: httpx.AsyncClient) -> None:
    r = await api.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


async def test_a_request_reaches_a_workflow(
    api: httpx.AsyncClient, sims: httpx.AsyncClient
) -> None:
    migration_id = await create(api)
    r = await api.get(f"/migrations/{migration_id}", headers=auth("auditor"))
    assert r.status_code == 200 and r.json()["stage"] == "proposed"
    assert r.json()["owner"]["party"] == "gaining_operator"
    calls = (await sims.get("/calls", params={"migration_id": migration_id})).json()
    assert [c["action"] for c in calls] in ([], ["open_order"])  # validation may be under way


async def test_simulators_do_an_effect_once_per_key(sims: httpx.AsyncClient) -> None:
    body = {"migration_id": "mig-dedupe", "kind": "confirmation_call", "phone": "+39333"}
    headers = {"Idempotency-Key": "mig-dedupe/run/confirmation-call"}
    first = await sims.post("/notifications/customer", json=body, headers=headers)
    again = await sims.post("/notifications/customer", json=body, headers=headers)
    assert first.json() == again.json()
    calls = (await sims.get("/calls", params={"migration_id": "mig-dedupe"})).json()
    assert len(calls) == 1 and calls[0]["deliveries"] == 2
    assert calls[0]["system"] == "notifications"


def test_a_taken_port_is_named_and_nothing_starts(tmp_path: Path) -> None:
    ports = Ports.free()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", ports.api))
        busy.listen()
        stack = Stack(ports=ports, db_file=tmp_path / "dev.db", ui=False, log_dir=tmp_path)
        with pytest.raises(StackError, match=f"port already in use: api {ports.api}"):
            stack.start()
    assert stack.processes == {}
