"""The read model and the report over it: facts read from a migration's state, written
idempotently by run chain, and figures counted in half-open periods, grouped, as CSV."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from domain.commands import ConfirmLineRelease, OpenTicket, ReportVisit, Withdraw
from domain.facts import TABLES, Facts, changes, facts_of
from domain.figures import DEFINITIONS, GroupBy, percentile, report
from domain.models import VisitOutcome
from domain.records import MigrationState
from domain.rules import CALENDAR_RULES
from reporting import store
from tests.builders import CARE, HOUR, LUCA, OPERATOR, T0, proposed, run, scheduled
from usecases.reports import as_csv

DAY = timedelta(days=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh read model, migrated, on each database it runs on in production."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'reporting.db'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"))
    store.migrate(url)
    store.migrate(url)  # again: nothing to do
    with store.opened(url) as e:
        yield e


def fresh_database(server: str) -> str:
    name = f"report_{uuid.uuid4().hex}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{server.rsplit('/', 1)[0]}/{name}"


def completed(chain: str = "run-1", after: timedelta = 2 * HOUR) -> MigrationState:
    state = scheduled(rules=CALENDAR_RULES).model_copy(update={"chain_id": chain})
    state = run(state, OpenTicket(actor=CARE, channel="phone", summary="when?"), T0)
    activated = run(state, ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED), T0 + after)
    return run(activated, ConfirmLineRelease(actor=OPERATOR), T0 + after + HOUR)


def facts(state: MigrationState, at: timedelta = 10 * DAY) -> Facts:
    return facts_of(state, T0 + at)


def test_the_facts_name_milestones_and_promises_never_the_customer() -> None:
    f = facts(completed())
    m = f.migration
    assert (m.stage, m.started_at, m.confirmed_at) == ("completed", T0, T0)
    assert m.activated_at == T0 + 2 * HOUR and m.completed_at == T0 + 3 * HOUR
    assert m.activation_hours == 2.0 and m.technician == "luca" and m.line_key == "k"
    assert f.promises is not None and f.tickets is not None  # facts_of carries every table
    statuses = {p.kind: p.status for p in f.promises}
    assert statuses["visit"] == "kept" and statuses["technician_contact"] == "kept"
    assert [t.ticket_id for t in f.tickets] == ["T1"]
    text = f.model_dump_json()
    assert "Mario" not in text and "Via Roma" not in text and "+39" not in text


def test_writing_again_replaces_and_another_chain_of_the_line_stays(engine: Engine) -> None:
    first = facts(completed("chain-a"))
    store.write(engine, first)
    store.write(engine, first)  # a retry, a replay, a rebuild
    second = facts(completed("chain-b", after=5 * HOUR))  # the same line, migrated again
    store.write(engine, second)
    found = store.rows(engine, T0 - DAY, T0 + 30 * DAY)  # every promise falls due in it
    chains = sorted(m["chain_id"] for m in found["report_migrations"])
    assert chains == ["chain-a", "chain-b"]
    assert first.promises is not None and second.promises is not None
    assert len(found["report_promises"]) == len(first.promises) + len(second.promises)
    assert found["report_migrations"][0]["started_at"].tzinfo is UTC


def test_a_change_carries_only_what_changed_and_lands_as_a_whole_write_would(
    engine: Engine,
) -> None:
    """Rules 10 write only the tables that changed since the run's last write: applied in
    order they leave the store as one whole write of the last facts (what a rebuild writes)."""
    earlier = scheduled(rules=CALENDAR_RULES).model_copy(update={"chain_id": "chain-a"})
    earlier = run(earlier, OpenTicket(actor=CARE, channel="phone", summary="when?"), T0)
    before, after = facts(earlier), facts(completed("chain-a"))
    assert changes(after, after) is None  # no figure changed: no write
    change = changes(before, after)
    assert change is not None and change.migration == after.migration
    carried = {name for name in TABLES if getattr(change, name) is not None}
    assert "promises" in carried and "tickets" not in carried  # the ticket is as it was
    assert changes(None, before) == before  # a run's first write carries everything
    store.write(engine, before)
    store.write(engine, change)
    store.write(engine, change)  # retried
    window = (T0 - DAY, T0 + 30 * DAY)
    live = store.rows(engine, *window)
    store.write(engine, after)  # what a rebuild writes
    assert without_write_times(live) == without_write_times(store.rows(engine, *window))


def without_write_times(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {
        table: [{k: v for k, v in r.items() if k != "written_at"} for r in found]
        for table, found in rows.items()
    }


def test_figures_count_their_own_event_in_a_half_open_period(engine: Engine) -> None:
    for n, hours in enumerate((1, 2, 3, 4, 10)):
        store.write(engine, facts(completed(f"chain-{n}", after=hours * HOUR)))
    withdrawn = run(proposed(CALENDAR_RULES), Withdraw(actor=CARE, reason="changed mind"), T0)
    store.write(engine, facts(withdrawn.model_copy(update={"chain_id": "chain-w"})))

    made = report(store.rows(engine, T0, T0 + DAY), T0, T0 + DAY, None, T0 + 10 * DAY)
    (everything,) = made.groups
    f = everything.figures
    assert f["migrations_started"] == 6 and f["migrations_completed"] == 5
    assert f["migrations_withdrawn"] == 1 and "migrations_failed" not in f
    assert f["activation_hours_p50"] == 3.0 and f["activation_hours_p95"] == 10.0
    assert f["promises_kept.visit/field_team"] == 5
    # The period is half-open: a day that ends as the migrations start counts none of them.
    before = report(store.rows(engine, T0 - DAY, T0), T0 - DAY, T0, None, T0)
    assert before.groups == []
    assert set(made.definitions) >= {k.split(".")[0] for k in f}


def test_figures_group_by_operator_and_by_month_in_the_lines_zone(engine: Engine) -> None:
    store.write(engine, facts(completed("chain-1")))
    by_operator = report(
        store.rows(engine, T0, T0 + DAY), T0, T0 + DAY, GroupBy.LOSING_OPERATOR, T0
    )
    assert [g.group for g in by_operator.groups] == ["telecom"]
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 1 December 00:30 in Rome
    state = completed("chain-2").model_copy(update={"created_at": late})
    store.write(engine, facts(state))
    months = report(store.rows(engine, late, late + HOUR), late, late + HOUR, GroupBy.MONTH, late)
    assert [g.group for g in months.groups] == ["2026-11"]  # no calendar: UTC
    csv = as_csv(by_operator)
    assert csv.splitlines()[0] == "group,figure,value,figure in words,value in words"
    assert "telecom,migrations_started,1" in csv


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0 and percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0 and percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None


def test_every_figure_is_defined_in_the_readme() -> None:
    manual = (Path(__file__).resolve().parents[2] / "docs" / "reports.md").read_text()
    assert [name for name in DEFINITIONS if f"| `{name}` |" not in manual] == []
