"""The one table of staff actions against the domain's commands, the workflow's updates, the
REST routes and the OpenAPI document: a command without its action, or an action whose parts
disagree, fails here."""

from __future__ import annotations

from typing import Any, get_type_hints

from fastapi.routing import APIRoute

from api.actions import ACTIONS, BY_FORM, StaffAction
from api.main import create_app
from api.routes.actions import router
from domain.commands import Command
from domain.handlers import HANDLERS
from tests.inprocess import settings_for

BASE_FIELDS = set(Command.model_fields)  # actor, key and hash: never from the body
# Field service's answers: a booking's work order, an offer's slots, a slot's booking.
FILLED_BY_THE_WORKFLOW = {"work_order_id", "slots", "booked"}
# The id of the TM Forum cancellation task that withdraws an order: the API's own.
FILLED_BY_THE_API = {"cancellation_id"}
# Commands a CRM gives through TM Forum's API (tests/e2e/test_tmf.py), never a staff action.
TM_FORUM_ONLY = {"ChangeRequestedStart"}
PREFIX = "/migrations/{migration_id}"


def test_every_command_has_exactly_one_action() -> None:
    staff = sorted(c.__name__ for c in HANDLERS if c.__name__ not in TM_FORUM_ONLY)
    assert sorted(a.command.__name__ for a in ACTIONS) == staff


def test_names_forms_and_routes_are_unique() -> None:
    for part in ("name", "form", "path"):
        values = [getattr(a, part) for a in ACTIONS]
        assert len(values) == len(set(values)), part
    assert set(BY_FORM) == {a.form for a in ACTIONS}


def test_action_names_stay_as_they_were() -> None:
    """They are part of every update id and request hash: a rename would make a client's
    retry of a request sent before the change look like a new request."""
    assert {a.name for a in ACTIONS} == {
        "confirm",
        "withdraw",
        "book",
        "slot-offers",
        "appointment",
        "visit",
        "service-loss",
        "service-restored",
        "line-release",
        "ticket",
        "ack",
    }


def test_each_update_takes_its_command() -> None:
    for a in ACTIONS:
        assert get_type_hints(a.update)["cmd"] is a.command, a.name


def carried(a: StaffAction[Any, Any, Any]) -> set[str]:
    return set(a.body.model_fields) | set(a.path_parameters)


def test_body_and_path_carry_exactly_what_the_command_takes_from_a_person() -> None:
    for a in ACTIONS:
        takes = (
            set(a.command.model_fields) - BASE_FIELDS - FILLED_BY_THE_WORKFLOW - FILLED_BY_THE_API
        )
        assert carried(a) == takes, a.name


def test_routes_and_the_openapi_document_read_the_table() -> None:
    routes = {r.path: r for r in router.routes if isinstance(r, APIRoute)}
    document = create_app(settings_for()).openapi()
    posts = {p for p, ops in document["paths"].items() if p.startswith(PREFIX) and "post" in ops}
    assert posts == {f"{PREFIX}{a.path}" for a in ACTIONS}, (
        "a POST under a migration not in the table"
    )
    for a in ACTIONS:
        path = f"{PREFIX}{a.path}"
        route = routes.pop(path)
        assert route.methods == {"POST"} and route.status_code == a.status_code
        assert route.response_model is a.answer
        operation = document["paths"][path]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert body.endswith(f"/{a.body.__name__}"), a.name
        answer = operation["responses"][str(a.status_code)]["content"]["application/json"]
        assert answer["schema"]["$ref"].endswith(f"/{a.answer.__name__}"), a.name
        parameters = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
        assert parameters == {"migration_id", *a.path_parameters}
        assert operation["description"] == a.doc
    assert routes == {}
