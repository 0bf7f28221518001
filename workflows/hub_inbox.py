"""The hub's messages that answer no request of ours: kept, newest first, where supervisors
see them (console and API), never dropped. One long-lived workflow takes them by signal
(with start), each once, and carries the latest into a fresh run when its history grows."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.switching.messages import PARK_SIGNAL, Parked

KEPT = 1000  # the newest this many; an older one is in the history of an earlier run
RUN_FOR = 2000  # signals per run before it continues as new


@workflow.defn(name="UnmatchedHubMessages")
class UnmatchedHubMessages:
    @workflow.init
    def __init__(self, carried: list[Parked] | None) -> None:
        self._parked: list[Parked] = list(carried or [])
        self._taken = 0

    @workflow.run
    async def run(self, carried: list[Parked] | None) -> None:
        await workflow.wait_condition(
            lambda: self._taken >= RUN_FOR or workflow.info().is_continue_as_new_suggested()
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(self._parked)

    @workflow.signal(name=PARK_SIGNAL)
    def park(self, parked: Parked) -> None:
        """Keep one message (a duplicate delivery is kept once)."""
        key = parked.message.dedupe_key
        self._taken += 1
        if any(p.message.dedupe_key == key for p in self._parked):
            return
        stamped = parked.model_copy(update={"at": parked.at or workflow.now()})
        self._parked = [stamped, *self._parked][:KEPT]

    @workflow.query
    def parked(self) -> list[Parked]:
        return self._parked
