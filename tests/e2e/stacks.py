"""The embedded stack for tests: the processes `make run` starts, on free ports."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stack import NO_WRITE_LIMIT, Stack, start_on_free_ports

# A listener failing for seconds, not an hour, is suspended: a test sees it happen.
HUB_IMPATIENT = {"HUB_SUSPEND_AFTER_S": "5", "HUB_RETRY_MAX_INTERVAL_S": "1"}


@contextmanager
def embedded_stack(root: Path) -> Iterator[Stack]:
    """A stack on free ports, headless, logging to `root`, the gateway answering quickly."""
    s = start_on_free_ports(
        db_file=root / "dev.db",
        ui=True,
        log_dir=root,
        extra_env={"RELEASE_CALLBACK_DELAY_S": "0.2", **NO_WRITE_LIMIT, **HUB_IMPATIENT},
    )
    try:
        yield s
    finally:
        s.stop()
