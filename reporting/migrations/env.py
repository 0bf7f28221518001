"""Alembic's environment: the read model's URL comes from the caller (`reporting.store`)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from reporting.tables import metadata

config = context.config
engine = engine_from_config(
    config.get_section(config.config_ini_section) or {},
    prefix="sqlalchemy.",
    poolclass=pool.NullPool,
)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
