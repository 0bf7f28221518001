"""An Idempotency-Key bound to the first request that used it, in Temporal itself.

A start request with a key first starts this workflow under an id derived from the caller
and the key, rejecting duplicates: the id is reserved for the namespace's retention period,
strongly consistent across API restarts and any number of API processes. Its memo holds the
request's fingerprint, so the same key with another body is refused before anything starts.
The workflow only returns its input.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.models import Model


class KeyBinding(Model):
    migration_id: str
    request_hash: str


@workflow.defn
class IdempotencyKeyBinding:
    @workflow.run
    async def run(self, binding: KeyBinding) -> KeyBinding:
        return binding
