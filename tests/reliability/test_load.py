"""Load: many migrations started through the API by concurrent clients and driven to
completion. No unexpected answer, none lost, visibility counts exactly what was created."""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import httpx

from stack import Stack
from tests.e2e.client import auth, book, migration_body, technician_of
from tests.reliability.counts import MIGRATIONS

LOAD = int(os.environ.get("RELIABILITY_LOAD", str(MIGRATIONS * 3)))
CLIENTS = 20


async def test_load_through_the_api(stack: Stack) -> None:
    unexpected: list[str] = []
    created: list[str] = []

    async def expect(r: httpx.Response, status: int) -> Any:
        if r.status_code != status:
            unexpected.append(f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text}")
        return r.json()

    async with httpx.AsyncClient(base_url=stack.api_url, timeout=120) as api:
        todo = list(range(LOAD))

        async def client() -> None:
            while todo:
                todo.pop()
                snap = await expect(
                    await api.post("/migrations", json=migration_body(), headers=auth("sales")), 201
                )
                mid = snap["migration_id"]
                created.append(mid)
                r = await api.post(
                    f"/migrations/{mid}/confirmation",
                    json={"channel": "phone"},
                    headers=auth("sales"),
                )
                await expect(r, 200)
                technician = technician_of(await book(api, mid))  # a slot lost: fresh ones
                r = await api.post(
                    f"/migrations/{mid}/visit",
                    json={"outcome": "activated"},
                    headers=auth(technician),
                )
                await expect(r, 200)

        began = time.monotonic()
        await asyncio.gather(*(client() for _ in range(CLIENTS)))
        assert unexpected == []

        listed: set[str] = set()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            listed = set()
            token = None
            while True:
                params = {"stage": "completed", **({"page_token": token} if token else {})}
                page = (await api.get("/migrations", params=params, headers=auth("auditor"))).json()
                listed |= {i["migration_id"] for i in page["items"]}
                token = page["next_page_token"]
                if not token:
                    break
            if listed >= set(created):
                break
            await asyncio.sleep(1)
        assert listed == set(created) and len(created) == LOAD  # none lost, none extra
        print(
            f"load: {LOAD} migrations by {CLIENTS} clients completed in "
            f"{time.monotonic() - began:.0f}s"
        )
