"""The read model's database: SQLite in a file by default (WAL, a busy timeout, retries: the
worker and several API processes share it), PostgreSQL in production; one code path on
SQLAlchemy, the schema by Alembic."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Connection,
    Engine,
    and_,
    create_engine,
    delete,
    event,
    insert,
    make_url,
    or_,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from domain.facts import TABLES, Facts
from reporting import tables as t

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
WRITE_ATTEMPTS = 5
T = TypeVar("T")
NUMBERED = frozenset({"compensation", "outages"})  # rows with no key of their own: by order


def engine_for(url: str) -> Engine:
    """An engine; for SQLite, a WAL journal and a busy timeout on every connection."""
    _folder_for(url)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _folder_for(url: str) -> None:
    """SQLite makes its file, not the folder it goes in."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(connection: Any, _: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def migrate(url: str) -> None:
    """Bring the schema to the newest revision, in one step (idempotent). Processes starting
    together may race to create it: the loser finds it made, and upgrades nothing."""
    _folder_for(url)
    _ensure_database(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    for attempt in range(WRITE_ATTEMPTS):
        try:
            command.upgrade(config, "head")
            return
        except (OperationalError, IntegrityError, ProgrammingError):
            if attempt == WRITE_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * 2**attempt)


def _ensure_database(url: str) -> None:
    """PostgreSQL: create the read model's database on first start (SQLite makes its file)."""
    target = make_url(url)
    if target.get_backend_name() != "postgresql" or not target.database:
        return
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            found = c.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).first()
            if found is None:
                c.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def write(engine: Engine, facts: Facts, now: datetime | None = None) -> None:
    """Replace the run chain's facts with these (a table they do not carry stays as it is): a
    retry, a replay or a rebuild writes the same rows again, never a second copy; another
    chain of the same line is untouched."""
    chain = facts.migration.chain_id
    row = {**facts.migration.model_dump(), "written_at": now or datetime.now(UTC)}

    def replace(c: Connection) -> None:
        c.execute(delete(t.migrations).where(t.migrations.c.chain_id == chain))
        c.execute(insert(t.migrations).values(row))
        for table, rows in _children(facts):
            if rows is None:
                continue
            c.execute(delete(table).where(table.c.chain_id == chain))
            if rows:
                c.execute(insert(table), [{"chain_id": chain, **r} for r in rows])

    _retrying(engine, replace)


def save_monthly(engine: Engine, month: str, figures: dict[str, Any], html: str) -> datetime:
    """Store a month's report (made again: replaced); when it was made."""
    made = datetime.now(UTC)

    def replace(c: Connection) -> None:
        c.execute(delete(t.monthly).where(t.monthly.c.month == month))
        c.execute(insert(t.monthly).values(month=month, made_at=made, figures=figures, html=html))

    _retrying(engine, replace)
    return made


def monthly(engine: Engine) -> list[dict[str, Any]]:
    """The stored monthly reports, newest month first (without their pages)."""
    m = t.monthly.c
    query = select(m.month, m.made_at).order_by(m.month.desc())
    return _retrying(engine, lambda c: _dicts(c, query))


def monthly_page(engine: Engine, month: str) -> str | None:
    query = select(t.monthly.c.html).where(t.monthly.c.month == month)
    return _retrying(engine, lambda c: c.execute(query).scalar_one_or_none())


def _children(facts: Facts) -> Iterator[tuple[Any, list[dict[str, Any]] | None]]:
    """Each child table and its rows (None: not carried, left as written)."""
    for name in TABLES:
        carried: list[Any] | None = getattr(facts, name)
        if carried is None:
            yield getattr(t, name), None
            continue
        rows = [r.model_dump() for r in carried]
        if name in NUMBERED:
            rows = [{"seq": i, **r} for i, r in enumerate(rows)]
        yield getattr(t, name), rows


def rows(engine: Engine, start: datetime, end: datetime) -> dict[str, list[dict[str, Any]]]:
    """The rows whose event falls in [start, end), each table by its own event time, and the
    migrations they belong to (for grouping). Figures are computed in Python from these, so
    SQLite and PostgreSQL give the same answer."""
    events = {
        t.promises: t.promises.c.due_at,
        t.escalations: t.escalations.c.at,
        t.missed_visits: t.missed_visits.c.at,
        t.outages: t.outages.c.start,
        t.tickets: t.tickets.c.opened_at,
    }
    m = t.migrations.c
    milestones = (m.started_at, m.activated_at, m.completed_at, m.ended_at)

    def read(c: Connection) -> dict[str, list[dict[str, Any]]]:
        found = {
            table.name: _dicts(c, select(table).where(at >= start, at < end))
            for table, at in events.items()
        }
        closed = or_(*(and_(at >= start, at < end) for at in (m.completed_at, m.ended_at)))
        closing = select(m.chain_id).where(closed)
        found[t.compensation.name] = _dicts(
            c, select(t.compensation).where(t.compensation.c.chain_id.in_(closing))
        )
        chains = {r["chain_id"] for rs in found.values() for r in rs}
        in_period = or_(*(and_(at >= start, at < end) for at in milestones))
        found[t.migrations.name] = _dicts(
            c, select(t.migrations).where(or_(in_period, m.chain_id.in_(chains)))
        )
        return found

    return _retrying(engine, read)


def _dicts(c: Connection, query: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in c.execute(query)]


def _retrying(engine: Engine, work: Callable[[Connection], T]) -> T:
    """One transaction, tried again while another process holds SQLite's write lock."""
    for attempt in range(WRITE_ATTEMPTS):
        try:
            with engine.begin() as c:
                return work(c)
        except OperationalError as err:
            if "locked" not in str(err) or attempt == WRITE_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")


@contextmanager
def opened(url: str) -> Iterator[Engine]:
    engine = engine_for(url)
    try:
        yield engine
    finally:
        engine.dispose()
