"""One workflow per request the hub brings us as the losing provider that no open switch
takes: a match (the subscriber system searched, the matcher's verdict, the customer's switch
opened, or the fault code answered), or a request naming a reference no running switch
holds (answered x01, or x02, x04, x05 from the switch that held it). Its id comes from the
sender and its correlation id: the same request delivered twice is taken once."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.messages import SubscriberSearch
    from activities.subscribers import SubscriberSystem
    from domain import escalation
    from domain.switching import matching, outgoing
    from domain.switching.ids import correlation_id
    from domain.switching.messages import ROUTINGS
    from domain.switching.outgoing import HubRequest, OpenAsk, Opening
    from domain.switching.record import Step
    from workflows import outgoing_effects as effects
    from workflows.effects import CALL_TIMEOUT, RETRY, escalate

OPEN_ACTIVITY = "switching.open_outgoing"
CLOSED_ACTIVITY = "switching.closed_answer"


def request_id(source: str, correlation: str | None) -> str:
    """The workflow id of a request: the same request again finds the same workflow."""
    digest = hashlib.sha256(f"{source}/{correlation}".encode()).hexdigest()[:24]
    return f"hub-request-{digest}"


@workflow.defn(name="HubRequestWorkflow")
class HubRequestWorkflow:
    @workflow.run
    async def run(self, job: HubRequest) -> str:
        msg = job.message
        step = ROUTINGS[msg.routing_id][0]
        code = await self._match(job) if step is Step.MATCH else await self._closed(job, step)
        if code is None:
            return "opened"
        info = workflow.info()
        key = info.workflow_id.removeprefix("hub-request-")
        correlation = correlation_id(key, info.first_execution_run_id, "answer")
        message = outgoing.failure(job.our_rcpid, msg, code, correlation)
        await effects.send(info.workflow_id, f"{info.workflow_id}/answer", message)
        return code

    async def _match(self, job: HubRequest) -> str | None:
        payload = job.message.payload
        given_address, given_services = payload.get("address"), payload.get("services")
        address: dict[str, Any] = given_address if isinstance(given_address, dict) else {}
        services: list[Any] = given_services if isinstance(given_services, list) else []
        asked = SubscriberSearch(
            uprn=address.get("uprn") or None,
            post_code=address.get("postCode") or None,
            account=payload.get("account") or None,
            numbers=[
                str(s["serviceIdentifier"])
                for s in services
                if isinstance(s, dict) and s.get("serviceIdentifier")
            ],
        )
        search = asyncio.ensure_future(
            workflow.execute_activity_method(
                SubscriberSystem.search,
                asked,
                start_to_close_timeout=CALL_TIMEOUT,
                retry_policy=RETRY,
                summary="Search our subscribers for the customer a gaining provider names",
            )
        )
        due = job.received_at + outgoing.MATCH_ANSWER
        try:
            await workflow.wait_condition(
                search.done, timeout=max(due - workflow.now(), timedelta(0))
            )
        except TimeoutError:  # the subscriber system is slow: our answer will be late
            await self._late(job)
        found = matching.match(payload, await search)
        if isinstance(found, str):
            return found
        ask = OpenAsk(
            request=job.message, matched=found, received_at=job.received_at, our_rcpid=job.our_rcpid
        )
        opening: Opening = await workflow.execute_activity(
            OPEN_ACTIVITY,
            ask,
            result_type=Opening,
            start_to_close_timeout=CALL_TIMEOUT,
            retry_policy=RETRY,
            summary=f"Open the switch of account {found.subscriber.account}",
        )
        return "1111" if opening.in_progress else None

    async def _closed(self, job: HubRequest, step: Step) -> str:
        reference = str(job.message.payload.get("switchOrderReference") or "")
        status: str | None = await workflow.execute_activity(
            CLOSED_ACTIVITY,
            reference,
            result_type=str,
            start_to_close_timeout=CALL_TIMEOUT,
            retry_policy=RETRY,
            summary="What the switch that held this reference says of it",
        )
        return outgoing.closed_code(step, status or None)

    async def _late(self, job: HubRequest) -> None:
        summary = "level 1: our answer to a match is late: the subscriber system has not answered"
        notice = escalation.to_back_office("answer_match", summary, workflow.now())
        sid = workflow.info().workflow_id
        await escalate(sid, "matching", f"{sid}/late", notice)
