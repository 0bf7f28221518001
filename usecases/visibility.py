"""Visibility queries, built in one place: every value is quoted here, so no query anywhere
is an f-string around a value a caller sent (a name, an id, a CRM's order number)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio.common import SearchAttributeKey

# Temporal's own attributes, beside ours in `workflows/search_attributes.py`.
WORKFLOW_TYPE = "WorkflowType"
WORKFLOW_ID = "WorkflowId"
EXECUTION_STATUS = "ExecutionStatus"
START_TIME = "StartTime"

Value = str | int | bool | datetime
Name = SearchAttributeKey[Any] | str
OPERATORS = frozenset({"=", "!=", ">", ">=", "<", "<="})


def literal(value: Value) -> str:
    """A value as the query language reads it: strings quoted, quotes and backslashes
    escaped; booleans and numbers bare; times as quoted RFC 3339."""
    match value:
        case bool():
            return "true" if value else "false"
        case int():
            return str(value)
        case datetime():
            return literal(value.isoformat())
        case str():
            if any(ord(c) < 32 for c in value):
                raise ValueError("a visibility value cannot hold control characters")
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _name(key: Name) -> str:
    return key if isinstance(key, str) else key.name


def where(key: Name, value: Value, op: str = "=") -> str:
    if op not in OPERATORS:
        raise ValueError(f"unknown operator {op}")
    return f"{_name(key)} {op} {literal(value)}"


def one_of(key: Name, values: list[str]) -> str:
    return f"{_name(key)} IN ({', '.join(literal(v) for v in values)})"


def is_set(key: Name) -> str:
    return f"{_name(key)} IS NOT NULL"


def is_unset(key: Name) -> str:
    return f"{_name(key)} IS NULL"


def all_of(*clauses: str) -> str:
    return " AND ".join(clauses)


def any_of(*clauses: str) -> str:
    return "(" + " OR ".join(clauses) + ")"


def workflows_of(kind: str, *clauses: str, running: bool = False) -> str:
    """Every run of a workflow type (running only, if asked) that meets the clauses."""
    head = [where(WORKFLOW_TYPE, kind)]
    if running:
        head.append(where(EXECUTION_STATUS, "Running"))
    return all_of(*head, *clauses)
