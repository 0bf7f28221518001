"""Promises on the migration's calendar, in the time-skipping server: a working-days window
fires when the regulator says, and the holidays it was counted with are the ones recorded
when the migration started, whatever the library says later."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.calendars import resolve
from api.schemas import CalendarIn
from domain.calendar import WorkingDays
from domain.models import PromiseStatus
from tests.builders import make_request
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import Handle, record, start
from workflows.line_migration import LineMigrationWorkflow as Wf
from workflows.sandbox import RUNNER

CHRISTMAS_EVE_5PM_ROME = datetime(2027, 12, 24, 16, tzinfo=UTC)
TUESDAY_28_END_ROME = datetime(2027, 12, 28, 22, 59, 59, tzinfo=UTC)  # 23:59:59 CET


async def christmas_eve_migration(env: WorkflowEnvironment, worker: Worker) -> Handle:
    """A proposal made on Friday 24 December 2027 at 17:00 in Rome, to be confirmed within
    two working days, on Italy's calendar as the API resolves it."""
    await env.sleep(CHRISTMAS_EVE_5PM_ROME - await env.get_current_time())
    italy = resolve(CalendarIn(country="IT"), date(2027, 12, 24))
    request = make_request(calendar=italy, confirmation=WorkingDays(working_days=2))
    return await start(env, worker, request)


async def test_two_working_days_from_christmas_eve_fire_on_tuesday_night(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await christmas_eve_migration(env, worker)
    snap = await handle.query(Wf.snapshot)
    (confirmation,) = snap.promises
    assert confirmation.due_at == TUESDAY_28_END_ROME
    await env.sleep(TUESDAY_28_END_ROME - await env.get_current_time() - timedelta(minutes=1))
    assert (await handle.query(Wf.snapshot)).escalation_level == 0  # Sunday 26 passed quietly
    await env.sleep(timedelta(minutes=2))
    snap = await handle.query(Wf.snapshot)
    assert snap.escalation_level == 1
    assert snap.promises[0].status is PromiseStatus.BREACHED
    assert snap.promises[0].breached_at == TUESDAY_28_END_ROME
    await handle.terminate("recorded")
    await record(handle, "calendar_working_days")


async def test_a_new_holiday_list_moves_no_due_time_already_decided(
    env: WorkflowEnvironment, systems: FakeSystems, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replayed from history with no cache, under a library that would answer otherwise (and
    fails the test if anything asks it), the migration says the same due time."""
    queue = f"tq-{uuid.uuid4()}"
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[Wf],
        workflow_runner=RUNNER,
        activities=systems.activities(),
    ) as first:
        handle = await christmas_eve_migration(env, first)
        before = await handle.query(Wf.snapshot)

    def another_list(*args: object, **kwargs: object) -> object:
        raise AssertionError("a running migration read the holidays library")

    monkeypatch.setattr(holidays, "country_holidays", another_list)
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[Wf],
        workflow_runner=RUNNER,
        activities=systems.activities(),
        max_cached_workflows=0,
    ):
        after = await handle.query(Wf.snapshot)
    assert after.promises == before.promises
    assert after.promises[0].due_at == TUESDAY_28_END_ROME
    await handle.terminate("done")
