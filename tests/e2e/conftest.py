from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from stack import NO_WRITE_LIMIT, Stack, start_on_free_ports

TOKENS = {
    "sales": "dev-sales",
    "dispatch": "dev-dispatch",
    "technician": "dev-tech-luca",
    "care": "dev-care",
    "operator": "dev-operator",
    "supervisor": "dev-supervisor",
    "auditor": "dev-auditor",
}
SARA = "dev-tech-sara"


def auth(role_or_token: str, key: str | None = None) -> dict[str, str]:
    token = TOKENS.get(role_or_token, role_or_token)
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole embedded stack on free ports, as `make run` starts it."""
    with embedded_stack(tmp_path_factory.mktemp("stack")) as s:
        yield s


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


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as client:
        yield client


@pytest.fixture
async def sims(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.simulators_url, timeout=30) as client:
        yield client


def new_line() -> str:
    """A random Rome number: ten random digits keep thousands of migrations apart."""
    return f"+3906{random.randrange(10**9, 10**10)}"


def migration_body(code: str = "TIM12345", **policy: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer": {"name": "Mario Rossi", "phone": "+393331234567", "email": "m@example.it"},
        "line": {"number": new_line(), "address": "Via Roma 1, Roma", "migration_code": code},
        "losing_operator": "telecom",
        "offer": "fibra-1000",
    }
    if policy:
        body["policy"] = policy
    return body


def window(hours_from_now: float = 2, length_h: float = 4) -> dict[str, str]:
    start = datetime.now(UTC) + timedelta(hours=hours_from_now)
    return {
        "window_start": start.isoformat(),
        "window_end": (start + timedelta(hours=length_h)).isoformat(),
    }


async def create(api: httpx.AsyncClient, **policy: Any) -> str:
    r = await api.post("/migrations", json=migration_body(**policy), headers=auth("sales"))
    assert r.status_code == 201, r.text
    return str(r.json()["migration_id"])
