from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from tests.binaries import test_server
from tests.workflows.fakes import FakeSystems
from workflows import search_attributes as sa
from workflows.line_migration import LineMigrationWorkflow
from workflows.outgoing_switch import OutgoingSwitchWorkflow
from workflows.sandbox import RUNNER


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
                k.name: IndexedValueType.ValueType(k.indexed_value_type) for k in sa.REGISTERED
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
        workflows=[LineMigrationWorkflow, OutgoingSwitchWorkflow],
        workflow_runner=RUNNER,
        activities=systems.activities(),
    ) as w:
        yield w
