"""One durable delivery workflow per event subscription: it takes the events migrations
announce (signal-with-start), sends them to the listener one at a time in the order taken,
retries with backoff, and after the policy's time of failures suspends itself, its events
kept, until the listener is resumed. The listener's secret never enters it: the worker's
activity derives it for each delivery."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.hub import NOT_ALLOWED, Listeners
    from domain.tmf import hub
    from domain.tmf.events import OrderEvent
    from domain.tmf.hub import (
        DELIVERY_WORKFLOW,
        EVENTS_SIGNAL,
        Delivery,
        DeliveryState,
        DeliveryStatus,
    )

RESUME_SIGNAL = "resume"
REMOVE_SIGNAL = "remove"
CALL_TIMEOUT = timedelta(seconds=15)  # one HTTP exchange (10 s) and margin


@workflow.defn(name=DELIVERY_WORKFLOW)
class EventDeliveryWorkflow:
    @workflow.init
    def __init__(self, state: DeliveryState) -> None:
        self._state = state

    @workflow.run
    async def run(self, state: DeliveryState) -> None:
        while True:
            await workflow.wait_condition(self._can_act)
            s = self._state
            if s.removed:
                return
            if self._history_is_long():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(self._state)
            await self._deliver(s.pending[0])

    async def _deliver(self, event: OrderEvent) -> None:
        """One event, retried by the policy; a removal meanwhile stops the trying at once."""
        s = self._state
        policy = s.policy
        sending = workflow.start_activity_method(
            Listeners.deliver,
            Delivery(
                subscription_id=s.subscription.id, callback=s.subscription.callback, event=event
            ),
            start_to_close_timeout=CALL_TIMEOUT,
            schedule_to_close_timeout=timedelta(seconds=policy.suspend_after_s),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=1),
                maximum_interval=timedelta(seconds=policy.retry_max_interval_s),
                non_retryable_error_types=[NOT_ALLOWED],
            ),
            summary=f"Deliver {event.event_id}",
        )
        await workflow.wait_condition(lambda: sending.done() or self._state.removed)
        if not sending.done():
            sending.cancel()
            return
        try:
            await sending
        except ActivityError:
            workflow.logger.warning("listener %s suspended", s.subscription.id)
            self._state = self._state.model_copy(update={"suspended_since": workflow.now()})
            return
        self._state = self._state.model_copy(
            update={"pending": self._state.pending[1:], "delivered": self._state.delivered + 1}
        )

    def _can_act(self) -> bool:
        s = self._state
        ready = bool(s.pending) and s.suspended_since is None
        return s.removed or ready or self._history_is_long()

    def _history_is_long(self) -> bool:
        info = workflow.info()
        limit = self._state.policy.history_limit
        return info.is_continue_as_new_suggested() or info.get_current_history_length() > limit

    @workflow.signal(name=EVENTS_SIGNAL)
    def events(self, announced: list[OrderEvent]) -> None:
        self._state = hub.take(self._state, announced)

    @workflow.signal(name=RESUME_SIGNAL)
    def resume(self) -> None:
        self._state = self._state.model_copy(update={"suspended_since": None})

    @workflow.signal(name=REMOVE_SIGNAL)
    def remove(self) -> None:
        self._state = self._state.model_copy(update={"removed": True})

    @workflow.query
    def status(self) -> DeliveryStatus:
        return hub.status(self._state)
