from __future__ import annotations

import gc
import os
import sys
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
        search_attributes=sa.REGISTERED,
    )
    yield env
    await env.shutdown()
    del env
    gc.collect()  # release native handles while the interpreter is alive (CONTRIBUTING.md, "A clean exit")


_exit_status = 0


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave before interpreter finalization: Temporal's native runtime can abort the process
    while Python shuts down (CONTRIBUTING.md, "A clean exit"). The summary is already printed by now."""
    gc.collect()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_status)
