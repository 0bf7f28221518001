"""The promise-keeping read model: migrations and their facts, keyed by run chain.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from reporting.tables import Instant

revision = "0001"
down_revision = None


def chain() -> sa.Column[str]:
    return sa.Column("chain_id", sa.String(64), primary_key=True)


def upgrade() -> None:
    op.create_table(
        "report_migrations",
        chain(),
        sa.Column("migration_id", sa.String(128), nullable=False, index=True),
        sa.Column("line_key", sa.String(128), nullable=False),
        sa.Column("jurisdiction", sa.String(8)),
        sa.Column("time_zone", sa.String(64)),
        sa.Column("losing_operator", sa.String(64), nullable=False),
        sa.Column("area", sa.String(16)),
        sa.Column("sales_agent", sa.String(128), nullable=False),
        sa.Column("technician", sa.String(128)),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("started_at", Instant, nullable=False, index=True),
        sa.Column("confirmed_at", Instant),
        sa.Column("booked_at", Instant),
        sa.Column("activated_at", Instant, index=True),
        sa.Column("completed_at", Instant, index=True),
        sa.Column("ended_at", Instant, index=True),
        sa.Column("activation_hours", sa.Float),
        sa.Column("activation_working_days", sa.Float),
        sa.Column("written_at", Instant, nullable=False),
    )
    op.create_table(
        "report_promises",
        chain(),
        sa.Column("promise_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("owner", sa.String(32), nullable=False),
        sa.Column("opened_at", Instant, nullable=False),
        sa.Column("due_at", Instant, nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("kept_on_time", sa.Boolean),
        sa.Column("breached_at", Instant),
        sa.Column("paused_s", sa.Float, nullable=False),
    )
    op.create_table(
        "report_escalations",
        chain(),
        sa.Column("promise", sa.String(64), primary_key=True),
        sa.Column("level", sa.Integer, primary_key=True),
        sa.Column("at", Instant, nullable=False, index=True),
    )
    op.create_table(
        "report_compensation",
        chain(),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("what", sa.String(64), nullable=False),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("table_version", sa.String(64)),
        sa.Column("reference", sa.String(256)),
    )
    op.create_table(
        "report_missed_visits",
        chain(),
        sa.Column("revision", sa.Integer, primary_key=True),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("at", Instant, nullable=False, index=True),
        sa.Column("operator_at_fault", sa.Boolean, nullable=False),
    )
    op.create_table(
        "report_outages",
        chain(),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("start", Instant, nullable=False, index=True),
        sa.Column("end", Instant),
    )
    op.create_table(
        "report_tickets",
        chain(),
        sa.Column("ticket_id", sa.String(32), primary_key=True),
        sa.Column("opened_at", Instant, nullable=False, index=True),
        sa.Column("acknowledged_at", Instant),
    )


def downgrade() -> None:
    for table in (
        "report_tickets",
        "report_outages",
        "report_missed_visits",
        "report_compensation",
        "report_escalations",
        "report_promises",
        "report_migrations",
    ):
        op.drop_table(table)
