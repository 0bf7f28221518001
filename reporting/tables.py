"""The read model's tables: one row per migration run chain, and its facts beside it.

Every table is keyed by the run chain (a line's second migration reuses the workflow id,
never the chain), so writing a migration's facts again replaces exactly its own rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Dialect,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy import DateTime as SqlDateTime


class Instant(TypeDecorator[datetime]):
    """An aware instant, stored as UTC without a zone: SQLite and PostgreSQL read it alike."""

    impl = SqlDateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC).replace(tzinfo=None) if value is not None else None

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


metadata = MetaData()


def _chain() -> Column[str]:
    return Column("chain_id", String(64), primary_key=True)


migrations = Table(
    "report_migrations",
    metadata,
    _chain(),
    Column("migration_id", String(128), nullable=False, index=True),
    Column("line_key", String(128), nullable=False),
    Column("jurisdiction", String(8)),
    Column("time_zone", String(64)),
    Column("losing_operator", String(64), nullable=False),
    Column("area", String(16)),
    Column("sales_agent", String(128), nullable=False),
    Column("technician", String(128)),
    Column("stage", String(16), nullable=False),
    Column("started_at", Instant, nullable=False, index=True),
    Column("confirmed_at", Instant),
    Column("booked_at", Instant),
    Column("activated_at", Instant, index=True),
    Column("completed_at", Instant, index=True),
    Column("ended_at", Instant, index=True),
    Column("activation_hours", Float),
    Column("activation_working_days", Float),
    Column("written_at", Instant, nullable=False),
)

promises = Table(
    "report_promises",
    metadata,
    _chain(),
    Column("promise_id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("owner", String(32), nullable=False),
    Column("opened_at", Instant, nullable=False),
    Column("due_at", Instant, nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("kept_on_time", Boolean),
    Column("breached_at", Instant),
    Column("paused_s", Float, nullable=False),
)

escalations = Table(
    "report_escalations",
    metadata,
    _chain(),
    Column("promise", String(64), primary_key=True),
    Column("level", Integer, primary_key=True),
    Column("at", Instant, nullable=False, index=True),
)

compensation = Table(
    "report_compensation",
    metadata,
    _chain(),
    Column("seq", Integer, primary_key=True),
    Column("what", String(64), nullable=False),
    Column("amount_cents", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("table_version", String(64)),
    Column("reference", String(256)),
)

missed_visits = Table(
    "report_missed_visits",
    metadata,
    _chain(),
    Column("revision", Integer, primary_key=True),
    Column("reason", String(32), nullable=False),
    Column("at", Instant, nullable=False, index=True),
    Column("operator_at_fault", Boolean, nullable=False),
)

outages = Table(
    "report_outages",
    metadata,
    _chain(),
    Column("seq", Integer, primary_key=True),
    Column("start", Instant, nullable=False, index=True),
    Column("end", Instant),
)

tickets = Table(
    "report_tickets",
    metadata,
    _chain(),
    Column("ticket_id", String(32), primary_key=True),
    Column("opened_at", Instant, nullable=False, index=True),
    Column("acknowledged_at", Instant),
)

CHILDREN = (promises, escalations, compensation, missed_visits, outages, tickets)

monthly = Table(
    "report_monthly",
    metadata,
    Column("month", String(7), primary_key=True),
    Column("made_at", Instant, nullable=False),
    Column("figures", JSON, nullable=False),
    Column("html", Text, nullable=False),
)
