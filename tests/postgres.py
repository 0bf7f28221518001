"""A PostgreSQL server of the suite's own, in a temporary folder, for the read model's tests:
Debian's `postgresql` binaries, started as a non-root user (PostgreSQL refuses root)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from glob import glob
from pathlib import Path

SEARCHED = ("/usr/lib/postgresql/*/bin",)
NON_ROOT = "postgres"  # Debian's package creates this user; `nobody` where it did not


def binary(name: str) -> str:
    found = shutil.which(name) or next(
        (p for pattern in SEARCHED for p in sorted(glob(f"{pattern}/{name}"), reverse=True)), None
    )
    if found is None:
        raise RuntimeError(
            f"PostgreSQL's {name} is missing: install Debian's postgresql package "
            "(make test does it when it runs as root)"
        )
    return found


def _as_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    user = NON_ROOT if _exists(NON_ROOT) else "nobody"
    return ["runuser", "-u", user, "--"]


def _exists(user: str) -> bool:
    return subprocess.run(["id", user], capture_output=True).returncode == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server() -> Iterator[str]:
    """A fresh cluster in a temporary folder (one the server's user can reach, so not
    pytest's, which only root may enter), on a free local port; its SQLAlchemy URL."""
    root = Path(tempfile.mkdtemp(prefix="read-model-pg-"))
    data, run = root / "data", root / "run"
    run.mkdir()
    if os.geteuid() == 0:
        user = NON_ROOT if _exists(NON_ROOT) else "nobody"
        for folder in (root, run):
            shutil.chown(folder, user=user)
    as_user = _as_user()
    quiet = {"capture_output": True, "check": True}
    subprocess.run(
        [*as_user, binary("initdb"), "-D", str(data), "-U", "report", "--auth=trust", "-E", "UTF8"],
        **quiet,  # type: ignore[call-overload]
    )
    port = _free_port()
    options = f"-p {port} -k {run} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *as_user,
            binary("pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-w",
            "-l",
            str(root / "log"),
            "start",
        ],
        **quiet,  # type: ignore[call-overload]
    )
    try:
        yield f"postgresql+psycopg://report@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, binary("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)
