"""Schemathesis hooks for the contract run: a client that uses Idempotency-Key as meant.

The server binds a key to the first request it came with and refuses the same key with
another body (422, documented): a rule over the history of requests, which no schema can
state. A real client sends a fresh key per new request, and so does this run.
"""

from __future__ import annotations

import uuid
from typing import Any

import schemathesis

MAX_KEY = 200  # the documented maximum


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    if case.meta is not None and case.meta.generation.mode.is_negative:
        return  # a request meant to be refused: sent exactly as generated
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and 1 <= len(key) <= MAX_KEY:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
