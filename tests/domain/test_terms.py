"""Dated compensation tables: the activation promise is paid from the table in force each
day, in the jurisdiction's currency, each sum naming its table and legal reference."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain import compensation, lifecycle, views
from domain.calendar import Calendar, WorkingDays
from domain.commands import Confirm, ConfirmServiceRestored, ReportServiceLoss, ReportVisit
from domain.models import Language, PromiseName, PromiseStatus, RestoredHow, VisitOutcome
from domain.rules import CALENDAR_RULES
from domain.terms import CompensationKind, Entry, Table, Terms
from domain.words.status_page import view
from tests.builders import LUCA, SALES, make_request, run
from usecases.jurisdictions import all_terms

GB = all_terms()["GB"]
LONDON_2027 = Calendar(country="GB", time_zone="Europe/London", years=(2027, 2027))
NEXT_APRIL = Table(
    version="TEST-2027-04",
    effective_from=date(2027, 4, 1),
    reference="a rise on 1 April, for this test",
    entries=(
        Entry(kind=CompensationKind.LATE_ACTIVATION_PER_DAY, amount_cents=700, reference="x"),
    ),
)


def migration(terms: Terms, at: datetime, rules: int = CALENDAR_RULES) -> lifecycle.MigrationState:
    request = make_request(calendar=LONDON_2027, activation=WorkingDays(working_days=2))
    request = request.model_copy(update={"terms": terms})
    state = lifecycle.propose("mig-1", "run-1", "k", "dario", request, at, rules)
    state = lifecycle.line_validated(state, at, "order-1")
    return run(state, Confirm(actor=SALES, channel="phone"), at)


def breached(state: lifecycle.MigrationState, at: datetime) -> lifecycle.MigrationState:
    """The state once the migration's timer fired at `at`: every promise due is broken."""
    return lifecycle.escalate(state, at).state


def test_a_per_day_sum_spanning_1_april_is_split_to_the_cent() -> None:
    """Activation due Tuesday 30 March 2027 at 23:59:59 (two working days from Friday 26),
    late until Saturday 3 April at noon: four started days, two at each table's amount."""
    terms = GB.model_copy(update={"tables": (*GB.tables, NEXT_APRIL)})
    state = breached(
        migration(terms, datetime(2027, 3, 26, 10, tzinfo=UTC)), datetime(2027, 3, 31, tzinfo=UTC)
    )
    owed = compensation.breakdown(state, datetime(2027, 4, 3, 11, tzinfo=UTC))
    late = [a for a in owed if a.what == "late_activation_per_day"]
    assert [(a.table_version, a.amount_cents) for a in late] == [
        ("OFCOM-2026-04", 2 * 646),
        ("TEST-2027-04", 2 * 700),
    ]
    assert all(a.currency == "GBP" and a.reference for a in late)
    assert compensation.total(state, datetime(2027, 4, 3, 11, tzinfo=UTC)).amount_cents == 2692


def test_a_british_line_is_owed_pounds_and_only_what_the_table_names() -> None:
    later = datetime(2027, 3, 10, 10, tzinfo=UTC)  # technician's call and activation late
    state = breached(migration(GB, datetime(2027, 3, 1, 10, tzinfo=UTC)), later)
    owed = compensation.breakdown(state, later)
    assert {a.what for a in owed} == {"late_activation_per_day"}  # the call is not paid
    english = state.model_copy(
        update={"request": state.request.model_copy(update={"language": Language.EN})}
    )
    assert view(views.snapshot(english, later), later).compensation == "£45.22"  # 7 days
    assert view(views.snapshot(state, later), later).compensation == "45,22 £"


def test_activation_is_promised_at_confirmation_and_kept_by_the_visit() -> None:
    state = migration(GB, datetime(2027, 3, 1, 10, tzinfo=UTC))
    activation = next(p for p in state.promises if p.name is PromiseName.ACTIVATION)
    assert activation.due_at == datetime(2027, 3, 3, 23, 59, 59, tzinfo=UTC)  # GMT
    booked = state.model_copy(
        update={"stage": lifecycle.Stage.SCHEDULED}, deep=True
    )  # the visit itself is tested elsewhere; here only its outcome matters
    booked.appointment = None
    done = lifecycle.apply(
        booked, ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED), activation.due_at
    ).state
    kept = next(p for p in done.promises if p.name is PromiseName.ACTIVATION)
    assert kept.status is PromiseStatus.KEPT


def test_migrations_decided_before_the_tables_keep_their_amounts() -> None:
    state = migration(GB, datetime(2027, 3, 1, 10, tzinfo=UTC), rules=CALENDAR_RULES - 1)
    assert not any(p.name is PromiseName.ACTIVATION for p in state.promises)
    assert compensation.currency(state) == "EUR"


@pytest.mark.parametrize("terms", list(all_terms().values()), ids=list(all_terms()))
def test_every_data_file_names_its_sources(terms: Terms) -> None:
    assert terms.tables and terms.activation is not None
    for table in terms.tables:
        assert table.reference and all(e.reference for e in table.entries)
        assert table.entry(terms.activation_kind) is not None, "a late activation is paid"
    assert terms.table_on(terms.tables[0].effective_from - timedelta(days=1)) is None


def test_a_british_customer_reads_british_times() -> None:
    """The technician's call is due Tuesday 2 March 2027 at 10:00 UTC: 10:00 on a British
    customer's page (11:00 would be Rome's)."""
    state = migration(GB, datetime(2027, 3, 1, 10, tzinfo=UTC))
    snap = views.snapshot(state, datetime(2027, 3, 1, 11, tzinfo=UTC))
    assert snap.time_zone == "Europe/London"
    page = view(snap, datetime(2027, 3, 1, 11, tzinfo=UTC))
    assert page.next_step.endswith("entro mar 2 mar 10:00."), page.next_step
    assert {s.name: s.when for s in page.steps}["Proposta"] == "lun 1 mar 10:00"


@pytest.mark.parametrize(("country", "owed"), [("IT", 750), ("GB", 0)])
def test_a_short_outage_is_paid_from_its_first_day_in_italy_not_in_britain(
    country: str, owed: int
) -> None:
    """Three hours without service: AGCOM pays each day of an interruption; Ofcom only once
    the repair clock (two working days) has run out."""
    at = datetime(2027, 3, 1, 10, tzinfo=UTC)
    state = migration(all_terms()[country], at)
    state = run(state, ReportServiceLoss(actor=SALES, reported_via="phone"), at)
    restored = ConfirmServiceRestored(actor=SALES, how=RestoredHow.OLD_LINE_REINSTATED)
    state = run(state, restored, at + timedelta(hours=3))
    assert compensation.total(state, at + timedelta(days=1)).amount_cents == owed
