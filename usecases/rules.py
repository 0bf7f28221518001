"""Which rules levels open migrations still run: a level with none left can be deleted with
its branches and its recorded histories (CONTRIBUTING.md, "Retiring a rules level")."""

from __future__ import annotations

from domain.rules import LEGACY_RULES, NEWEST
from usecases import temporal
from usecases import visibility as v
from workflows import search_attributes as sa

MIGRATION = "LineMigrationWorkflow"


async def in_use(client: temporal.Client) -> dict[int | None, int]:
    """Open migrations per rules level; None: those started before migrations published
    their level (levels 1 to 7: they count as still in use until none is left)."""
    levels = list(range(LEGACY_RULES, NEWEST + 1))
    queries = [
        *(v.workflows_of(MIGRATION, v.where(sa.RULES_LEVEL, n), running=True) for n in levels),
        v.workflows_of(MIGRATION, v.is_unset(sa.RULES_LEVEL), running=True),
    ]
    counts = await temporal.counts(client, queries)
    found: dict[int | None, int] = dict(zip(levels, counts[:-1], strict=True))
    found[None] = counts[-1]
    return found
