"""Visits booked from field service's capacity: slots offered (and recorded, since the earliest
one offered is what the regulator's clock-stop counts from), one of them booked, and a later
one chosen by the customer stopping the activation clock for the difference."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain import promises
from domain.calendar import Calendar, Pause, in_words
from domain.commands import BookSlot, Decision, OfferSlots, Refusal
from domain.editing import append_timeline
from domain.handlers.visits import record_booking, refuse_unbookable
from domain.models import CUSTOMER_ROLE, Actor, PromiseName
from domain.records import MigrationState, SlotOffer
from domain.refusals import conflict
from domain.rules import Rules
from domain.words.staff import at, slot_label

# How far ahead field service is asked for free slots.
SEARCH_DAYS = 42
DECLINED_EARLIEST = "customer declined the earliest slot offered"
WEEKEND = (6, 7)  # ISO weekdays off for a line with no calendar (from before calendars)


def refuse_slots(state: MigrationState) -> Refusal | None:
    """Why slots cannot be offered or booked for this migration; None when they can."""
    if (refused := refuse_unbookable(state)) is not None:
        return refused
    if not Rules(state.rules).books_from_slots:
        return conflict(
            "this migration was started before visits were booked from field service's "
            "capacity: a supervisor books its visit manually"
        )
    if state.request.line.area is None:
        return conflict(
            "the line has no area, so field service cannot offer slots for it: add the "
            "area, or a supervisor books the visit manually"
        )
    return None


def refuse_offer(state: MigrationState, cmd: OfferSlots) -> Refusal | None:
    return refuse_slots(state)


def offer(draft: MigrationState, cmd: OfferSlots, now: datetime) -> Decision:
    """Record the slots field service found, as offered: reads of them never write."""
    draft.offers_made += 1
    draft.slot_offer = SlotOffer(
        offer_id=f"offer-{draft.offers_made}",
        offered_at=now,
        by=cmd.actor.subject,
        role=cmd.actor.role,
        slots=sorted(cmd.slots, key=lambda s: s.start),
    )
    first = draft.slot_offer.earliest
    zone = draft.request.calendar.time_zone if draft.request.calendar else None
    detail = (
        f"{len(cmd.slots)} slots, the earliest {slot_label(first.start, first.end, zone)}"
        if first
        else f"no free slot in the next {SEARCH_DAYS} days"
    )
    append_timeline(draft, now, "slots_offered", cmd.actor, detail)
    return Decision(state=draft)


def refuse_book_slot(state: MigrationState, cmd: BookSlot) -> Refusal | None:
    if (refused := refuse_slots(state)) is not None:
        return refused
    if state.slot_offer is None or state.slot_offer.slot(cmd.slot_id) is None:
        return conflict(
            f"slot {cmd.slot_id} is not among the latest slots offered: ask for new times"
        )
    return None


def too_late_to_move(state: MigrationState, actor: Actor, now: datetime) -> Refusal | None:
    """The customer moves his own appointment until the notice before it; after that, only
    a phone call to us can (and staff then decide who pays)."""
    booked = state.appointment
    notice = state.request.policy.reschedule_notice
    if actor.role != CUSTOMER_ROLE or booked is None or booked.window_start - now >= notice:
        return None
    return conflict(
        f"the appointment starts at {at(state, booked.window_start)}, less than "
        f"{in_words(notice)} from now: it can no longer be moved online"
    )


def book_slot(draft: MigrationState, cmd: BookSlot, now: datetime) -> Decision:
    """The slot field service held and confirmed; a customer choosing a later slot than the
    earliest offered stops the activation clock for the difference (staff never do)."""
    assert cmd.booked is not None and draft.slot_offer is not None  # filled in, validated
    earliest = draft.slot_offer.earliest
    decision = record_booking(draft, cmd.actor, cmd.booked, now)
    if cmd.actor.role == CUSTOMER_ROLE and earliest is not None:
        _declined_earliest(decision.state, earliest.start, cmd.booked.window_start, now)
    return decision


def _declined_earliest(
    draft: MigrationState, earliest: datetime, chosen: datetime, now: datetime
) -> None:
    window = draft.request.policy.activation
    p = promises.find(draft.promises, PromiseName.ACTIVATION.value)
    if window is None or p is None or not p.pending or p.breached_at is not None:
        return
    start = max([earliest, *(q.end for q in p.pauses if q.end is not None)])
    if chosen <= start or p.paused:
        return
    pause = Pause(start=start, end=chosen, reason=DECLINED_EARLIEST, by=CUSTOMER_ROLE)
    stopped = promises.with_pauses(draft, p, window, [*p.pauses, pause])
    draft.promises = [stopped if q is p else q for q in draft.promises]
    detail = (
        f"activation clock stopped from {at(draft, start)} to {at(draft, chosen)}: "
        f"{DECLINED_EARLIEST}; "
        f"the new line is now due by {at(draft, stopped.due_at)}"
    )
    append_timeline(draft, now, "clock_stopped", None, detail)


def search_from(state: MigrationState, now: datetime) -> date:
    """The first day to search: the day the customer asked for, never before today."""
    calendar = state.request.calendar
    today = now.astimezone(calendar.zone).date() if calendar else now.date()
    asked = state.request.requested_start_date
    return max(asked, today) if asked else today


def non_working_dates(calendar: Calendar | None, first: date, days: int) -> list[date]:
    """The days field service must not offer: the migration's days off (weekends alone for
    a migration from before calendars)."""
    span = (first + timedelta(days=n) for n in range(days))
    if calendar is None:
        return [d for d in span if d.isoweekday() in WEEKEND]
    return [d for d in span if not calendar.is_working_day(d)]
