"""TOTSCo's hub, from our side: a token from its token endpoint (cached until shortly before
it expires, renewed once when refused), the letterbox we post our messages to, and the
directory of providers. The credentials and tokens are never logged, recorded or answered."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.http import BUSINESS_REFUSAL, UNAVAILABLE
from activities.messages import HubPost, Receipt
from schemas import ots_problems

RENEW_BEFORE_S = 60.0  # a token is renewed this long before it expires


class HubRefused(Exception):
    """The hub said no for good (a malformed message, our credentials): no retry helps."""


class HubUnavailable(Exception):
    """The hub did not answer, or answered "later": the same message is sent again."""


class HubClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        hub_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
    ) -> None:
        self._http = http
        self._hub = hub_url.rstrip("/")
        self._token_url = token_url
        self._credentials = (client_id, client_secret)
        self._token: tuple[str, float] | None = None  # and when to renew it (monotonic)
        self._renewing = asyncio.Lock()

    async def post(self, message: dict[str, Any]) -> None:
        """Post one message; 202 is taken. A refused token is renewed once."""
        for attempt in (1, 2):
            token = await self._bearer(renew=attempt == 2)
            response = await self._call(
                "POST",
                f"{self._hub}/letterbox/v1/post",
                json=message,
                headers={"Authorization": f"Bearer {token}"},
            )
            if response.status_code != 401:
                break
        status = response.status_code
        if status == 401:
            raise HubRefused("the hub refused our credentials (401) after a new token")
        if status >= 500 or status in (408, 429):
            raise HubUnavailable(f"the hub's letterbox answered {status}")
        if status >= 400:
            raise HubRefused(f"the hub refused the message ({status}): {_said(response)}")

    async def directory(self) -> list[dict[str, Any]]:
        """Every provider listed at the hub, with its processes' status (the answer is
        `{"list": [{"listType": "RCPID", "identity": [{"id", "name", "processSupport"}]}]}`)."""
        for attempt in (1, 2):
            token = await self._bearer(renew=attempt == 2)
            response = await self._call(
                "GET",
                f"{self._hub}/directory/v1/entry",
                params={"listType": "RCPID", "identity": "all"},
                headers={"Authorization": f"Bearer {token}"},
            )
            if response.status_code != 401:
                break
        if response.status_code >= 400:
            raise HubUnavailable(f"the hub's directory answered {response.status_code}")
        listed = response.json().get("list", [])
        return [e for found in listed for e in found.get("identity", [])]

    async def _bearer(self, renew: bool) -> str:
        async with self._renewing:
            if self._token is not None and not renew and time.monotonic() < self._token[1]:
                return self._token[0]
            response = await self._call(
                "POST",
                self._token_url,
                data={"grant_type": "client_credentials"},
                auth=self._credentials,
            )
            if response.status_code in (400, 401, 403):
                raise HubRefused(
                    f"the hub's token endpoint refused our credentials ({response.status_code})"
                )
            if response.status_code >= 300:
                raise HubUnavailable(f"the hub's token endpoint answered {response.status_code}")
            answer = response.json()
            lifetime = float(answer.get("expires_in", 0))
            self._token = (
                str(answer["access_token"]),
                time.monotonic() + lifetime - RENEW_BEFORE_S,
            )
            return self._token[0]

    async def _call(self, method: str, url: str, **options: Any) -> httpx.Response:
        try:
            return await self._http.request(method, url, **options)
        except httpx.TransportError as err:
            raise HubUnavailable(f"the hub is unreachable: {type(err).__name__}") from err


def _said(response: httpx.Response) -> str:
    try:
        answer = response.json()
    except ValueError:
        return response.text[:200]
    return f"{answer.get('errorText', '')} ({answer.get('errorCode', '?')})"


class OtsHub:
    """The one activity that posts our One Touch Switch messages."""

    def __init__(self, hub: HubClient) -> None:
        self._hub = hub

    @activity.defn(name="ots.send")
    async def send(self, post: HubPost) -> Receipt:
        """Check the message against its schema, then post it; retried while the hub is
        down (the same correlation id: the hub and the losing provider dedupe on it)."""
        problems = ots_problems(post.message)
        if problems:
            raise ApplicationError(
                f"our message breaks its schema: {'; '.join(problems)}",
                type=BUSINESS_REFUSAL,
                non_retryable=True,
            )
        try:
            await self._hub.post(post.message)
        except HubRefused as err:
            raise ApplicationError(str(err), type=BUSINESS_REFUSAL, non_retryable=True) from err
        except HubUnavailable as err:
            raise ApplicationError(str(err), type=UNAVAILABLE) from err
        activity.logger.info(
            "posted %s",
            post.message["envelope"]["routingID"],
            extra={"fields": {"step": post.idempotency_key}},
        )
        return Receipt(reference=post.message["envelope"]["source"]["correlationID"])
