"""What a migration costs on Temporal Cloud, by the rules Temporal publishes (read on
2026-12-05: docs.temporal.io/cloud/actions and docs.temporal.io/cloud/pricing, sources
`docs/evaluate/temporal-cloud/actions.mdx` and `pricing.mdx` of temporalio/documentation).

Two counts side by side: the billable actions a history shows, counted by those rules (the
estimate Temporal Cloud's own UI makes from a history), and what the server's own `action`
meter counted while the migration ran (frontend, this namespace), which also sees what no
history holds: queries, rejected updates."""

from __future__ import annotations

import asyncio

import httpx
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory

# Pay-as-you-go list prices: the first 5M actions of a month, and storage per GB-hour.
USD_PER_MILLION_ACTIONS = 50.0
USD_PER_ACTIVE_GBH = 0.042
USD_PER_RETAINED_GBH = 0.00105
# Assumptions for storage, not measured: a migration open two weeks (proposal to cut-over),
# its history kept 30 days after it closes (the namespace's retention).
OPEN_HOURS = 14 * 24
RETAINED_HOURS = 30 * 24
PER = 1000  # migrations priced together
REPORTED_WITHIN_S = 1.2  # measured: a start shows within 0.35–0.71 s (a 1 s flush)

CHANGE_VERSION = "TemporalChangeVersion"  # versioning's own attribute: not billed
ONE_EACH = frozenset(
    {
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,  # a start, or continue-as-new
        EventType.EVENT_TYPE_TIMER_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,  # counted where it lands
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    }
)


def actions_in(history: WorkflowHistory) -> int:
    """Billable actions in one history: a start, each timer, each signal received, each
    update accepted, each activity attempt (a retry is one more), each search-attribute
    upsert (not versioning's), two per child workflow, and the markers of one workflow task
    as one (the rules version markers here)."""
    count = 0
    marker_tasks: set[int] = set()
    for e in history.events:
        kind = e.event_type
        if kind in ONE_EACH:
            count += 1
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            count += e.activity_task_started_event_attributes.attempt
        elif kind == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
            fields = e.upsert_workflow_search_attributes_event_attributes.search_attributes
            count += 0 if set(fields.indexed_fields) <= {CHANGE_VERSION} else 1
        elif kind == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
            count += 2
        elif kind == EventType.EVENT_TYPE_MARKER_RECORDED:
            marker_tasks.add(e.marker_recorded_event_attributes.workflow_task_completed_event_id)
    return count + len(marker_tasks)


async def metered(http: httpx.AsyncClient, metrics_url: str, namespace: str) -> float:
    """The server's `action` meter so far, for the namespace (its frontend's count), once
    what happened before the call is in it: the server reports its counters every second."""
    await asyncio.sleep(REPORTED_WITHIN_S)
    text = (await http.get(metrics_url)).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("action{")
        and f'namespace="{namespace}"' in line
        and 'service_name="frontend"' in line
    )


def usd_per_thousand(actions: float, history_bytes: float) -> dict[str, float]:
    """What PER migrations cost at list price: their actions, and their histories stored
    while open and while retained."""
    gigabytes = history_bytes * PER / 1e9
    return {
        "actions": round(actions * PER * USD_PER_MILLION_ACTIONS / 1e6, 2),
        "storage": round(
            gigabytes * (OPEN_HOURS * USD_PER_ACTIVE_GBH + RETAINED_HOURS * USD_PER_RETAINED_GBH),
            4,
        ),
    }
