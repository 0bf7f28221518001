"""A worker replaced in the middle of a migration finishes it with no side effect repeated."""

from __future__ import annotations

import uuid
from datetime import timedelta

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.commands import BookVisit, Confirm, ConfirmLineRelease, ReportVisit
from domain.models import Stage, VisitOutcome
from tests.builders import DISPATCH, LUCA, OPERATOR, SALES
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import eventually, record, start
from workflows.line_migration import LineMigrationWorkflow as Wf
from workflows.sandbox import RUNNER


async def test_new_worker_finishes_with_no_duplicate(
    dev_env: WorkflowEnvironment, systems: FakeSystems
) -> None:
    # On the real dev server: the time-skipping one never hands a task held on the gone
    # worker's sticky queue to the new worker while a client waits on an update.
    env = dev_env
    queue = f"tq-{uuid.uuid4()}"
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[Wf],
        workflow_runner=RUNNER,
        activities=systems.activities(),
    ) as first:
        handle = await start(env, first)
        await handle.execute_update(Wf.confirm, Confirm(actor=SALES, channel="phone"))
        now = await env.get_current_time()
        await handle.execute_update(
            Wf.book_visit,
            BookVisit(
                actor=DISPATCH,
                technician_id="luca",
                window_start=now + timedelta(hours=1),
                window_end=now + timedelta(hours=3),
            ),
        )
        await eventually(lambda: len(systems.named("notifications.notify_customer")) == 2)
    # The first worker is gone, its cache with it: the next one replays the history.

    systems.fail_first_attempts["payments.request_mandate"] = 2  # the bank hiccups too
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[Wf],
        workflow_runner=RUNNER,
        activities=systems.activities(),
    ):
        await handle.execute_update(
            Wf.report_visit, ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED)
        )
        await handle.execute_update(Wf.confirm_line_release, ConfirmLineRelease(actor=OPERATOR))
        outcome = await handle.result()
        await record(handle, "completed_after_worker_restart")

    assert outcome.stage is Stage.COMPLETED
    names = systems.order()
    assert sorted(names) == sorted(
        [
            "losing_operator.open_order",
            "notifications.notify_customer",  # confirmation call
            "field_service.reserve_window",
            "notifications.notify_customer",  # visit booked
            "losing_operator.request_release",
            "payments.request_mandate",
            "notifications.notify_customer",  # activation
        ]
    )
    mandate_deliveries = [c for c in systems.deliveries if c.name == "payments.request_mandate"]
    assert len(mandate_deliveries) == 3 and len({c.key for c in mandate_deliveries}) == 1
