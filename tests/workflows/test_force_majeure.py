"""Force majeure reaches every migration without a call to the registry per start, in the
time-skipping server: a start trusts its API process's copy of the register while the copy is
fresh, asks the register itself when the copy was too old, and the registry carries each
change twice, the second time once every copy read before it is too old to trust."""

from __future__ import annotations

import uuid
from datetime import timedelta

from temporalio import activity
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.messages import FanOut, FanOutResult
from domain.calendar import WorkingDays
from domain.commands import StartMigration
from domain.force_majeure import FAN_OUT_ACTIVITY, SETTLE, VISIBILITY_LAG
from domain.models import Declaration, PromiseName
from tests.builders import make_request
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import Handle, confirm, record
from usecases.calendars import resolve
from usecases.proposal import CalendarIn
from workflows.force_majeure import Declare, ForceMajeureRegistry, Registry
from workflows.line_migration import LineMigrationWorkflow as Wf
from workflows.sandbox import RUNNER


async def declared(env: WorkflowEnvironment, fm_id: str, **changes: object) -> Declaration:
    now = await env.get_current_time()
    flood = Declaration(
        declaration_id=fm_id,
        area="RM",  # the builder's line (Rome)
        start=now - timedelta(hours=1),
        end=now + timedelta(days=3),
        reason="flooding",
        by="sofia",
    )
    return flood.model_copy(update=changes)


async def start_with_copy(
    env: WorkflowEnvironment, worker: Worker, copy: list[Declaration], read_ago: timedelta
) -> Handle:
    request = make_request(
        calendar=resolve(CalendarIn(country="IT"), (await env.get_current_time()).date()),
        activation=WorkingDays(working_days=10),
    )
    start = StartMigration(
        line_key="k",
        sales_agent="dario",
        request=request,
        force_majeure=copy,
        force_majeure_read_at=await env.get_current_time() - read_ago,
    )
    return await env.client.start_workflow(
        Wf.run, start, id=f"mig-{uuid.uuid4()}", task_queue=worker.task_queue
    )


async def paused_by(handle: Handle) -> list[str | None]:
    snap = await handle.query(Wf.snapshot)
    activation = next(p for p in snap.promises if p.name is PromiseName.ACTIVATION)
    return [q.declaration for q in activation.pauses]


async def test_a_start_whose_copy_was_too_old_asks_the_register_and_starts_as_it_says(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    flood = await declared(env, "fm-1")  # declared after the copy was read
    storm = await declared(env, "fm-2", reason="storm")  # in the copy, revoked since
    systems.register = [flood, storm.model_copy(update={"revoked_at": flood.start})]
    handle = await start_with_copy(env, worker, [storm], read_ago=timedelta(minutes=1))
    await confirm(handle)
    assert await paused_by(handle) == ["fm-1"]
    assert systems.register_reads == 1
    await handle.terminate("recorded")
    await record(handle, "force_majeure_old_copy")


async def test_a_fresh_copy_is_trusted_and_the_register_is_not_asked(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    flood = await declared(env, "fm-1")
    systems.register = [flood]
    handle = await start_with_copy(env, worker, [flood], read_ago=timedelta(seconds=1))
    await confirm(handle)
    assert await paused_by(handle) == ["fm-1"]
    assert systems.register_reads == 0


async def test_the_registry_carries_each_change_again_once_every_copy_has_it(
    env: WorkflowEnvironment,
) -> None:
    jobs: list[tuple[FanOut, float]] = []

    @activity.defn(name=FAN_OUT_ACTIVITY)
    async def fan_out(job: FanOut) -> FanOutResult:
        jobs.append((job, (await env.get_current_time()).timestamp()))
        return FanOutResult(signalled=0)

    queue = f"tq-{uuid.uuid4()}"
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[ForceMajeureRegistry],
        activities=[fan_out],
        workflow_runner=RUNNER,
    ):
        now = await env.get_current_time()
        cmd = Declare(area="RM", start=now, end=now + timedelta(days=1), reason="flood", by="s")
        handle = await env.client.start_workflow(
            ForceMajeureRegistry.run, Registry(), id=f"fm-{uuid.uuid4()}", task_queue=queue
        )
        d = await handle.execute_update(ForceMajeureRegistry.declare, cmd)
        while len(jobs) < 2:
            await env.sleep(timedelta(seconds=1))
        (first, first_at), (second, second_at) = jobs
        assert first.declaration == second.declaration == d
        assert first.since is None and second.since is not None
        # The second pass lists every migration started since the first was scheduled, less
        # the lag (what the first could not list yet), once every copy is too old to trust.
        first_scheduled = second.since.timestamp() + VISIBILITY_LAG.total_seconds()
        assert first_scheduled <= first_at
        assert second_at - first_scheduled >= SETTLE.total_seconds()
        await handle.terminate("recorded")
        await record(handle, "force_majeure_registry")
