"""The pure rules of booking from slots: who may be offered slots, which days are off, when
the customer can no longer move his own appointment."""

from __future__ import annotations

from datetime import date, timedelta

from domain import lifecycle
from domain.commands import BookSlot, Confirm, OfferSlots
from domain.handlers import slots
from domain.models import CUSTOMER_ROLE, Actor
from domain.records import Slot
from domain.rules import CALENDAR_RULES, SLOT_RULES
from tests.builders import DISPATCH, HOUR, SALES, T0, proposed, run, scheduled
from usecases.calendars import resolve
from usecases.proposal import CalendarIn

CUSTOMER = Actor(subject="customer", role=CUSTOMER_ROLE)


def test_slots_are_refused_before_confirmation_and_for_older_migrations() -> None:
    offer = OfferSlots(actor=DISPATCH)
    before = lifecycle.refusal(proposed(SLOT_RULES), offer)
    assert before is not None and "after the customer's confirmation" in before.reason
    older = run(proposed(CALENDAR_RULES), Confirm(actor=SALES, channel="phone"), T0)
    refused = lifecycle.refusal(older, offer)
    assert refused is not None and "a supervisor books its visit manually" in refused.reason


def test_only_a_slot_of_the_latest_offer_can_be_booked() -> None:
    state = run(proposed(SLOT_RULES), Confirm(actor=SALES, channel="phone"), T0)
    slot = Slot(slot_id="RM.2026-11-03.am", start=T0 + HOUR, end=T0 + 6 * HOUR)
    state = run(state, OfferSlots(actor=DISPATCH, slots=[slot]), T0)
    assert state.slot_offer is not None and state.slot_offer.offer_id == "offer-1"
    assert lifecycle.refusal(state, BookSlot(actor=DISPATCH, slot_id=slot.slot_id)) is None
    other = lifecycle.refusal(state, BookSlot(actor=DISPATCH, slot_id="RM.2026-11-04.am"))
    assert other is not None and "not among the latest slots offered" in other.reason


def test_the_customer_cannot_move_his_visit_online_within_the_notice() -> None:
    state = scheduled(rules=SLOT_RULES)  # the visit starts at T0 + 1 h; notice 24 h
    late = slots.too_late_to_move(state, CUSTOMER, T0)
    assert late is not None and "can no longer be moved online" in late.reason
    assert slots.too_late_to_move(state, DISPATCH, T0) is None  # staff can, and pay
    assert slots.too_late_to_move(state, CUSTOMER, T0 - timedelta(days=2)) is None


def test_the_days_off_sent_to_field_service_are_the_calendars() -> None:
    italy = resolve(CalendarIn(country="IT"), date(2027, 1, 1))
    off = slots.non_working_dates(italy, date(2027, 12, 6), 7)
    assert off == [date(2027, 12, 8), date(2027, 12, 11), date(2027, 12, 12)]
    assert slots.non_working_dates(None, date(2027, 12, 6), 7) == [
        date(2027, 12, 11),
        date(2027, 12, 12),
    ]


def test_slots_are_searched_from_the_day_asked_never_before_today() -> None:
    state = proposed(SLOT_RULES)
    assert slots.search_from(state, T0) == T0.date()
    asked = state.model_copy(
        update={
            "request": state.request.model_copy(update={"requested_start_date": date(2026, 11, 9)})
        }
    )
    assert slots.search_from(asked, T0) == date(2026, 11, 9)
    assert slots.search_from(asked, T0 + timedelta(days=30)) == (T0 + timedelta(days=30)).date()
