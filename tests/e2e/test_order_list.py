"""A CRM's list of its orders is read from visibility alone: one list and one count per page,
whatever its size, and no migration is asked; each listed order names the same order, with
the same dates, as the order itself."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

from temporalio.client import (
    CountWorkflowsInput,
    DescribeWorkflowInput,
    Interceptor,
    ListWorkflowsInput,
    OutboundInterceptor,
    QueryWorkflowInput,
    WorkflowExecutionAsyncIterator,
    WorkflowExecutionCount,
    WorkflowExecutionDescription,
)

from connection import connect
from settings import Settings
from stack import Stack
from tests.e2e.client import OTHER_CRM, SHOWS_WITHIN_S, TMF, auth, order_body
from tests.inprocess import inprocess_api


class Calls(Interceptor):
    """Counts what the API asks Temporal."""

    def __init__(self) -> None:
        self.made: Counter[str] = Counter()

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        return _Counting(next, self.made)


class _Counting(OutboundInterceptor):
    def __init__(self, next: OutboundInterceptor, made: Counter[str]) -> None:
        super().__init__(next)
        self._made = made

    def list_workflows(self, input: ListWorkflowsInput) -> WorkflowExecutionAsyncIterator:
        self._made["list"] += 1
        return super().list_workflows(input)

    async def count_workflows(self, input: CountWorkflowsInput) -> WorkflowExecutionCount:
        self._made["count"] += 1
        return await super().count_workflows(input)

    async def query_workflow(self, input: QueryWorkflowInput) -> Any:
        self._made["query"] += 1
        return await super().query_workflow(input)

    async def describe_workflow(self, input: DescribeWorkflowInput) -> WorkflowExecutionDescription:
        self._made["describe"] += 1
        return await super().describe_workflow(input)


async def test_a_crms_list_is_one_visibility_call_per_page(stack: Stack) -> None:
    calls = Calls()
    client = await connect(Settings(temporal_address=stack.temporal_address), interceptors=[calls])
    async with inprocess_api(client, temporal_address=stack.temporal_address) as api:
        placed = []
        for _ in range(3):
            r = await api.post(f"{TMF}/productOrder", json=order_body(), headers=auth(OTHER_CRM))
            assert r.status_code == 201, r.text
            placed.append(r.json())
        deadline = time.monotonic() + SHOWS_WITHIN_S
        while True:  # visibility shows a start a moment later
            r = await api.get(f"{TMF}/productOrder", params={"limit": 100}, headers=auth(OTHER_CRM))
            if {o["id"] for o in placed} <= {o["id"] for o in r.json()}:
                break
            assert time.monotonic() < deadline, r.text
            await asyncio.sleep(0.2)
        listed = {o["id"]: o for o in r.json()}
        for order in placed:  # the same order, the same dates, as the order itself
            shown = listed[order["id"]]
            for field in ("href", "externalId", "state", "orderDate", "productOrderItem"):
                assert field in shown, field
            assert shown["orderDate"] == order["orderDate"]
            assert shown["externalId"] == order["externalId"]
            assert shown["relatedParty"][0]["id"] == order["relatedParty"][0]["id"]
        for params in ({"limit": 1}, {"limit": 2, "offset": 1}, {"limit": 100}):
            calls.made.clear()
            r = await api.get(f"{TMF}/productOrder", params=params, headers=auth(OTHER_CRM))
            assert r.status_code == 200, r.text
            assert len(r.json()) == min(
                params["limit"], int(r.headers["X-Total-Count"]) - params.get("offset", 0)
            )
            assert calls.made == Counter({"list": 1, "count": 1}), (params, calls.made)
        # The dates that change (the day asked for, a cancellation) follow in the list.
        moved, cancelled, rest = placed
        r = await api.patch(
            f"{TMF}/productOrder/{moved['id']}",
            content='{"requestedStartDate": "2030-01-15T00:00:00Z"}',
            headers={**auth(OTHER_CRM), "Content-Type": "application/merge-patch+json"},
        )
        assert r.status_code == 200, r.text
        task = {"productOrder": {"id": cancelled["id"]}, "cancellationReason": "test done"}
        r = await api.post(f"{TMF}/cancelProductOrder", json=task, headers=auth(OTHER_CRM))
        assert r.status_code == 201 and r.json()["state"] == "done", r.text
        for order, field in ((moved, "requestedStartDate"), (cancelled, "cancellationDate")):
            itself = await api.get(f"{TMF}/productOrder/{order['id']}", headers=auth(OTHER_CRM))
            deadline = time.monotonic() + SHOWS_WITHIN_S
            while True:
                r = await api.get(
                    f"{TMF}/productOrder", params={"limit": 100}, headers=auth(OTHER_CRM)
                )
                shown = next(o for o in r.json() if o["id"] == order["id"])
                if shown.get(field) == itself.json()[field]:
                    break
                assert time.monotonic() < deadline, (field, shown, itself.json())
                await asyncio.sleep(0.2)
        for order in (moved, rest):
            mid = order["productOrderItem"][0]["product"]["id"]
            r = await api.post(
                f"/migrations/{mid}/withdrawal", json={"reason": "test done"}, headers=auth("sales")
            )
            assert r.status_code == 200, r.text
