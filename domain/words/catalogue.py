"""What a catalogue of customer words holds: one instance per language (`it.py`, `en.py`).

Sentences are `str.format` templates whose fields are named where the sentence is used, so a
translator sees the whole sentence, never halves of it glued together in code. A new
language is one more module and one line in `CATALOGUES`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from domain.models import Language, MissReason, Party, PromiseName, Stage


class Words(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Dates(Words):
    days: tuple[str, str, str, str, str, str, str]  # Monday first
    months: tuple[str, str, str, str, str, str, str, str, str, str, str, str]
    money: str  # {amount} (with the language's decimal separator) and {symbol}
    decimal_separator: str


class Messages(Words):
    """What we send the customer, each ending with `follow` and his status link."""

    follow: str
    confirmed: str  # {by}
    visit_booked: str  # {when}
    visit_moved: str  # {was}, {when}
    visit_missed: str  # {when}, {why}, {by}
    missed_owed: str  # {owed}
    activated: str  # {at}
    withdrawn: str
    withdrawn_reinstating: str
    promise_broken: str  # {what}, {by}, {owed}


class StatusPage(Words):
    """The status page: its view's sentences and the template's fixed texts."""

    steps: tuple[str, str, str, str, str]
    headlines: dict[Stage, str]
    promise_status: dict[str, str]  # kept, open, broken
    owed: dict[str, str]  # compensation items that are not a promise
    nothing_due: str
    technician_comes: str  # {when}
    owner_will: str  # {who}, {what}, {by}
    case_escalated: str
    clock_stopped: str  # {since}, {why}
    clock_moved: str  # {by}, {why}
    pause_customer: str
    pause_force_majeure: str
    visit_moved: str  # {was}, {when}
    # A switch through the One Touch Switch hub, as it goes: {who} is the losing provider.
    switch_matched: str  # {who}
    switch_date: str  # {who}, {day}
    switch_done: str  # {who}
    switch_cancelled: str  # {who}
    reinstating: str
    withdrawn: str  # {why}
    failed: str  # {why}
    taken_up: str  # {at}
    to_be_taken_up: str  # {by}
    reported: str
    expired: str
    describe_problem: str
    too_many_reports: str
    title: str
    brand: str
    hello: str  # {name}
    line_ending: str
    next_step: str
    where_we_are: str
    what_we_promised: str
    compensation_owed: str
    no_compensation: str
    your_reports: str
    report_a_problem: str
    send_report: str
    choose_appointment: str
    move_appointment: str
    move_until: str  # {until}
    show_times: str
    show_other_times: str
    no_free_slots: str
    morning: str
    afternoon: str
    appointment_booked: str
    too_many_changes: str


class Catalogue(Words):
    language: Language
    dates: Dates
    promises: dict[PromiseName, str]  # what each promise to the customer is, in his words
    parties: dict[Party, str]
    misses: dict[MissReason, str]
    messages: Messages
    status_page: StatusPage
