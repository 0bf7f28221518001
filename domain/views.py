"""Read-only views of a migration: who owns the next step, its level, the full snapshot."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from domain import compensation, promises
from domain.handlers import slots
from domain.models import Customer, Language, Line, Model, Money, OrderRef, Party, Stage
from domain.promises import MAX_LEVEL
from domain.records import (
    Appointment,
    Escalation,
    MigrationState,
    MissedVisit,
    Promise,
    Ticket,
    TimelineEntry,
    VisitMove,
)
from domain.rules import Rules
from domain.switching import flow as switching
from domain.switching.record import Implication, SwitchOrder
from domain.terms import Accrued
from domain.words import staff
from domain.words import switching as switch_words


class Owner(Model):
    party: Party | None
    due_at: datetime | None


class SlotView(Model):
    slot_id: str
    start: datetime
    end: datetime
    label: str  # "Tue 8 Dec, morning 08:00–13:00", in the line's zone


class OfferView(Model):
    """The latest slots offered, as dispatch, care and the customer choose from them."""

    offer_id: str
    offered_at: datetime
    slots: list[SlotView]


class AsOf(Model):
    """A reader's clock: a snapshot's figures (compensation owed, days without service)
    are counted to it, though the migration may not have woken since."""

    at: datetime


class SwitchView(Model):
    """The switch through the hub, as staff follow it: the references the losing provider
    gave, the one chosen, where it stands, and every exchange in words."""

    losing_provider: str
    reference: str | None
    status: str | None
    planned_switch_date: date | None
    references: list[SwitchOrder]
    implications: list[Implication]
    exchanges: list[str]
    halted: str | None


class Snapshot(Model):
    """Everything a person may need to know about one migration, derived from its state."""

    migration_id: str
    stage: Stage
    owner: Owner
    next_step: str
    losing_operator: str
    sales_agent: str
    customer: Customer
    line: Line
    offer: str
    created_at: datetime
    confirmed_by: str | None
    confirmed_at: datetime | None
    contract_effective: bool
    contract_effective_at: datetime | None
    payment_mandate_requested: bool
    release_requested: bool
    line_released_at: datetime | None
    customer_without_service: bool
    without_service_since: datetime | None
    escalation_level: int
    next_deadline: datetime | None
    promises: list[Promise]
    tickets: list[Ticket]
    escalations: list[Escalation]
    compensation: Money
    appointment: Appointment | None
    missed_visits: list[MissedVisit]
    visit_moves: list[VisitMove] = Field(default_factory=list)
    reinstatement_requested: bool
    outcome_reason: str | None
    timeline: list[TimelineEntry]
    # Each sum: for what (a promise's name or a table's kind), and its table and reference.
    compensation_items: list[Accrued] = Field(default_factory=list)
    chain_id: str = ""
    language: Language = Language.IT
    time_zone: str | None = (
        None  # the line's calendar's; None: a migration from before calendars (Italian)
    )
    slot_offer: OfferView | None = None  # the latest slots offered for the visit
    slots_open: bool = False  # a visit can be booked or moved from slots now
    # Until when the customer may move his booked visit himself (slot rules).
    customer_moves_until: datetime | None = None
    # The CRM's side, when a CRM placed the migration as a TM Forum product order.
    product_order: OrderRef | None = None
    web_ui_url: str | None = None  # filled in by the API, which knows where the Web UI is
    customer_status_url: str | None = None  # the customer's status link, filled in likewise
    switch: SwitchView | None = None  # a line switching through the One Touch Switch hub


def owner(state: MigrationState) -> Owner:
    """The party holding the most urgent pending promise, and when it is due."""
    first = promises.earliest_pending(state.promises)
    if first is None:
        return Owner(party=None, due_at=None)
    return Owner(party=first.owner, due_at=first.due_at)


def escalation_level(state: MigrationState) -> int:
    """The highest level still unresolved; a customer without service is always the top."""
    levels = [p.escalation_level for p in state.promises if p.pending]
    if state.customer_without_service:
        levels.append(MAX_LEVEL)
    return max(levels, default=0)


def next_deadline(state: MigrationState) -> datetime | None:
    return promises.next_due(state.promises, state.request.policy.escalation_interval)


def next_wake(state: MigrationState) -> datetime | None:
    """When the migration's one timer must wake: the next deadline, or the next early
    warning if it comes first (a wake of its own: `next_deadline` keeps meaning due times)."""
    times = [
        t
        for t in (
            next_deadline(state),
            promises.next_warning(state.promises),
            switching.next_wake(state),
        )
        if t
    ]
    return min(times, default=None)


def snapshot(state: MigrationState, now: datetime) -> Snapshot:
    req = state.request
    return Snapshot(
        product_order=state.request.product_order,
        migration_id=state.migration_id,
        stage=state.stage,
        owner=owner(state),
        next_step=staff.next_step(state),
        losing_operator=req.losing_operator,
        sales_agent=state.sales_agent,
        customer=req.customer,
        line=req.line,
        offer=req.offer,
        created_at=state.created_at,
        confirmed_by=state.confirmed_by,
        confirmed_at=state.confirmed_at,
        contract_effective=state.contract_effective_at is not None,
        contract_effective_at=state.contract_effective_at,
        payment_mandate_requested=state.payment_mandate_requested,
        release_requested=state.release_requested,
        line_released_at=state.line_released_at,
        customer_without_service=state.customer_without_service,
        without_service_since=state.without_service_since,
        escalation_level=escalation_level(state),
        next_deadline=next_deadline(state),
        promises=state.promises,
        tickets=state.tickets,
        escalations=state.escalations,
        compensation=compensation.total(state, now),
        compensation_items=compensation.breakdown(state, now),
        chain_id=state.chain_id,
        language=state.request.language,
        time_zone=state.request.calendar.time_zone if state.request.calendar else None,
        appointment=state.appointment,
        missed_visits=state.missed_visits,
        visit_moves=state.visit_moves,
        reinstatement_requested=state.reinstatement_requested,
        outcome_reason=state.outcome_reason,
        timeline=state.timeline,
        slot_offer=offer_view(state),
        slots_open=slots.refuse_slots(state) is None,
        customer_moves_until=_customer_moves_until(state),
        switch=switch_view(state),
    )


def switch_view(state: MigrationState) -> SwitchView | None:
    sw, req = state.switch, state.request.switch
    if sw is None or req is None:
        return None
    return SwitchView(
        losing_provider=req.losing_rcpid,
        reference=sw.reference,
        status=sw.status.value if sw.status else None,
        planned_switch_date=sw.planned,
        references=sw.orders,
        implications=sw.implications,
        exchanges=[
            f"{staff.at(state, s.at)}: {switch_words.sent(state, s)}: "
            f"{s.answer or 'waiting for the answer'}"
            for s in sw.sent
        ],
        halted=sw.halted,
    )


def _customer_moves_until(state: MigrationState) -> datetime | None:
    booked = state.appointment
    if booked is None or not Rules(state.rules).books_from_slots:
        return None
    return booked.window_start - state.request.policy.reschedule_notice


def offer_view(state: MigrationState) -> OfferView | None:
    offer = state.slot_offer
    if offer is None:
        return None
    zone = state.request.calendar.time_zone if state.request.calendar else None
    return OfferView(
        offer_id=offer.offer_id,
        offered_at=offer.offered_at,
        slots=[
            SlotView(
                slot_id=s.slot_id,
                start=s.start,
                end=s.end,
                label=staff.slot_label(s.start, s.end, zone),
            )
            for s in offer.slots
        ],
    )


def current_details(state: MigrationState) -> str:
    """The Web UI's current details of the workflow: where it stands, whose move it is."""
    party = owner(state).party
    deadline = next_deadline(state)
    without = " · **customer without service**" if state.customer_without_service else ""
    return (
        f"**{state.stage.value}** · owner: {party or 'nobody'}"
        f" · next deadline: {staff.at(state, deadline) if deadline else 'none'}"
        f" · escalation level {escalation_level(state)}{without}"
        f"\n\nNext step: {staff.next_step(state)}"
    )
