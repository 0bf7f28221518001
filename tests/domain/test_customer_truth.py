"""What the customer reads: messages that say when, and his status page at every stage."""

from __future__ import annotations

from datetime import timedelta

from domain import lifecycle, views
from domain.commands import BookVisit, Confirm, Effect, EffectKind, ReportServiceLoss, Withdraw
from domain.models import Actor, Language
from domain.records import MigrationState
from domain.rules import CUSTOMER_NOTICE_RULES
from domain.words.status_page import view
from tests.builders import HOUR, SALES, T0, make_request, run

MARTA_SUBJECT = "marta"


def proposed(lang: Language = Language.EN) -> MigrationState:
    request = make_request().model_copy(update={"language": lang})
    state = lifecycle.propose("mig-1", "run-1", "k", "dario", request, T0, CUSTOMER_NOTICE_RULES)
    return lifecycle.line_validated(state, T0, "order-1")


def texts(effects: list[Effect], kind: EffectKind) -> list[str]:
    return [e.text or "" for e in effects if e.kind is kind]


def book(state: MigrationState, start_h: int, at_h: int) -> tuple[MigrationState, list[Effect]]:
    cmd = BookVisit(
        actor=Actor(subject=MARTA_SUBJECT, role="dispatch"),
        technician_id="luca",
        window_start=T0 + start_h * HOUR,
        window_end=T0 + (start_h + 4) * HOUR,
        work_order_id="wo",
    )
    decision = lifecycle.apply(state, cmd, T0 + at_h * HOUR)
    return decision.state, decision.effects


def test_the_confirmation_message_says_by_when_we_call() -> None:
    decision = lifecycle.apply(proposed(), Confirm(actor=SALES, channel="phone"), T0)
    [text] = texts(decision.effects, EffectKind.CONFIRMATION_CALL)
    assert "call you to book the visit by Tue 3 Nov 11:14" in text  # 24 h later, Rome time
    assert text.endswith("Follow your migration here: {status_link}")


def test_a_moved_visit_says_from_when_to_when_in_italian() -> None:
    state = run(proposed(Language.IT), Confirm(actor=SALES, channel="phone"), T0)
    state, first = book(state, start_h=48, at_h=1)
    assert (
        "La visita del tecnico è fissata per mer 4 nov 11:14–15:14"
        in texts(first, EffectKind.NOTIFY_VISIT_BOOKED)[0]
    )
    state, moved = book(state, start_h=5, at_h=2)
    [text] = texts(moved, EffectKind.NOTIFY_VISIT_BOOKED)
    assert "spostata da mer 4 nov 11:14–15:14 a lun 2 nov 16:14–20:14" in text
    page = view(views.snapshot(state, T0 + 2 * HOUR), T0 + 2 * HOUR)
    assert page.moves == ["Visita spostata da mer 4 nov 11:14–15:14 a lun 2 nov 16:14–20:14"]
    assert page.compensation == "0,00 €"  # moved 46 h before it was due: nothing owed


def test_a_broken_promise_is_told_once_with_the_compensation() -> None:
    state = run(proposed(), Confirm(actor=SALES, channel="phone"), T0)
    late = lifecycle.escalate(state, T0 + 25 * HOUR)
    [text] = texts(late.effects, EffectKind.NOTIFY_PROMISE_BROKEN)
    assert "We did not keep our promise to call you to book the technician's visit" in text
    assert "Compensation owed so far: €7.50" in text
    again = lifecycle.escalate(late.state, T0 + 30 * HOUR)  # level 2: managers, not a message
    assert texts(again.effects, EffectKind.NOTIFY_PROMISE_BROKEN) == []
    page = view(views.snapshot(again.state, T0 + 30 * HOUR), T0 + 30 * HOUR)
    [promise] = page.promises
    assert promise.status == "broken" and "on it now" in promise.words
    assert page.compensation_items == ["call you to book the technician's visit: €7.50"]


def test_the_page_shows_no_more_personal_data_than_a_first_name() -> None:
    page = view(views.snapshot(proposed(), T0), T0)
    dumped = page.model_dump_json()
    assert page.first_name == "Mario" and page.line_ending == "678"
    for secret in ("Rossi", "+390612345678", "+393331234567", "Via Roma", "dario", "m@example.it"):
        assert secret not in dumped
    assert (
        page.next_step == "Our customer service will record your confirmation by Wed 4 Nov 11:14."
    )


def test_a_withdrawal_while_without_service_says_what_happens_to_the_line() -> None:
    state = run(proposed(), ReportServiceLoss(actor=SALES, reported_via="phone"), T0)
    decision = lifecycle.apply(state, Withdraw(actor=SALES, reason="changed mind"), T0 + HOUR)
    [text] = texts(decision.effects, EffectKind.NOTIFY_WITHDRAWAL)
    assert "We asked your old operator to give you your line back" in text
    page = view(views.snapshot(decision.state, T0 + HOUR), T0 + HOUR)
    assert page.outcome is not None and "give you your line back" in page.outcome
    assert page.compensation == "€7.50"  # one started day without service


def test_every_step_in_order() -> None:
    state = run(proposed(), Confirm(actor=SALES, channel="phone"), T0 + timedelta(minutes=5))
    page = view(views.snapshot(state, T0 + HOUR), T0 + HOUR)
    assert [s.done_at is not None for s in page.steps] == [True, True, False, False, False]
    assert [s.current for s in page.steps] == [False, True, False, False, False]
