"""Each jurisdiction's terms, from its data file in `config/jurisdictions/`: the default
windows of its promises and its dated compensation tables, with their legal references.
Read when a migration starts and recorded in its start input (the workflow never reads a
file), so a new table applies to new migrations only."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from domain.terms import Terms

FOLDER = Path(__file__).resolve().parent.parent / "config" / "jurisdictions"


@cache
def all_terms() -> dict[str, Terms]:
    """Every jurisdiction with a data file, by ISO 3166-1 code."""
    found = [_terms(path) for path in sorted(FOLDER.glob("*.toml"))]
    return {t.jurisdiction: t for t in found}


def _terms(path: Path) -> Terms:
    data: dict[str, Any] = tomllib.loads(path.read_text())
    windows = data["windows"]
    return Terms(
        jurisdiction=data["jurisdiction"],
        currency=data["currency"],
        time_zone=data["time_zone"],
        activation=windows["activation"],
        activation_kind=data["activation"]["paid_as"],
        service_restoration=windows.get("service_restoration"),
        cut_over=windows.get("cut_over"),
        switching=data.get("switching", "gateway"),
        tables=tuple(data["tables"]),
        source=f"config/jurisdictions/{path.name}",
    )


def switching_of(country: str) -> str:
    """How the jurisdiction's lines switch: `ots` (through the One Touch Switch hub) or
    `gateway` (through the losing operator's gateway)."""
    return all_terms()[country].switching


def default_windows(terms: Terms) -> dict[str, Any]:
    """The promise windows this jurisdiction sets, for a policy that does not."""
    windows = {
        "activation": terms.activation,
        "service_restoration": terms.service_restoration,
        "cut_over": terms.cut_over,
    }
    return {name: window for name, window in windows.items() if window is not None}
