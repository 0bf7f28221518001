"""The customer's own status link: the migration behind a valid, live link and what he may
read of it; what he does there (reports a problem, asks for times, books his visit) runs as
the same commands staff use, with the customer as the actor."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

from domain.commands import Command
from domain.models import CUSTOMER_ROLE, Actor
from domain.words.status_page import StatusView, view
from security.status_links import expired, fingerprint
from settings import Settings
from usecases import temporal
from usecases.actions import Update, run
from usecases.errors import Refused
from usecases.idempotency import keyed
from usecases.links import status_links
from usecases.scope import snapshot

CUSTOMER = Actor(subject="customer", role=CUSTOMER_ROLE)
C = TypeVar("C", bound=Command)
R = TypeVar("R")


async def open_link(
    client: temporal.Client, settings: Settings, token: str
) -> tuple[str, StatusView] | None:
    """The migration behind a valid, live link, and its view; None for anything else (a
    tampered, unknown or expired link says nothing more)."""
    opened = status_links(settings).open(token)
    if opened is None:
        return None
    migration_id, chain_id = opened
    try:
        described = await temporal.describe(client, migration_id)
        snap = await snapshot(client, migration_id)
    except Refused:
        return None
    if described is None:
        return None
    now = datetime.now(UTC)
    closed = described.status is not temporal.Status.RUNNING
    if snap.chain_id != chain_id or expired(described.close_time if closed else None, now):
        return None
    return migration_id, view(snap, now)


async def act(
    client: temporal.Client,
    token: str,
    migration_id: str,
    method: Update[C, R],
    cmd: C,
    operation: str,
    key: str,
    body: object,
) -> Refused | None:
    """Run the customer's command, keyed by the form it came from (the same form sent twice
    does nothing twice); the refusal, if any, for the page to say in his words."""
    bound = keyed(key or None, f"customer-{fingerprint(token)}", operation, migration_id, body)
    try:
        await run(client, migration_id, method, cmd, operation, bound)
    except Refused as refused:
        return refused
    return None
