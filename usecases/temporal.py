"""Every call to Temporal's client, in one module: start, start with a signal or an update,
update, query, signal, list, count, describe, schedule. Each failure comes out as a
`Refused` an edge can answer with: 404 for what does not exist, 409 for a refused update
(its reason), 503 for a server that cannot answer now. No other module of the product
talks to `temporalio.client` (a test and the lint keep it so)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleRange,
    ScheduleSpec,
    WithStartWorkflowOperation,
    WorkflowExecution,
    WorkflowExecutionDescription,
    WorkflowExecutionStatus,
)
from temporalio.common import (
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.types import (
    MethodAsyncSingleParam,
    MethodSyncOrAsyncNoParam,
    MethodSyncOrAsyncSingleParam,
)
from temporalio.workflow import UpdateMethodMultiParam

from usecases.errors import Refused, in_conflict
from usecases.temporal_failures import errors

__all__ = ["Client", "Listed", "Status"]  # what callers name in their own signatures

W = TypeVar("W")
A = TypeVar("A")
R = TypeVar("R")
Listed = WorkflowExecution  # one row of a visibility list: ids, status, attributes, memo
Status = WorkflowExecutionStatus
# A typed workflow update, e.g. `LineMigrationWorkflow.confirm`: from command to answer.
Update = UpdateMethodMultiParam[[Any, A], R]
Query = MethodSyncOrAsyncNoParam[W, R]
QueryWith = MethodSyncOrAsyncSingleParam[W, A, R]
Run = MethodAsyncSingleParam[W, A, Any]

# A query waits for the workflow's pending task (seconds under a heavy load of new
# migrations); one lost with a workflow evicted from the worker's cache as it closes must
# not hold the caller forever: past this, 503, and a retry is answered at once.
QUERY_TIMEOUT = timedelta(seconds=60)


@dataclass(frozen=True)
class Start:
    """How a workflow is started: its id, queue, and what the Web UI and visibility show
    from the start."""

    id: str
    task_queue: str
    summary: str
    details: str | None = None
    memo: Mapping[str, Any] | None = None
    search_attributes: TypedSearchAttributes = field(
        default_factory=lambda: TypedSearchAttributes([])
    )


async def query(
    client: Client, method: Query[W, R], workflow_id: str, run_id: str | None = None
) -> R:
    """A query's answer; 404 if the workflow (or run) does not exist."""
    async with errors(workflow_id):
        return await client.get_workflow_handle(workflow_id, run_id=run_id).query(
            method, rpc_timeout=QUERY_TIMEOUT
        )


async def query_with(client: Client, method: QueryWith[W, A, R], arg: A, workflow_id: str) -> R:
    """A query that takes its one typed input; 404 if the workflow does not exist."""
    async with errors(workflow_id):
        return await client.get_workflow_handle(workflow_id).query(
            method, arg, rpc_timeout=QUERY_TIMEOUT
        )


async def query_or_none(
    client: Client, method: Query[W, R], workflow_id: str, run_id: str | None = None
) -> R | None:
    try:
        return await query(client, method, workflow_id, run_id)
    except Refused as refused:
        if refused.status == 404:
            return None
        raise


async def update(
    client: Client, workflow_id: str, method: Update[A, R], arg: A, update_id: str | None
) -> R:
    """Run one update; the same `update_id` is deduped by the server (a retried request
    gets the first answer). A closed workflow answers 409 in words."""
    handle = client.get_workflow_handle(workflow_id)
    async with errors(workflow_id):
        try:
            return await handle.execute_update(method, arg, id=update_id)
        except RPCError as err:
            if err.status is not RPCStatusCode.NOT_FOUND:
                raise
            described = await handle.describe()  # NOT_FOUND again if it never existed
            if described.status is WorkflowExecutionStatus.RUNNING:
                raise
            raise in_conflict(
                f"migration {workflow_id} is closed: nothing more can be done"
            ) from err


async def update_with_start(
    client: Client,
    method: Update[A, R],
    arg: A,
    run: Run[W, Any],
    start_arg: Any,
    start: Start,
    update_id: str | None,
) -> R:
    """One update of a long-lived workflow, starting it the first time."""
    operation = WithStartWorkflowOperation(
        run,
        start_arg,
        id=start.id,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        task_queue=start.task_queue,
        static_summary=start.summary,
    )
    async with errors(start.id):
        return await client.execute_update_with_start_workflow(
            method, arg, start_workflow_operation=operation, id=update_id
        )


async def start(
    client: Client,
    run: Run[W, A],
    arg: A,
    how: Start,
    *,
    once: bool,
    signal: tuple[str, Any] | None = None,
) -> bool:
    """Start a workflow (with a first signal, if given); whether this call started it.
    `once`: its id is never used again, so a closed one is not started anew. With a signal,
    a running workflow of that id is signalled instead (signal-with-start)."""
    try:
        async with errors(how.id):
            await client.start_workflow(
                run,
                arg,
                id=how.id,
                task_queue=how.task_queue,
                # Signal-with-start signals a running one: its own policy, left to the server.
                id_conflict_policy=WorkflowIDConflictPolicy.UNSPECIFIED
                if signal
                else WorkflowIDConflictPolicy.FAIL,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE
                if once
                else WorkflowIDReusePolicy.ALLOW_DUPLICATE,
                memo=how.memo,
                search_attributes=how.search_attributes,
                static_summary=how.summary,
                static_details=how.details,
                start_signal=signal[0] if signal else None,
                start_signal_args=[signal[1]] if signal else [],
            )
    except WorkflowAlreadyStartedError:
        return False
    return True


async def execute(client: Client, run: Run[W, A], arg: A, workflow_id: str, task_queue: str) -> Any:
    """Run a workflow to its end and answer its result; one already running is joined."""
    async with errors(workflow_id):
        return await client.execute_workflow(
            run,
            arg,
            id=workflow_id,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )


async def signal(client: Client, workflow_id: str, name: str, arg: Any = None) -> None:
    async with errors(workflow_id):
        handle = client.get_workflow_handle(workflow_id)
        await (handle.signal(name) if arg is None else handle.signal(name, arg))


async def describe(
    client: Client, workflow_id: str, run_id: str | None = None
) -> WorkflowExecutionDescription | None:
    """The workflow's description, None if it (or the run) does not exist."""
    try:
        async with errors(workflow_id):
            return await client.get_workflow_handle(workflow_id, run_id=run_id).describe()
    except Refused as refused:
        if refused.status == 404:
            return None
        raise


async def wait_closed(client: Client, workflow_id: str, within: timedelta) -> bool:
    """Whether the workflow ended within the time given."""
    try:
        await asyncio.wait_for(
            client.get_workflow_handle(workflow_id).result(), within.total_seconds()
        )
    except TimeoutError:
        return False
    return True


async def listed(client: Client, query: str, limit: int | None = None) -> list[WorkflowExecution]:
    """Every workflow visibility finds for the query, up to `limit`."""
    async with errors("(list)"):
        return [w async for w in client.list_workflows(query, limit=limit)]


async def page(
    client: Client, query: str, size: int, token: bytes | None
) -> tuple[list[WorkflowExecution], bytes | None]:
    """One page of a visibility list, and the server's token for the next."""
    pages = client.list_workflows(query, page_size=size, next_page_token=token)
    async with errors("(list)"):
        await pages.fetch_next_page()
    return list(pages.current_page or []), pages.next_page_token or None


async def count(client: Client, query: str) -> int:
    async with errors("(count)"):
        return (await client.count_workflows(query)).count


async def counts(client: Client, queries: list[str]) -> list[int]:
    """Several counts at once (the metrics' fleet gauges)."""
    return list(await asyncio.gather(*(count(client, q) for q in queries)))


@dataclass(frozen=True)
class Monthly:
    """A day of the month and an hour (UTC) a schedule runs at."""

    day: int
    hour: int
    comment: str


async def ensure_schedule(
    client: Client, schedule_id: str, run: Run[W, A], arg: A, how: Start, at: Monthly
) -> bool:
    """Create the schedule that starts `run` at `at` every month, unless it exists; whether
    this call created it."""
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            run, arg, id=how.id, task_queue=how.task_queue, static_summary=how.summary
        ),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    day_of_month=[ScheduleRange(at.day)],
                    hour=[ScheduleRange(at.hour)],
                    comment=at.comment,
                )
            ]
        ),
    )
    try:
        async with errors(schedule_id):
            await client.create_schedule(schedule_id, schedule)
    except ScheduleAlreadyRunningError:
        return False
    return True


async def healthy(client: Client, within: timedelta) -> bool:
    try:
        await asyncio.wait_for(client.service_client.check_health(), within.total_seconds())
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False
    return True
