"""Every call the API makes to Temporal, with its failures mapped to HTTP answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, TypeVar

from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.workflow import UpdateMethodMultiParam

from api.errors import ApiError
from api.schemas import canonical
from domain.calendar import in_words
from domain.commands import Command, RefusalKind, StartMigration
from domain.models import Actor
from domain.views import Snapshot
from security.hashing import request_hash
from workflows import search_attributes as sa
from workflows.key_binding import IdempotencyKeyBinding, KeyBinding
from workflows.line_migration import LineMigrationWorkflow

Handle = WorkflowHandle[LineMigrationWorkflow, Any]
C = TypeVar("C", bound=Command)
R = TypeVar("R")
# A workflow update, e.g. `LineMigrationWorkflow.confirm`: typed from command to answer.
Update = UpdateMethodMultiParam[[LineMigrationWorkflow, C], R]

REFUSALS = {
    RefusalKind.CONFLICT.value: (409, "conflict"),
    RefusalKind.NOT_FOUND.value: (404, "not_found"),
    RefusalKind.FORBIDDEN.value: (403, "forbidden"),
    RefusalKind.IDEMPOTENCY_MISMATCH.value: (422, "idempotency_key_reused"),
}


def key_reused() -> ApiError:
    return ApiError(
        422,
        "idempotency_key_reused",
        "this Idempotency-Key was already used with a different request",
    )


# A query waits for the workflow's pending task (seconds under a heavy load of new
# migrations); one lost with a workflow evicted from the worker's cache as it closes must
# not hold the caller forever: past this, 503, and a retry is answered at once.
QUERY_TIMEOUT = timedelta(seconds=60)
# The client's own deadline on a call ("Timeout expired") comes back as CANCELLED.
UNAVAILABLE = {
    RPCStatusCode.UNAVAILABLE,
    RPCStatusCode.DEADLINE_EXCEEDED,
    RPCStatusCode.CANCELLED,
    RPCStatusCode.UNKNOWN,
}


@asynccontextmanager
async def temporal_errors(migration_id: str) -> AsyncIterator[None]:
    try:
        yield
    except WorkflowUpdateFailedError as err:
        cause = err.cause
        if isinstance(cause, ApplicationError) and cause.type in REFUSALS:
            status, code = REFUSALS[cause.type]
            details = cause.details[0] if cause.details else None  # e.g. fresh slots
            raise ApiError(status, code, cause.message, details) from err
        raise ApiError(409, "conflict", str(cause or err)) from err
    except WorkflowUpdateRPCTimeoutOrCancelledError as err:
        raise ApiError(
            503,
            "unavailable",
            "no answer in time: retry with the same Idempotency-Key (it will not be done twice)",
        ) from err
    except RPCError as err:
        if err.status is RPCStatusCode.NOT_FOUND:
            raise ApiError(404, "not_found", f"no migration {migration_id}") from err
        if err.status is RPCStatusCode.FAILED_PRECONDITION:  # e.g. its task is failing
            raise ApiError(
                503,
                "unavailable",
                f"migration {migration_id} cannot take "
                f"requests right now: retry later ({err.message})",
            ) from err
        if err.status is RPCStatusCode.INVALID_ARGUMENT:
            raise ApiError(422, "invalid_request", err.message) from err
        if err.status in UNAVAILABLE:
            raise ApiError(503, "unavailable", "Temporal is unreachable: retry later") from err
        raise
    except RuntimeError as err:  # the client could not connect at all
        if "connect" not in str(err).lower():
            raise
        raise ApiError(503, "unavailable", "Temporal is unreachable: retry later") from err


def handle(client: Client, migration_id: str) -> Handle:
    return client.get_workflow_handle_for(LineMigrationWorkflow.run, migration_id)


async def snapshot(client: Client, migration_id: str) -> Snapshot:
    async with temporal_errors(migration_id):
        return await handle(client, migration_id).query(
            LineMigrationWorkflow.snapshot, rpc_timeout=QUERY_TIMEOUT
        )


async def update(client: Client, migration_id: str, method: Update[C, R], cmd: C, action: str) -> R:
    """Run one update; with an Idempotency-Key its id makes the server dedupe retries."""
    update_id = None
    if cmd.idempotency_key is not None:
        update_id = f"{action}:{cmd.idempotency_key}:{(cmd.request_hash or '')[:16]}"
    h = handle(client, migration_id)
    async with temporal_errors(migration_id):
        try:
            return await h.execute_update(method, cmd, id=update_id)
        except RPCError as err:
            if err.status is not RPCStatusCode.NOT_FOUND:
                raise
            description = await h.describe()  # NOT_FOUND again if it never existed
            if description.status is WorkflowExecutionStatus.RUNNING:
                raise
            raise ApiError(
                409, "conflict", f"migration {migration_id} is closed: nothing more can be done"
            ) from err


async def start(
    client: Client,
    task_queue: str,
    migration_id: str,
    start_input: StartMigration,
    key: str | None,
    digest: str,
) -> Snapshot:
    """Start a migration; a retry with the same key and body lands on the same migration,
    the same key with another body (another line, say) is refused and starts nothing."""
    if key is not None:
        binding = KeyBinding(migration_id=migration_id, request_hash=digest)
        await _bind_key(client, task_queue, f"{start_input.sales_agent}/{key}", binding)
    if key is not None and (same := await _earlier_start(client, migration_id, key, digest)):
        return same
    req = start_input.request
    try:
        async with temporal_errors(migration_id):
            await client.start_workflow(
                LineMigrationWorkflow.run,
                start_input,
                id=migration_id,
                task_queue=task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                # Only a keyed start is ever compared with a retry; the memo is history bytes.
                memo={"idempotency_key": key, "request_hash": digest} if key else None,
                search_attributes=sa.at_start(
                    start_input.line_key,
                    req.losing_operator,
                    start_input.sales_agent,
                    req.line.area,
                    req.product_order,
                ),
                static_summary=f"Line migration from {req.losing_operator}: offer {req.offer}, "
                f"sold by {start_input.sales_agent}",
                static_details=_promised_windows(start_input),
            )
    except WorkflowAlreadyStartedError as err:
        if key is not None and (same := await _earlier_start(client, migration_id, key, digest)):
            return same
        raise ApiError(
            409,
            "conflict",
            f"a migration is already running for this line: {migration_id}",
            {"migration_id": migration_id},
        ) from err
    return await snapshot(client, migration_id)


def _promised_windows(start_input: StartMigration) -> str:
    """The Web UI's static details: the windows this migration promises, once, in words."""
    p = start_input.request.policy
    return (
        f"Confirmation within {in_words(p.confirmation)}, the technician's call within "
        f"{in_words(p.technician_contact)} of it, service restored within "
        f"{in_words(p.service_restoration)}, tickets acknowledged within {in_words(p.ticket_ack)}, "
        f"the old line released within {in_words(p.cut_over)} of activation. A broken promise "
        f"escalates at once, then one level every {in_words(p.escalation_interval)}, up to level 3."
    )


async def _bind_key(client: Client, task_queue: str, caller_key: str, binding: KeyBinding) -> None:
    """Reserve the caller's key for this request, or check it was reserved for this one."""
    binding_id = f"idempotency-key-{request_hash('key', caller_key)[:40]}"
    async with temporal_errors(binding_id):
        try:
            await client.start_workflow(
                IdempotencyKeyBinding.run,
                binding,
                id=binding_id,
                task_queue=task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                memo={"request_hash": binding.request_hash},
                static_summary=f"Idempotency-Key of the request that started {binding.migration_id}",
            )
            return
        except WorkflowAlreadyStartedError:
            description = await client.get_workflow_handle(binding_id).describe()
    if await description.memo_value("request_hash", None) != binding.request_hash:
        raise key_reused()


async def _earlier_start(
    client: Client, migration_id: str, key: str, digest: str
) -> Snapshot | None:
    try:
        description = await handle(client, migration_id).describe()
    except RPCError as err:
        if err.status is RPCStatusCode.NOT_FOUND:
            return None
        raise
    if await description.memo_value("idempotency_key", None) != key:
        return None
    if await description.memo_value("request_hash", None) != digest:
        raise key_reused()
    return await snapshot(client, migration_id)


async def act(
    client: Client,
    migration_id: str,
    method: Update[C, R],
    command: type[C],
    body: Any,
    actor: Actor,
    key: str | None,
    action: str,
    **extra: Any,
) -> R:
    """Turn an HTTP body into the workflow's command, the actor always from the token."""
    digest = request_hash(f"{action}/{migration_id}", [canonical(body), extra])
    cmd = command(
        actor=actor, idempotency_key=key, request_hash=digest, **body.model_dump(), **extra
    )
    return await update(client, migration_id, method, cmd, action)
