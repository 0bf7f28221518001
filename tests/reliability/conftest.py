from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from stack import Ports, Stack

# `make test` runs these at reduced counts; `make test-reliability` sets the full ones.
MIGRATIONS = int(os.environ.get("RELIABILITY_MIGRATIONS", "12"))


@pytest.fixture
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own per test: these tests kill and restart its processes."""
    root = tmp_path_factory.mktemp("reliability")
    s = Stack(
        ports=Ports.free(), db_file=root / "dev.db", ui=False, log_dir=root,
        extra_env={"RELEASE_CALLBACK_DELAY_S": "0.2"},
    )  # fmt: skip
    s.start()
    yield s
    s.stop()
