"""The bare-Temporal baseline: a workflow doing only what a migration minimally needs (one
activity per external effect, one update per human action) and a bare timer + notice."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from pydantic import BaseModel
from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    import httpx

STEP_TIMEOUT = timedelta(seconds=15)
BARE_QUEUE = "bench-bare"


class Plan(BaseModel):
    steps: str  # "a" = one activity, "u" = wait for one update, in migration order
    # When set, each activity makes a real HTTP call with an idempotency key (as ours do)
    # to this simulator endpoint instead of returning at once.
    effects_url: str | None = None


class Notice(BaseModel):
    url: str
    key: str
    migration_id: str


class Alarm(BaseModel):
    due: datetime
    notice: Notice
    # Our migrations begin with a call to the losing operator: a fair baseline does too.
    opening: Notice | None = None


@activity.defn(name="bench.noop")
async def noop(step: int) -> int:
    return step


class BareEffects:
    """One pooled HTTP client for every call, as our activities have: a client per call
    would cost the baseline a TLS context and a connection each time."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    @activity.defn(name="bench.notify")
    async def notify(self, notice: Notice) -> int:
        r = await self.http.post(
            notice.url,
            json={"migration_id": notice.migration_id, "promise": "bare", "level": 1},
            headers={"Idempotency-Key": notice.key},
        )
        return r.status_code


@workflow.defn
class BareMigration:
    def __init__(self) -> None:
        self.updates = 0

    @workflow.run
    async def run(self, plan: Plan) -> int:
        waited = 0
        wid = workflow.info().workflow_id
        for i, step in enumerate(plan.steps):
            if step == "a" and plan.effects_url:
                effect = Notice(url=plan.effects_url, key=f"{wid}/{i}", migration_id=wid)
                await workflow.execute_activity_method(
                    BareEffects.notify, effect, start_to_close_timeout=STEP_TIMEOUT
                )
            elif step == "a":
                await workflow.execute_activity(noop, i, start_to_close_timeout=STEP_TIMEOUT)
            else:
                waited += 1
                await workflow.wait_condition(functools.partial(self._has_updates, waited))
        return len(plan.steps)

    def _has_updates(self, n: int) -> bool:
        return self.updates >= n

    @workflow.update
    async def act(self, step: int) -> int:
        self.updates += 1
        return step

    @workflow.query
    def progress(self) -> int:
        return self.updates


@workflow.defn
class BareTimer:
    def __init__(self) -> None:
        self.due: datetime | None = None

    @workflow.run
    async def run(self, alarm: Alarm) -> int:
        self.due = alarm.due
        if alarm.opening is not None:
            await workflow.execute_activity_method(
                BareEffects.notify, alarm.opening, start_to_close_timeout=STEP_TIMEOUT
            )
        await workflow.sleep(max(alarm.due - workflow.now(), timedelta(0)))
        return await workflow.execute_activity_method(
            BareEffects.notify, alarm.notice, start_to_close_timeout=STEP_TIMEOUT
        )

    @workflow.query
    def next_due(self) -> datetime | None:
        return self.due
