"""Each migration writes its facts to the report's read model at every milestone and as it
closes, in order (an older stage's facts never land after a newer one's); since rules 10 only
when a figure changed, and only the tables that did."""

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
    assert stages[-1] == "completed" and len(stages) <= len(order) + 1
    assert systems.facts[0].tickets is not None  # the run's first write carries everything
    assert any(f.tickets is None for f in systems.facts[1:])  # later ones what changed
    final = systems.stored().migration
    assert final.activated_at is not None and final.completed_at is not None
    assert final.technician == "luca" and final.chain_id == handle.first_execution_run_id
    assert systems.stored() == await handle.query(Wf.facts)  # what a rebuild would read
    await record(handle, "reporting_changed_facts")


async def test_a_withdrawal_closes_with_its_facts(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await start(env, worker)
    await confirm(handle)
    await handle.execute_update(Wf.withdraw, Withdraw(actor=CARE, reason="changed mind"))
    await handle.result()
    await eventually(lambda: systems.facts[-1].migration.ended_at is not None)
    assert systems.facts[-1].migration.stage == "withdrawn"
