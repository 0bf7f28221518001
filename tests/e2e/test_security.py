"""Personal data sealed in Temporal, readable through the API and the codec server only;
technicians and gateways scoped to their own migrations; every write in the audit trail."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads
from temporalio.client import Client

from stack import Stack
from tests.binaries import temporal_cli
from tests.e2e.client import SARA, auth, book_manually, create, migration_body


async def raw_history(stack: Stack, migration_id: str) -> dict[str, Any]:
    """The history as Temporal stores it, read by a client that has no codec."""
    plain = await Client.connect(stack.temporal_address)
    history = await plain.get_workflow_handle(migration_id).fetch_history()
    return history.to_json_dict()


async def test_temporal_holds_no_personal_data_in_plaintext(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    body = migration_body()
    r = await api.post("/migrations", json=body, headers=auth("sales"))
    mid = r.json()["migration_id"]
    await api.post(
        f"/migrations/{mid}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    stored = json.dumps(await raw_history(stack, mid))
    personal = [*body["customer"].values(), body["line"]["number"], body["line"]["address"]]
    for value in personal:
        assert value not in stored
    assert "binary/encrypted" in stored or "YmluYXJ5L2VuY3J5cHRlZA" in stored
    seen = (await api.get(f"/migrations/{mid}", headers=auth("care"))).json()
    assert seen["customer"] == body["customer"] and seen["line"]["number"] == body["line"]["number"]


async def test_the_codec_server_opens_payloads_for_auditors_only(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    mid = await create(api)
    events = (await raw_history(stack, mid))["events"]
    started = events[0]["workflowExecutionStartedEventAttributes"]["input"]
    document = json.dumps(started)
    opened = await api.post(
        "/codec/decode", content=document, headers={**auth("auditor"), "X-Namespace": "default"}
    )
    assert opened.status_code == 200, opened.text
    inner = json_format.Parse(opened.text, Payloads()).payloads[0]
    assert json.loads(inner.data)["request"]["customer"]["name"] == "Mario Rossi"

    assert (
        await api.post("/codec/decode", content=document, headers=auth("sales"))
    ).status_code == 403
    assert (await api.post("/codec/decode", content=document)).status_code == 401
    garbage = await api.post("/codec/decode", content="{nope", headers=auth("auditor"))
    assert garbage.status_code == 422

    # The development Web UI has no sign-in: from its origin, in development, no token needed.
    ui = stack.ui_origins[0]
    from_ui = await api.post("/codec/decode", content=document, headers={"Origin": ui})
    assert from_ui.status_code == 200, from_ui.text
    inner = json_format.Parse(from_ui.text, Payloads()).payloads[0]
    assert json.loads(inner.data)["request"]["customer"]["name"] == "Mario Rossi"
    elsewhere = await api.post(
        "/codec/decode", content=document, headers={"Origin": "https://evil.example"}
    )
    assert elsewhere.status_code == 401

    preflight = {
        "Origin": ui,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-namespace",
    }
    ok = await api.options("/codec/decode", headers=preflight)
    assert ok.headers.get("access-control-allow-origin") == ui
    evil = await api.options(
        "/codec/decode", headers={**preflight, "Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in evil.headers
    assert (
        "access-control-allow-origin"
        not in (await api.options("/migrations", headers=preflight)).headers
    )  # CORS only where the Web UI needs it


async def test_technicians_and_gateways_see_only_their_own(api: httpx.AsyncClient) -> None:
    mid = await create(api)
    url = f"/migrations/{mid}"
    assert (await api.get(url, headers=auth("technician"))).status_code == 404  # not booked yet
    confirmed = await api.post(
        f"{url}/confirmation", json={"channel": "phone"}, headers=auth("sales")
    )
    assert confirmed.status_code == 200
    assert (await book_manually(api, mid)).status_code == 200  # luca's
    assert (await api.get(url, headers=auth("technician"))).status_code == 200
    assert (await api.get(url, headers=auth(SARA))).status_code == 404
    ticket = {"channel": "app", "summary": "customer not home"}
    assert (await api.post(f"{url}/tickets", json=ticket, headers=auth(SARA))).status_code == 404

    assert (await api.get(url, headers=auth("operator"))).status_code == 200  # telecom
    assert (await api.get(url, headers=auth("dev-operator-wind"))).status_code == 404
    loss = {"reported_via": "gateway"}
    refused = await api.post(f"{url}/service-loss", json=loss, headers=auth("dev-operator-wind"))
    assert refused.status_code == 404
    assert (await api.get(url, headers=auth("auditor"))).json()["customer_without_service"] is False


async def test_every_write_is_in_the_audit_trail(api: httpx.AsyncClient) -> None:
    mid = await create(api)
    url = f"/migrations/{mid}"
    r = await api.post(f"{url}/confirmation", json={"channel": "phone"}, headers=auth("care"))
    r = await api.post(
        f"{url}/tickets", json={"channel": "mail", "summary": "when?"}, headers=auth("sales")
    )
    timeline = (await api.get(url, headers=auth("auditor"))).json()["timeline"]
    who = {(e["event"], e["actor"], e["role"]) for e in timeline}
    assert {
        ("proposed", "dario", "sales"),
        ("confirmed", "giulia", "care"),
        ("ticket_opened", "dario", "sales"),
    } <= who
    assert all(e["at"] for e in timeline)
    assert r.status_code == 201


async def test_security_headers(api: httpx.AsyncClient) -> None:
    r = await api.get("/migrations/mig-x", headers=auth("auditor"))
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    docs = await api.get("/docs")
    assert "content-security-policy" not in docs.headers  # Swagger UI loads its scripts


async def test_temporals_own_cli_reads_plaintext_through_the_codec_server(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    mid = await create(api)

    async def customer_name(*codec: str) -> str:
        """The started event's input as the CLI shows it (JSON carries payload data base64)."""
        proc = await asyncio.create_subprocess_exec(
            temporal_cli(),
            "workflow",
            "show",
            "--address",
            stack.temporal_address,
            "-w",
            mid,
            "--output",
            "json",
            *codec,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        assert proc.returncode == 0, err.decode()
        started = json.loads(out)["events"][0]["workflowExecutionStartedEventAttributes"]
        data = base64.b64decode(started["input"]["payloads"][0]["data"])
        try:
            return str(json.loads(data)["request"]["customer"]["name"])
        except ValueError:  # still ciphertext
            return "<sealed>"

    endpoint = ["--codec-endpoint", f"{stack.api_url}/codec"]
    assert await customer_name(*endpoint, "--codec-auth", "Bearer dev-auditor") == "Mario Rossi"
    assert await customer_name() == "<sealed>"
