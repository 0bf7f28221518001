"""The story in docs/design.md, told to our workflow: every failure in it must not happen."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.messages import CustomerMessage
from domain.commands import (
    AcknowledgeTicket,
    BookVisit,
    Confirm,
    ConfirmLineRelease,
    OpenTicket,
    ReportServiceLoss,
    ReportVisit,
)
from domain.models import PromiseStatus, Stage, VisitOutcome
from tests.builders import CARE, DISPATCH, LUCA, OPERATOR, SALES
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import eventually, record, start
from workflows.line_migration import LineMigrationWorkflow

DAY_CENTS = 750  # the policy's default per started day (domain/policy.py)


async def test_seed_story(env: WorkflowEnvironment, worker: Worker, systems: FakeSystems) -> None:
    handle = await start(env, worker)
    wf = LineMigrationWorkflow

    # The back office tries three times: one confirmation, one call to the customer.
    confirmed = await handle.execute_update(wf.confirm, Confirm(actor=SALES, channel="phone"))
    for _ in range(2):
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(wf.confirm, Confirm(actor=CARE, channel="phone"))
        assert isinstance(refused.value.cause, ApplicationError)
        assert refused.value.cause.message.startswith("already confirmed by dario at ")
    assert confirmed.stage is Stage.CONFIRMED
    await eventually(lambda: systems.named("notifications.notify_customer"))
    assert systems.named("payments.request_mandate") == []

    # One Monday the old line is dead, before any visit: top escalation at once.
    lost = await handle.execute_update(
        wf.report_service_loss, ReportServiceLoss(actor=OPERATOR, reported_via="gateway")
    )
    assert lost.customer_without_service and lost.escalation_level == 3
    assert [(e.promise, e.level) for e in lost.escalations] == [("service_loss", 3)]

    # Care promises activation within 24 h and files what the customer said on Twitter.
    ticket = await handle.execute_update(
        wf.open_ticket, OpenTicket(actor=CARE, channel="twitter", summary="line dead since Monday")
    )
    assert ticket.ack_due - ticket.opened_at == timedelta(hours=4)

    # Nobody acts: the 24 h run out and the ladder climbs by itself, one level per 4 h.
    await env.sleep(timedelta(hours=24, minutes=1))
    snap = await handle.query(wf.snapshot)
    restoration = next(p for p in snap.promises if p.name == "service_restoration")
    assert restoration.status is PromiseStatus.BREACHED and restoration.escalation_level == 1
    await env.sleep(timedelta(hours=8))
    snap = await handle.query(wf.snapshot)
    levels = [e.level for e in snap.escalations if e.promise == "service_restoration"]
    assert levels == [1, 2, 3]
    assert [e.level for e in snap.escalations if e.promise == "ticket_ack:T1"] == [1, 2, 3]
    notices = systems.named("notifications.escalate")
    assert len(notices) == len(snap.escalations)  # every escalation notified, once

    # A technician books next Monday; a threat to cancel moves it to this afternoon.
    now = await env.get_current_time()
    monday = now + timedelta(days=5)
    await handle.execute_update(
        wf.book_visit,
        BookVisit(
            actor=DISPATCH,
            technician_id="luca",
            window_start=monday,
            window_end=monday + timedelta(hours=4),
        ),
    )
    moved = await handle.execute_update(
        wf.book_visit,
        BookVisit(
            actor=DISPATCH,
            technician_id="luca",
            window_start=now + timedelta(hours=1),
            window_end=now + timedelta(hours=5),
        ),
    )
    visit = next(p for p in moved.promises if p.name == "visit")
    assert [r.previous_due for r in visit.replans] == [monday + timedelta(hours=4)]
    assert systems.named("losing_operator.request_release") == []
    assert systems.named("payments.request_mandate") == []

    # Make before break: only the activation releases the old line and starts the contract.
    activated = await handle.execute_update(
        wf.report_visit, ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED)
    )
    assert activated.contract_effective and not activated.customer_without_service
    await handle.execute_update(
        wf.acknowledge_ticket, AcknowledgeTicket(actor=LUCA, ticket_id="T1")
    )
    await handle.execute_update(wf.confirm_line_release, ConfirmLineRelease(actor=OPERATOR))
    outcome = await handle.result()

    assert outcome.stage is Stage.COMPLETED
    told = sorted(
        m.kind for m in systems.payloads("notifications.notify_customer", CustomerMessage)
    )
    assert told == sorted(
        ["confirmation_call", "notify_visit_booked", "notify_visit_booked", "notify_activation"]
        + ["notify_promise_broken"] * 2  # restoration in 24 h, and the technician's call
    )
    assert len(systems.named("losing_operator.request_release")) == 1
    assert len(systems.named("payments.request_mandate")) == 1
    assert len(systems.effects) == len({c.key for c in systems.deliveries})

    final = await handle.query(wf.snapshot)
    booked = next(e for e in final.timeline if e.event == "visit_booked").at
    contact = next(p for p in final.promises if p.name == "technician_contact")
    assert activated.contract_effective_at and lost.without_service_since
    without = activated.contract_effective_at - lost.without_service_since
    late = booked - contact.due_at
    expected = DAY_CENTS * (
        math.ceil(without / timedelta(days=1)) + math.ceil(late / timedelta(days=1))
    )
    assert expected > 0 and final.compensation.amount_cents == expected
    await record(handle, "seed_story")
