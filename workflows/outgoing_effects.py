"""How an outgoing switch (or a hub request it answers) carries out what it decides: which
activity, with which key, retried until the system is back."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.messages import CeaseOrder, CustomerMessage, FinalBill, HubPost, Receipt
    from activities.notifications import Notifications
    from activities.ots_hub import OtsHub
    from activities.payments import Payments
    from activities.subscribers import SubscriberSystem
    from domain.switching.outgoing import Act, Outgoing
    from domain.words import switching as switch_words
    from workflows.effects import call, escalate


def key_of(switch_id: str, chain_id: str, step: str) -> str:
    return f"{switch_id}/{chain_id}/{step}"


async def send(switch_id: str, key: str, message: dict[str, Any]) -> Receipt:
    post = HubPost(migration_id=switch_id, idempotency_key=key, message=message)
    return await call(OtsHub.send, post, switch_words.activity_summary(message))


async def perform(state: Outgoing, act: Act) -> Receipt:
    """The one activity for this act of the switch."""
    sid = state.switch_id
    key = key_of(sid, state.chain_id, act.step)
    who = state.subscriber
    match act.kind:
        case "send":
            assert act.message is not None
            return await send(sid, key, act.message)
        case "escalate":
            assert act.escalation is not None
            return await escalate(sid, state.status, key, act.escalation)
        case "notify":
            message = CustomerMessage(
                migration_id=sid,
                idempotency_key=key,
                kind=f"switch-{act.step}",
                phone=who.mobile or "",
                email=who.email,
                text=act.text or "",
            )
            return await call(
                Notifications.notify_customer, message, f"Tell the customer ({act.step})"
            )
        case "cease":
            assert act.until is not None
            order = CeaseOrder(
                migration_id=sid,
                idempotency_key=key,
                account=who.account,
                services=act.services,
                on=act.until,
            )
            services = ", ".join(act.services)
            return await call(
                SubscriberSystem.cease,
                order,
                f"Cease {services} on {act.until} at the subscriber system",
            )
        case "bill":
            assert act.until is not None
            bill = FinalBill(
                migration_id=sid, idempotency_key=key, account=who.account, until=act.until
            )
            return await call(Payments.final_bill, bill, f"Final bill up to {act.until}")
