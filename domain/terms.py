"""A jurisdiction's terms: the default window of the end-to-end activation promise, and the
dated compensation tables its regulator publishes (each entry with its legal reference).

Data, not code: read from `config/jurisdictions/*.toml` when a migration starts and recorded
in its start input, so a new table never changes what a running migration already decided.
Pure: accrual is computed from the recorded tables and the migration's own facts.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from domain.calendar import Frozen
from domain.policy import PromiseWindow

DAY = timedelta(days=1)


class CompensationKind(StrEnum):
    LATE_ACTIVATION_PER_DAY = "late_activation_per_day"  # a new service late to start
    LATE_MIGRATION_PER_DAY = "late_migration_per_day"  # a switch between operators late
    WITHOUT_SERVICE_PER_DAY = "without_service_per_day"  # service lost and not restored in time
    MISSED_APPOINTMENT = "missed_appointment"  # a flat sum per appointment the operator missed


class Entry(Frozen):
    kind: CompensationKind
    amount_cents: Annotated[int, Field(ge=0)]
    # Days without service: from the day service was lost ("start"), or only once the
    # restoration promise broke ("breach", a repair clock such as Ofcom's).
    counts_from: Literal["start", "breach"] = "breach"
    cap_cents: Annotated[int, Field(ge=0)] | None = None  # per migration, for this kind
    reference: str  # the article or page the amount comes from, and what is unconfirmed


class Table(Frozen):
    version: str
    effective_from: date  # in the jurisdiction's time zone
    reference: str
    entries: tuple[Entry, ...]

    def entry(self, kind: CompensationKind) -> Entry | None:
        return next((e for e in self.entries if e.kind is kind), None)


def outages_count_from_start(terms: Terms) -> bool:
    """Whether the newest table pays every day without service, not only late ones."""
    entry = terms.tables[-1].entry(CompensationKind.WITHOUT_SERVICE_PER_DAY)
    return entry is not None and entry.counts_from == "start"


class Terms(Frozen):
    jurisdiction: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    time_zone: str  # the day a per-day sum is counted in, and when a table takes effect
    activation: PromiseWindow  # the contract's time for the new line to be active
    activation_kind: CompensationKind  # what a late activation is paid as here
    service_restoration: PromiseWindow | None = None  # the regulator's repair clock, if any
    cut_over: PromiseWindow | None = None  # the losing side's time to release the old line
    # How lines switch here: through the losing operator's gateway, or the One Touch
    # Switch hub (`ots`).
    switching: Literal["gateway", "ots"] = "gateway"
    tables: tuple[Table, ...]
    source: str  # the data file it was read from

    @model_validator(mode="after")
    def _ordered(self) -> Terms:
        starts = [t.effective_from for t in self.tables]
        if not starts or starts != sorted(starts) or len(set(starts)) != len(starts):
            raise ValueError("tables must be listed oldest first, one per effective date")
        return self

    def table_on(self, day: date) -> Table | None:
        """The table in force on that day; None before the first one took effect."""
        return next((t for t in reversed(self.tables) if t.effective_from <= day), None)


class Accrued(Frozen):
    """One sum owed: for what, how much, and which table and article it comes from."""

    what: str
    amount_cents: int
    currency: str
    table_version: str | None = None
    reference: str | None = None


def days_owed(
    terms: Terms, kind: CompensationKind, episodes: Iterator[tuple[datetime, datetime]]
) -> list[Accrued]:
    """Per started day of each episode, each day paid at the table in force when it began:
    a sum that spans a change of table is split at its `effective_from`."""
    zone = ZoneInfo(terms.time_zone)
    per_table: dict[str, tuple[Table, int]] = {}
    for start, end in episodes:
        for i in range(max(math.ceil((end - start) / DAY), 0)):
            table = terms.table_on((start + i * DAY).astimezone(zone).date())
            entry = table.entry(kind) if table else None
            if table is None or entry is None:
                continue
            _, cents = per_table.get(table.version, (table, 0))
            per_table[table.version] = (table, cents + entry.amount_cents)
    return [_accrued(kind.value, table, kind, cents, terms) for table, cents in per_table.values()]


def flat_owed(terms: Terms, kind: CompensationKind, days: list[datetime]) -> list[Accrued]:
    """A flat sum per event, at the table in force on the day it happened."""
    zone = ZoneInfo(terms.time_zone)
    per_table: dict[str, tuple[Table, int]] = {}
    for at in days:
        table = terms.table_on(at.astimezone(zone).date())
        entry = table.entry(kind) if table else None
        if table is not None and entry is not None:
            _, cents = per_table.get(table.version, (table, 0))
            per_table[table.version] = (table, cents + entry.amount_cents)
    return [_accrued(kind.value, table, kind, cents, terms) for table, cents in per_table.values()]


def _accrued(what: str, table: Table, kind: CompensationKind, cents: int, terms: Terms) -> Accrued:
    entry = table.entry(kind)
    assert entry is not None
    capped = min(cents, entry.cap_cents) if entry.cap_cents is not None else cents
    return Accrued(
        what=what,
        amount_cents=capped,
        currency=terms.currency,
        table_version=table.version,
        reference=entry.reference,
    )
