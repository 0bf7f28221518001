"""The API process's copy of the force-majeure register: starts share one read of the
registry, the copy is read again once a second old or once this process changed the
register, and every start learns when its copy was read (the migration judges it by that)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.models import Declaration
from usecases import force_majeure
from workflows.force_majeure import Declarations

NOW = datetime.now(UTC)
FLOOD = Declaration(
    declaration_id="fm-1", area="MI", start=NOW, end=NOW + timedelta(days=1), reason="f", by="s"
)
STORM = FLOOD.model_copy(update={"declaration_id": "fm-2", "revoked_at": NOW})
ELSEWHERE = FLOOD.model_copy(update={"declaration_id": "fm-3", "area": "PA"})


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each read of the registry, counted; the registry answers after a moment."""
    counted: list[int] = []

    async def register(client: Any) -> Declarations:
        counted.append(1)
        await asyncio.sleep(0.01)
        return Declarations(items=[FLOOD, STORM, ELSEWHERE])

    monkeypatch.setattr(force_majeure, "register", register)
    return counted


async def test_concurrent_starts_share_one_read_and_take_their_areas_declarations_in_force(
    reads: list[int],
) -> None:
    copy = force_majeure.RegisterCopy(client=object())  # type: ignore[arg-type]
    before = datetime.now(UTC)
    answers = await asyncio.gather(*(copy.in_force("MI") for _ in range(20)))
    assert len(reads) == 1
    assert {tuple(d.declaration_id for d in found) for found, _ in answers} == {("fm-1",)}
    read_at = answers[0][1]
    assert before <= read_at <= datetime.now(UTC)  # when it asked: the conservative time
    assert await copy.in_force(None) == ([], read_at)
    assert len(reads) == 1


async def test_the_copy_is_read_again_when_a_second_old_or_when_this_process_changed_it(
    reads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = force_majeure.RegisterCopy(client=object())  # type: ignore[arg-type]
    await copy.in_force("MI")
    copy.forget()
    await copy.in_force("MI")
    assert len(reads) == 2
    monkeypatch.setattr(force_majeure.RegisterCopy, "REREAD_AFTER_S", 0.0)
    _, first = await copy.in_force("MI")
    _, second = await copy.in_force("MI")
    assert len(reads) == 4 and second > first
