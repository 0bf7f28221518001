"""The report's figures as a person reads them: each figure named in words ("Promises kept:
activation, gaining operator"), money in its currency ("€37.50"). The machine names and
numbers stay in the JSON and the CSV beside these words."""

from __future__ import annotations

from domain.models import Language
from domain.words.customer import money

MONEY = "compensation_cents"


def figure_label(name: str) -> str:
    """`promises_kept.activation/gaining_operator` → "Promises kept: activation, gaining
    operator"; an amount's currency is said with the amount, not in its name."""
    base, _, label = name.partition(".")
    head = base.removesuffix("_cents").replace("_", " ").capitalize()
    if not label:
        return head
    parts = [p.replace("_", " ") for p in label.split("/")]
    if base == MONEY:
        parts = parts[:-1]
    if base == "escalations":
        parts = [f"level {p}" for p in parts]
    return f"{head}: {', '.join(parts)}"


def figure_value(name: str, value: float | None) -> str:
    if value is None:
        return "—"
    if name.startswith(f"{MONEY}."):
        return money(int(value), Language.EN, name.rsplit("/", 1)[-1])
    return f"{value:g}" if isinstance(value, float) else str(value)
