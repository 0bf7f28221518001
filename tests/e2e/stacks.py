"""The embedded stack for tests: the processes `make run` starts, on free ports."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stack import NO_WRITE_LIMIT, Stack, start_on_free_ports


@contextmanager
def embedded_stack(root: Path) -> Iterator[Stack]:
    """A stack on free ports, headless, logging to `root`, the gateway answering quickly."""
    s = start_on_free_ports(
        db_file=root / "dev.db",
        ui=True,
        log_dir=root,
        extra_env={"RELEASE_CALLBACK_DELAY_S": "0.2", **NO_WRITE_LIMIT},
    )
    try:
        yield s
    finally:
        s.stop()
