"""Every recorded history replays against today's workflow code (determinism guard), and a
workflow changed without `workflow.patched()` is caught by that replay."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from workflows.sandbox import RUNNER

with workflow.unsafe.imports_passed_through():  # this module also defines a workflow
    from domain.commands import Outcome, StartMigration
    from workflows.line_migration import LineMigrationWorkflow
from workflows.event_delivery import EventDeliveryWorkflow
from workflows.force_majeure import ForceMajeureRegistry
from workflows.monthly_report import MonthlyReportWorkflow
from workflows.outgoing_switch import OutgoingSwitchWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))
PATHS = {
    "seed_story",
    "withdrawn_proposed",
    "withdrawn_confirmed",
    "withdrawn_scheduled",
    "failed_validation",
    "failed_visit",
    "tickets",
    "continue_as_new",
    "completed_after_worker_restart",
    "rebooked_after_customer_absent",
    "rebooked_after_no_show",
    "failed_without_service_restored",
    "withdrawn_without_service_restored",
    "customer_told_of_broken_promise",
    "withdrawn_with_the_start",
    "calendar_working_days",
    "activation_late_gb",
    "early_warning",
    "activation_clock_stopped",
    "calendar_learns_holidays",
    "force_majeure",
    "slot_booked",
    "slot_lost_then_rebooked",
    "earliest_slot_declined",
    "moved_by_customer_then_dispatch",
    "manual_booking_reserves",
    "reporting_facts",
    "monthly_report",
    "order_events",
    "event_delivery",
    "event_delivery_removed",
    "rules_level_published",
    "order_events_from_facts",
    "switch_completed",
    "switch_match_failed",
    "outgoing_triggered",
    "outgoing_lapsed",
    "force_majeure_old_copy",
    "force_majeure_registry",
    "reporting_changed_facts",
}


def history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


def test_every_lifecycle_path_has_a_recorded_history() -> None:
    assert {p.stem for p in HISTORIES} >= PATHS, "record with RECORD_HISTORIES=1 make test"


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_history_replays(path: Path) -> None:
    replayer = Replayer(
        workflows=[
            LineMigrationWorkflow,
            MonthlyReportWorkflow,
            EventDeliveryWorkflow,
            OutgoingSwitchWorkflow,
            ForceMajeureRegistry,
        ],
        workflow_runner=RUNNER,
        data_converter=pydantic_data_converter,
    )
    await replayer.replay_workflow(history(path))


@workflow.defn(name="LineMigrationWorkflow")
class ReorderedMigration(LineMigrationWorkflow):
    """An unpatched change: a timer before validating the line at the losing operator."""

    @workflow.run
    async def run(self, start: StartMigration) -> Outcome:
        await workflow.sleep(1)
        return await super().run(start)


async def test_an_unpatched_change_is_caught_by_replay() -> None:
    replayer = Replayer(
        workflows=[ReorderedMigration],
        workflow_runner=RUNNER,
        data_converter=pydantic_data_converter,
    )
    with pytest.raises(NondeterminismError):
        await replayer.replay_workflow(history(HISTORIES[0]))
