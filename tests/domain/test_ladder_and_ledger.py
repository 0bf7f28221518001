"""Properties of the promise ledger and the escalation ladder, over arbitrary timelines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain import escalation, promises
from domain.models import PromiseName, PromiseStatus
from domain.records import Promise

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
INTERVAL = timedelta(hours=4)

steps = st.lists(st.integers(min_value=0, max_value=40 * 3600), min_size=1, max_size=30)


def ledger(window_s: int) -> list[Promise]:
    return promises.open_promise([], PromiseName.VISIT, T0, T0 + timedelta(seconds=window_s))


@given(window=st.integers(min_value=1, max_value=48 * 3600), gaps=steps)
def test_levels_climb_one_at_a_time_never_repeat_never_exceed_three(
    window: int, gaps: list[int]
) -> None:
    book = ledger(window)
    now, raised = T0, []
    for gap in gaps:
        now += timedelta(seconds=gap)
        book, new = escalation.due_escalations(book, now, INTERVAL)
        raised += new
    levels = [e.level for e in raised]
    assert levels == list(range(1, len(levels) + 1))  # none skipped, none repeated
    assert max(levels, default=0) <= 3
    due = book[0].due_at
    assert all(e.at == due + INTERVAL * (e.level - 1) for e in raised)
    breaches = [e for e in raised if e.level == 1]
    assert len(breaches) <= 1  # a due time breaches once
    assert (book[0].status is PromiseStatus.BREACHED) == bool(breaches)


@given(window=st.integers(min_value=1, max_value=48 * 3600), gaps=steps)
def test_timer_target_is_the_next_escalation(window: int, gaps: list[int]) -> None:
    """Waking at next_due always raises something, until the top level is reached."""
    book = ledger(window)
    while (due := promises.next_due(book, INTERVAL)) is not None:
        book, new = escalation.due_escalations(book, due, INTERVAL)
        assert len(new) == 1
    assert book[0].escalation_level == 3


def test_fulfilled_promise_never_escalates() -> None:
    book = promises.fulfil(ledger(3600), "visit", T0 + timedelta(minutes=5))
    book, raised = escalation.due_escalations(book, T0 + timedelta(days=3), INTERVAL)
    assert raised == [] and book[0].status is PromiseStatus.KEPT
    assert promises.next_due(book, INTERVAL) is None


def test_replan_keeps_the_old_due_and_its_breach_in_the_record() -> None:
    book, _ = escalation.due_escalations(ledger(3600), T0 + timedelta(hours=2), INTERVAL)
    new_due = T0 + timedelta(days=1)
    book = promises.replan(book, "visit", new_due, T0 + timedelta(hours=3), "marta", "moved")
    p = book[0]
    assert p.due_at == new_due and p.status is PromiseStatus.OPEN and p.escalation_level == 0
    assert p.replans[0].previous_due == T0 + timedelta(hours=1)
    assert p.replans[0].breached_at == T0 + timedelta(hours=1)


def test_late_fulfilment_stays_breached() -> None:
    book, _ = escalation.due_escalations(ledger(60), T0 + timedelta(minutes=2), INTERVAL)
    book = promises.fulfil(book, "visit", T0 + timedelta(minutes=3))
    assert book[0].status is PromiseStatus.BREACHED and book[0].fulfilled_at is not None
