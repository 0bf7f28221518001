"""Temporal's failures as refusals every edge can answer: a refused update with its reason
(409, 404, 403, or 422 for a key reused), a missing workflow 404, a server that cannot
answer now 503. It names the client's exceptions and calls nothing: the calls are
`usecases/temporal.py`'s."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.commands import RefusalKind
from usecases.errors import Refused, in_conflict, invalid, not_found, unavailable

REFUSALS = {
    RefusalKind.CONFLICT.value: (409, "conflict"),
    RefusalKind.NOT_FOUND.value: (404, "not_found"),
    RefusalKind.FORBIDDEN.value: (403, "forbidden"),
    RefusalKind.IDEMPOTENCY_MISMATCH.value: (422, "idempotency_key_reused"),
}
# The client's own deadline on a call ("Timeout expired") comes back as CANCELLED.
UNAVAILABLE = {
    RPCStatusCode.UNAVAILABLE,
    RPCStatusCode.DEADLINE_EXCEEDED,
    RPCStatusCode.CANCELLED,
    RPCStatusCode.UNKNOWN,
}
UNREACHABLE = "Temporal is unreachable: retry later"


@asynccontextmanager
async def errors(workflow_id: str) -> AsyncIterator[None]:
    """Temporal's failures as refusals; `workflow_id` names what was missing."""
    try:
        yield
    except WorkflowUpdateFailedError as err:
        cause = err.cause
        if isinstance(cause, ApplicationError) and cause.type in REFUSALS:
            status, code = REFUSALS[cause.type]
            details = cause.details[0] if cause.details else None  # e.g. fresh slots
            raise Refused(status, code, cause.message, details) from err
        raise in_conflict(str(cause or err)) from err
    except WorkflowUpdateRPCTimeoutOrCancelledError as err:
        raise unavailable(
            "no answer in time: retry with the same Idempotency-Key (it will not be done twice)"
        ) from err
    except RPCError as err:
        if err.status is RPCStatusCode.NOT_FOUND:
            raise not_found(f"no migration {workflow_id}") from err
        if err.status is RPCStatusCode.FAILED_PRECONDITION:  # e.g. its task is failing
            raise unavailable(
                f"migration {workflow_id} cannot take requests right now: retry later "
                f"({err.message})"
            ) from err
        if err.status is RPCStatusCode.INVALID_ARGUMENT:
            raise invalid(err.message) from err
        if err.status in UNAVAILABLE:
            raise unavailable(UNREACHABLE) from err
        raise
    except RuntimeError as err:  # the client could not connect at all
        if "connect" not in str(err).lower():
            raise
        raise unavailable(UNREACHABLE) from err
