"""A worker killed while a One Touch Switch message is in flight, on either side: the
message is posted again after the restart under the same correlation id, so the hub takes
it once; as the losing provider, our services are ceased once and the trigger confirmed
once."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import httpx

from stack import Stack
from tests.e2e.client import SHOWS_WITHIN_S, auth, until
from tests.e2e.hub import answered, ask, our_customer, received, routing, sent_by, subscriber

SECRETS = ("dev-only-ots-client-secret", "dev-only-ots-hub-client-secret")


async def test_worker_killed_while_a_hub_message_is_in_flight(stack: Stack) -> None:
    async with (
        httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api,
        httpx.AsyncClient(base_url=stack.simulators_url) as sims,
    ):
        # The hub holds the next post for 20 s: the worker posting it dies meanwhile.
        await sims.post("/faults", json={"system": "hub", "hang_next": 1, "hang_s": 20})
        r = await api.post("/migrations", json=await subscriber(sims), headers=auth("sales"))
        assert r.status_code == 201, r.text
        mid = r.json()["migration_id"]
        deadline = time.monotonic() + SHOWS_WITHIN_S
        while (await sims.get("/faults")).json()["faulted"] < 1:
            assert time.monotonic() < deadline, "the match never reached the hub"
            await asyncio.sleep(0.1)
        stack.kill("worker")
        stack.launch("worker")
        matched = await until(api, mid, lambda s: (s["switch"] or {}).get("status") == "new")
        mine = sent_by(await received(sims), matched)
        assert [routing(m) for m in mine] == ["MatchRequest"]  # posted twice, taken once
        assert [e["event"] for e in matched["timeline"]].count("switch_matched") == 1
    assert stack.log_dir is not None
    logs = "".join(p.read_text(errors="replace") for p in stack.log_dir.glob("*.log"))
    assert not any(secret in logs for secret in SECRETS)  # credentials never logged


async def test_worker_killed_between_the_cease_and_the_trigger_confirmation(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.simulators_url, timeout=60) as sims:
        match = await our_customer(sims)
        confirmation = await answered(sims, await ask(sims, "Match", match))
        reference = confirmation["matchResult"]["switchOrderReference"]
        day = f"{datetime.now(UTC).date()}"
        order = {"switchOrderReference": reference, "plannedSwitchDate": day}
        await answered(sims, await ask(sims, "Order", order))
        # The next post to the hub is the trigger's confirmation, after the cease: held 20 s.
        await sims.post("/faults", json={"system": "hub", "hang_next": 1, "hang_s": 20})
        trigger = {"switchOrderReference": reference, "activationDate": day}
        correlation = await ask(sims, "OrderTrigger", trigger)
        deadline = time.monotonic() + SHOWS_WITHIN_S
        while (await sims.get("/faults")).json()["faulted"] < 1:
            assert time.monotonic() < deadline, "the confirmation never reached the hub"
            await asyncio.sleep(0.1)
        stack.kill("worker")
        stack.launch("worker")
        done = await answered(sims, correlation)
        assert done["status"] == "triggered"
        await asyncio.sleep(2)  # any second confirmation would have arrived by now
        assert (await answered(sims, correlation))["count"] == 1
        calls = (await sims.get("/calls")).json()
        ceases = [
            c
            for c in calls
            if c["system"] == "subscribers" and c["body"]["account"] == match["_account"]
        ]
        assert len(ceases) == 1  # once, however often it was asked
