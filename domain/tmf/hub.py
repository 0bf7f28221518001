"""Event subscriptions (TMF630's hub): which events a listener asked for, where it may be
called, and what its delivery workflow carries from run to run."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from pydantic import Field

from domain.models import Model
from domain.tmf.events import OrderEvent
from domain.tmf.models import EVENT_TYPES

# Orders whose newest sequence a listener remembers: repeats older than that many orders
# are left to the listener's own dedupe on `eventId` (delivery is at least once).
REMEMBERED_ORDERS = 5000
# The activities of event delivery, by name (announcing talks to Temporal: it lives in the
# application layer, which workflows never import); the signal the announcement sends.
ANNOUNCE_ACTIVITY = "hub.announce"
EVENTS_SIGNAL = "events"
DELIVERY_WORKFLOW = "EventDeliveryWorkflow"
QUERY = re.compile(r"^eventType=([A-Za-z]+(?:,[A-Za-z]+)*)$")


class Subscription(Model):
    id: str
    crm: str
    callback: str
    query: str | None
    event_types: list[str]  # empty: every event type


class DeliveryPolicy(Model):
    """How hard a listener is tried before it is suspended (its events kept)."""

    suspend_after_s: float
    retry_max_interval_s: float
    # Events in one run's history before it continues as new, its queue carried over.
    history_limit: int = 2000


class Delivery(Model):
    """One event to one listener (the secret is derived by the worker, never carried)."""

    subscription_id: str
    callback: str
    event: OrderEvent


class DeliveryState(Model):
    """A delivery workflow's memory, carried over continue-as-new."""

    subscription: Subscription
    policy: DeliveryPolicy
    pending: list[OrderEvent] = Field(default_factory=list)
    last_sequence: dict[str, int] = Field(default_factory=dict)  # per order: the newest taken
    delivered: int = 0
    suspended_since: datetime | None = None
    removed: bool = False


class DeliveryStatus(Model):
    suspended: bool
    suspended_since: datetime | None
    pending: int
    delivered: int


def event_types(query: str | None) -> list[str]:
    """The event types a subscription's query names; TMF's `eventType=A,B` only (our
    listeners filter on nothing else). Raises ValueError in words."""
    if not query:
        return []
    match = QUERY.match(query)
    if match is None:
        raise ValueError("only a filter on event types is supported: eventType=A or eventType=A,B")
    names = match.group(1).split(",")
    unknown = [n for n in names if n not in EVENT_TYPES]
    if unknown:
        raise ValueError(f"unknown event type {unknown[0]} (known: {', '.join(EVENT_TYPES)})")
    return names


def callback_refusal(callback: str, allowed_hosts: list[str]) -> str | None:
    """Why this callback may not be called (None: it may): http(s) to an allowed host only,
    so a subscription can never make the worker call anywhere else."""
    try:
        parts = urlsplit(callback)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return "is not a URL"
    if parts.scheme not in ("http", "https") or not host:
        return "must be an http or https URL"
    if parts.username or parts.password:
        return "may not carry credentials"
    if host.lower() not in {h.lower() for h in allowed_hosts}:
        return f"host {host} is not on the callback allow-list"
    return None


def wants(subscription: Subscription, event: OrderEvent) -> bool:
    return event.crm == subscription.crm and (
        not subscription.event_types or event.event_type in subscription.event_types
    )


def take(state: DeliveryState, events: list[OrderEvent]) -> DeliveryState:
    """Queue the events this listener wants and has not taken yet: a repeat (an announcement
    retried) or an older event of an order is dropped, so each is sent once, in order."""
    pending = list(state.pending)
    last = dict(state.last_sequence)
    for e in events:
        if wants(state.subscription, e) and e.sequence > last.get(e.order_id, 0):
            pending.append(e)
            last.pop(e.order_id, None)  # newest last: the oldest order is forgotten first
            last[e.order_id] = e.sequence
    while len(last) > REMEMBERED_ORDERS:
        del last[next(iter(last))]
    return state.model_copy(update={"pending": pending, "last_sequence": last})


def status(state: DeliveryState) -> DeliveryStatus:
    return DeliveryStatus(
        suspended=state.suspended_since is not None,
        suspended_since=state.suspended_since,
        pending=len(state.pending),
        delivered=state.delivered,
    )
