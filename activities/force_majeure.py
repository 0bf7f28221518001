"""Carry a declaration of force majeure to the running migrations of its area: found through
Temporal's visibility (the `Area` search attribute), each told by a signal it dedupes on the
declaration's id, so a retried fan-out tells nobody twice in effect."""

from __future__ import annotations

from temporalio import activity
from temporalio.client import Client

from activities.messages import FanOut, FanOutResult
from domain.force_majeure import DECLARE_SIGNAL, REVOKE_SIGNAL


class ForceMajeureFanOut:
    def __init__(self, client: Client) -> None:
        self._client = client

    @activity.defn(name="force_majeure.fan_out")
    async def fan_out(self, job: FanOut) -> FanOutResult:
        d = job.declaration
        signal = REVOKE_SIGNAL if d.revoked_at is not None else DECLARE_SIGNAL
        # The area is a validated code (letters and digits): safe inside the query.
        query = (
            'WorkflowType = "LineMigrationWorkflow" AND ExecutionStatus = "Running" '
            f'AND Area = "{d.area}"'
        )
        told = 0
        async for found in self._client.list_workflows(query):
            await self._client.get_workflow_handle(found.id).signal(signal, d)
            told += 1
        return FanOutResult(signalled=told)
