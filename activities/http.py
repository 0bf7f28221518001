"""How every activity talks HTTP: idempotency key on each call, 4xx final, 5xx retried."""

from __future__ import annotations

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.messages import ExternalCall, Receipt

BUSINESS_REFUSAL = "BusinessRefusal"
UNAVAILABLE = "Unavailable"
# Statuses that say "later", not "no": retried by Temporal like a 5xx.
TRANSIENT_4XX = frozenset({408, 425, 429})


async def post(client: httpx.AsyncClient, path: str, call: ExternalCall) -> Receipt:
    """POST the call's fields; the key travels as a header so systems can dedupe on it."""
    payload = call.model_dump(mode="json", exclude={"idempotency_key"})
    response = await client.post(
        path, json=payload, headers={"Idempotency-Key": call.idempotency_key}
    )
    status = response.status_code
    activity.logger.info(  # ids and status only: the payload carries personal data
        "%s answered %s",
        response.request.url,
        status,
        extra={"fields": {"step": call.idempotency_key, "status": status}},
    )
    if status >= 500 or status in TRANSIENT_4XX:
        raise ApplicationError(f"{client.base_url}{path} answered {status}", type=UNAVAILABLE)
    if status >= 400:
        raise ApplicationError(_reason(response), type=BUSINESS_REFUSAL, non_retryable=True)
    return Receipt(reference=str(response.json().get("reference", "")))


def _reason(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    return str(detail or response.text or f"refused with {response.status_code}")
