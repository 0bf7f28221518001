"""How every activity talks HTTP: idempotency key on each call, 4xx final, 5xx retried."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.messages import ExternalCall, Receipt

BUSINESS_REFUSAL = "BusinessRefusal"
UNAVAILABLE = "Unavailable"
# Statuses that say "later", not "no": retried by Temporal like a 5xx.
TRANSIENT_4XX = frozenset({408, 425, 429})


async def post(client: httpx.AsyncClient, path: str, call: ExternalCall) -> Receipt:
    """POST the call's fields; the key travels as a header so systems can dedupe on it."""
    answer = await post_json(client, path, call)
    return Receipt(reference=str(answer.get("reference", "")))


async def post_json(
    client: httpx.AsyncClient, path: str, call: BaseModel, **extra: Any
) -> dict[str, Any]:
    """POST a call (an effect, keyed; or a read) and give back the system's whole answer."""
    key = call.idempotency_key if isinstance(call, ExternalCall) else None
    payload = {**call.model_dump(mode="json", exclude={"idempotency_key"}), **extra}
    headers = {"Idempotency-Key": key} if key else {}
    response = await client.post(path, json=payload, headers=headers)
    status = response.status_code
    activity.logger.info(  # ids and status only: the payload carries personal data
        "%s answered %s",
        response.request.url,
        status,
        extra={"fields": {"step": key or path, "status": status}},
    )
    if status >= 500 or status in TRANSIENT_4XX:
        raise ApplicationError(f"{client.base_url}{path} answered {status}", type=UNAVAILABLE)
    if status >= 400:
        raise ApplicationError(_reason(response), type=BUSINESS_REFUSAL, non_retryable=True)
    answer: dict[str, Any] = response.json()
    return answer


def _reason(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    return str(detail or response.text or f"refused with {response.status_code}")
