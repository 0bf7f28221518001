"""What the outside world sees of a running migration without asking it: search attributes
(only those that changed), the Web UI's current details, and the product counters."""

from __future__ import annotations

from collections import Counter

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import counters, views
    from domain.records import MigrationState
    from domain.rules import Rules
    from domain.tmf.facts import ORDER_DATES_MEMO, order_dates, order_facts
    from workflows import search_attributes as sa


class Visibility:
    def __init__(self, carried: MigrationState | None, keys: tuple[sa.Key, ...]) -> None:
        self._keys = keys
        self._details = ""
        self._published: dict[str, sa.SearchValue] = {
            pair.key.name: pair.value for pair in workflow.info().typed_search_attributes
        }
        # What earlier runs already counted: a continued run adds only what grows after it.
        self._counted = counters.counts(carried) if carried else Counter()
        self._order_dates = workflow.memo_value(ORDER_DATES_MEMO, None)

    def publish(self, state: MigrationState) -> None:
        """Upsert only the search attributes that changed, and the Web UI's current details."""
        self._count(state)
        values = sa.current(state)
        updates = [
            key.value_set(values[key.name]) if values[key.name] is not None else key.value_unset()
            for key in self._keys
            if values[key.name] != self._published.get(key.name)
        ]
        if updates:
            workflow.upsert_search_attributes(updates)
            self._published = values
        self._remember_order_dates(state)
        details = views.current_details(state)
        if details != self._details:  # metadata only: nothing in history, but not free
            workflow.set_current_details(details)
            self._details = details

    def _remember_order_dates(self, state: MigrationState) -> None:
        """A product order's changing dates, in the memo a CRM's list reads (rules 8)."""
        facts = order_facts(state) if Rules(state.rules).renders_orders_at_the_edge else None
        if facts is None:
            return
        dates = order_dates(facts)
        if dates != self._order_dates:
            workflow.upsert_memo({ORDER_DATES_MEMO: dates})
            self._order_dates = dates

    def _count(self, state: MigrationState) -> None:
        """Add to the product counters what grew since last time (the SDK skips replays)."""
        now = counters.counts(state)
        meter = workflow.metric_meter()
        for (name, labels), n in counters.growth(self._counted, now).items():
            meter.create_counter(name, counters.DESCRIPTIONS[name]).add(n, dict(labels))
            if name == counters.ESCALATIONS:
                workflow.logger.warning("%s escalation(s) at level %s", n, dict(labels)["level"])
        self._counted = now
