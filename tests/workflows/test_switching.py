"""A GB line switching through the One Touch Switch hub, in the time-skipping server: the
messages the migration sends and when, what each answer does, the answer times as promises,
and a reference kept alive (or matched again) across the 31 days it lives."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.messages import EscalationNotice
from domain.calendar import WorkingDays
from domain.commands import BookVisit, ReportVisit, Withdraw
from domain.models import FailureReason, PromiseName, PromiseStatus, Stage, VisitOutcome
from domain.switching.request import Voice
from tests.builders import DISPATCH, GORDON, SALES, gb_request
from tests.workflows import hub_answers as losing
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import Handle, confirm, eventually, record, start
from usecases.calendars import resolve
from usecases.proposal import CalendarIn
from workflows.line_migration import LineMigrationWorkflow as Wf

LONDON = ZoneInfo("Europe/London")  # the British line's clock: the switch's dates are its days

FRIDAY_4PM = datetime(2026, 12, 11, 16, tzinfo=UTC)  # London is on UTC in December
MONDAY_END = datetime(2026, 12, 14, 23, 59, 59, tzinfo=UTC)


async def gb_migration(env: WorkflowEnvironment, worker: Worker, **options: Any) -> Handle:
    today = (await env.get_current_time()).date()
    britain = resolve(CalendarIn(country="GB"), today)
    return await start(env, worker, gb_request(calendar=britain, **options))


async def message(systems: FakeSystems, n: int) -> dict[str, Any]:
    """The nth message the migration posted to the hub."""
    await eventually(lambda: len(systems.hub_messages()) >= n)
    return systems.hub_messages()[n - 1]


def routing(m: dict[str, Any]) -> str:
    return str(m["envelope"]["routingID"]).removeprefix("residentialSwitch")


def payload(m: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = m[m["envelope"]["routingID"]]
    return found


async def book_gordon(env: WorkflowEnvironment, handle: Handle, after: timedelta) -> date:
    """Booked from `after` from now; the visit's day on the line's clock (London)."""
    now = await env.get_current_time()
    await handle.execute_update(
        Wf.book_visit,
        BookVisit(
            actor=DISPATCH,
            technician_id="gordon",
            window_start=now + after,
            window_end=now + after + timedelta(hours=4),
        ),
    )
    return (now + after).astimezone(LONDON).date()


async def matched_and_booked(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems, **options: Any
) -> Handle:
    """Matched, confirmed by the customer, booked for today in two hours, ordered."""
    handle = await gb_migration(env, worker, **options)
    await handle.signal(Wf.hub_message, losing.matched(await message(systems, 1)))
    await confirm(handle)
    await book_gordon(env, handle, timedelta(hours=2))
    order = await message(systems, 2)
    assert routing(order) == "OrderRequest"
    await handle.signal(Wf.hub_message, losing.confirmed(order))
    return handle


async def test_a_switch_from_match_to_trigger_releases_the_old_line(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await gb_migration(env, worker)
    match = await message(systems, 1)
    assert routing(match) == "MatchRequest"
    asked = payload(match)
    assert asked["name"] == "O'Conner"
    assert asked["services"] == [
        {"serviceType": "IAS", "action": "cease"},
        {"serviceType": "NBICS", "action": "port", "serviceIdentifier": "01314960001"},
    ]
    answer = losing.matched(match)
    await handle.signal(Wf.hub_message, answer)
    await confirm(handle)
    visit_day = await book_gordon(env, handle, timedelta(hours=2))
    order = await message(systems, 2)
    reference = answer.payload["matchResult"]["switchOrderReference"]
    planned = {"switchOrderReference": reference, "plannedSwitchDate": f"{visit_day}"}
    assert payload(order) == planned
    await handle.signal(Wf.hub_message, losing.confirmed(order))
    moved = await book_gordon(env, handle, timedelta(days=3))  # the visit moves: the date too
    update = await message(systems, 3)
    assert routing(update) == "OrderUpdateRequest"
    assert payload(update)["plannedSwitchDate"] == f"{moved}"
    await handle.signal(Wf.hub_message, losing.confirmed(update))
    await env.sleep(timedelta(days=3))
    activated_on = (await env.get_current_time()).astimezone(LONDON).date()
    await handle.execute_update(
        Wf.report_visit, ReportVisit(actor=GORDON, outcome=VisitOutcome.ACTIVATED)
    )
    trigger = await message(systems, 4)
    assert routing(trigger) == "OrderTriggerRequest"
    assert payload(trigger)["activationDate"] == f"{activated_on}"
    snap = await handle.query(Wf.snapshot)
    assert snap.stage is Stage.ACTIVATED and snap.line_released_at is None  # not before
    await handle.signal(Wf.hub_message, losing.confirmed(trigger))
    outcome = await handle.result()
    assert outcome.stage is Stage.COMPLETED
    snap = await handle.query(Wf.snapshot)
    assert snap.switch is not None and snap.switch.status == "triggered"
    assert all(
        p.status is PromiseStatus.KEPT for p in snap.promises if p.name.value.startswith("switch")
    )
    cut_over = next(p for p in snap.promises if p.name is PromiseName.CUT_OVER)
    assert cut_over.status is PromiseStatus.KEPT
    assert not systems.named("losing_operator.request_release")  # the hub, not the gateway
    events = [e.event for e in snap.timeline]
    for event in ("switch_matched", "switch_ordered", "switch_date_moved", "completed"):
        assert event in events
    assert "the customer was told what switching means by email" in next(
        e.detail for e in snap.timeline if e.event == "switch_matched"
    )
    await record(handle, "switch_completed")


async def test_a_match_refused_fails_the_migration_with_the_reason_in_words(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await gb_migration(env, worker)
    await handle.signal(Wf.hub_message, losing.refused(await message(systems, 1), "1108"))
    outcome = await handle.result()
    assert outcome.stage is Stage.FAILED
    assert outcome.reason == "the losing provider found the customer but not the surname (1108)"
    await record(handle, "switch_match_failed")


async def test_a_silent_match_is_sent_once_more_then_escalates(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await gb_migration(env, worker)
    first = await message(systems, 1)
    await env.sleep(timedelta(seconds=61))
    again = await message(systems, 2)
    assert routing(again) == "MatchRequest" and payload(again) == payload(first)
    assert (
        again["envelope"]["source"]["correlationID"] != first["envelope"]["source"]["correlationID"]
    )
    assert not systems.payloads("notifications.escalate", EscalationNotice)
    await env.sleep(timedelta(seconds=61))
    await eventually(lambda: systems.payloads("notifications.escalate", EscalationNotice))
    (notice,) = systems.payloads("notifications.escalate", EscalationNotice)
    assert notice.promise.startswith("switch_match") and notice.owner == "losing_operator"
    # The first match's answer, late, is still ours: taken, and the second's then ignored.
    await handle.signal(Wf.hub_message, losing.matched(first))
    await handle.signal(Wf.hub_message, losing.matched(again))
    snap = await handle.query(Wf.snapshot)
    assert [e.event for e in snap.timeline].count("switch_matched") == 1
    assert [e.event for e in snap.timeline].count("switch_answer_repeated") == 1


async def test_an_unordered_reference_lapses_and_the_visit_matches_again(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await gb_migration(env, worker)
    await handle.signal(Wf.hub_message, losing.matched(await message(systems, 1)))
    await confirm(handle)
    await env.sleep(timedelta(days=32))
    await book_gordon(env, handle, timedelta(hours=2))
    rematch = await message(systems, 2)
    assert routing(rematch) == "MatchRequest"
    answer = losing.matched(rematch)
    await handle.signal(Wf.hub_message, answer)
    order = await message(systems, 3)
    assert routing(order) == "OrderRequest"
    fresh = answer.payload["matchResult"]["switchOrderReference"]
    assert payload(order)["switchOrderReference"] == fresh


async def test_an_ordered_reference_is_kept_alive_before_it_would_lapse(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await matched_and_booked(env, worker, systems)
    planned = date.fromisoformat(payload(await message(systems, 2))["plannedSwitchDate"])
    await handle.execute_update(
        Wf.report_visit,
        ReportVisit(
            actor=GORDON, outcome=VisitOutcome.FAILED, reason=FailureReason.CUSTOMER_ABSENT
        ),
    )
    await env.sleep(timedelta(days=29))
    assert len(systems.hub_messages()) == 2  # nothing to say yet
    await env.sleep(timedelta(days=2))
    update = await message(systems, 3)
    assert routing(update) == "OrderUpdateRequest"
    # Sent on the 30th day after the planned date (no visit booked: for that day), so the
    # reference lives 31 days from then.
    moved_to = date.fromisoformat(payload(update)["plannedSwitchDate"])
    assert moved_to == planned + timedelta(days=30)


async def test_a_trigger_on_friday_afternoon_is_owed_by_monday_night(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    await env.sleep(FRIDAY_4PM - await env.get_current_time())
    handle = await matched_and_booked(env, worker, systems, cut_over=WorkingDays(working_days=1))
    await handle.execute_update(
        Wf.report_visit, ReportVisit(actor=GORDON, outcome=VisitOutcome.ACTIVATED)
    )
    trigger = await message(systems, 3)
    assert payload(trigger)["activationDate"] == "2026-12-11"
    snap = await handle.query(Wf.snapshot)
    cut_over = next(p for p in snap.promises if p.name is PromiseName.CUT_OVER)
    assert cut_over.due_at == MONDAY_END
    assert "RLOS must confirm the trigger (its service ends) by" in snap.next_step
    await env.sleep(MONDAY_END - await env.get_current_time() - timedelta(minutes=5))
    assert not systems.payloads("notifications.escalate", EscalationNotice)
    await env.sleep(timedelta(minutes=10))
    await eventually(lambda: systems.payloads("notifications.escalate", EscalationNotice))
    (notice,) = systems.payloads("notifications.escalate", EscalationNotice)
    assert notice.promise == "cut_over" and notice.due_at == MONDAY_END


async def test_a_withdrawal_after_ordering_cancels_the_switch_order(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await matched_and_booked(env, worker, systems)
    await handle.execute_update(Wf.withdraw, Withdraw(actor=SALES, reason="changed his mind"))
    cancellation = await message(systems, 3)
    assert routing(cancellation) == "OrderCancellationRequest"
    order = await message(systems, 2)
    assert payload(cancellation) == {"switchOrderReference": payload(order)["switchOrderReference"]}
    snap = await handle.query(Wf.snapshot)
    assert any(p.name is PromiseName.SWITCH_CANCELLATION and p.pending for p in snap.promises)
    await handle.signal(Wf.hub_message, losing.confirmed(cancellation))
    outcome = await handle.result()
    assert outcome.stage is Stage.WITHDRAWN


async def test_an_order_answered_after_the_withdrawal_is_then_cancelled(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await gb_migration(env, worker)
    await handle.signal(Wf.hub_message, losing.matched(await message(systems, 1)))
    await confirm(handle)
    await book_gordon(env, handle, timedelta(hours=2))
    order = await message(systems, 2)
    await handle.execute_update(Wf.withdraw, Withdraw(actor=SALES, reason="changed his mind"))
    await handle.signal(Wf.hub_message, losing.confirmed(order))  # the answer comes after
    cancellation = await message(systems, 3)
    assert routing(cancellation) == "OrderCancellationRequest"
    await handle.signal(Wf.hub_message, losing.confirmed(cancellation))
    assert (await handle.result()).stage is Stage.WITHDRAWN


async def test_the_same_answer_twice_changes_nothing_and_a_stranger_is_parked(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await gb_migration(env, worker)
    match = await message(systems, 1)
    answer = losing.matched(match)
    await handle.signal(Wf.hub_message, answer)
    once = await handle.query(Wf.snapshot)
    await handle.signal(Wf.hub_message, answer)
    stranger = answer.model_copy(
        update={"source_correlation": "another", "destination_correlation": "not-ours"}
    )
    await handle.signal(Wf.hub_message, stranger)
    await eventually(lambda: systems.parked)
    twice = await handle.query(Wf.snapshot)
    assert twice.timeline == once.timeline and twice.switch == once.switch
    (parked,) = systems.parked
    assert parked.message.destination_correlation == "not-ours"
    assert parked.reason == "it answers no message this migration sent"


async def test_the_hub_s_delivery_failures_retry_or_stop_in_words(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await gb_migration(env, worker)
    first = await message(systems, 1)
    await handle.signal(Wf.hub_message, losing.undelivered(first, "9005"))
    await env.sleep(timedelta(seconds=6))
    again = await message(systems, 2)
    assert (
        again["envelope"]["source"]["correlationID"] != first["envelope"]["source"]["correlationID"]
    )
    await handle.signal(Wf.hub_message, losing.undelivered(again, "9013"))
    await eventually(lambda: systems.payloads("notifications.escalate", EscalationNotice))
    (notice,) = systems.payloads("notifications.escalate", EscalationNotice)
    assert notice.owner == "gaining_operator"
    assert "our API key is invalid (9013)" in notice.summary
    await env.sleep(timedelta(minutes=10))
    assert len(systems.hub_messages()) == 2  # no retry storm
    snap = await handle.query(Wf.snapshot)
    assert snap.switch is not None and snap.switch.halted is not None


async def test_broadband_only_orders_the_reference_that_keeps_the_voice_line(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await gb_migration(env, worker, voice=None)
    match = await message(systems, 1)
    assert [s["serviceType"] for s in payload(match)["services"]] == ["IAS"]
    answer = losing.matched(match, options=True)
    await handle.signal(Wf.hub_message, answer)
    snap = await handle.query(Wf.snapshot)
    assert snap.switch is not None
    assert snap.switch.reference == answer.payload["matchResult"]["switchOrderReference"]
    assert [o.option for o in snap.switch.references] == ["OptionToRetain", "OptionToCease"]


async def test_a_ported_voice_line_orders_the_reference_that_ceases_it(
    env: WorkflowEnvironment, worker: Worker, systems: FakeSystems
) -> None:
    handle = await gb_migration(env, worker, voice=Voice.PORT)
    answer = losing.matched(await message(systems, 1), options=True)
    await handle.signal(Wf.hub_message, answer)
    snap = await handle.query(Wf.snapshot)
    alternative = answer.payload["alternativeSwitchOrders"][0]["matchResult"]
    assert snap.switch is not None
    assert snap.switch.reference == alternative["switchOrderReference"]
