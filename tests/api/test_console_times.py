"""The console reads a typed window in the zone its page names, and refuses in words a time
that the change of clocks skips or repeats."""

from __future__ import annotations

import pytest

from api.actions import BOOK
from api.console.actions import parse
from usecases.errors import Refused


def form(start: str, end: str, zone: str = "Europe/Rome") -> dict[str, str]:
    return {"technician_id": "luca", "window_start": start, "window_end": end, "time_zone": zone}


def test_a_window_is_read_in_the_zone_the_page_names() -> None:
    body = parse(BOOK, form("2030-07-01T09:00", "2030-07-01T13:00"))
    assert body.window_start.isoformat() == "2030-07-01T09:00:00+02:00"
    london = parse(BOOK, form("2030-07-01T09:00", "2030-07-01T13:00", "Europe/London"))
    assert london.window_start.isoformat() == "2030-07-01T09:00:00+01:00"


@pytest.mark.parametrize(
    ("start", "words"),
    [
        ("2030-03-31T02:30", "does not exist in Europe/Rome"),  # clocks go forward at 02:00
        ("2030-10-27T02:30", "happens twice in Europe/Rome"),  # clocks go back at 03:00
    ],
)
def test_a_time_the_clocks_skip_or_repeat_is_refused_in_words(start: str, words: str) -> None:
    with pytest.raises(Refused, match=words):
        parse(BOOK, form(start, "2030-11-01T13:00"))
