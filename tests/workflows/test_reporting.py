"""Each migration writes its facts to the report's read model at every milestone and as it
closes, in order (an older stage's facts never land after a newer one's)."""

from __future__ import annotations

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.commands import ConfirmLineRelease, Withdraw
from domain.models import Stage
from tests.builders import CARE, OPERATOR
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import activated, confirm, eventually, record, start
from workflows.line_migration import LineMigrationWorkflow as Wf


async def test_milestones_and_the_close_write_the_facts_in_order(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await activated(env, worker)
    await handle.execute_update(Wf.confirm_line_release, ConfirmLineRelease(actor=OPERATOR))
    outcome = await handle.result()
    assert outcome.stage is Stage.COMPLETED
    stages = [f.migration.stage for f in systems.facts]
    order = ["proposed", "confirmed", "scheduled", "activated", "completed"]
    assert [order.index(s) for s in stages] == sorted(order.index(s) for s in stages)
    assert {"scheduled", "activated"} <= set(stages)  # every milestone after the start's task
    assert stages[-2:] == ["completed", "completed"]  # the milestone, then the close
    final = systems.facts[-1].migration
    assert final.activated_at is not None and final.completed_at is not None
    assert final.technician == "luca" and final.chain_id == handle.first_execution_run_id
    assert systems.facts[-1] == await handle.query(Wf.facts)  # what a rebuild would read
    await record(handle, "reporting_facts")


async def test_a_withdrawal_closes_with_its_facts(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await start(env, worker)
    await confirm(handle)
    await handle.execute_update(Wf.withdraw, Withdraw(actor=CARE, reason="changed mind"))
    await handle.result()
    await eventually(lambda: systems.facts[-1].migration.ended_at is not None)
    assert systems.facts[-1].migration.stage == "withdrawn"
