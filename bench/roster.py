"""The benchmark's own field service: one area with a technician for every visit it books at
once, each with a development token, so capacity never limits what is being measured."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stack import ROOT
from tests.e2e.client import migration_body

AREA = "ZZ"  # an area code no real line has


def technician(i: int) -> str:
    return f"bench-{i}"


def prepare(workdir: Path, technicians: int) -> dict[str, str]:
    """Write the roster and a tokens file that names its technicians: the stack's env."""
    names = [technician(i) for i in range(technicians)]
    roster = workdir / "field-service.toml"
    roster.write_text(
        f'[areas.{AREA}]\ntime_zone = "Europe/Rome"\ntechnicians = {json.dumps(names)}\n'
    )
    tokens = json.loads((ROOT / "config" / "dev-tokens.json").read_text())
    tokens |= {f"dev-tech-{n}": {"role": "technician", "subject": n} for n in names}
    tokens_file = workdir / "tokens.json"
    tokens_file.write_text(json.dumps(tokens))
    return {"FIELD_SERVICE_ROSTER": str(roster), "API_TOKENS_FILE": str(tokens_file)}


def body(**policy: Any) -> dict[str, Any]:
    """A new migration's request, for a line in the benchmark's area."""
    made = migration_body(**policy)
    made["line"]["area"] = AREA
    return made
