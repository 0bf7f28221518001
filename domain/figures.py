"""The promise-keeping report's figures, computed from the read model's rows for a period.

Periods are half-open, [start, end): each figure counts its own event inside it (a
migration started, activated, completed or ended; a promise due; an escalation raised; a
visit missed; an outage begun; a ticket opened; compensation of a migration that closed).
Percentiles are nearest-rank: the smallest value with at least p % of the values at or
below it, computed here so that every database gives the same answer.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from domain.models import Model

Row = dict[str, Any]
ALL = "all"
HOUR_S = 3600.0
DAY_S = 86_400.0

DEFINITIONS = {
    "migrations_started": "migrations started in the period",
    "migrations_completed": "migrations whose old line was released in the period",
    "migrations_failed": "migrations that failed in the period",
    "migrations_withdrawn": "migrations withdrawn in the period",
    "activation_hours_p50": "confirmation to activation, hours, median (nearest rank), "
    "of migrations activated in the period",
    "activation_hours_p95": "the same, 95th percentile",
    "activation_hours_p99": "the same, 99th percentile",
    "activation_working_days_p50": "confirmation to activation in working days on the "
    "migration's calendar, median, of migrations activated in the period",
    "activation_working_days_p95": "the same, 95th percentile",
    "activation_working_days_p99": "the same, 99th percentile",
    "activated_by_promised_date_share": "of migrations activated in the period with an "
    "activation promise, the share activated by its due time",
    "promises_kept": "promises due in the period and kept by their due time, per kind and owner",
    "promises_broken": "promises due in the period that broke, per kind and owner",
    "escalations": "escalations raised in the period, per level",
    "compensation_cents": "compensation accrued by migrations that closed in the period, per "
    "kind and currency, in cents",
    "missed_appointments": "appointments missed in the period, per reason",
    "without_service_episodes": "episodes without service that began in the period",
    "without_service_days": "their total length in days (an open one counted to now)",
    "ticket_ack_hours_p95": "tickets opened in the period: hours to acknowledgement, 95th "
    "percentile (acknowledged ones)",
}


class GroupBy(StrEnum):
    LOSING_OPERATOR = "losing_operator"
    AREA = "area"
    TECHNICIAN = "technician"
    PROMISE_KIND = "promise_kind"
    SALES_AGENT = "sales_agent"
    MONTH = "month"


class Group(Model):
    group: str
    figures: dict[str, float | int | None]


class Report(Model):
    start: datetime
    end: datetime
    group_by: GroupBy | None
    groups: list[Group]
    definitions: dict[str, str]


def percentile(values: Iterable[float], p: float) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def report(
    found: dict[str, list[Row]],
    start: datetime,
    end: datetime,
    group_by: GroupBy | None,
    now: datetime,
) -> Report:
    chains = {m["chain_id"]: m for m in found["report_migrations"]}
    figures: dict[str, dict[str, Any]] = defaultdict(dict)

    def key(chain: str, at: datetime | None, kind: str | None = None) -> str:
        return _group(group_by, chains.get(chain, {}), at, kind)

    def inside(at: datetime | None) -> bool:
        return at is not None and start <= at < end

    def count(name: str, rows: Iterable[tuple[str, str | None]]) -> None:
        for group, label in rows:
            bucket = figures[group].setdefault(name, Counter() if label else 0)
            if label:
                bucket[label] += 1
            else:
                figures[group][name] = bucket + 1

    migrations = list(chains.values())
    for name, column, stage in (
        ("migrations_started", "started_at", None),
        ("migrations_completed", "completed_at", None),
        ("migrations_failed", "ended_at", "failed"),
        ("migrations_withdrawn", "ended_at", "withdrawn"),
    ):
        count(
            name,
            (
                (key(m["chain_id"], m[column]), None)
                for m in migrations
                if inside(m[column]) and stage in (None, m["stage"])
            ),
        )
    activated = [m for m in migrations if inside(m["activated_at"])]
    _percentiles(
        figures, activated, "activation_hours", lambda m: key(m["chain_id"], m["activated_at"])
    )
    _percentiles(
        figures,
        activated,
        "activation_working_days",
        lambda m: key(m["chain_id"], m["activated_at"]),
    )
    promises = found["report_promises"]
    activation_kept: dict[str, list[bool]] = defaultdict(list)
    by_chain = {m["chain_id"] for m in activated}
    for p in promises:
        if (
            p["kind"] == "activation"
            and p["chain_id"] in by_chain
            and p["kept_on_time"] is not None
        ):
            activation_kept[
                key(p["chain_id"], chains[p["chain_id"]]["activated_at"], "activation")
            ].append(p["kept_on_time"])
    for group, kept in activation_kept.items():
        figures[group]["activated_by_promised_date_share"] = round(sum(kept) / len(kept), 4)
    count(
        "promises_kept",
        (
            (key(p["chain_id"], p["due_at"], p["kind"]), f"{p['kind']}/{p['owner']}")
            for p in promises
            if p["kept_on_time"] is True
        ),
    )
    count(
        "promises_broken",
        (
            (key(p["chain_id"], p["due_at"], p["kind"]), f"{p['kind']}/{p['owner']}")
            for p in promises
            if p["status"] == "broken"
        ),
    )
    count(
        "escalations",
        (
            (key(e["chain_id"], e["at"], e["promise"]), str(e["level"]))
            for e in found["report_escalations"]
        ),
    )
    for c in found["report_compensation"]:
        m = chains.get(c["chain_id"], {})
        group = key(c["chain_id"], m.get("completed_at") or m.get("ended_at"), c["what"])
        owed = figures[group].setdefault("compensation_cents", Counter())
        owed[f"{c['what']}/{c['currency']}"] += c["amount_cents"]
    count(
        "missed_appointments",
        ((key(v["chain_id"], v["at"]), v["reason"]) for v in found["report_missed_visits"]),
    )
    for o in found["report_outages"]:
        group = key(o["chain_id"], o["start"], "service_restoration")
        figures[group]["without_service_episodes"] = (
            figures[group].get("without_service_episodes", 0) + 1
        )
        days = ((o["end"] or now) - o["start"]).total_seconds() / DAY_S
        figures[group]["without_service_days"] = round(
            figures[group].get("without_service_days", 0.0) + days, 2
        )
    acked: dict[str, list[float]] = defaultdict(list)
    for k in found["report_tickets"]:
        if k["acknowledged_at"] is not None:
            group = key(k["chain_id"], k["opened_at"], "ticket_ack")
            acked[group].append((k["acknowledged_at"] - k["opened_at"]).total_seconds() / HOUR_S)
    for group, hours in acked.items():
        figures[group]["ticket_ack_hours_p95"] = _rounded(percentile(hours, 95))
    return Report(
        start=start,
        end=end,
        group_by=group_by,
        groups=[Group(group=g, figures=_flat(figures[g])) for g in sorted(figures)],
        definitions=DEFINITIONS,
    )


def _percentiles(
    figures: dict[str, dict[str, Any]], rows: list[Row], column: str, group: Callable[[Row], str]
) -> None:
    values: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        if r[column] is not None:
            values[group(r)].append(r[column])
    for g, found in values.items():
        for p in (50, 95, 99):
            figures[g][f"{column}_p{p}"] = _rounded(percentile(found, p))


def _group(by: GroupBy | None, m: Row, at: datetime | None, kind: str | None) -> str:
    match by:
        case None:
            return ALL
        case GroupBy.PROMISE_KIND:
            return kind or ALL
        case GroupBy.MONTH:
            if at is None:
                return ALL
            zone = ZoneInfo(m["time_zone"]) if m.get("time_zone") else ZoneInfo("UTC")
            return at.astimezone(zone).strftime("%Y-%m")
        case _:
            return str(m.get(by.value) or "none")


def _flat(figures: dict[str, Any]) -> dict[str, float | int | None]:
    """Counters become one figure per label: `promises_broken.visit/field_team`."""
    flat: dict[str, float | int | None] = {}
    for name, value in sorted(figures.items()):
        if isinstance(value, Counter):
            flat |= {f"{name}.{label}": n for label, n in sorted(value.items())}
        else:
            flat[name] = value
    return flat


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


class ChartData(Model):
    """What the report's charts draw, for the same period and with the same counting."""

    activation_hours: list[float]
    kept_by_kind: dict[str, int]
    broken_by_kind: dict[str, int]
    compensation_by_month: dict[str, dict[str, int]]  # month -> currency -> cents


def chart_data(found: dict[str, list[Row]], start: datetime, end: datetime) -> ChartData:
    chains = {m["chain_id"]: m for m in found["report_migrations"]}
    kept: Counter[str] = Counter()
    broken: Counter[str] = Counter()
    for p in found["report_promises"]:
        if p["kept_on_time"] is True:
            kept[p["kind"]] += 1
        elif p["status"] == "broken":
            broken[p["kind"]] += 1
    owed: dict[str, Counter[str]] = defaultdict(Counter)
    for c in found["report_compensation"]:
        m = chains.get(c["chain_id"], {})
        month = _group(GroupBy.MONTH, m, m.get("completed_at") or m.get("ended_at"), None)
        owed[month][c["currency"]] += c["amount_cents"]
    return ChartData(
        activation_hours=sorted(
            m["activation_hours"]
            for m in chains.values()
            if m["activation_hours"] is not None
            and m["activated_at"] is not None
            and start <= m["activated_at"] < end
        ),
        kept_by_kind=dict(sorted(kept.items())),
        broken_by_kind=dict(sorted(broken.items())),
        compensation_by_month={k: dict(v) for k, v in sorted(owed.items())},
    )


def month_period(month: str) -> tuple[datetime, datetime]:
    """A month, "2026-11", as the half-open period of its days in UTC."""
    first = datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def previous_month(now: datetime) -> str:
    """The month before the one `now` falls in (UTC): what a run on the 1st reports."""
    first = now.astimezone(UTC).replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")
