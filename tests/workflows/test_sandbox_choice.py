"""`WORKFLOW_SANDBOX=off`: the worker runs the same workflow outside the SDK's sandbox, with
the same outcome; with it on (the default) the sandboxed runner guards determinism."""

from __future__ import annotations

import uuid

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from domain.commands import Withdraw
from domain.models import Stage
from settings import Settings
from tests.builders import CARE
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import book, confirm, start
from worker import build_worker
from workflows.line_migration import LineMigrationWorkflow as Wf
from workflows.sandbox import runner


def test_the_setting_picks_the_runner() -> None:
    assert isinstance(runner(Settings().workflow_sandbox == "on"), SandboxedWorkflowRunner)
    assert isinstance(runner(False), UnsandboxedWorkflowRunner)


async def test_a_migration_runs_the_same_without_the_sandbox(
    env: WorkflowEnvironment, systems: FakeSystems
) -> None:
    settings = Settings(workflow_sandbox="off")
    worker = build_worker(
        env.client, settings, systems.activities(), [Wf], task_queue=f"tq-{uuid.uuid4()}"
    )
    async with worker:
        handle = await start(env, worker)
        await confirm(handle)
        await book(env, handle)
        await handle.execute_update(Wf.withdraw, Withdraw(actor=CARE, reason="changed his mind"))
        outcome = await handle.result()
    assert outcome.stage is Stage.WITHDRAWN
    assert len(systems.named("field_service.cancel_visit")) == 1
    assert len(systems.named("losing_operator.cancel_order")) == 1
