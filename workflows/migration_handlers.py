"""What a line migration answers: its queries, the updates people send it (each refused by
its validator before anything is written to history) and the signals of the force-majeure
registry. Mixed into `LineMigrationWorkflow`, which holds the state they read and decide on
and sequences what follows; the domain decides, nothing here but dispatch."""

from __future__ import annotations

import asyncio
from abc import abstractmethod
from typing import Any, TypeVar, cast

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.workflow import UpdateMethodMultiParam

with workflow.unsafe.imports_passed_through():
    from domain import force_majeure, lifecycle, views
    from domain.commands import (
        AcknowledgeTicket,
        BookSlot,
        BookVisit,
        ChangeRequestedStart,
        Command,
        Confirm,
        ConfirmLineRelease,
        ConfirmServiceRestored,
        Effect,
        EffectKind,
        OfferSlots,
        OpenTicket,
        ReportServiceLoss,
        ReportVisit,
        Withdraw,
    )
    from domain.facts import Facts, facts_of
    from domain.handlers import slots, visits
    from domain.models import Declaration
    from domain.records import MigrationState, Ticket
    from domain.rules import Rules
    from domain.switching import flow as switching
    from domain.switching.messages import MESSAGE_SIGNAL, HubMessage, Parked
    from domain.tmf.facts import OrderFacts, order_facts
    from domain.tmf.orders import OwnedOrder, owned_order
    from domain.views import AsOf, OfferView, Snapshot
    from workflows import booking, effects

C = TypeVar("C", bound=Command)
WITHDRAWAL_WAITS_FOR_ORDER = "withdrawal-waits-for-order"  # histories before it replay as were


def deciding(
    name: str, command: type[C], *, locked: bool = False
) -> UpdateMethodMultiParam[[Any, C], Snapshot]:
    """An update that decides its command and answers the snapshot, its validator refusing
    first; typed from command to answer like one written out (`handle.execute_update`)."""

    async def update(self: MigrationHandlers, cmd: Command) -> Snapshot:
        if not locked:
            return self._decide(cmd)
        async with self._lock:
            return self._decide(cmd)

    def check(self: MigrationHandlers, cmd: Command) -> None:
        self._check(cmd)

    update.__name__ = update.__qualname__ = name
    check.__name__ = check.__qualname__ = f"_check_{name}"
    # The SDK reads the payload's type from the annotations: the command's own class.
    update.__annotations__ = {"cmd": command, "return": Snapshot}
    check.__annotations__ = {"cmd": command, "return": None}
    handler = workflow.update(name=name)(update)
    handler.validator(check)
    return cast(UpdateMethodMultiParam[[Any, C], Snapshot], handler)


class MigrationHandlers:
    """The handlers of `LineMigrationWorkflow` (see there for the state they share)."""

    _state: MigrationState
    _lock: asyncio.Lock  # serializes handlers that wait on field service
    _order_settled: bool  # the losing operator's order is opened (or refused)

    @abstractmethod
    def _commit(self, state: MigrationState, todo: list[Effect]) -> Snapshot:
        """Take the new state and start its effects (the workflow's)."""

    # --- reads ---------------------------------------------------------------------------

    @workflow.query
    def snapshot(self) -> Snapshot:
        """The whole truth, computed from state: no activity, nothing written to history."""
        return views.snapshot(self._state, workflow.now())

    @workflow.query
    def snapshot_as_of(self, asked: AsOf) -> Snapshot:
        """The whole truth with its figures counted to the reader's clock (never before the
        migration's own last instant): an idle migration's compensation still grows."""
        return views.snapshot(self._state, max(asked.at, workflow.now()))

    @workflow.query
    def facts(self) -> Facts:
        """What the promise-keeping report counts about this migration (a rebuild of the read
        model asks every migration visibility holds, running or closed)."""
        return facts_of(self._state, workflow.now())

    @workflow.query
    def order_facts(self) -> OrderFacts | None:
        """The migration as the product order that placed it, in neutral facts (None: not
        placed so); the edges render TMF622 from them."""
        return order_facts(self._state)

    @workflow.query
    def product_order(self) -> OwnedOrder | None:
        """The order rendered by the migration itself (None: not placed as one). The edges
        render from `order_facts` now; this answers API processes of the release before,
        which ask it while a deployment rolls (remove it in the release after)."""
        return owned_order(self._state)

    # --- updates: each validator refuses before anything is written to history ------------

    # Those that only decide their command (`locked`: after any booking in flight).
    confirm = deciding("confirm", Confirm)
    report_visit = deciding("report_visit", ReportVisit, locked=True)
    report_service_loss = deciding("report_service_loss", ReportServiceLoss)
    confirm_service_restored = deciding("confirm_service_restored", ConfirmServiceRestored)
    confirm_line_release = deciding("confirm_line_release", ConfirmLineRelease)
    change_requested_start = deciding("change_requested_start", ChangeRequestedStart, locked=True)

    @workflow.update
    async def withdraw(self, cmd: Withdraw) -> Snapshot:
        # The order at the losing operator is opened first: a withdrawal arriving with the
        # start must find it on the stack, or it would be left open at the losing operator.
        if workflow.patched(WITHDRAWAL_WAITS_FOR_ORDER):
            await workflow.wait_condition(lambda: self._order_settled)
        async with self._lock:  # a booking in flight finishes first, so its undo is known
            return self._decide(cmd)

    @withdraw.validator
    def _check_withdraw(self, cmd: Withdraw) -> None:
        self._check(cmd)

    @workflow.update
    async def book_visit(self, cmd: BookVisit) -> Snapshot:
        """Book or move the visit; field service must accept before the migration records it."""
        async with self._lock:
            self._check(cmd)
            revision = visits.next_visit_revision(self._state)
            try:
                work_order = await booking.book_visit(self._state, cmd, revision)
            except ActivityError as err:
                raise _no_answer(err) from err
            accepted = cmd.model_copy(update={"work_order_id": work_order})
            return self._decide(accepted)

    @book_visit.validator
    def _check_book_visit(self, cmd: BookVisit) -> None:
        self._check(cmd)

    @workflow.update
    async def offer_slots(self, cmd: OfferSlots) -> OfferView:
        """Ask field service for free slots and record them, as offered (slot rules)."""
        async with self._lock:
            self._check(cmd)
            return await self._offer(cmd)

    @offer_slots.validator
    def _check_offer_slots(self, cmd: OfferSlots) -> None:
        self._check(cmd)

    @workflow.update
    async def book_slot(self, cmd: BookSlot) -> Snapshot:
        """Book or move the visit into a slot of the latest offer: field service holds and
        confirms it first. A slot lost meanwhile is refused with a fresh offer."""
        async with self._lock:
            self._check_slot(cmd)
            offer = self._state.slot_offer
            slot = offer.slot(cmd.slot_id) if offer else None
            assert offer is not None and slot is not None  # refused otherwise
            revision = visits.next_visit_revision(self._state)
            try:
                booked = await booking.reserve_slot(self._state, slot, revision)
            except ActivityError as err:
                if not effects.is_refusal(err):
                    raise _no_answer(err) from err
                fresh = await self._offer(OfferSlots(actor=cmd.actor, count=len(offer.slots)))
                raise ApplicationError(
                    f"the slot {slot.slot_id} is no longer free ({effects.reason(err)}): "
                    "choose one of the fresh slots",
                    fresh.model_dump(mode="json"),
                    type="conflict",
                    non_retryable=True,
                ) from err
            return self._decide(cmd.model_copy(update={"booked": booked}))

    @book_slot.validator
    def _check_book_slot(self, cmd: BookSlot) -> None:
        self._check_slot(cmd)

    @workflow.update
    async def open_ticket(self, cmd: OpenTicket) -> Ticket:
        self._decide(cmd)
        return self._state.tickets[-1]

    @open_ticket.validator
    def _check_open_ticket(self, cmd: OpenTicket) -> None:
        self._check(cmd)

    @workflow.update
    async def acknowledge_ticket(self, cmd: AcknowledgeTicket) -> Ticket:
        self._decide(cmd)
        ticket = self._state.ticket(cmd.ticket_id)
        assert ticket is not None  # the validator refused an unknown ticket
        return ticket

    @acknowledge_ticket.validator
    def _check_acknowledge_ticket(self, cmd: AcknowledgeTicket) -> None:
        self._check(cmd)

    # --- signals: fire-and-forget facts from the force-majeure registry --------------------

    @workflow.signal(name=force_majeure.DECLARE_SIGNAL)
    def declare_force_majeure(self, d: Declaration) -> None:
        """Force majeure in the line's area: its customer clocks stop for the overlap."""
        if Rules(self._state.rules).counts_working_days:
            self._commit(force_majeure.declare(self._state, d, workflow.now()), [])

    @workflow.signal(name=force_majeure.REVOKE_SIGNAL)
    def revoke_force_majeure(self, d: Declaration) -> None:
        if Rules(self._state.rules).counts_working_days:
            self._commit(force_majeure.revoke(self._state, d.declaration_id, workflow.now()), [])

    # --- the One Touch Switch hub: messages the letterbox took for this migration -------

    @workflow.signal(name=MESSAGE_SIGNAL)
    def hub_message(self, msg: HubMessage) -> None:
        """An answer (or the hub's delivery failure) to a request this migration sent; a
        duplicate changes nothing, one that answers nothing of ours goes to supervisors."""
        received = switching.receive(self._state, msg, workflow.now())
        todo = list(received.decision.effects)
        if received.unmatched is not None:
            parked = Parked(message=msg, reason=received.unmatched)
            todo.append(
                Effect(
                    kind=EffectKind.PARK_HUB_MESSAGE,
                    step=f"park-{msg.dedupe_key}",
                    message=parked.model_dump(mode="json"),
                )
            )
        if received.decision.state is not self._state or todo:
            self._commit(received.decision.state, todo)

    # --- deciding ----------------------------------------------------------------------

    def _decide(self, cmd: Command) -> Snapshot:
        self._check(cmd)  # again: the state may have moved while this handler waited
        decision = lifecycle.apply(self._state, cmd, workflow.now())
        return self._commit(decision.state, decision.effects)

    def _check(self, cmd: Command) -> None:
        refusal = lifecycle.refusal(self._state, cmd)
        if refusal is not None:
            raise ApplicationError(refusal.reason, type=refusal.kind.value, non_retryable=True)

    def _check_slot(self, cmd: BookSlot) -> None:
        """The command's own refusal, then whether the customer may still move it himself."""
        self._check(cmd)
        late = slots.too_late_to_move(self._state, cmd.actor, workflow.now())
        if late is not None:
            raise ApplicationError(late.reason, type=late.kind.value, non_retryable=True)

    async def _offer(self, cmd: OfferSlots) -> OfferView:
        try:
            found = await booking.search_slots(self._state, cmd.count, workflow.now())
        except ActivityError as err:
            raise _no_answer(err, "offer slots") from err
        self._decide(cmd.model_copy(update={"slots": found.slots}))
        offer = views.offer_view(self._state)
        assert offer is not None  # just recorded
        return offer


def _no_answer(err: ActivityError, what: str = "book the visit") -> ApplicationError:
    """Field service refused or never answered: the person asking gets a 409 in words."""
    return ApplicationError(
        f"field service did not {what}: {effects.reason(err)}",
        type="conflict",
        non_retryable=True,
    )
