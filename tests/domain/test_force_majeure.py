"""Force majeure stops the customer's clocks in its area for exactly its overlap, applies
to promises opened while it lasts, and a revocation puts every clock back as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain import force_majeure, lifecycle, promises
from domain.calendar import Calendar
from domain.commands import Confirm
from domain.models import Declaration, PromiseName
from domain.records import MigrationState
from domain.rules import CALENDAR_RULES
from tests.builders import SALES, make_request, run

UTC_CALENDAR = Calendar(country="GB", time_zone="UTC", years=(2027, 2027))
MONDAY = datetime(2027, 3, 1, 8, tzinfo=UTC)
DAY = timedelta(days=1)
FLOOD = Declaration(
    declaration_id="fm-1",
    area="MI",
    start=MONDAY + DAY,  # Tuesday 08:00
    end=MONDAY + 3 * DAY,  # Thursday 08:00: two whole days
    reason="flooding",
    by="sofia",
)


def confirmed(at: datetime = MONDAY) -> MigrationState:
    request = make_request(calendar=UTC_CALENDAR, activation=timedelta(days=10))
    state = lifecycle.propose("mig-1", "run-1", "k", "dario", request, at, CALENDAR_RULES)
    state = lifecycle.line_validated(state, at, "order-1")
    return run(state, Confirm(actor=SALES, channel="phone"), at)


def due(state: MigrationState, name: PromiseName) -> datetime:
    found = promises.due_of(state.promises, name)
    assert found is not None
    return found


def test_a_declaration_stops_each_customer_clock_for_its_overlap() -> None:
    state = confirmed()
    before = {n: due(state, n) for n in (PromiseName.ACTIVATION, PromiseName.TECHNICIAN_CONTACT)}
    declared = force_majeure.declare(state, FLOOD, MONDAY + 2 * DAY)
    assert due(declared, PromiseName.ACTIVATION) == before[PromiseName.ACTIVATION] + 2 * DAY
    # The technician's call was due Tuesday 08:00, when the flood began: nothing of its
    # window overlapped, so it stands; a promise already broken stays broken.
    assert due(declared, PromiseName.TECHNICIAN_CONTACT) == before[PromiseName.TECHNICIAN_CONTACT]
    assert force_majeure.declare(declared, FLOOD, MONDAY + 2 * DAY) is declared  # once
    assert declared.timeline[-1].event == "force_majeure_declared"


def test_a_promise_opened_during_the_declaration_starts_stopped() -> None:
    request = make_request(calendar=UTC_CALENDAR, activation=timedelta(days=10))
    state = lifecycle.propose("mig-1", "run-1", "k", "dario", request, MONDAY, CALENDAR_RULES)
    state = lifecycle.line_validated(state, MONDAY, "order-1")
    state = force_majeure.declare(state, FLOOD, MONDAY)
    state = run(state, Confirm(actor=SALES, channel="phone"), MONDAY + 2 * DAY)  # mid-flood
    activation = promises.find(state.promises, PromiseName.ACTIVATION.value)
    assert activation is not None and activation.pauses[0].declaration == "fm-1"
    assert activation.due_at == MONDAY + 2 * DAY + 10 * DAY + DAY  # the day left of the flood


def test_a_revocation_puts_every_clock_back() -> None:
    state = confirmed()
    declared = force_majeure.declare(state, FLOOD, MONDAY + DAY)
    revoked = force_majeure.revoke(declared, "fm-1", MONDAY + 2 * DAY)
    assert due(revoked, PromiseName.ACTIVATION) == due(state, PromiseName.ACTIVATION)
    assert revoked.force_majeure[0].revoked_at == MONDAY + 2 * DAY
    assert force_majeure.revoke(revoked, "fm-1", MONDAY + 3 * DAY) is revoked


def test_a_start_trusts_its_copy_of_the_register_only_while_it_is_fresh() -> None:
    read = MONDAY
    assert not force_majeure.copy_too_old(read, read + force_majeure.COPY_FRESH_FOR)
    assert force_majeure.copy_too_old(read, read + force_majeure.COPY_FRESH_FOR + timedelta(1e-3))
    assert not force_majeure.copy_too_old(None, read + DAY)  # a start from before copies
    # Every copy read before a change is too old by the time the second pass lists.
    assert force_majeure.SETTLE > force_majeure.COPY_FRESH_FOR


def test_catching_up_with_the_register_applies_what_the_copy_missed_and_only_that() -> None:
    gone = FLOOD.model_copy(update={"declaration_id": "fm-2", "reason": "storm"})
    state = force_majeure.declare(confirmed(), gone, MONDAY)  # the old copy had it in force
    register = [FLOOD, gone.model_copy(update={"revoked_at": MONDAY + DAY})]
    caught = force_majeure.catch_up(state, register, MONDAY + DAY)
    activation = promises.find(caught.promises, PromiseName.ACTIVATION.value)
    assert activation is not None
    assert [p.declaration for p in activation.pauses] == ["fm-1"]
    assert force_majeure.catch_up(caught, register, MONDAY + 2 * DAY) is caught  # once
    assert force_majeure.catch_up(confirmed(), [], MONDAY) == confirmed()
