"""The OpenAPI document tells the truth: schemathesis, run as an outside client would,
with every check, against the running API, once with each role's token.

Every check runs on every operation but for the rules a schema cannot state, each named
with its reason in `schemathesis.toml` (an opaque page token, a visit window that must end
after it starts and lie in the future, a failure reason required by another field's value, a
calendar's subdivision that must belong to its country);
`schemathesis_hooks.py` sends a fresh Idempotency-Key with each new request, as a client
does, since a key reused with another body is refused (422) by a rule over history.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from stack import Stack
from tests.e2e.client import TOKENS

HERE = Path(__file__).resolve().parent
EXAMPLES_PER_OPERATION = 4  # × 35 operations × 8 roles (crm on its own paths only): the ten minutes


@pytest.mark.parametrize("role", sorted(TOKENS))
async def test_the_schema_is_what_the_api_does(stack: Stack, role: str) -> None:
    schemathesis = Path(sys.executable).parent / "schemathesis"
    process = await asyncio.create_subprocess_exec(
        str(schemathesis),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        f"{stack.api_url}/openapi.json",
        "--header",
        f"Authorization: Bearer {TOKENS[role]}",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--generation-deterministic",
        # TM Forum's paths answer only a CRM, and a CRM nothing else: each run where it acts.
        "--include-path-regex" if role == "crm" else "--exclude-path-regex",
        "^/tmf-api/",
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.e2e.schemathesis_hooks"},
        cwd=HERE.parent.parent,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    report = output.decode(errors="replace")
    assert process.returncode == 0, report[-6000:]
