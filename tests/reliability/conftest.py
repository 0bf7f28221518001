from __future__ import annotations

from collections.abc import Iterator

import pytest

from stack import Stack
from tests.e2e.stacks import embedded_stack


@pytest.fixture
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own per test: these tests kill and restart its processes."""
    with embedded_stack(tmp_path_factory.mktemp("reliability")) as s:
        yield s
