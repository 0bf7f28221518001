"""Field service's capacity, as the simulator keeps it: slots from the roster on the days
asked, one unit per technician per slot, holds that expire, answers repeated by key."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from simulators.capacity import Capacity, Refused, load_roster

ROSTER = Path(__file__).resolve().parents[2] / "config" / "field-service.toml"
NOW = datetime(2027, 3, 1, 6, tzinfo=UTC)  # Monday 1 March 2027, 07:00 in Rome
TTL = timedelta(seconds=30)
MONDAY_AM = "RM.2027-03-01.am"


def capacity() -> Capacity:
    return Capacity(load_roster(ROSTER))


def test_slots_are_mornings_and_afternoons_on_the_days_asked_in_local_time() -> None:
    found = capacity().search("RM", date(2027, 3, 1), 4, {date(2027, 3, 2)}, NOW)
    assert [s["slot_id"] for s in found] == [
        "RM.2027-03-01.am",
        "RM.2027-03-01.pm",
        "RM.2027-03-03.am",  # the 2nd is a day off for this migration
        "RM.2027-03-03.pm",
    ]
    assert found[0]["start"] == "2027-03-01T07:00:00+00:00"  # 08:00 in Rome (CET)
    assert found[1]["end"] == "2027-03-01T17:00:00+00:00"  # 18:00
    assert found[0]["free_units"] == 5


def test_a_slot_already_started_is_never_offered() -> None:
    later = NOW + timedelta(hours=3)  # 10:00 in Rome: the morning has begun
    found = capacity().search("RM", date(2027, 3, 1), 1, set(), later)
    assert found[0]["slot_id"] == "RM.2027-03-01.pm"


def test_an_unknown_area_is_refused() -> None:
    with pytest.raises(Refused) as refused:
        capacity().search("ZZ", date(2027, 3, 1), 1, set(), NOW)
    assert refused.value.status == 422


def test_one_visit_per_technician_per_slot_and_the_last_unit_once() -> None:
    cap = capacity()
    technicians = [
        cap.confirm(
            f"c{n}", cap.hold(f"h{n}", MONDAY_AM, f"wo{n}", f"m{n}", TTL, NOW)["hold_id"], NOW
        )["technician_id"]
        for n in range(5)
    ]
    assert sorted(technicians) == sorted(cap.roster["RM"].technicians)
    with pytest.raises(Refused) as full:
        cap.hold("h5", MONDAY_AM, "wo5", "m5", TTL, NOW)
    assert full.value.status == 409
    assert all(s["slot_id"] != MONDAY_AM for s in cap.search("RM", date(2027, 3, 1), 3, set(), NOW))


def test_an_expired_hold_frees_its_unit_and_cannot_be_confirmed() -> None:
    cap = capacity()
    holds = [cap.hold(f"h{n}", MONDAY_AM, f"wo{n}", f"m{n}", TTL, NOW) for n in range(5)]
    with pytest.raises(Refused):
        cap.hold("late", MONDAY_AM, "wo-late", "m-late", TTL, NOW)
    after = NOW + TTL
    assert cap.hold("late", MONDAY_AM, "wo-late", "m-late", TTL, after)["technician_id"]
    with pytest.raises(Refused) as expired:
        cap.confirm("c0", holds[0]["hold_id"], after)
    assert expired.value.status == 409 and "expired" in expired.value.reason


def test_a_repeated_hold_or_confirm_answers_the_same_and_takes_no_second_unit() -> None:
    cap = capacity()
    first = cap.hold("key", MONDAY_AM, "wo", "m", TTL, NOW)
    assert cap.hold("key", MONDAY_AM, "wo", "m", TTL, NOW) == first
    done = cap.confirm("key/confirm", first["hold_id"], NOW)
    assert cap.confirm("key/confirm", first["hold_id"], NOW + TTL * 10) == done
    assert len(cap.reservations) == 1 and len(cap.booked()) == 1
    assert len(cap.free("RM", *cap.slot_window(MONDAY_AM)[1:], NOW)) == 4


def test_a_move_frees_the_work_orders_earlier_unit() -> None:
    cap = capacity()
    am = cap.confirm("c1", cap.hold("h1", MONDAY_AM, "wo", "m", TTL, NOW)["hold_id"], NOW)
    pm = cap.confirm("c2", cap.hold("h2", "RM.2027-03-01.pm", "wo", "m", TTL, NOW)["hold_id"], NOW)
    assert [r.reservation_id for r in cap.booked()] == [pm["reference"]]
    assert am["reference"] != pm["reference"]


def test_a_manual_reservation_is_refused_while_the_technician_is_busy() -> None:
    cap = capacity()
    _, start, end = cap.slot_window(MONDAY_AM)
    cap.reserve("r1", "wo1", "m1", "luca", start, end, NOW)
    with pytest.raises(Refused) as busy:
        cap.reserve("r2", "wo2", "m2", "luca", start + timedelta(hours=1), end, NOW)
    assert busy.value.status == 409
    with pytest.raises(Refused) as unknown:
        cap.reserve("r3", "wo3", "m3", "nobody", start, end, NOW)
    assert unknown.value.status == 422
    assert len(cap.free("RM", start, end, NOW)) == 4  # luca's unit is taken


def test_a_cancelled_visit_frees_its_unit() -> None:
    cap = capacity()
    cap.confirm("c", cap.hold("h", MONDAY_AM, "wo", "m", TTL, NOW)["hold_id"], NOW)
    cap.cancel("m")
    assert cap.booked() == []
