"""One durable workflow per customer switching away from us (we are the losing provider),
from the match that opens it to a trigger, a cancellation or a lapse. Its id comes from the
customer's account (keyed), and every reference it gives carries it: a request names the
switch it is for, and a second switch for the same customer while one is open is refused
(1111). The rules are `domain/switching/outgoing.py`; this sequences them."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.switching import outgoing
    from domain.switching.messages import MESSAGE_SIGNAL, ROUTINGS, HubMessage
    from domain.switching.outgoing import Act, Open, Opening, Outgoing, OutgoingView
    from domain.switching.record import Step
    from workflows import outgoing_effects as effects
    from workflows import search_attributes as sa


class OutgoingStart(outgoing.Model):
    key: str


@workflow.defn(name="OutgoingSwitchWorkflow")
class OutgoingSwitchWorkflow:
    @workflow.init
    def __init__(self, start: OutgoingStart) -> None:
        self._key = start.key
        self._state: Outgoing | None = None
        self._in_flight = 0
        self._bug: Exception | None = None
        self._shown: dict[str, object] | None = None

    @workflow.run
    async def run(self, start: OutgoingStart) -> str:
        await workflow.wait_condition(lambda: self._state is not None)
        await self._confirm_the_match()
        while True:
            if self._bug is not None:
                raise RuntimeError("an act of the switch failed with a bug") from self._bug
            state = self._current()
            now = workflow.now()
            if state.status not in outgoing.FINAL and now >= outgoing.lapses_at(state):
                self._state = outgoing.lapse(state, now)
            self._state, acts = outgoing.escalate(self._current(), now)
            self._carry_out(acts)
            self._publish()
            if outgoing.is_over(self._current()) and self._in_flight == 0:
                break
            await self._sleep()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._current().status

    @workflow.update
    async def open_switch(self, o: Open) -> Opening:
        """A match for this customer: opens the switch, or finds one open (1111). The same
        match delivered again gets the same references."""
        if self._state is None:
            info = workflow.info()
            self._state = outgoing.opened(
                o, info.workflow_id, self._key, info.first_execution_run_id, workflow.now()
            )
            self._publish()
        state = self._current()
        if state.match.dedupe_key != o.request.dedupe_key:
            return Opening(in_progress=True)
        return Opening(references=[r.reference for r in state.references])

    @workflow.signal(name=MESSAGE_SIGNAL)
    def hub_message(self, msg: HubMessage) -> None:
        """An order, update, trigger or cancellation naming one of our references."""
        if self._state is None or ROUTINGS.get(msg.routing_id, (Step.MATCH, ""))[0] is Step.MATCH:
            return
        self._state, acts = outgoing.request(self._state, msg, workflow.now())
        self._carry_out(acts)
        self._publish()

    @workflow.query
    def snapshot(self) -> OutgoingView | None:
        return outgoing.view(self._state, workflow.now()) if self._state else None

    @workflow.query
    def reference_status(self, reference: str) -> str | None:
        """A closed switch still answers for its references (lapsed, triggered, cancelled)."""
        state = self._state
        ref = state.ref(reference) if state else None
        if state is None or ref is None:
            return None
        return "lapsed" if state.status == "lapsed" else ref.status

    # --- internals -------------------------------------------------------------------------

    def _current(self) -> Outgoing:
        assert self._state is not None
        return self._state

    async def _confirm_the_match(self) -> None:
        """Tell the customer what switching means, then confirm the match saying how."""
        state = self._current()
        text, ways = outgoing.implications(state)
        await effects.perform(state, Act(kind="notify", step="implications", text=text))
        self._state, act = outgoing.confirmation(self._current(), ways, workflow.now())
        await self._do(act)

    def _carry_out(self, acts: list[Act]) -> None:
        """In the background and in order (a trigger: cease, bill, tell, then confirm)."""
        if acts:
            self._in_flight += 1
            asyncio.create_task(self._in_order(acts))

    async def _in_order(self, acts: list[Act]) -> None:
        try:
            for act in acts:
                await self._do(act)
        except Exception as err:  # a bug: the activities retry until done
            self._bug = err
        finally:
            self._in_flight -= 1

    async def _do(self, act: Act) -> None:
        await effects.perform(self._current(), act)
        if act.kind == "send" and act.message is not None:
            step = ROUTINGS[act.message["envelope"]["routingID"]][0]
            self._state = outgoing.answered(self._current(), step, workflow.now())
            self._publish()

    async def _sleep(self) -> None:
        state = self._current()
        wake = outgoing.next_wake(state)
        timeout = None if wake is None else max(wake - workflow.now(), timedelta(0))
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: (
                    self._state is not state
                    or (outgoing.is_over(self._current()) and self._in_flight == 0)
                ),
                timeout=timeout,
                timeout_summary="the next answer due, or the references lapsing",
            )

    def _publish(self) -> None:
        """The status as a search attribute, the list's facts in the memo: on change only."""
        state = self._current()
        shown = outgoing.listing(state)
        if shown == self._shown:
            return
        if self._shown is None or shown["status"] != self._shown["status"]:
            workflow.upsert_search_attributes([sa.OUTGOING_SWITCH.value_set(state.status)])
        workflow.upsert_memo({"switch": shown})
        self._shown = shown
