"""A product order's events: numbered by the migration itself, announced in order, told
once per change, the numbering carried over continue-as-new; and a listener's delivery
workflow sends them in that order, suspends a listener that keeps failing, and resumes it
with nothing lost or repeated."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio import activity
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.commands import ConfirmLineRelease, ReportVisit, StartMigration
from domain.models import OrderRef, VisitOutcome
from domain.tmf.events import OrderEvent
from domain.tmf.hub import Delivery, DeliveryPolicy, DeliveryState, Subscription
from tests.builders import LUCA, OPERATOR, make_request
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import Handle, book, confirm, eventually, eventually_async, record
from workflows.event_delivery import EventDeliveryWorkflow
from workflows.line_migration import LineMigrationWorkflow as Wf
from workflows.sandbox import RUNNER

ORDER = OrderRef(crm="acme-crm", external_id="X-1", customer_id="C-7")
BASE = "http://api"  # the address the edge renders with


async def start_order(env: WorkflowEnvironment, worker: Worker, **policy: Any) -> Handle:
    request = make_request(**policy).model_copy(update={"product_order": ORDER})
    return await env.client.start_workflow(
        Wf.run,
        StartMigration(line_key="k", sales_agent="acme-crm", request=request),
        id=f"mig-{uuid.uuid4()}",
        task_queue=worker.task_queue,
    )


def told(systems: FakeSystems) -> list[tuple[int, str, str | None]]:
    """Each event once (a retried announcement repeats its events), in announced order."""
    seen: dict[int, OrderEvent] = {}
    for e in systems.announced:
        seen.setdefault(e.sequence, e)
    return [(n, e.event_type, e.rendered(BASE).get("fieldPath")) for n, e in sorted(seen.items())]


async def test_an_orders_events_are_numbered_and_announced_in_order(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    systems.announce_failures = 1  # the first announcement is retried: nothing doubles
    handle = await start_order(env, worker)
    await eventually(lambda: told(systems))
    await confirm(handle)
    await book(env, handle)
    await handle.execute_update(Wf.report_visit, _activated())
    await handle.execute_update(Wf.confirm_line_release, ConfirmLineRelease(actor=OPERATOR))
    await handle.result()
    await eventually(lambda: told(systems)[-1][2] == "milestone")
    events = told(systems)
    assert [n for n, _, _ in events] == list(range(1, len(events) + 1))
    assert events[0][1] == "ProductOrderCreateEvent"
    states = [
        e.rendered(BASE)["event"]["productOrder"]["state"]
        for e in systems.announced
        if e.event_type == "ProductOrderStateChangeEvent"
    ]
    assert list(dict.fromkeys(states)) == ["inProgress", "completed"]
    owned = await handle.query(Wf.product_order)
    assert owned is not None and owned.crm == "acme-crm"
    assert owned.order.state.value == "completed" and owned.order.completion_date is not None
    assert systems.announced[0].rendered(BASE) == systems.announced[1].rendered(
        BASE
    )  # the retry: same event
    await record(handle, "order_events_from_facts")


async def test_the_numbering_carries_over_continue_as_new(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await start_order(env, worker, continue_as_new_after_events=50)
    await confirm(handle)
    for _ in range(8):  # each booking (a move after the first) is a milestone
        await book(env, handle)
    await eventually_async(lambda: _continued(env, handle.id), True)
    await book(env, handle)  # a milestone in the new run
    await eventually(lambda: told(systems)[-1][2] == "milestone" and len(told(systems)) > 3)
    events = told(systems)
    assert [n for n, _, _ in events] == list(range(1, len(events) + 1))
    assert [k for _, k, _ in events].count("ProductOrderCreateEvent") == 1


async def _continued(env: WorkflowEnvironment, workflow_id: str) -> bool:
    history = await env.client.get_workflow_handle(workflow_id).fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    return bool(started.continued_execution_run_id)


def _activated() -> ReportVisit:
    return ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED)


def _events(n: int) -> list[OrderEvent]:
    """An order's first n events, numbered as its migration numbers them."""
    return [
        OrderEvent(
            crm="acme-crm",
            order_id="mig-1.run-1",
            sequence=k,
            event_type="ProductOrderStateChangeEvent",
            body={"eventId": f"mig-1.run-1-{k}"},
        )
        for k in range(1, n + 1)
    ]


@dataclass
class FakeListener:
    """A CRM's listener as the delivery activity meets it: down or up, each attempt seen."""

    down: bool = False
    attempts: list[int] = field(default_factory=list)
    delivered: list[int] = field(default_factory=list)

    def activity(self) -> Any:
        @activity.defn(name="hub.deliver")
        async def deliver(delivery: Delivery) -> None:
            self.attempts.append(delivery.event.sequence)
            if self.down:
                raise RuntimeError("listener answered 503")
            self.delivered.append(delivery.event.sequence)

        return deliver


DeliveryHandle = WorkflowHandle[EventDeliveryWorkflow, None]


@asynccontextmanager
async def delivering(
    env: WorkflowEnvironment,
    listener: FakeListener,
    first: list[OrderEvent] | None = None,
    **policy: Any,
) -> AsyncIterator[DeliveryHandle]:
    """A subscription's delivery workflow on a worker of its own, signal-started with
    `first` as the announcement activity does (or plainly started, as the API does)."""
    subscription = Subscription(
        id=uuid.uuid4().hex,
        crm="acme-crm",
        callback="http://127.0.0.1/l",
        query=None,
        event_types=[],
    )
    rules = DeliveryPolicy.model_validate(
        {"suspend_after_s": 3600, "retry_max_interval_s": 60, **policy}
    )
    async with Worker(
        env.client,
        task_queue=f"tq-{uuid.uuid4()}",
        workflows=[EventDeliveryWorkflow],
        workflow_runner=RUNNER,
        activities=[listener.activity()],
    ) as worker:
        yield await env.client.start_workflow(
            EventDeliveryWorkflow.run,
            DeliveryState(subscription=subscription, policy=rules),
            id=f"tmf-hub-{subscription.id}",
            task_queue=worker.task_queue,
            start_signal="events" if first else None,
            start_signal_args=[first] if first else [],
        )


async def test_a_listener_that_keeps_failing_is_suspended_then_resumed_in_order(
    env: WorkflowEnvironment,
) -> None:
    listener = FakeListener(down=True)
    first, second, third = _events(3)
    async with delivering(env, listener, [first, second]) as handle:
        await handle.signal(EventDeliveryWorkflow.events, [first, second, third])  # a repeat
        await env.sleep(timedelta(seconds=3700))  # failing for longer than the policy's hour
        await eventually_async(lambda: _suspended(handle), True)
        status = await handle.query(EventDeliveryWorkflow.status)
        assert status.pending == 3 and listener.delivered == [] and set(listener.attempts) == {1}
        listener.down = False
        await handle.signal(EventDeliveryWorkflow.resume)
        await eventually(lambda: listener.delivered == [1, 2, 3])
        await handle.signal(EventDeliveryWorkflow.remove)
        await handle.result()
        await record(handle, "event_delivery")
    assert listener.delivered == [1, 2, 3]


async def _suspended(handle: DeliveryHandle) -> bool:
    return (await handle.query(EventDeliveryWorkflow.status)).suspended


async def test_a_delivery_workflow_continues_as_new_with_its_queue_and_memory(
    env: WorkflowEnvironment,
) -> None:
    listener = FakeListener()
    events = _events(16)
    async with delivering(env, listener, history_limit=40) as handle:
        for e in events[:15]:
            await handle.signal(EventDeliveryWorkflow.events, [e])
        await eventually(lambda: listener.delivered == list(range(1, 16)))
        assert await _continued(env, handle.id)
        # Repeats, remembered across the new run, then a new event behind them.
        await handle.signal(EventDeliveryWorkflow.events, [*events[:5], events[15]])
        await eventually(lambda: listener.delivered[-1] == 16)
        await handle.signal(EventDeliveryWorkflow.remove)
        await env.client.get_workflow_handle(handle.id).result()
    assert listener.delivered == list(range(1, 17))


async def test_removing_a_listener_stops_a_delivery_in_flight(env: WorkflowEnvironment) -> None:
    listener = FakeListener(down=True)
    async with delivering(env, listener, _events(1)) as handle:
        await eventually(lambda: listener.attempts)
        await handle.signal(EventDeliveryWorkflow.remove)
        await handle.result()
        history = await handle.fetch_history()
        assert not (await handle.query(EventDeliveryWorkflow.status)).suspended
        await record(handle, "event_delivery_removed")
    kinds = {e.WhichOneof("attributes") for e in history.events}
    assert "activity_task_cancel_requested_event_attributes" in kinds
