"""How an outgoing switch (or a hub request it answers) carries out what it decides: which
activity, with which key, retried until the system is back."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.messages import (
        CeaseOrder,
        CustomerMessage,
        EscalationNotice,
        FinalBill,
        HubPost,
        Receipt,
    )
    from activities.notifications import Notifications
    from activities.ots_hub import OtsHub
    from activities.payments import Payments
    from activities.subscribers import SubscriberSystem
    from domain.records import Escalation
    from domain.switching.outgoing import Act, Outgoing
    from domain.words import switching as switch_words
    from workflows.effects import CALL_TIMEOUT, ESCALATION_RETRY, RETRY, with_key


def key_of(switch_id: str, chain_id: str, step: str) -> str:
    return f"{switch_id}/{chain_id}/{step}"


async def send(switch_id: str, key: str, message: dict[str, object]) -> Receipt:
    return await workflow.execute_activity_method(
        OtsHub.send,
        HubPost(migration_id=switch_id, idempotency_key=key, message=dict(message)),
        start_to_close_timeout=CALL_TIMEOUT,
        retry_policy=RETRY,
        summary=with_key(switch_words.activity_summary(dict(message)), key),
    )


async def escalate(switch_id: str, key: str, e: Escalation, stage: str) -> Receipt:
    return await workflow.execute_activity_method(
        Notifications.escalate,
        EscalationNotice(
            migration_id=switch_id,
            idempotency_key=key,
            promise=e.promise,
            level=e.level,
            owner=e.owner.value,
            recipients=e.recipients,
            due_at=e.at,
            stage=stage,
            summary=e.summary,
        ),
        start_to_close_timeout=CALL_TIMEOUT,
        retry_policy=ESCALATION_RETRY,
        summary=with_key(e.summary, key),
    )


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
            return await escalate(sid, key, act.escalation, state.status)
        case "notify":
            message = CustomerMessage(
                migration_id=sid,
                idempotency_key=key,
                kind=f"switch-{act.step}",
                phone=who.mobile or "",
                email=who.email,
                text=act.text or "",
            )
            call = workflow.execute_activity_method(
                Notifications.notify_customer,
                message,
                start_to_close_timeout=CALL_TIMEOUT,
                retry_policy=RETRY,
                summary=with_key(f"Tell the customer ({act.step})", key),
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
            call = workflow.execute_activity_method(
                SubscriberSystem.cease,
                order,
                start_to_close_timeout=CALL_TIMEOUT,
                retry_policy=RETRY,
                summary=with_key(
                    f"Cease {', '.join(act.services)} on {act.until} at the subscriber system", key
                ),
            )
        case "bill":
            assert act.until is not None
            bill = FinalBill(
                migration_id=sid, idempotency_key=key, account=who.account, until=act.until
            )
            call = workflow.execute_activity_method(
                Payments.final_bill,
                bill,
                start_to_close_timeout=CALL_TIMEOUT,
                retry_policy=RETRY,
                summary=with_key(f"Final bill up to {act.until}", key),
            )
    return await call


MATCH_ESCALATION_AFTER = timedelta(seconds=60)
