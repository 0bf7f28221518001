"""Typed search attribute keys: what auditors filter on in the Web UI and the API lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio.common import (
    SearchAttributeIndexedValueType,
    SearchAttributeKey,
    SearchAttributePair,
    TypedSearchAttributes,
)

from domain import views
from domain.models import OrderRef, Stage
from domain.records import MigrationState

STAGE = SearchAttributeKey.for_keyword("MigrationStage")
LOSING_OPERATOR = SearchAttributeKey.for_keyword("LosingOperator")
SALES_AGENT = SearchAttributeKey.for_keyword("SalesAgent")
TECHNICIAN = SearchAttributeKey.for_keyword("TechnicianId")
ESCALATION_LEVEL = SearchAttributeKey.for_int("EscalationLevel")
WITHOUT_SERVICE = SearchAttributeKey.for_bool("CustomerWithoutService")
NEXT_DEADLINE = SearchAttributeKey.for_datetime("NextDeadline")
# A keyed hash of the line number: searchable by whoever knows the number, readable by no one.
LINE_NUMBER = SearchAttributeKey.for_keyword("LineNumber")
# Tickets not yet acknowledged: the field team's and care's queues find them.
OPEN_TICKETS = SearchAttributeKey.for_keyword_list("OpenTickets")
# Where the line is (a province code, a postcode district): force majeure finds migrations by it.
AREA = SearchAttributeKey.for_keyword("Area")
# A product order's number at the CRM that placed it, and that CRM: a CRM lists its own.
EXTERNAL_ORDER_ID = SearchAttributeKey.for_keyword("ExternalOrderId")
ORDERING_CRM = SearchAttributeKey.for_keyword("OrderingCrm")
# The rules level a migration decides by: `python -m usecases rules-in-use` counts them.
RULES_LEVEL = SearchAttributeKey.for_int("RulesLevel")
# An outgoing switch's status (a customer leaving us through the hub): care and supervisors
# list them by it. Not a migration's: registered beside them.
OUTGOING_SWITCH = SearchAttributeKey.for_keyword("OutgoingSwitch")

ALL: tuple[SearchAttributeKey[Any], ...] = (
    STAGE,
    LOSING_OPERATOR,
    SALES_AGENT,
    TECHNICIAN,
    ESCALATION_LEVEL,
    WITHOUT_SERVICE,
    NEXT_DEADLINE,
    LINE_NUMBER,
    OPEN_TICKETS,
    AREA,
    EXTERNAL_ORDER_ID,
    ORDERING_CRM,
    RULES_LEVEL,
)
# Added after migrations were already running: published only by runs that know it.
LATER_KEYS: dict[SearchAttributeKey[Any], str] = {
    OPEN_TICKETS: "open-tickets-attribute",
    AREA: "promise-calendars",
    EXTERNAL_ORDER_ID: "order-events",
    ORDERING_CRM: "order-events",
    RULES_LEVEL: "rules-level-attribute",
}

_CLI_TYPES = {
    SearchAttributeIndexedValueType.KEYWORD: "Keyword",
    SearchAttributeIndexedValueType.INT: "Int",
    SearchAttributeIndexedValueType.BOOL: "Bool",
    SearchAttributeIndexedValueType.DATETIME: "Datetime",
    SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
}

Key = SearchAttributeKey[Any]
SearchValue = str | int | bool | datetime | list[str] | None


# Every key the namespace must know: the migrations' and the outgoing switches'.
REGISTERED: tuple[SearchAttributeKey[Any], ...] = (*ALL, OUTGOING_SWITCH)


def cli_flags() -> list[str]:
    """`temporal server start-dev` flags registering every key."""
    flags: list[str] = []
    for key in REGISTERED:
        flags += ["--search-attribute", f"{key.name}={_CLI_TYPES[key.indexed_value_type]}"]
    return flags


def current(state: MigrationState) -> dict[str, SearchValue]:
    """The value each key must hold for this state (None: unset)."""
    order = state.request.product_order
    return {
        STAGE.name: state.stage.value,
        LOSING_OPERATOR.name: state.request.losing_operator,
        SALES_AGENT.name: state.sales_agent,
        TECHNICIAN.name: state.appointment.technician_id if state.appointment else None,
        ESCALATION_LEVEL.name: views.escalation_level(state),
        WITHOUT_SERVICE.name: state.customer_without_service,
        NEXT_DEADLINE.name: views.next_deadline(state),
        LINE_NUMBER.name: state.line_key,
        OPEN_TICKETS.name: [t.ticket_id for t in state.tickets if t.acknowledged_at is None]
        or None,
        AREA.name: state.request.line.area,
        EXTERNAL_ORDER_ID.name: order.external_id if order else None,
        ORDERING_CRM.name: order.crm if order else None,
        RULES_LEVEL.name: state.rules,
    }


def at_start(
    line_key: str,
    losing_operator: str,
    sales_agent: str,
    area: str | None = None,
    order: OrderRef | None = None,
) -> TypedSearchAttributes:
    """Set with the start request, so a new migration is searchable before its first task."""
    pairs: list[SearchAttributePair[Any]] = [
        SearchAttributePair(STAGE, Stage.PROPOSED.value),
        SearchAttributePair(LOSING_OPERATOR, losing_operator),
        SearchAttributePair(SALES_AGENT, sales_agent),
        SearchAttributePair(ESCALATION_LEVEL, 0),
        SearchAttributePair(WITHOUT_SERVICE, False),
        SearchAttributePair(LINE_NUMBER, line_key),
    ]
    if area is not None:
        pairs.append(SearchAttributePair(AREA, area))
    if order is not None:
        pairs.append(SearchAttributePair(ORDERING_CRM, order.crm))
        if order.external_id is not None:
            pairs.append(SearchAttributePair(EXTERNAL_ORDER_ID, order.external_id))
    return TypedSearchAttributes(pairs)


def of_crm(crm: str) -> TypedSearchAttributes:
    """An event subscription's: the CRM whose orders it follows."""
    return TypedSearchAttributes([SearchAttributePair(ORDERING_CRM, crm)])
