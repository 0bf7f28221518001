"""The report's charts, drawn on the server as PNG (the console's content security policy
forbids inline styles and it runs no JavaScript). Matplotlib is imported when a chart is
drawn, never when the API starts."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from domain.figures import ChartData

SIZE = (6.4, 3.6)  # inches at 100 dpi: a 640-pixel image, readable on a phone when scaled


def histogram(data: ChartData, axes: Any) -> None:
    axes.hist(data.activation_hours or [0], bins=20, color="#1f5fbf")
    axes.set_title("Time to activation (hours from confirmation)")
    axes.set_xlabel("hours")
    axes.set_ylabel("migrations")


def promises(data: ChartData, axes: Any) -> None:
    kinds = sorted({*data.kept_by_kind, *data.broken_by_kind})
    at = range(len(kinds))
    axes.bar(
        [x - 0.2 for x in at],
        [data.kept_by_kind.get(k, 0) for k in kinds],
        0.4,
        label="kept",
        color="#1e6b3a",
    )
    axes.bar(
        [x + 0.2 for x in at],
        [data.broken_by_kind.get(k, 0) for k in kinds],
        0.4,
        label="broken",
        color="#b3261e",
    )
    axes.set_xticks(list(at), [k.replace("_", " ") for k in kinds], rotation=30, ha="right")
    axes.set_title("Promises kept and broken, per kind")
    axes.legend()


def compensation(data: ChartData, axes: Any) -> None:
    months = list(data.compensation_by_month)
    currencies = sorted({c for v in data.compensation_by_month.values() for c in v})
    width = 0.8 / max(len(currencies), 1)
    for i, currency in enumerate(currencies):
        amounts = [data.compensation_by_month[m].get(currency, 0) / 100 for m in months]
        axes.bar([x + i * width for x in range(len(months))], amounts, width, label=currency)
    axes.set_xticks([x + 0.4 - width / 2 for x in range(len(months))], months)
    axes.set_title("Compensation accrued, per month of closing")
    if currencies:
        axes.legend()


CHARTS: dict[str, Callable[[ChartData, Any], None]] = {
    "activation": histogram,
    "promises": promises,
    "compensation": compensation,
}


def png(name: str, data: ChartData) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=SIZE, dpi=100)
    try:
        CHARTS[name](data, axes)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        pyplot.close(figure)
