"""Field service's capacity: technicians per area, one visit each per slot (a morning and an
afternoon on every working day, local time), slots held for a while then confirmed.

Every check and its booking happen in one synchronous step (the simulator's event loop never
switches between them), so the last free unit is never given twice. Holds and confirmations
are remembered by idempotency key: a retry gets the same answer, never a second unit.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

SLOTS = {"am": (time(8), time(13)), "pm": (time(13), time(18))}
MAX_SEARCH_DAYS = 120


class Refused(Exception):
    """What field service says no to, and why; `status` is the HTTP answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass(frozen=True)
class Area:
    zone: ZoneInfo
    technicians: tuple[str, ...]


@dataclass
class Reservation:
    """One technician's unit for one window, held (until `hold_until`) or confirmed."""

    reservation_id: str
    work_order: str
    migration_id: str
    technician_id: str
    start: datetime
    end: datetime
    hold_until: datetime | None  # None once confirmed
    released: bool = False

    def blocks(self, now: datetime) -> bool:
        held = self.hold_until is not None and self.hold_until > now
        return not self.released and (self.hold_until is None or held)

    def answer(self) -> dict[str, str]:
        return {
            "reference": self.reservation_id,
            "hold_id": self.reservation_id,
            "technician_id": self.technician_id,
            "window_start": self.start.isoformat(),
            "window_end": self.end.isoformat(),
        }


def load_roster(path: Path) -> dict[str, Area]:
    raw = tomllib.loads(path.read_text())
    return {
        name: Area(ZoneInfo(a["time_zone"]), tuple(a["technicians"]))
        for name, a in raw["areas"].items()
    }


@dataclass
class Capacity:
    roster: dict[str, Area]
    reservations: list[Reservation] = field(default_factory=list)
    answers: dict[str, dict[str, str]] = field(default_factory=dict)  # by idempotency key

    # --- slots --------------------------------------------------------------------------

    def slot_window(self, slot_id: str) -> tuple[str, datetime, datetime]:
        """A slot id names its area, day and half: `RM.2026-12-08.am`."""
        try:
            area, day, half = slot_id.rsplit(".", 2)
            start, end = SLOTS[half]
            zone = self.roster[area].zone
            d = date.fromisoformat(day)
        except (KeyError, ValueError) as err:
            raise Refused(404, f"no such slot {slot_id}") from err
        local = (datetime.combine(d, t, zone) for t in (start, end))
        return area, *(t.astimezone(UTC) for t in local)  # type: ignore[return-value]

    def free(
        self, area: str, start: datetime, end: datetime, now: datetime, work_order: str = ""
    ) -> list[str]:
        """The area's technicians with nothing booked or held over the window (but for this
        work order's own visit, which a move replaces)."""
        busy = self._busy_over(start, end, now, work_order)
        return [t for t in self.roster[area].technicians if t not in busy]

    def search(
        self, area: str, first_day: date, count: int, non_working: set[date], now: datetime
    ) -> list[dict[str, str | int]]:
        """The next `count` slots with a free unit, from `first_day`, never on a day off and
        never one already started."""
        if area not in self.roster:
            raise Refused(422, f"field service has no technicians in area {area}")
        found: list[dict[str, str | int]] = []
        for n in range(MAX_SEARCH_DAYS):
            day = first_day + timedelta(days=n)
            if day in non_working:
                continue
            for half in SLOTS:
                slot_id = f"{area}.{day.isoformat()}.{half}"
                _, start, end = self.slot_window(slot_id)
                units = len(self.free(area, start, end, now))
                if start > now and units:
                    found.append(
                        {
                            "slot_id": slot_id,
                            "start": start.isoformat(),
                            "end": end.isoformat(),
                            "free_units": units,
                        }
                    )
                if len(found) == count:
                    return found
        return found

    # --- holds, confirmations, manual reservations ------------------------------------------

    def hold(
        self,
        key: str,
        slot_id: str,
        work_order: str,
        migration_id: str,
        ttl: timedelta,
        now: datetime,
    ) -> dict[str, str]:
        if key in self.answers:
            return self.answers[key]
        area, start, end = self.slot_window(slot_id)
        free = self.free(area, start, end, now, work_order)
        if not free:
            raise Refused(409, f"slot {slot_id} is full: every technician is booked then")
        held = self._reserve(work_order, migration_id, free[0], start, end, now + ttl)
        return self._remember(key, held.answer())

    def confirm(self, key: str, hold_id: str, now: datetime) -> dict[str, str]:
        if key in self.answers:
            return self.answers[key]
        held = next((r for r in self.reservations if r.reservation_id == hold_id), None)
        if held is None:
            raise Refused(404, f"no such hold {hold_id}")
        if held.released or (held.hold_until is not None and held.hold_until <= now):
            raise Refused(409, "the hold expired and its slot was freed: search again")
        held.hold_until = None
        self._release_earlier(held)
        return self._remember(key, held.answer())

    def release(self, hold_id: str) -> None:
        for r in self.reservations:
            if r.reservation_id == hold_id and r.hold_until is not None:
                r.released = True

    def reserve(
        self,
        key: str,
        work_order: str,
        migration_id: str,
        technician_id: str,
        start: datetime,
        end: datetime,
        now: datetime,
    ) -> dict[str, str]:
        """A manual booking of one technician for a window: refused if he is busy then."""
        if key in self.answers:
            return self.answers[key]
        if not any(technician_id in a.technicians for a in self.roster.values()):
            raise Refused(422, f"{technician_id} is not a technician on field service's roster")
        if self._busy(technician_id, start, end, now, work_order):
            raise Refused(409, f"{technician_id} is already booked for another visit then")
        booked = self._reserve(work_order, migration_id, technician_id, start, end, None)
        self._release_earlier(booked)
        return self._remember(key, booked.answer())

    def cancel(self, migration_id: str) -> None:
        """The migration's visit is cancelled: its unit is free again."""
        for r in self.reservations:
            if r.migration_id == migration_id:
                r.released = True

    def booked(self, technician_id: str | None = None) -> list[Reservation]:
        """Confirmed reservations still standing (one technician's, or all)."""
        return [
            r
            for r in self.reservations
            if r.hold_until is None and not r.released and technician_id in (None, r.technician_id)
        ]

    # --- internals -------------------------------------------------------------------------

    def _busy(
        self, technician_id: str, start: datetime, end: datetime, now: datetime, work_order: str
    ) -> bool:
        return technician_id in self._busy_over(start, end, now, work_order)

    def _busy_over(
        self, start: datetime, end: datetime, now: datetime, work_order: str
    ) -> set[str]:
        """Technicians with another work order's visit booked or held over the window."""
        return {
            r.technician_id
            for r in self.reservations
            if r.work_order != work_order and r.blocks(now) and r.start < end and start < r.end
        }

    def _reserve(
        self,
        work_order: str,
        migration_id: str,
        technician_id: str,
        start: datetime,
        end: datetime,
        hold_until: datetime | None,
    ) -> Reservation:
        r = Reservation(
            reservation_id=f"fs-{len(self.reservations) + 1}",
            work_order=work_order,
            migration_id=migration_id,
            technician_id=technician_id,
            start=start,
            end=end,
            hold_until=hold_until,
        )
        self.reservations.append(r)
        return r

    def _release_earlier(self, kept: Reservation) -> None:
        """A move: the work order's earlier unit is freed as the new one is confirmed."""
        for r in self.reservations:
            if r.work_order == kept.work_order and r is not kept and r.hold_until is None:
                r.released = True

    def _remember(self, key: str, answer: dict[str, str]) -> dict[str, str]:
        self.answers[key] = answer
        return answer
