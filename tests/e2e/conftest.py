from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from stack import Stack
from tests.e2e.stacks import embedded_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole embedded stack on free ports, as `make run` starts it."""
    with embedded_stack(tmp_path_factory.mktemp("stack")) as s:
        yield s


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as client:
        yield client


@pytest.fixture
async def sims(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.simulators_url, timeout=30) as client:
        yield client
