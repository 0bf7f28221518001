"""The monthly report: a month's figures (overall and per losing operator, as the regulator
asks for them), rendered once as a page and stored with them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine

from domain.figures import DEFINITIONS, GroupBy, month_period, report
from domain.words.figures import figure_label, figure_value
from reporting import store

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(),
)
TEMPLATES.filters["figure_label"] = figure_label
TEMPLATES.globals["figure_value"] = figure_value


def make(engine: Engine, month: str) -> datetime:
    """Compute, render and store the month's report (made again: replaced)."""
    start, end = month_period(month)
    found = store.rows(engine, start, end)
    now = datetime.now(UTC)
    overall = report(found, start, end, None, now)
    per_operator = report(found, start, end, GroupBy.LOSING_OPERATOR, now)
    html = TEMPLATES.get_template("monthly.html").render(
        month=month,
        start=start.date(),
        end=end.date(),
        made=now.strftime("%Y-%m-%d %H:%M UTC"),
        sections=[("Overall", overall), ("Per losing operator", per_operator)],
        definitions=DEFINITIONS,
    )
    figures = {
        "overall": overall.model_dump(mode="json"),
        "per_losing_operator": per_operator.model_dump(mode="json"),
    }
    return store.save_monthly(engine, month, figures, html)
