"""The escalation ladder: level 1 at breach, one level up per interval, at most level 3."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.models import Party, PromiseStatus
from domain.promises import MAX_LEVEL
from domain.records import Escalation, Promise


def recipients(level: int, owner: Party) -> list[str]:
    """Who hears of a breach at each level: the owning team's lead first, then upwards."""
    ladder = {
        1: [f"team_lead:{owner.value}"],
        2: [f"team_lead:{owner.value}", "operations_manager"],
        3: [f"team_lead:{owner.value}", "operations_manager", "head_of_customer_operations"],
    }
    return ladder[level]


def reached_level(p: Promise, now: datetime, interval: timedelta) -> int:
    if not p.pending or p.paused or now < p.due_at:
        return p.escalation_level
    return min(MAX_LEVEL, 1 + int((now - p.due_at) / interval))


def due_escalations(
    ledger: list[Promise], now: datetime, interval: timedelta
) -> tuple[list[Promise], list[Escalation]]:
    """Every escalation due by `now`, each level exactly once and none skipped.

    A worker that was down past several steps catches up level by level, each escalation
    stamped with the instant it became due.
    """
    updated: list[Promise] = []
    raised: list[Escalation] = []
    for p in ledger:
        target = reached_level(p, now, interval)
        if target <= p.escalation_level:
            updated.append(p)
            continue
        for level in range(p.escalation_level + 1, target + 1):
            raised.append(
                Escalation(
                    promise=p.id,
                    level=level,
                    at=p.due_at + interval * (level - 1),
                    recipients=recipients(level, p.owner),
                    owner=p.owner,
                )
            )
        updated.append(
            p.model_copy(
                update={
                    "escalation_level": target,
                    "status": PromiseStatus.BREACHED,
                    "breached_at": p.breached_at or p.due_at,
                }
            )
        )
    return updated, raised


def incident(promise: str, owner: Party, now: datetime) -> Escalation:
    """An event so serious it goes straight to the top (a customer left without service)."""
    return Escalation(
        promise=promise,
        level=MAX_LEVEL,
        at=now,
        recipients=recipients(MAX_LEVEL, owner),
        owner=owner,
    )


def to_back_office(promise: str, summary: str, now: datetime) -> Escalation:
    """Something only our back office can act on (a switch through the hub that stopped, an
    answer of ours running late): its team lead hears it, in words."""
    owner = Party.GAINING_OPERATOR
    return Escalation(
        promise=promise,
        level=1,
        at=now,
        recipients=recipients(1, owner),
        owner=owner,
        summary=summary,
    )
