"""Steps for workflow tests on the time-skipping server: start, act, wait, record."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.commands import BookVisit, Confirm, Outcome, ReportVisit, StartMigration
from domain.models import MigrationRequest, VisitOutcome
from domain.views import Snapshot
from tests.builders import DISPATCH, LUCA, SALES, make_request
from workflows.line_migration import LineMigrationWorkflow

Handle = WorkflowHandle[LineMigrationWorkflow, Outcome]
HISTORIES = Path(__file__).parent.parent / "histories"
# The fakes answer in-process and time skips: well within this even on a loaded machine.
REACHED_WITHIN_S = 30.0


async def record(handle: WorkflowHandle[Any, Any], name: str) -> None:
    """Keep this run's history for the replay tests (RECORD_HISTORIES=1 make test)."""
    if os.environ.get("RECORD_HISTORIES"):
        (HISTORIES / f"{name}.json").write_text((await handle.fetch_history()).to_json())


async def eventually(check: Callable[[], object]) -> None:
    """Wait for a background effect to reach the fake systems."""
    deadline = time.monotonic() + REACHED_WITHIN_S
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition never became true")
        await asyncio.sleep(0.025)


async def eventually_async(value: Callable[[], Awaitable[object]], expected: object) -> None:
    """Wait until an awaited read gives the expected value: for real timers."""
    deadline = time.monotonic() + REACHED_WITHIN_S
    while await value() != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"never reached {expected!r}")
        await asyncio.sleep(0.05)


async def start(
    env: WorkflowEnvironment, worker: Worker, request: MigrationRequest | None = None
) -> Handle:
    return await env.client.start_workflow(
        LineMigrationWorkflow.run,
        StartMigration(line_key="k", sales_agent="dario", request=request or make_request()),
        id=f"mig-{uuid.uuid4()}",
        task_queue=worker.task_queue,
    )


async def confirm(handle: Handle) -> None:
    await handle.execute_update(
        LineMigrationWorkflow.confirm, Confirm(actor=SALES, channel="phone")
    )


async def book(env: WorkflowEnvironment, handle: Handle, technician: str = "luca") -> Snapshot:
    now = await env.get_current_time()
    return await handle.execute_update(
        LineMigrationWorkflow.book_visit,
        BookVisit(
            actor=DISPATCH,
            technician_id=technician,
            window_start=now + timedelta(hours=2),
            window_end=now + timedelta(hours=6),
        ),
    )


async def activated(env: WorkflowEnvironment, worker: Worker) -> Handle:
    """A migration confirmed, booked and reported activated by its technician."""
    handle = await start(env, worker)
    await confirm(handle)
    await book(env, handle)
    await handle.execute_update(
        LineMigrationWorkflow.report_visit, ReportVisit(actor=LUCA, outcome=VisitOutcome.ACTIVATED)
    )
    return handle
