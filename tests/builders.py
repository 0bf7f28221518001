"""Builders for tests of the pure core and of the workflow: people, requests and states.

Tests import their helpers from builder modules only (this one, `tests/workflows/steps.py`,
`tests/e2e/client.py`), never from another test module or a conftest:
`tests/test_layout.py` keeps it so.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from domain import lifecycle
from domain.calendar import Calendar
from domain.commands import BookVisit, Command, Confirm
from domain.models import Actor, Customer, Language, Line, MigrationRequest, OrderRef
from domain.policy import MigrationPolicy
from domain.records import MigrationState
from domain.rules import LEGACY_RULES, ORDER_EVENT_RULES
from domain.switching.request import HubAddress, SwitchRequest, Voice

T0 = datetime(2026, 11, 2, 10, 14, tzinfo=UTC)
HOUR = timedelta(hours=1)

SALES = Actor(subject="dario", role="sales")
CARE = Actor(subject="giulia", role="care")
DISPATCH = Actor(subject="marta", role="dispatch")
LUCA = Actor(subject="luca", role="technician")
OPERATOR = Actor(subject="telecom-gateway", role="operator")
GORDON = Actor(subject="gordon", role="technician")  # Edinburgh's (EH1) technician


def make_request(
    code: str = "TIM12345",
    calendar: Calendar | None = None,
    area: str | None = "RM",
    **policy: Any,
) -> MigrationRequest:
    line = Line(number="+390612345678", address="Via Roma 1, Roma", migration_code=code, area=area)
    return MigrationRequest(
        customer=Customer(name="Mario Rossi", phone="+393331234567", email="m@example.it"),
        line=line,
        losing_operator="telecom",
        offer="fibra-1000",
        policy=MigrationPolicy(**policy),
        calendar=calendar,
    )


def gb_request(
    calendar: Calendar | None = None, voice: Voice | None = Voice.PORT, **policy: Any
) -> MigrationRequest:
    """An Edinburgh line switching through the One Touch Switch hub from RLOS."""
    switch = SwitchRequest(
        our_rcpid="RMIG",
        brand="Line Migrations",
        losing_rcpid="RLOS",
        surname="O'Conner",
        address=HubAddress(lines=["1 High Street"], post_town="Edinburgh", post_code="EH1 1AA"),
        voice=voice,
        number="01314960001",
    )
    return MigrationRequest(
        customer=Customer(name="Aoife O'Conner", phone="+447700900123", email="a@example.co.uk"),
        line=Line(
            number="+441314960001",
            address=switch.address.one_line(),
            migration_code="",
            area="EH1",
        ),
        losing_operator="RLOS",
        offer="fibre-900",
        policy=MigrationPolicy(**policy),
        calendar=calendar,
        language=Language.EN,
        switch=switch,
    )


def proposed(rules: int = LEGACY_RULES) -> MigrationState:
    state = lifecycle.propose("mig-1", "run-1", "k", "dario", make_request(), T0, rules)
    return lifecycle.line_validated(state, T0, "order-1")


def ordered(external_id: str | None = "CRM-1") -> MigrationState:
    """A migration a CRM placed as a TM Forum product order (order-event rules)."""
    ref = OrderRef(
        crm="acme-crm", external_id=external_id, customer_id="C-7", base_url="http://api"
    )
    request = make_request().model_copy(update={"product_order": ref})
    state = lifecycle.propose("mig-1", "run-1", "k", "acme-crm", request, T0, ORDER_EVENT_RULES)
    return lifecycle.line_validated(state, T0, "order-1")


def run(state: MigrationState, cmd: Command, at: datetime) -> MigrationState:
    """Decide a command the state must accept."""
    assert lifecycle.refusal(state, cmd) is None
    return lifecycle.apply(state, cmd, at).state


def scheduled(technician: str = "luca", rules: int = LEGACY_RULES) -> MigrationState:
    state = run(proposed(rules), Confirm(actor=SALES, channel="phone"), T0)
    cmd = BookVisit(
        actor=SALES,
        technician_id=technician,
        window_start=T0 + HOUR,
        window_end=T0 + 4 * HOUR,
        work_order_id="wo-1",
    )
    return run(state, cmd, T0)
