"""Every window and amount a migration runs by; one place, overridable per migration."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from domain.calendar import WorkingDays, WorkingHours

MIN_WINDOW = timedelta(seconds=1)  # lets tests and benchmarks run real timers quickly
MAX_WINDOW = timedelta(days=90)  # longer than any promise an operator makes to a customer

Window = Annotated[timedelta, Field(ge=MIN_WINDOW, le=MAX_WINDOW)]
# What a promise to the customer or between teams may be counted in: elapsed time, or
# working days or hours on the migration's calendar (rules level 4 and later).
PromiseWindow = Window | WorkingDays | WorkingHours
Cents = Annotated[int, Field(ge=0)]

# Amounts modelled on AGCOM's automatic indemnity regulation for electronic communications
# (Delibera 347/18/CONS, Allegato A, "Regolamento sugli indennizzi"): 7.50 EUR per day of
# delay in activating a service or migrating a line, and for each day of interruption of
# service without notice. The missed appointment is a flat sum per appointment. Operators
# set their own contractual figures on top; these are defaults, not legal advice.
DELAY_CENTS_PER_DAY = 750
WITHOUT_SERVICE_CENTS_PER_DAY = 750
MISSED_VISIT_CENTS = 1500


class MigrationPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    confirmation: PromiseWindow = timedelta(hours=48)
    technician_contact: PromiseWindow = timedelta(hours=24)
    service_restoration: PromiseWindow = timedelta(hours=24)
    ticket_ack: PromiseWindow = timedelta(hours=4)
    cut_over: PromiseWindow = timedelta(hours=24)
    # The new line active within the contract's time, from confirmation (calendar rules on;
    # the API sets the jurisdiction's default).
    activation: PromiseWindow | None = None
    escalation_interval: Window = timedelta(hours=4)
    # Moving a booked visit with less notice than this before its start owes the customer
    # the missed-appointment sum (Ofcom's scheme: an appointment cancelled under 24 h).
    reschedule_notice: Window = timedelta(hours=24)
    # Customer-facing delays accrue compensation; internal hand-offs (ticket acks, the back
    # office's own confirmation call) are escalated but not paid to the customer.
    technician_contact_cents_per_day: Cents = DELAY_CENTS_PER_DAY
    visit_cents_per_day: Cents = DELAY_CENTS_PER_DAY
    cut_over_cents_per_day: Cents = 0
    without_service_cents_per_day: Cents = WITHOUT_SERVICE_CENTS_PER_DAY
    missed_visit_cents: Cents = MISSED_VISIT_CENTS
    # Each promise warns its owner once this share of its budget has passed (calendar rules).
    warn_at_share: Annotated[float, Field(gt=0, lt=1)] = 0.75
    # Keeps each run's history far below Temporal's limits; a migration with many tickets
    # or re-plans continues as new carrying its state.
    continue_as_new_after_events: Annotated[int, Field(ge=50)] = 5000
