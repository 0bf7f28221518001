"""Every lifecycle path but the seed story: withdrawal, failure, tickets, long histories."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from temporalio.client import WithStartWorkflowOperation, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.messages import TicketForward
from domain.commands import (
    AcknowledgeTicket,
    OpenTicket,
    ReportVisit,
    StartMigration,
    Withdraw,
)
from domain.models import Stage, VisitOutcome
from domain.rules import NEWEST
from tests.builders import CARE, LUCA, make_request
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import (
    activated,
    book,
    confirm,
    eventually,
    eventually_async,
    record,
    start,
)
from workflows import search_attributes as sa
from workflows.line_migration import LineMigrationWorkflow as Wf
from workflows.sandbox import RUNNER


@pytest.mark.parametrize("stage", [Stage.PROPOSED, Stage.CONFIRMED, Stage.SCHEDULED])
async def test_withdrawal_before_activation_unwinds_everything(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems, stage: Stage
) -> None:
    handle = await start(env, worker)
    if stage is not Stage.PROPOSED:
        await confirm(handle)
    if stage is Stage.SCHEDULED:
        await book(env, handle)
    snap = await handle.execute_update(Wf.withdraw, Withdraw(actor=CARE, reason="changed mind"))
    outcome = await handle.result()
    await record(handle, f"withdrawn_{stage.value}")

    assert snap.stage is Stage.WITHDRAWN and outcome.stage is Stage.WITHDRAWN
    assert all(p.status == "cancelled" for p in snap.promises if p.fulfilled_at is None)
    undo = [n for n in systems.order() if "cancel" in n]
    expected = ["field_service.cancel_visit"] if stage is Stage.SCHEDULED else []
    assert undo == [*expected, "losing_operator.cancel_order"]  # most recent effect first
    assert systems.named("payments.request_mandate") == []
    assert systems.named("losing_operator.request_release") == []


async def test_withdrawal_after_activation_is_refused_with_reason(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await activated(env, worker)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(Wf.withdraw, Withdraw(actor=CARE, reason="too late"))
    assert "the contract is effective since" in str(refused.value.cause)
    assert "withdrawal is no longer possible" in str(refused.value.cause)
    assert systems.named("field_service.cancel_visit") == []
    assert len(systems.named("payments.request_mandate")) == 1


async def test_only_the_assigned_technician_reports_the_visit(
    env: WorkflowEnvironment, worker: Worker
) -> None:
    handle = await start(env, worker)
    await confirm(handle)
    await book(env, handle, technician="sara")
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(
            Wf.report_visit, ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED)
        )
    assert isinstance(refused.value.cause, ApplicationError)
    assert refused.value.cause.type == "forbidden"
    assert (await handle.query(Wf.snapshot)).stage is Stage.SCHEDULED


async def test_invalid_migration_code_fails_with_no_other_effect(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    systems.rejected_codes.add("WRONG123")
    handle = await start(env, worker, make_request(code="WRONG123"))
    outcome = await handle.result()
    await record(handle, "failed_validation")
    assert outcome.stage is Stage.FAILED
    assert "does not match the line" in (outcome.reason or "")
    assert [c.name for c in systems.deliveries] == ["losing_operator.open_order"]


async def test_failed_visit_cancels_the_losing_operator_order(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await start(env, worker)
    await confirm(handle)
    await book(env, handle)
    await handle.execute_update(
        Wf.report_visit, ReportVisit(actor=LUCA, outcome=VisitOutcome.FAILED, notes="no cable")
    )
    outcome = await handle.result()
    await record(handle, "failed_visit")
    assert outcome.stage is Stage.FAILED and outcome.reason == "visit failed: no cable"
    assert len(systems.named("losing_operator.cancel_order")) == 1
    assert systems.named("losing_operator.request_release") == []


async def test_unacknowledged_ticket_is_forwarded_and_escalates(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await start(env, worker)
    ticket = await handle.execute_update(
        Wf.open_ticket, OpenTicket(actor=CARE, channel="phone", summary="when is my visit?")
    )
    assert ticket.routed_to == "field_team"
    await eventually(lambda: systems.named("field_service.forward_ticket"))
    forwarded_tickets = systems.payloads("field_service.forward_ticket", TicketForward)
    assert [t.ticket_id for t in forwarded_tickets] == ["T1"]
    await env.sleep(timedelta(hours=4, minutes=1))
    snap = await handle.query(Wf.snapshot)
    assert snap.tickets[0].forwarded_at is not None  # care sees field service received it
    assert [(e.promise, e.level) for e in snap.escalations] == [("ticket_ack:T1", 1)]
    assert snap.escalation_level == 1
    acked = await handle.execute_update(
        Wf.acknowledge_ticket, AcknowledgeTicket(actor=LUCA, ticket_id="T1", note="calling")
    )
    assert acked.acknowledged_by == "luca"
    await env.sleep(timedelta(hours=8))
    snap = await handle.query(Wf.snapshot)
    assert len(snap.escalations) == 1 and snap.escalation_level == 0
    assert len(systems.named("notifications.escalate")) == 1
    await handle.terminate("recorded")
    await record(handle, "tickets")


async def test_unknown_ticket_is_not_found(env: WorkflowEnvironment, worker: Worker) -> None:
    handle = await start(env, worker)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(
            Wf.acknowledge_ticket, AcknowledgeTicket(actor=LUCA, ticket_id="T9")
        )
    assert isinstance(refused.value.cause, ApplicationError)
    assert refused.value.cause.type == "not_found"


async def test_long_history_continues_as_new_keeping_every_promise(
    dev_env: WorkflowEnvironment, systems: FakeSystems
) -> None:
    # On the real dev server: the time-skipping one rejects this continue-as-new task.
    async with Worker(
        dev_env.client,
        task_queue=f"tq-{uuid.uuid4()}",
        workflows=[Wf],
        workflow_runner=RUNNER,
        activities=systems.activities(),
    ) as worker:
        request = make_request(continue_as_new_after_events=60, ticket_ack=timedelta(seconds=3))
        handle = await start(dev_env, worker, request)
        for n in range(12):
            await handle.execute_update(
                Wf.open_ticket, OpenTicket(actor=CARE, channel="email", summary=f"complaint {n}")
            )
        latest = dev_env.client.get_workflow_handle_for(Wf.run, handle.id)

        async def escalated() -> int:
            return len((await latest.query(Wf.snapshot)).escalations)

        await eventually_async(lambda: escalated(), 12)
        first = dev_env.client.get_workflow_handle(handle.id, run_id=handle.first_execution_run_id)
        last_event = (await first.fetch_history()).events[-1]
        await record(first, "continue_as_new")
        assert last_event.HasField("workflow_execution_continued_as_new_event_attributes")
        snap = await latest.query(Wf.snapshot)
        assert len(snap.tickets) == 12 and all(t.forwarded_at for t in snap.tickets)
        expected = sorted(f"ticket_ack:T{n}" for n in range(1, 13))
        assert sorted(e.promise for e in snap.escalations) == expected  # no timer lost
        assert len(systems.named("field_service.forward_ticket")) == 12  # none sent twice
        await latest.terminate("test finished")


async def test_a_withdrawal_sent_with_the_start_still_cancels_the_order(
    dev_env: WorkflowEnvironment, systems: FakeSystems
) -> None:
    """Update-with-start delivers the withdrawal in the very first task, before the order is
    opened: it must wait for the order, then cancel it, never leave it open."""
    async with Worker(
        dev_env.client,
        task_queue=f"tq-{uuid.uuid4()}",
        workflows=[Wf],
        workflow_runner=RUNNER,
        activities=systems.activities(),
    ) as worker:
        start = WithStartWorkflowOperation(
            Wf.run,
            StartMigration(line_key="k", sales_agent="dario", request=make_request()),
            id=f"mig-{uuid.uuid4()}",
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            task_queue=worker.task_queue,
        )
        snap = await dev_env.client.execute_update_with_start_workflow(
            Wf.withdraw,
            Withdraw(actor=CARE, reason="changed mind at once"),
            start_workflow_operation=start,
        )
        handle = await start.workflow_handle()
        await handle.result()
        await record(handle, "withdrawn_with_the_start")
    assert snap.stage is Stage.WITHDRAWN
    assert [n for n in systems.order() if "order" in n] == [
        "losing_operator.open_order",
        "losing_operator.cancel_order",
    ]


async def test_a_new_migration_publishes_the_rules_level_it_decides_by(
    env: WorkflowEnvironment, worker: Worker
) -> None:
    """Its `RulesLevel` search attribute is the newest level, from its first task on, so
    `python -m usecases rules-in-use` can count the migrations each level still has."""
    handle = await start(env, worker)
    await confirm(handle)

    async def level() -> object:
        return (await handle.describe()).typed_search_attributes.get(sa.RULES_LEVEL)

    await eventually_async(level, NEWEST)
    await handle.execute_update(Wf.withdraw, Withdraw(actor=CARE, reason="changed mind"))
    await handle.result()
    await record(handle, "rules_level_published")
