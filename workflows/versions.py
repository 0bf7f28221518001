"""What this run of a migration knows, from the patches its history carries.

Migrations started before a patch keep behaving as they did, so that their histories replay:
the rules they decide by, and the search attributes they publish.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.rules import (
        CALENDAR_RULES,
        CHANGED_FACTS_RULES,
        CUSTOMER_NOTICE_RULES,
        LEGACY_RULES,
        NEUTRAL_ORDER_RULES,
        ORDER_EVENT_RULES,
        RAINY_DAY_RULES,
        REPORTING_RULES,
        SLOT_RULES,
        SWITCHING_RULES,
    )
    from workflows import search_attributes as sa

# Newest first: facts written when they change, and only what changed; lines switched through the One Touch Switch hub; a product order as neutral facts; a product order's events (TM Forum); facts for the report's read model; visits booked from field service's capacity; windows on the migration's
# calendar; messages when a promise to the customer breaks; rebooking and reinstatement.
RULES_PATCHES = (
    ("changed-facts", CHANGED_FACTS_RULES),
    ("one-touch-switch", SWITCHING_RULES),
    ("neutral-orders", NEUTRAL_ORDER_RULES),
    ("order-events", ORDER_EVENT_RULES),
    ("reporting-facts", REPORTING_RULES),
    ("slot-appointments", SLOT_RULES),
    ("promise-calendars", CALENDAR_RULES),
    ("customer-notices", CUSTOMER_NOTICE_RULES),
    ("rainy-day-rules", RAINY_DAY_RULES),
)


def rules() -> int:
    """The newest rules this run's history knows (a new run: the newest of all)."""
    return next((r for patch, r in RULES_PATCHES if workflow.patched(patch)), LEGACY_RULES)


def published_keys() -> tuple[sa.Key, ...]:
    """Every search attribute, but those added by a patch this run does not know."""
    return tuple(k for k in sa.ALL if k not in sa.LATER_KEYS or workflow.patched(sa.LATER_KEYS[k]))
