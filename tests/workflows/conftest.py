from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.commands import Outcome, StartMigration
from domain.models import Actor, Customer, Line, MigrationRequest
from domain.policy import MigrationPolicy
from tests.binaries import test_server
from tests.workflows.fakes import FakeSystems
from workflows import search_attributes as sa
from workflows.line_migration import LineMigrationWorkflow
from workflows.sandbox import RUNNER

SALES = Actor(subject="dario", role="sales")
CARE = Actor(subject="giulia", role="care")
DISPATCH = Actor(subject="marta", role="dispatch")
LUCA = Actor(subject="luca", role="technician")
OPERATOR = Actor(subject="telecom-gateway", role="operator")


@pytest.fixture
async def env() -> AsyncIterator[WorkflowEnvironment]:
    """One time-skipping server per test: a workflow left running by another test, with its
    worker gone, would otherwise hold the shared clock still."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=test_server()
    )
    # The time-skipping server knows no custom search attribute until told.
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=env.client.namespace,
            search_attributes={
                k.name: IndexedValueType.ValueType(k.indexed_value_type) for k in sa.ALL
            },
        )
    )
    yield env
    await env.shutdown()


@pytest.fixture
def systems() -> FakeSystems:
    return FakeSystems()


@pytest.fixture
async def worker(env: WorkflowEnvironment, systems: FakeSystems) -> AsyncIterator[Worker]:
    async with Worker(
        env.client,
        task_queue=f"tq-{uuid.uuid4()}",
        workflows=[LineMigrationWorkflow],
        workflow_runner=RUNNER,
        activities=systems.activities(),
    ) as w:
        yield w


HISTORIES = Path(__file__).parent.parent / "histories"


async def record(handle: WorkflowHandle[Any, Any], name: str) -> None:
    """Keep this run's history for the replay tests (RECORD_HISTORIES=1 make test)."""
    if os.environ.get("RECORD_HISTORIES"):
        (HISTORIES / f"{name}.json").write_text((await handle.fetch_history()).to_json())


async def eventually(check: Callable[[], object]) -> None:
    """Wait (bounded) for a background effect to reach the fake systems."""
    for _ in range(400):
        if check():
            return
        await asyncio.sleep(0.025)
    raise AssertionError("condition never became true")


async def eventually_async(value: Callable[[], Awaitable[object]], expected: object) -> None:
    """Wait (bounded) until an awaited read gives the expected value: for real timers."""
    for _ in range(600):
        if await value() == expected:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never reached {expected!r}")


def make_request(code: str = "TIM12345", **policy: Any) -> MigrationRequest:
    return MigrationRequest(
        customer=Customer(name="Mario Rossi", phone="+393331234567", email="m@example.it"),
        line=Line(number="+390612345678", address="Via Roma 1, Roma", migration_code=code),
        losing_operator="telecom",
        offer="fibra-1000",
        policy=MigrationPolicy(**policy),
    )


async def start(
    env: WorkflowEnvironment, worker: Worker, request: MigrationRequest | None = None
) -> WorkflowHandle[LineMigrationWorkflow, Outcome]:
    handle = await env.client.start_workflow(
        LineMigrationWorkflow.run,
        StartMigration(line_key="k", sales_agent="dario", request=request or make_request()),
        id=f"mig-{uuid.uuid4()}",
        task_queue=worker.task_queue,
    )
    return handle
