from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from stack import Stack
from tests.e2e.conftest import embedded_stack

# `make test` runs these at reduced counts; `make test-reliability` sets the full ones.
MIGRATIONS = int(os.environ.get("RELIABILITY_MIGRATIONS", "12"))


@pytest.fixture
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own per test: these tests kill and restart its processes."""
    with embedded_stack(tmp_path_factory.mktemp("reliability")) as s:
        yield s
