"""One way to bind an Idempotency-Key to its request, for every write on every edge: the
key, the caller who sent it and a fingerprint of the operation, its target and the canonical
body. The same key and body again get the first answer; the same key with another body is
refused (422) and does nothing.

Where the request lands in a migration, the migration's own ledger of keys decides (a
command carries the key and the fingerprint; its update id makes the server dedupe a retry).
Where there is no ledger to ask (a start, the force-majeure register), the key is first
reserved in Temporal itself by `reserve`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from security.hashing import request_hash
from usecases import temporal
from usecases.errors import Refused
from workflows.key_binding import IdempotencyKeyBinding, KeyBinding

REUSED = "this Idempotency-Key was already used with a different request"


def canonical(value: Any) -> Any:
    """A body as plain JSON types, for fingerprinting a request."""
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


@dataclass(frozen=True)
class Keyed:
    """An Idempotency-Key bound to its caller and to the request it first came with."""

    key: str
    caller: str
    digest: str

    @property
    def scoped(self) -> str:
        """The key as recorded: one caller's key never collides with another's."""
        return f"{self.caller}/{self.key}"

    def update_id(self, operation: str) -> str:
        return f"{operation}:{self.scoped}:{self.digest[:16]}"


def keyed(key: str | None, caller: str, operation: str, target: str, body: Any) -> Keyed | None:
    """The binding of a write's key, or None when the caller sent no key."""
    if key is None:
        return None
    return Keyed(key, caller, fingerprint(caller, operation, target, body))


def fingerprint(caller: str, operation: str, target: str, body: Any) -> str:
    return request_hash(f"{operation}/{target}/{caller}", canonical(body))


def key_reused() -> Refused:
    return Refused(422, "idempotency_key_reused", REUSED)


async def reserve(client: temporal.Client, task_queue: str, bound: Keyed, target: str) -> bool:
    """Reserve the caller's key for this request, or check that it was reserved for this
    very request (the same fingerprint): strongly consistent, across API processes and
    restarts, for the namespace's retention. True the first time, False for a repeat."""
    binding_id = _binding_id(bound)
    how = temporal.Start(
        id=binding_id,
        task_queue=task_queue,
        summary=f"Idempotency-Key of a request to {target}",
        memo={"request_hash": bound.digest},
    )
    binding = KeyBinding(migration_id=target, request_hash=bound.digest)
    if await temporal.start(client, IdempotencyKeyBinding.run, binding, how, once=True):
        return True
    if not await seen(client, bound):
        raise key_reused()  # reserved meanwhile and gone: nothing to compare with
    return False


async def seen(client: temporal.Client, bound: Keyed) -> bool:
    """Whether this very request was reserved before; the key reserved for another
    request is refused."""
    described = await temporal.describe(client, _binding_id(bound))
    if described is None:
        return False
    if await described.memo_value("request_hash", None) != bound.digest:
        raise key_reused()
    return True


def _binding_id(bound: Keyed) -> str:
    return f"idempotency-key-{request_hash('key', bound.scoped)[:40]}"


def derived_id(bound: Keyed | None) -> str | None:
    """An id that a retried request names again: derived from its bound key (None: the
    caller sent no key, so every request is a new one)."""
    return request_hash("id", bound.scoped)[:32] if bound else None
