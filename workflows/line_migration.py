"""One durable workflow per line migration: proposal, confirmation, visit, cut-over.

It owns the customer end to end: every promised window is a durable timer (one at a time,
aimed at the ledger's next due instant), every breach climbs the escalation ladder by itself,
and every side effect happens once, in the order make-before-break demands. The rules live in
`domain/`; this class only sequences them against Temporal.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from domain import calendar as calendars
    from domain import force_majeure, lifecycle, views
    from domain.commands import (
        Effect,
        EffectKind,
        Outcome,
        StartMigration,
    )
    from domain.editing import UNDO_EFFECTS
    from domain.facts import Facts, changes, facts_of
    from domain.records import MigrationState
    from domain.rules import Rules
    from domain.switching import flow as switching
    from domain.tmf import events as order_events
    from domain.views import Snapshot
    from domain.words import staff
    from workflows import effects, versions
    from workflows.migration_handlers import MigrationHandlers
    from workflows.visibility import Visibility

UNDO_KINDS = frozenset(UNDO_EFFECTS.values())  # the saga's compensations


@workflow.defn
class LineMigrationWorkflow(MigrationHandlers):
    @workflow.init
    def __init__(self, start: StartMigration) -> None:
        info = workflow.info()
        self._state = start.state or lifecycle.propose(
            info.workflow_id,
            info.first_execution_run_id,
            start.line_key,
            start.sales_agent,
            start.request,
            workflow.now(),
            rules=versions.rules(),
            force_majeure=start.force_majeure,
        )
        self._lock = asyncio.Lock()  # serializes handlers that wait on field service
        self._in_flight = 0
        self._order_settled = False  # the losing operator's order is opened (or refused)
        self._bug: Exception | None = None  # raised by an effect task: must fail the task
        self._learning_holidays = False  # a calendar.extend is in flight
        self._visibility = Visibility(start.state, versions.published_keys())
        # The stage whose facts the read model has (a continued run's were written before).
        self._reported = self._state.stage if start.state is not None else None
        self._facts_written: Facts | None = None  # what this run wrote (rules 10)
        self._facts_waiting = False  # a write is queued and will take the newest state
        # The latest background step (facts to the read model, an order's events to its
        # listeners): each awaits the one before, so nothing lands out of order.
        self._background: asyncio.Task[None] | None = None

    @workflow.run
    async def run(self, start: StartMigration) -> Outcome:
        if start.state is None:
            await self._check_force_majeure(start)
        if start.state is None and self._state.switch is None:  # through the hub: a match
            async with self._lock:
                await self._open_order()
        self._order_settled = True
        while not (lifecycle.is_closed(self._state) and self._in_flight == 0):
            self._surface_bug()
            self._learn_holidays_ahead()
            self._advance_switch()
            self._apply_escalations()
            self._publish()
            if self._history_is_long():
                await self._continue_as_new()
            await self._sleep_until_something_changes()
        await workflow.wait_condition(workflow.all_handlers_finished)
        self._surface_bug()
        self._publish()
        if Rules(self._state.rules).raises_order_events and self._background is not None:
            await self._background  # an order's last events are announced before it ends
            self._surface_bug()
        rules = Rules(self._state.rules)
        if rules.writes_changed_facts_only:  # closed: its final facts, if any changed
            await self._write_changed_facts()
        elif rules.writes_facts:
            await effects.record_facts(self._state, workflow.now())
        s = self._state
        return Outcome(
            migration_id=s.migration_id,
            stage=s.stage,
            reason=s.outcome_reason,
            compensation=views.snapshot(s, workflow.now()).compensation,
        )

    # --- internals -------------------------------------------------------------------------

    def _commit(self, state: MigrationState, todo: list[Effect]) -> Snapshot:
        self._state = state
        self._start(todo)
        self._advance_switch()
        self._publish()
        return views.snapshot(self._state, workflow.now())

    async def _check_force_majeure(self, start: StartMigration) -> None:
        """A start whose copy of the register was too old when it began (held up by retries)
        asks the register itself before anything else: the registry's second pass may have
        listed before it started."""
        area = self._state.request.line.area
        began = workflow.info().workflow_start_time
        if area is None or not force_majeure.copy_too_old(start.force_majeure_read_at, began):
            return
        register = await effects.register_of_area(area)
        self._state = force_majeure.catch_up(self._state, register, workflow.now())

    async def _open_order(self) -> None:
        """Validate line and code at the losing operator; a refusal fails with no other effect."""
        try:
            receipt = await effects.open_order(self._state)
        except ActivityError as err:
            if not effects.is_refusal(err):
                raise
            reason = f"the losing operator refused the migration: {effects.reason(err)}"
            self._state = lifecycle.line_rejected(self._state, workflow.now(), reason)
            return
        self._state = lifecycle.line_validated(self._state, workflow.now(), receipt.reference)

    def _learn_holidays_ahead(self) -> None:
        """Well before a due time could be counted on days whose holidays the calendar does
        not know, an activity resolves the next years, in the background: the look-ahead
        (180 days) is twice the longest window, and nothing waits for it, escalations least
        of all (calendar rules only)."""
        calendar = self._state.request.calendar
        if (
            calendar is None
            or not Rules(self._state.rules).counts_working_days
            or self._learning_holidays
        ):
            return
        years = calendars.years_to_add(calendar, workflow.now())
        if years is None:
            return
        self._learning_holidays = True
        self._in_flight += 1
        asyncio.create_task(self._learn_holidays(years))

    async def _learn_holidays(self, years: tuple[int, int]) -> None:
        try:
            found = await effects.more_holidays(self._state, years)
            calendar = self._state.request.calendar
            assert calendar is not None
            learnt = calendars.with_more_years(calendar, years, found.dates, found.source)
            self._state = lifecycle.with_calendar(self._state, learnt)
        except Exception as err:  # a bug, not an outage (the activity retries until done)
            self._bug = err
        finally:
            self._learning_holidays = False
            self._in_flight -= 1

    def _advance_switch(self) -> None:
        """Through the hub, the one message the switch owes now, if any (before the ladder:
        a silent match is sent once more before it escalates)."""
        if self._state.switch is None:
            return
        decision = switching.advance(self._state, workflow.now())
        if decision.effects:
            self._state = decision.state
            self._start(decision.effects)

    def _apply_escalations(self) -> None:
        """Breaches, escalations and early warnings due by now (a warning has no effect but
        changes the state, so the timer is re-aimed past it)."""
        decision = lifecycle.escalate(self._state, workflow.now())
        self._state = decision.state
        self._start(decision.effects)

    def _start(self, todo: list[Effect]) -> None:
        """Run effects in the background: a failing system never delays an escalation."""
        if todo:
            self._in_flight += 1
            asyncio.create_task(self._carry_out(todo))

    async def _carry_out(self, todo: list[Effect]) -> None:
        try:
            for undo in (e for e in todo if e.kind in UNDO_KINDS):  # the saga, in stack order
                await self._attempt(undo)
            await asyncio.gather(*(self._attempt(e) for e in todo if e.kind not in UNDO_KINDS))
        except Exception as err:  # a bug, not an external failure: never drop the effect
            self._bug = err
        finally:
            self._in_flight -= 1

    def _surface_bug(self) -> None:
        """Fail the workflow task (it retries, replaying) rather than lose a side effect."""
        if self._bug is not None:
            raise RuntimeError("a side effect failed with a bug; retrying the task") from self._bug

    async def _attempt(self, effect: Effect) -> None:
        try:
            receipt = await effects.carry_out(self._state, effect)
            self._state = lifecycle.effect_done(
                self._state, effect, workflow.now(), receipt.reference
            )
        except ActivityError as err:
            if effect.kind is EffectKind.SEND_TO_HUB:  # the hub refused it: people must act
                refused = switching.not_sent(
                    self._state, effect.step, effects.reason(err), workflow.now()
                )
                self._state = refused.state
                self._start(refused.effects)
                return
            self._state = lifecycle.effect_failed(
                self._state, workflow.now(), effect.kind.value, effects.reason(err)
            )

    async def _sleep_until_something_changes(self) -> None:
        """One durable timer, aimed at the ledger's next due instant (or early warning),
        re-aimed on any change."""
        due = views.next_wake(self._state)
        seen = [self._state, due]  # the wake-up is derived once per new state, not per check

        def changed() -> bool:
            if self._state is not seen[0]:
                seen[:] = [self._state, views.next_wake(self._state)]
            finished = lifecycle.is_closed(self._state) and self._in_flight == 0
            return finished or seen[1] != due or self._history_is_long()

        timeout = None if due is None else due - workflow.now()
        if timeout is not None and timeout <= timedelta(0):
            return
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                changed, timeout=timeout, timeout_summary=staff.timer_summary(self._state, due)
            )

    def _publish(self) -> None:
        self._visibility.publish(self._state)
        self._report_milestone()
        self._tell_order_listeners()

    def _report_milestone(self) -> None:
        """A new stage is a milestone: its facts go to the read model in the background (rules
        10: one write waiting at most, which takes the newest state when its turn comes)."""
        state = self._state
        rules = Rules(state.rules)
        if not rules.writes_facts or state.stage is self._reported:
            return
        self._reported = state.stage
        if not rules.writes_changed_facts_only:
            self._in_background(lambda: effects.record_facts(state, workflow.now()))
        elif not self._facts_waiting:
            self._facts_waiting = True
            self._in_background(self._write_changed_facts)

    async def _write_changed_facts(self) -> None:
        """The facts as they stand now, carrying only the tables that changed since this run's
        last write; no write at all when no figure changed."""
        self._facts_waiting = False
        now = facts_of(self._state, workflow.now())
        change = changes(self._facts_written, now)
        if change is None:
            return
        await effects.write_facts(change, self._state.stage)
        self._facts_written = now

    def _tell_order_listeners(self) -> None:
        """A product order's state, milestones or alerts changed: the migration numbers the
        events it owes and hands them to the order's CRM's listeners (rules 7)."""
        if not Rules(self._state.rules).raises_order_events:
            return
        self._state, raised = order_events.raise_events(self._state, workflow.now())
        if raised:
            self._in_background(lambda: effects.announce_order_events(raised))

    def _in_background(self, step: Callable[[], Awaitable[None]]) -> None:
        self._in_flight += 1
        self._background = asyncio.create_task(self._after(self._background, step))

    async def _after(
        self, previous: asyncio.Task[None] | None, step: Callable[[], Awaitable[None]]
    ) -> None:
        """One step after another, so an older fact or event never lands after a newer."""
        try:
            if previous is not None:
                await previous
            await step()
        except Exception as err:  # a bug, not an outage (the activity retries until done)
            self._bug = err
        finally:
            self._in_flight -= 1

    def _history_is_long(self) -> bool:
        info = workflow.info()
        limit = self._state.request.policy.continue_as_new_after_events
        return info.is_continue_as_new_suggested() or info.get_current_history_length() > limit

    async def _continue_as_new(self) -> None:
        """Carry the whole state (ledger included) into a fresh run once nothing is in flight."""
        await workflow.wait_condition(
            lambda: workflow.all_handlers_finished() and self._in_flight == 0
        )
        s = self._state
        workflow.continue_as_new(
            StartMigration(
                line_key=s.line_key, sales_agent=s.sales_agent, request=s.request, state=s
            )
        )
