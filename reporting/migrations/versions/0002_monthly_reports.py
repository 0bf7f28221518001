"""The monthly reports, as made: the figures and the rendered page.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from reporting.tables import Instant

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "report_monthly",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("made_at", Instant, nullable=False),
        sa.Column("figures", sa.JSON, nullable=False),
        sa.Column("html", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("report_monthly")
