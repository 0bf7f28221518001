"""The customer's catalogues: one per language, complete, and saying the same things."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from domain.models import Language, MissReason, Party, PromiseName, Stage
from domain.words.customer import CATALOGUES, money
from domain.words.en import EN
from domain.words.figures import figure_label, figure_value
from domain.words.staff import span, when


def sentences(words: Any, prefix: str = "") -> dict[str, str]:
    """Every sentence of a catalogue by its path, tables included."""
    if isinstance(words, BaseModel):
        fields = {name: getattr(words, name) for name in type(words).model_fields}
    elif isinstance(words, dict):
        fields = {str(key): value for key, value in words.items()}
    elif isinstance(words, tuple):
        fields = {str(i): value for i, value in enumerate(words)}
    else:
        return {prefix: words} if isinstance(words, str) else {}
    found: dict[str, str] = {}
    for name, value in fields.items():
        found |= sentences(value, f"{prefix}.{name}" if prefix else name)
    return found


def fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_a_catalogue_in_its_own_words() -> None:
    assert set(CATALOGUES) == set(Language)
    assert all(c.language is lang for lang, c in CATALOGUES.items())


def test_every_catalogue_names_every_promise_party_miss_and_stage() -> None:
    for c in CATALOGUES.values():
        assert set(c.promises) == set(PromiseName)
        assert set(c.parties) == set(Party)
        assert set(c.misses) == set(MissReason)
        assert set(c.status_page.headlines) == set(Stage)


def test_translations_fill_in_the_same_facts() -> None:
    """A sentence that names a date in one language names it in every other."""
    english = sentences(EN)
    for catalogue in CATALOGUES.values():
        other = sentences(catalogue)
        assert set(other) == set(english)
        mismatched = {
            path for path, text in other.items() if fields_of(text) != fields_of(english[path])
        }
        assert not mismatched, mismatched


def test_amounts_read_as_each_language_writes_them() -> None:
    assert money(750, Language.IT) == "7,50 €"
    assert money(750, Language.EN) == "€7.50"


def test_a_figure_is_named_in_words_and_money_said_in_its_currency() -> None:
    assert figure_label("promises_kept.activation/gaining_operator") == (
        "Promises kept: activation, gaining operator"
    )
    assert figure_label("escalations.2") == "Escalations: level 2"
    assert figure_label("compensation_cents.visit/GBP") == "Compensation: visit"
    assert figure_value("compensation_cents.visit/EUR", 3750) == "€37.50"
    assert figure_value("compensation_cents.visit/GBP", 646) == "£6.46"
    assert figure_value("activation_hours_p50", 26.5) == "26.5"
    assert figure_value("promises_broken.visit/field_team", None) == "—"


def test_a_moment_is_said_in_the_lines_zone_and_a_window_within_its_day() -> None:
    start = datetime(2026, 12, 7, 12, tzinfo=UTC)
    assert when(start, "Europe/Rome") == "Mon 7 Dec, 13:00"
    assert when(start) == "Mon 7 Dec, 12:00 UTC"
    assert span(start, start + timedelta(hours=5), "Europe/Rome") == "Mon 7 Dec, 13:00–18:00"
    assert span(start, start + timedelta(days=1), "Europe/London") == (
        "Mon 7 Dec, 12:00 to Tue 8 Dec, 12:00"
    )
