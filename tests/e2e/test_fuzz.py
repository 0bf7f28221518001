"""schemathesis against the API's own OpenAPI document, with a valid token of every role:
no input yields a 5xx, and every answer matches the documented status codes and schemas."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import app
from stack import Stack
from tests.e2e.conftest import TOKENS

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


schema = schemathesis.openapi.from_dict(app.openapi())  # the document /openapi.json serves


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_breaks_the_api(case: schemathesis.Case, stack: Stack) -> None:
    for token in TOKENS.values():
        case.call_and_validate(
            base_url=stack.api_url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
        )
