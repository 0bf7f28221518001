"""A customer of ours switching away (we are the losing provider), in the time-skipping
server: the implications told before the match is confirmed, each request answered in the
Industry Process's order, our services ceased only on trigger, both lapses, a late answer
escalating, and the trigger's answer time across a bank holiday weekend."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from temporalio import activity
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.messages import (
    CeaseOrder,
    CustomerMessage,
    EscalationNotice,
    FinalBill,
    SubscriberSearch,
)
from domain.models import PromiseName, PromiseStatus
from domain.switching.matching import match
from domain.switching.messages import HubMessage
from domain.switching.outgoing import HubRequest, Open, OpenAsk, Opening, OutgoingView, closed_code
from domain.switching.record import Step
from domain.switching.subscribers import Subscriber, SubscriberAddress, SubscriberService
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import eventually, record
from usecases.calendars import resolve
from usecases.proposal import CalendarIn
from workflows.hub_request import OPEN_ACTIVITY, HubRequestWorkflow, request_id
from workflows.outgoing_switch import OutgoingStart
from workflows.outgoing_switch import OutgoingSwitchWorkflow as Wf
from workflows.sandbox import RUNNER

KEY = "ab" * 12
FRIDAY_3PM_BST = datetime(2027, 5, 28, 14, tzinfo=UTC)  # Spring bank holiday on Monday 31 May
TUESDAY_END_BST = datetime(2027, 6, 1, 22, 59, 59, tzinfo=UTC)
CUSTOMER = Subscriber(
    account="MIG-7",
    surname="Ní Bhriain",
    email="aine@example.co.uk",
    mobile="+447700900456",
    address=SubscriberAddress(lines=["7 Leith Walk"], post_town="Edinburgh", post_code="EH6 8RG"),
    services=[
        SubscriberService(type="IAS"),
        SubscriberService(type="NBICS", identifier="01314960100"),
    ],
    early_termination_cents=4500,
)


def from_gaining(routing: str, payload: dict[str, Any]) -> HubMessage:
    return HubMessage(
        routing_id=routing,
        source="RGAI",
        source_correlation=str(uuid.uuid4()),
        destination="RMIG",
        payload=payload,
    )


MATCH = from_gaining(
    "residentialSwitchMatchRequest",
    {
        "grcpBrandName": "Gaining",
        "name": "NI BHRIAIN",
        "address": {
            "addressLines": ["7 Leith Walk"],
            "postTown": "Edinburgh",
            "postCode": "EH6 8RG",
        },
        "services": [{"serviceType": "IAS", "action": "cease"}],
    },
)


async def opened(
    env: WorkflowEnvironment, worker: Worker
) -> tuple[WorkflowHandle[Any, Any], list[str]]:
    now = await env.get_current_time()
    matched = match(MATCH.payload, [CUSTOMER])
    assert not isinstance(matched, str)
    handle = await env.client.start_workflow(
        Wf.run,
        OutgoingStart(key=KEY),
        id=f"switch-out-{uuid.uuid4().hex[:24]}",
        task_queue=worker.task_queue,
    )
    britain = resolve(CalendarIn(country="GB"), now.date())
    opening = await handle.execute_update(
        Wf.open_switch,
        Open(request=MATCH, matched=matched, received_at=now, our_rcpid="RMIG", calendar=britain),
    )
    return handle, opening.references


async def view_of(handle: WorkflowHandle[Any, Any]) -> OutgoingView:
    found = await handle.query(Wf.snapshot)
    assert found is not None
    return found


def answers(systems: FakeSystems) -> list[dict[str, Any]]:
    return systems.hub_messages()


async def answer(systems: FakeSystems, n: int) -> dict[str, Any]:
    await eventually(lambda: len(answers(systems)) >= n)
    message = answers(systems)[n - 1]
    routing = message["envelope"]["routingID"]
    return {"routing": routing.removeprefix("residentialSwitch"), **message[routing]}


def step(routing: str, reference: str, **more: str) -> HubMessage:
    return from_gaining(
        f"residentialSwitch{routing}Request", {"switchOrderReference": reference, **more}
    )


async def test_the_customer_is_told_then_the_match_confirmed_with_both_voice_options(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle, refs = await opened(env, worker)
    confirmation = await answer(systems, 1)
    assert confirmation["routing"] == "MatchConfirmation"
    assert [confirmation["matchResult"]["switchOrderReference"]] + [
        a["matchResult"]["switchOrderReference"] for a in confirmation["alternativeSwitchOrders"]
    ] == refs
    told = confirmation["implicationsSent"]
    assert [(t["sentMethod"], t["sentTo"]) for t in told] == [
        ("email", "a***@example.co.uk"),
        ("sms", "077*****456"),
    ]
    (notice,) = systems.payloads("notifications.notify_customer", CustomerMessage)
    assert "early termination charge of £45.00" in notice.text and "nothing changes" in notice.text
    assert systems.order()[:2] == ["notifications.notify_customer", "ots.send"]  # told first
    another = (await _open_of(env)).model_copy(
        update={"request": from_gaining(MATCH.routing_id, MATCH.payload)}
    )
    again = await handle.execute_update(Wf.open_switch, another)
    assert again.in_progress  # a second switch for him while this one is open: 1111


async def _open_of(env: WorkflowEnvironment) -> Open:
    matched = match(MATCH.payload, [CUSTOMER])
    assert not isinstance(matched, str)
    now = await env.get_current_time()
    return Open(
        request=MATCH,
        matched=matched,
        received_at=now,
        our_rcpid="RMIG",
        calendar=resolve(CalendarIn(country="GB"), now.date()),
    )


async def test_requests_are_answered_in_the_industry_order_and_only_a_trigger_ceases(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle, (keep, cease) = await opened(env, worker)
    await answer(systems, 1)  # the match confirmed first
    today = (await env.get_current_time()).astimezone().date()
    soon = f"{today + timedelta(days=2)}"
    asked = [
        step("Order", str(uuid.uuid4()), plannedSwitchDate=soon),  # unknown: 1201
        step("OrderUpdate", cease, plannedSwitchDate=soon),  # never ordered: 1306
        step("Order", cease, plannedSwitchDate="2020-01-01"),  # a past date: 1203
        step("Order", cease, plannedSwitchDate=soon),  # confirmed
        step("Order", keep, plannedSwitchDate=soon),  # its alternative is used: 1213
        step("OrderUpdate", cease, plannedSwitchDate=f"{today + timedelta(days=3)}"),  # updated
    ]
    expected = ["1201", "1306", "1203", "confirmed", "1213", "updated"]
    for n, (request, outcome) in enumerate(zip(asked, expected, strict=True), start=2):
        await handle.signal(Wf.hub_message, request)
        got = await answer(systems, n)
        assert got.get("faultCode", got.get("status")) == outcome, (n, got)
    assert not systems.named("subscribers.cease")  # nothing ceased before the trigger
    await handle.signal(Wf.hub_message, step("OrderTrigger", cease, activationDate=f"{today}"))
    triggered = await answer(systems, 8)
    assert triggered["status"] == "triggered"
    (ceased,) = systems.payloads("subscribers.cease", CeaseOrder)
    assert ceased.services == ["IAS", "NBICS"] and ceased.on == today
    (bill,) = systems.payloads("payments.final_bill", FinalBill)
    assert bill.until == today - timedelta(days=1)
    order = systems.order()
    assert order.index("subscribers.cease") < order.index("payments.final_bill") < len(order)
    assert await handle.result() == "triggered"
    assert len(systems.named("subscribers.cease")) == 1
    # Closed, it still says what became of its references: a later trigger gets 1404, a
    # cancellation 1504 (from the request's own workflow), an unknown reference 1401.
    status = await handle.query(Wf.reference_status, cease)
    assert closed_code(Step.TRIGGER, status) == "1404"
    assert closed_code(Step.CANCELLATION, status) == "1504"
    assert closed_code(Step.TRIGGER, await handle.query(Wf.reference_status, "x")) == "1401"
    await record(handle, "outgoing_triggered")


async def test_an_unordered_switch_lapses_after_31_days_and_the_customer_stays(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle, _ = await opened(env, worker)
    await answer(systems, 1)
    await env.sleep(timedelta(days=30))
    assert (await view_of(handle)).status == "new"
    await env.sleep(timedelta(days=2))
    assert await handle.result() == "lapsed"
    view = await view_of(handle)
    assert view.next_step == "nothing: the switch lapsed, the customer stays"
    assert "Ní Bhriain stays with us" in view.timeline[-1].detail
    assert not systems.named("subscribers.cease")
    await record(handle, "outgoing_lapsed")


async def test_an_ordered_switch_lapses_31_days_after_its_planned_date(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle, (_, cease) = await opened(env, worker)
    await answer(systems, 1)
    planned = (await env.get_current_time()).date() + timedelta(days=10)
    await handle.signal(Wf.hub_message, step("Order", cease, plannedSwitchDate=f"{planned}"))
    assert (await answer(systems, 2))["status"] == "confirmed"
    await env.sleep(timedelta(days=35))  # past the match's 31 days: the order keeps it alive
    assert (await view_of(handle)).status == "confirmed"
    await env.sleep(timedelta(days=8))
    assert await handle.result() == "lapsed"


async def test_a_late_answer_escalates_to_our_back_office(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle, (_, cease) = await opened(env, worker)
    await answer(systems, 1)
    systems.fail_first_attempts["ots.send"] = 70  # the hub down for over an hour
    soon = f"{(await env.get_current_time()).date() + timedelta(days=2)}"
    await handle.signal(Wf.hub_message, step("Order", cease, plannedSwitchDate=soon))
    await env.sleep(timedelta(minutes=61))
    await eventually(lambda: systems.payloads("notifications.escalate", EscalationNotice))
    (notice,) = systems.payloads("notifications.escalate", EscalationNotice)
    assert notice.owner == "gaining_operator" and notice.promise.startswith("answer_order")
    assert "our answer through the hub is late" in notice.summary
    await env.sleep(timedelta(minutes=10))  # the hub back: the same answer goes out once
    assert (await answer(systems, 2))["status"] == "confirmed"
    view = await view_of(handle)
    late = next(p for p in view.promises if p.name is PromiseName.ANSWER_ORDER)
    assert late.status is PromiseStatus.BREACHED and late.fulfilled_at is not None


async def test_a_trigger_on_the_friday_before_a_bank_holiday_is_owed_by_tuesday_night(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    await env.sleep(FRIDAY_3PM_BST - await env.get_current_time())
    handle, (_, cease) = await opened(env, worker)
    await answer(systems, 1)
    await handle.signal(Wf.hub_message, step("Order", cease, plannedSwitchDate="2027-05-28"))
    await answer(systems, 2)
    systems.fail_first_attempts["subscribers.cease"] = 3  # the subscriber system slow to cease
    await handle.signal(Wf.hub_message, step("OrderTrigger", cease, activationDate="2027-05-28"))
    view = await view_of(handle)
    owed = next(p for p in view.promises if p.name is PromiseName.ANSWER_TRIGGER)
    assert owed.due_at == TUESDAY_END_BST  # Saturday, Sunday and the bank holiday skipped
    assert (await answer(systems, 3))["status"] == "triggered"
    assert len(systems.named("subscribers.cease")) == 1
    assert date(2027, 5, 28) == systems.payloads("subscribers.cease", CeaseOrder)[0].on


async def test_a_slow_subscriber_system_delays_the_match_and_escalates_but_loses_nothing(
    env: WorkflowEnvironment, systems: FakeSystems
) -> None:
    """The search fails for about two minutes: at 60 s the back office hears our answer is
    late; once the system is back the customer's switch is opened, once."""
    failures = [7]
    opened_with: list[OpenAsk] = []

    @activity.defn(name="subscribers.search")
    async def search(asked: SubscriberSearch) -> list[Subscriber]:
        if failures[0] > 0:
            failures[0] -= 1
            raise RuntimeError("the subscriber system is down")
        return [CUSTOMER]

    @activity.defn(name=OPEN_ACTIVITY)
    async def open_outgoing(ask: OpenAsk) -> Opening:
        opened_with.append(ask)
        return Opening(references=["r"])

    async with Worker(
        env.client,
        task_queue=f"tq-{uuid.uuid4()}",
        workflows=[HubRequestWorkflow],
        workflow_runner=RUNNER,
        activities=[search, open_outgoing, *systems.activities()],
    ) as worker:
        job = HubRequest(message=MATCH, received_at=await env.get_current_time(), our_rcpid="RMIG")
        outcome = await env.client.execute_workflow(
            HubRequestWorkflow.run,
            job,
            id=request_id("RGAI", str(uuid.uuid4())),
            task_queue=worker.task_queue,
        )
    assert outcome == "opened" and len(opened_with) == 1 and failures == [0]
    (notice,) = systems.payloads("notifications.escalate", EscalationNotice)
    assert notice.promise == "answer_match" and "subscriber system" in notice.summary
