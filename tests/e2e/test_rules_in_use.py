"""`python -m usecases rules-in-use` over a real server: a new migration counts at the
newest rules level, and the words say every level."""

from __future__ import annotations

import asyncio
import time

import httpx

from connection import connect
from domain.rules import LEGACY_RULES, NEWEST
from settings import Settings
from stack import Stack
from tests.e2e.client import SHOWS_WITHIN_S, create, post
from usecases import rules
from usecases.__main__ import in_words


async def test_a_new_migration_counts_at_the_newest_level(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    client = await connect(Settings(temporal_address=stack.temporal_address))
    before = await rules.in_use(client)
    mid = await create(api)
    deadline = time.monotonic() + SHOWS_WITHIN_S
    while (found := await rules.in_use(client))[NEWEST] <= before[NEWEST]:
        assert time.monotonic() < deadline, found
        await asyncio.sleep(0.2)
    assert set(found) == {*range(LEGACY_RULES, NEWEST + 1), None}
    said = in_words(found)
    assert f"rules level {NEWEST}: {found[NEWEST]} open" in said
    r = await post(api, f"/migrations/{mid}/withdrawal", {"reason": "test done"}, "sales")
    assert r.status_code == 200, r.text
