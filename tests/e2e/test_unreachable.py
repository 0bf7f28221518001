"""With Temporal down the API still answers: 503 with a reason, never a 500 or a hang."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from stack import Ports, Stack, free_port
from tests.e2e.client import auth, migration_body


@pytest.fixture(scope="module")
def lonely_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API alone, pointed at a Temporal address where nothing listens."""
    s = Stack(ports=Ports.free(), ui=False, log_dir=tmp_path_factory.mktemp("lonely"))
    s.extra_env = {"TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}"}
    s.launch("api")
    try:
        s.wait_healthy(f"{s.api_url}/docs", "api")
        yield s.api_url
    finally:
        s.stop()


async def test_health_and_calls_answer_503(lonely_api: str) -> None:
    async with httpx.AsyncClient(base_url=lonely_api, timeout=60) as api:
        health = await api.get("/healthz")
        assert health.status_code == 503
        r = await api.get("/migrations/mig-x", headers=auth("auditor"))
        assert r.status_code == 503 and r.json()["error"]["code"] == "unavailable"
        r = await api.post("/migrations", json=migration_body(), headers=auth("sales"))
        assert r.status_code == 503
