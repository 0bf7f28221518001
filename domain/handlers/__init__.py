"""One place per command: its check (why it may be refused) beside its decision (new state,
effects), registered in `HANDLERS`, which the workflow, the API and the tests all read.

Adding a command: its model in `domain/commands.py`, a `refuse_*`/decide pair in one of
these modules, one line in `HANDLERS`, an update in the workflow and a route in the API.
A decision edits the draft it is handed (a private copy made by `lifecycle.apply`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from domain.commands import (
    AcknowledgeTicket,
    BookSlot,
    BookVisit,
    ChangeRequestedStart,
    Command,
    Confirm,
    ConfirmLineRelease,
    ConfirmServiceRestored,
    Decision,
    OfferSlots,
    OpenTicket,
    Refusal,
    ReportServiceLoss,
    ReportVisit,
    Withdraw,
)
from domain.handlers import orders, sales, service, slots, tickets, visits
from domain.records import MigrationState

C = TypeVar("C", bound=Command)


@dataclass(frozen=True)
class Handler(Generic[C]):
    refuse: Callable[[MigrationState, C], Refusal | None]
    decide: Callable[[MigrationState, C, datetime], Decision]


HANDLERS: dict[type[Command], Handler[Any]] = {
    Confirm: Handler(sales.refuse_confirm, sales.confirm),
    Withdraw: Handler(sales.refuse_withdraw, sales.withdraw),
    # Decided only after field service accepted the booking (the workflow fills in the
    # work order), so the booking's one external call happens before anything is recorded.
    BookVisit: Handler(visits.refuse_book, visits.book),
    # Likewise decided with what field service answered: the slots it found, the slot it
    # held and confirmed (and the technician it assigned).
    OfferSlots: Handler(slots.refuse_offer, slots.offer),
    BookSlot: Handler(slots.refuse_book_slot, slots.book_slot),
    ReportVisit: Handler(visits.refuse_report, visits.report),
    ReportServiceLoss: Handler(service.refuse_loss, service.lose_service),
    ConfirmServiceRestored: Handler(service.refuse_restored, service.restore_service),
    ConfirmLineRelease: Handler(service.refuse_release, service.release_line),
    OpenTicket: Handler(tickets.refuse_open, tickets.open_ticket),
    AcknowledgeTicket: Handler(tickets.refuse_acknowledge, tickets.acknowledge),
    ChangeRequestedStart: Handler(orders.refuse_change_start, orders.change_start),
}
