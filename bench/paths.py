"""Drive migrations through the API along each lifecycle path, and read their cost from
the real histories."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHistory

from bench import roster
from bench.bill import actions_in
from tests.e2e.client import auth, book, technician_of

T = TypeVar("T")
TWO_CALLS = frozenset({"field_service.reserve_slot"})
SHORT: dict[str, Any] = {"service_restoration": 2, "ticket_ack": 2, "escalation_interval": 1}


async def post(api: httpx.AsyncClient, path: str, body: dict[str, Any], role: str) -> Any:
    r = await api.post(path, json=body, headers=auth(role))
    r.raise_for_status()
    return r.json()


async def scheduled(api: httpx.AsyncClient) -> tuple[str, str]:
    """A new migration, confirmed, with a visit booked from the slots offered; and the token
    of the technician field service assigned."""
    mid = (await post(api, "/migrations", roster.body(), "sales"))["migration_id"]
    await post(api, f"/migrations/{mid}/confirmation", {"channel": "phone"}, "sales")
    return str(mid), technician_of(await book(api, mid))


async def happy_path(api: httpx.AsyncClient, client: Client) -> str:
    mid, technician = await scheduled(api)
    await post(api, f"/migrations/{mid}/visit", {"outcome": "activated"}, technician)
    await client.get_workflow_handle(mid).result()  # the gateway's release callback ends it
    return str(mid)


async def seed_story(api: httpx.AsyncClient, client: Client) -> str:
    """Service loss, escalations, a ticket, a visit booked days ahead and moved earlier."""
    mid = (await post(api, "/migrations", roster.body(**SHORT), "sales"))["migration_id"]
    await post(api, f"/migrations/{mid}/confirmation", {"channel": "phone"}, "sales")
    await post(api, f"/migrations/{mid}/service-loss", {"reported_via": "gateway"}, "operator")
    await post(api, f"/migrations/{mid}/tickets", {"channel": "twitter", "summary": "dead"}, "care")
    await asyncio.sleep(5)  # restoration and ticket promises climb to level 3
    offered = await post(api, f"/migrations/{mid}/slot-offers", {"count": 6}, "dispatch")
    later, sooner = offered["slots"][-1], offered["slots"][0]
    await post(api, f"/migrations/{mid}/appointment", {"slot_id": later["slot_id"]}, "dispatch")
    moved = await post(
        api, f"/migrations/{mid}/appointment", {"slot_id": sooner["slot_id"]}, "dispatch"
    )
    technician = technician_of(moved)
    await post(api, f"/migrations/{mid}/tickets/T1/acknowledgement", {}, technician)
    await post(api, f"/migrations/{mid}/visit", {"outcome": "activated"}, technician)
    await client.get_workflow_handle(mid).result()
    return str(mid)


async def withdrawal(api: httpx.AsyncClient, client: Client) -> str:
    mid, _ = await scheduled(api)
    await post(api, f"/migrations/{mid}/withdrawal", {"reason": "changed mind"}, "care")
    await client.get_workflow_handle(mid).result()
    return str(mid)


PATHS = {"happy_path": happy_path, "seed_story": seed_story, "withdrawal": withdrawal}


def cost(history: WorkflowHistory) -> dict[str, int]:
    events = history.events
    kinds = [e.event_type for e in events]
    return {
        "events": len(events),
        "workflow_tasks": kinds.count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
        "history_bytes": sum(e.ByteSize() for e in events),
        "activities": kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
        "payloads": sum(payloads_in(e) for e in events),
        "actions": actions_in(history),
    }


def payloads_in(message: Message) -> int:
    """The payloads a message holds (inputs, results, update arguments, summaries, search
    attributes): each one a worker encodes or decodes through the data converter and codec,
    and, in the sandbox, through a serialization-context lookup."""
    if isinstance(message, Payload):
        return 1
    found = 0
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            values = list(value.values())
        elif field.is_repeated:
            values = list(value)
        else:
            values = [value]
        found += sum(payloads_in(v) for v in values if isinstance(v, Message))
    return found


def plan_of(history: WorkflowHistory) -> str:
    """The same activities and updates, in the same order, with nothing else: the minimum."""
    marks = {
        EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: "a",
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: "u",
    }
    return "".join(
        "a" * _calls(e)
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        else marks[e.event_type]
        for e in history.events
        if e.event_type in marks
    )


def _calls(event: HistoryEvent) -> int:
    """HTTP calls one of our activities makes: booking a slot holds it, then confirms it,
    so the baseline makes both calls too."""
    kind = event.activity_task_scheduled_event_attributes.activity_type.name
    return 2 if kind in TWO_CALLS else 1


async def in_parallel(n: int, concurrency: int, job: Callable[[], Awaitable[T]]) -> list[T]:
    """Run `job` n times with at most `concurrency` at once, as that many clients would."""
    left = list(range(n))
    made: list[T] = []

    async def client() -> None:
        while left:
            left.pop()
            made.append(await job())

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return made


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def seconds_between(later: str | datetime, earlier: str | datetime) -> float:
    def parse(t: str | datetime) -> datetime:
        return t if isinstance(t, datetime) else datetime.fromisoformat(t.replace("Z", "+00:00"))

    return (parse(later) - parse(earlier)) / timedelta(seconds=1)


def now() -> datetime:
    return datetime.now(UTC)
