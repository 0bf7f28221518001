from __future__ import annotations

import gc
from collections.abc import AsyncIterator

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from tests.binaries import temporal_cli
from workflows import search_attributes as sa


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """The real dev server (in memory), for paths the time-skipping server gets wrong."""
    env = await WorkflowEnvironment.start_local(
        data_converter=pydantic_data_converter,
        dev_server_existing_path=temporal_cli(),
        search_attributes=sa.ALL,
    )
    yield env
    await env.shutdown()
    del env
    gc.collect()  # release native handles while the interpreter is alive (STYLE.md rule 12)
