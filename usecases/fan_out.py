"""The worker's activities that talk to Temporal itself, so they belong to the application
layer: carrying a force-majeure declaration to the running migrations of its area,
handing a product order's events to its CRM's listeners, and keeping a hub message nobody
asked for where supervisors see it. Each finds its targets in
visibility and tells each by a signal the target dedupes, so a retried activity tells
nobody twice in effect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from activities.messages import FanOut, FanOutResult
from domain.force_majeure import (
    DECLARE_SIGNAL,
    FAN_OUT_ACTIVITY,
    REGISTER_ACTIVITY,
    REVOKE_SIGNAL,
)
from domain.models import Declaration
from domain.switching.messages import PARK_ACTIVITY, Parked
from domain.switching.outgoing import OpenAsk, Opening
from domain.tmf import hub
from domain.tmf.events import OrderEvent
from domain.tmf.hub import (
    ANNOUNCE_ACTIVITY,
    EVENTS_SIGNAL,
    DeliveryPolicy,
    DeliveryState,
    Subscription,
)
from usecases import force_majeure, switching, temporal
from usecases import visibility as v
from usecases.listeners import subscriptions_query
from workflows import search_attributes as sa
from workflows.event_delivery import EventDeliveryWorkflow
from workflows.hub_request import CLOSED_ACTIVITY, OPEN_ACTIVITY

MIGRATION = "LineMigrationWorkflow"


class FanOuts:
    def __init__(self, client: temporal.Client, task_queue: str, secret: str) -> None:
        self._client = client
        self._task_queue = task_queue
        self._secret = secret  # keys a leaving customer's account into his switch's id

    def activities(self) -> list[Callable[..., Any]]:
        """Every activity here, for the worker to register."""
        return [
            self.force_majeure,
            self.register_of_area,
            self.announce,
            self.park,
            self.open_outgoing,
            self.closed_answer,
        ]

    @activity.defn(name=FAN_OUT_ACTIVITY)
    async def force_majeure(self, job: FanOut) -> FanOutResult:
        """Signal the declaration (or its revocation) to every running migration of its
        area (started since `since`, if given); each migration ignores one it already has."""
        d = job.declaration
        signal = REVOKE_SIGNAL if d.revoked_at is not None else DECLARE_SIGNAL
        started = [v.where(v.START_TIME, job.since, ">=")] if job.since is not None else []
        query = v.workflows_of(MIGRATION, v.where(sa.AREA, d.area), *started, running=True)
        found = await temporal.listed(self._client, query)
        for migration in found:
            await temporal.signal(self._client, migration.id, signal, d)
        return FanOutResult(signalled=len(found))

    @activity.defn(name=REGISTER_ACTIVITY)
    async def register_of_area(self, area: str) -> list[Declaration]:
        """The register of one area as it is now, for a migration whose copy was too old."""
        return force_majeure.of_area(await force_majeure.register(self._client), area)

    @activity.defn(name=ANNOUNCE_ACTIVITY)
    async def announce(self, events: list[OrderEvent]) -> int:
        """Signal-with-start each live subscription of the order's CRM with the events it
        wants; a subscription removed meanwhile is not started again (its id is never
        reused). Retried whole: each listener takes an event once (by order and sequence)."""
        told = 0
        for found in await temporal.listed(self._client, subscriptions_query(events[0].crm)):
            memo = await found.memo()
            subscription = Subscription.model_validate(memo["subscription"])
            wanted = [e for e in events if hub.wants(subscription, e)]
            if not wanted:
                continue
            start = DeliveryState(
                subscription=subscription, policy=DeliveryPolicy.model_validate(memo["policy"])
            )
            how = temporal.Start(
                id=found.id, task_queue=self._task_queue, summary="Events of a CRM's orders"
            )
            signal = (EVENTS_SIGNAL, wanted)
            if await temporal.start(
                self._client, EventDeliveryWorkflow.run, start, how, once=True, signal=signal
            ):
                told += 1
        return told

    @activity.defn(name=PARK_ACTIVITY)
    async def park(self, parked: Parked) -> None:
        """A hub message a migration took that answers nothing it sent: to the supervisors'
        list (kept once, however often this is retried)."""
        await switching.park(self._client, self._task_queue, parked)

    @activity.defn(name=OPEN_ACTIVITY)
    async def open_outgoing(self, ask: OpenAsk) -> Opening:
        """A match made: open the customer's switch (or find his open one: 1111)."""
        return await switching.open_outgoing(self._client, self._task_queue, self._secret, ask)

    @activity.defn(name=CLOSED_ACTIVITY)
    async def closed_answer(self, reference: str) -> str:
        """What the switch that held a reference says of it now (empty: nothing)."""
        return await switching.reference_status(self._client, reference) or ""
