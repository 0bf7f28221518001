"""Rainy days on the durable timers: failed and missed visits are rebooked, and a migration
that ends while its customer has no service stays open, escalating, until service is back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.messages import CustomerMessage, EscalationNotice
from domain.commands import (
    ConfirmLineRelease,
    ConfirmServiceRestored,
    Outcome,
    ReportServiceLoss,
    ReportVisit,
    Withdraw,
)
from domain.models import (
    FailureReason,
    MissReason,
    Party,
    PromiseStatus,
    RestoredHow,
    Stage,
    VisitOutcome,
)
from domain.views import AsOf
from tests.builders import CARE, LUCA, OPERATOR
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import book, confirm, eventually, record, start
from workflows.line_migration import LineMigrationWorkflow as Wf

Handle = WorkflowHandle[Wf, Outcome]
MISSED = 1500
DAY = 750


async def test_customer_absent_is_rebooked_then_activated(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await start(env, worker)
    await confirm(handle)
    await book(env, handle)
    failed = await handle.execute_update(
        Wf.report_visit,
        ReportVisit(
            actor=LUCA,
            outcome=VisitOutcome.FAILED,
            reason=FailureReason.CUSTOMER_ABSENT,
            notes="nobody home",
        ),
    )
    assert failed.stage is Stage.CONFIRMED and failed.owner.party is Party.DISPATCH
    assert failed.next_step.startswith("visit failed: customer absent; dispatch must rebook")
    assert [m.reason for m in failed.missed_visits] == [MissReason.CUSTOMER_ABSENT]
    await eventually(lambda: systems.named("notifications.notify_customer"))
    rebooked = await book(env, handle)
    assert rebooked.stage is Stage.SCHEDULED and rebooked.appointment is not None
    assert rebooked.appointment.revision == 2
    await handle.execute_update(
        Wf.report_visit, ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED)
    )
    await handle.execute_update(Wf.confirm_line_release, ConfirmLineRelease(actor=OPERATOR))
    outcome = await handle.result()
    await record(handle, "rebooked_after_customer_absent")
    assert outcome.stage is Stage.COMPLETED
    assert outcome.compensation.amount_cents == 0  # the customer's own absence owes nothing
    assert len(systems.named("field_service.reserve_window")) == 2
    assert systems.named("field_service.cancel_visit") == []
    kinds = [m.kind for m in systems.payloads("notifications.notify_customer", CustomerMessage)]
    assert kinds.count("notify_visit_missed") == 1


async def test_technician_no_show_goes_to_dispatch_and_is_paid_once(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await start(env, worker)
    await confirm(handle)
    await book(env, handle)  # window ends 6 h from now
    await env.sleep(timedelta(hours=6, minutes=1))
    snap = await handle.query(Wf.snapshot)
    assert snap.stage is Stage.CONFIRMED and snap.owner.party is Party.DISPATCH
    assert [m.reason for m in snap.missed_visits] == [MissReason.TECHNICIAN_NO_SHOW]
    visit = next(p for p in snap.promises if p.name == "visit")
    assert visit.status is PromiseStatus.BREACHED
    assert snap.compensation.amount_cents == MISSED
    await eventually(lambda: systems.named("notifications.escalate"))
    notice = systems.payloads("notifications.escalate", EscalationNotice)[0]
    assert "technician luca visits the customer" in notice.summary

    rebooked = await book(env, handle)
    assert rebooked.stage is Stage.SCHEDULED
    await handle.execute_update(
        Wf.report_visit, ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED)
    )
    done = await handle.execute_update(Wf.confirm_line_release, ConfirmLineRelease(actor=OPERATOR))
    assert done.compensation.amount_cents == MISSED  # owed once, not per escalation
    await handle.result()
    await record(handle, "rebooked_after_no_show")
    assert len(systems.named("notifications.escalate")) == 1  # the lapsed visit stops climbing


async def end_without_service(handle: Handle, env: WorkflowEnvironment, ending: str) -> None:
    await confirm(handle)
    await book(env, handle)
    await handle.execute_update(
        Wf.report_service_loss, ReportServiceLoss(actor=OPERATOR, reported_via="gateway")
    )
    if ending == "withdrawn":
        await handle.execute_update(Wf.withdraw, Withdraw(actor=CARE, reason="had enough"))
    else:
        await handle.execute_update(
            Wf.report_visit,
            ReportVisit(
                actor=LUCA,
                outcome=VisitOutcome.FAILED,
                reason=FailureReason.NOT_FEASIBLE,
                notes="no duct",
            ),
        )


@pytest.mark.parametrize("ending", ["failed", "withdrawn"])
async def test_a_migration_ending_without_service_waits_for_restoration(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems, ending: str
) -> None:
    handle = await start(env, worker)
    await end_without_service(handle, env, ending)
    await eventually(lambda: systems.named("losing_operator.request_reinstatement"))

    await env.sleep(timedelta(hours=33))  # restoration due at 24 h, then 4 h per level
    snap = await handle.query(Wf.snapshot)
    assert snap.stage.value == ending and snap.customer_without_service
    last = (await handle.fetch_history()).events[-1]
    assert not last.HasField("workflow_execution_completed_event_attributes")
    levels = [e.level for e in snap.escalations if e.promise == "service_restoration"]
    assert levels == [1, 2, 3]
    assert snap.compensation.amount_cents == 2 * DAY  # 33 h without service

    back = await handle.execute_update(
        Wf.confirm_service_restored,
        ConfirmServiceRestored(actor=OPERATOR, how=RestoredHow.OLD_LINE_REINSTATED),
    )
    assert not back.customer_without_service
    outcome = await handle.result()
    await record(handle, f"{ending}_without_service_restored")
    assert outcome.stage.value == ending and outcome.compensation.amount_cents == 2 * DAY
    assert len(systems.named("losing_operator.request_reinstatement")) == 1
    assert len(systems.named("losing_operator.cancel_order")) == 1
    assert systems.named("losing_operator.request_release") == []


async def test_a_broken_promise_is_told_to_the_customer_once(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await start(env, worker)
    await confirm(handle)
    await env.sleep(timedelta(hours=33))  # the technician's call was due at 24 h; now level 3
    snap = await handle.query(Wf.snapshot)
    assert [e.level for e in snap.escalations] == [1, 2, 3]
    await eventually(lambda: systems.named("notifications.notify_customer")[1:])
    told = systems.payloads("notifications.notify_customer", CustomerMessage)
    assert [m.kind for m in told] == ["confirmation_call", "notify_promise_broken"]
    assert "Non abbiamo mantenuto la promessa di chiamarti" in told[1].text
    assert told[1].text.endswith("{status_link}")  # the activity signs and fills it in
    await book(env, handle)
    await handle.terminate("recorded")
    await record(handle, "customer_told_of_broken_promise")


async def test_an_idle_migrations_figures_are_counted_to_the_readers_clock(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    """Withdrawn while the customer has no service, its ladder at the top: nothing wakes the
    migration, yet what it owes grows by the day, and a reader sees it as of now."""
    handle = await start(env, worker)
    await end_without_service(handle, env, "withdrawn")
    await eventually(lambda: systems.named("losing_operator.request_reinstatement"))
    await env.sleep(timedelta(hours=33))  # restoration broken at 24 h, level 3 at 32 h

    async def as_of_now() -> int:
        at = AsOf(at=await env.get_current_time())
        return (await handle.query(Wf.snapshot_as_of, at)).compensation.amount_cents

    assert await as_of_now() == 2 * DAY
    await env.sleep(timedelta(days=1))  # past a day boundary; no timer is due
    stale = await handle.query(Wf.snapshot)
    assert stale.compensation.amount_cents == 2 * DAY  # as of the migration's last step
    assert await as_of_now() == 3 * DAY
    await handle.execute_update(
        Wf.confirm_service_restored,
        ConfirmServiceRestored(actor=OPERATOR, how=RestoredHow.OLD_LINE_REINSTATED),
    )
    outcome = await handle.result()
    assert outcome.compensation.amount_cents == 3 * DAY
