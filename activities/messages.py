"""Inputs and outputs of the activities: one pydantic model per call."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from domain.models import Declaration
from domain.records import Slot


class ExternalCall(BaseModel):
    migration_id: str
    # Derived from the workflow id and the step, so a retry is recognised as the same effect.
    idempotency_key: str


class LineOrder(ExternalCall):
    losing_operator: str
    line_number: str
    migration_code: str


class OrderRef(ExternalCall):
    losing_operator: str


class VisitOrder(ExternalCall):
    technician_id: str
    window_start: datetime
    window_end: datetime
    address: str
    revision: int


class SlotSearch(BaseModel):
    """Free slots in an area from a day on, never on the migration's days off (a read)."""

    area: str
    first_day: date
    count: int
    non_working: list[date]


class SlotList(BaseModel):
    slots: list[Slot]


class SlotReservation(ExternalCall):
    """Hold one slot of an offer and confirm it for the migration's work order (a move
    frees the work order's earlier unit)."""

    work_order: str
    slot_id: str
    address: str
    revision: int


class WindowReservation(VisitOrder):
    """A manual booking: this technician for this window, if he is free then."""

    work_order: str


class TicketForward(ExternalCall):
    ticket_id: str
    channel: str
    summary: str
    technician_id: str | None


class CustomerMessage(ExternalCall):
    kind: str
    phone: str
    email: str | None
    text: str
    # The migration's run chain: the activity signs the status link `{status_link}` with it.
    chain_id: str = ""


class EscalationNotice(ExternalCall):
    promise: str
    level: int
    owner: str
    recipients: list[str]
    due_at: datetime
    stage: str
    summary: str = ""  # what is late and whose move it is, in words


class MandateRequest(ExternalCall):
    customer_name: str
    offer: str


class Receipt(BaseModel):
    """What an external system answered: its own reference for the effect."""

    reference: str


class CalendarSpan(BaseModel):
    """The years whose public holidays a migration's calendar needs next."""

    country: str
    subdivision: str | None
    years: tuple[int, int]


class Holidays(BaseModel):
    dates: list[date]
    source: str


class MonthlyJob(BaseModel):
    """A monthly report to make: "2026-11"; none (a scheduled run) means the last month."""

    month: str | None = None


class MonthlyMade(BaseModel):
    month: str
    made_at: datetime


class FanOut(BaseModel):
    """A declaration (or its revocation) to carry to every running migration in its area
    (the second pass: only those started since `since`)."""

    declaration: Declaration
    since: datetime | None = None


class FanOutResult(BaseModel):
    signalled: int


class HubPost(ExternalCall):
    """A One Touch Switch message to post to the hub's letterbox, as it travels (its
    correlation id derived from the workflow and step: a retry posts the same message)."""

    message: dict[str, Any]


class SubscriberSearch(BaseModel):
    uprn: str | None = None
    post_code: str | None = None
    account: str | None = None
    numbers: list[str] = []


class CeaseOrder(ExternalCall):
    account: str
    services: list[str]
    on: date  # the activation date: the customer's service with us ends that day


class FinalBill(ExternalCall):
    account: str
    until: date  # billed up to and including this day (the day before the switch)
