"""The One Touch Switch hub's side of the application: our token endpoint's tokens, the
letterbox that hands each message to the migration it answers (or to the supervisors' list
of messages nobody asked for), the hub's directory checked before a British migration
starts, and what that start records for the losing provider to match."""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
import time
from datetime import UTC, datetime
from typing import Any, NoReturn

import httpx
from pydantic import BaseModel

from activities.ots_hub import HubClient, HubRefused, HubUnavailable
from domain.switching import ids
from domain.switching.messages import (
    MESSAGE_SIGNAL,
    PARK_SIGNAL,
    REQUEST,
    ROUTINGS,
    UNMATCHED_WORKFLOW_ID,
    HubMessage,
    Parked,
)
from domain.switching.outgoing import HubRequest, Open, OpenAsk, Opening, OutgoingView
from domain.switching.record import Step
from domain.switching.request import HubAddress, SwitchRequest, Voice
from schemas import ots_problems
from security import hashing
from settings import Settings
from usecases import calendars, jurisdictions, temporal
from usecases import visibility as v
from usecases.errors import Refused, in_conflict, not_found, unavailable
from usecases.proposal import AddressIn, CalendarIn, MigrationIn
from workflows import search_attributes as sa
from workflows.hub_inbox import UnmatchedHubMessages
from workflows.hub_request import HubRequestWorkflow, request_id
from workflows.outgoing_switch import OutgoingStart, OutgoingSwitchWorkflow

TOKEN_LIFETIME_S = 3600
HANDED_OVER_WITHIN_S = 2.5  # the hub wants our 202 within 3 s: else a 503, and it resends
RCPID = re.compile(r"^[B-Z][A-Z]{3}$")
OTS = "ots"
OUTGOING_PREFIX = "switch-out-"
LIST_SIZE = 100


class TokenRefused(Exception):
    """Our token endpoint's refusal, in OAuth's words as the hub expects them."""

    def __init__(self, code: int, description: str, status: int = 401) -> None:
        super().__init__(description)
        message = "Invalid Credentials" if code == 900901 else "Missing Credentials"
        self.status = status
        self.body = {"code": code, "message": message, "description": description}


class LetterboxRefusal(Exception):
    """A message our letterbox cannot take: answered 400 with the hub's error code."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code, self.text = code, text


# --- our token endpoint -------------------------------------------------------------------


def issue_token(
    settings: Settings, authorization: str | None, form: dict[str, str]
) -> dict[str, Any]:
    """Client credentials, as HTTP Basic or as form fields, never both; the hub's only."""
    if form.get("grant_type") != "client_credentials":
        raise TokenRefused(900902, "grant_type must be client_credentials", status=400)
    basic = _basic(authorization)
    in_form = form.get("client_id") is not None or form.get("client_secret") is not None
    if basic is not None and in_form:
        raise TokenRefused(900902, "credentials sent both as HTTP Basic and as form fields")
    client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
    if not client_id or not secret:
        raise TokenRefused(900902, "no client credentials were sent")
    expected = settings.ots_hub_client_secret.get_secret_value()
    if client_id != settings.ots_hub_client_id or not hashing.same(secret, expected):
        raise TokenRefused(900901, "the client id or secret is not the hub's")
    expiry = int(time.time()) + TOKEN_LIFETIME_S
    token = hashing.seal(_token_key(settings), f"ots:{client_id}:{expiry}".encode())
    return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_S}


def bearer_ok(settings: Settings, authorization: str | None) -> bool:
    """A token our endpoint gave, not yet expired."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    opened = hashing.unseal(_token_key(settings), token.strip())
    if opened is None:
        return False
    prefix, _, expiry = opened.decode(errors="replace").rpartition(":")
    return (
        prefix == f"ots:{settings.ots_hub_client_id}"
        and expiry.isdigit()
        and int(expiry) > time.time()
    )


UNAUTHORISED = {
    "code": 900901,
    "message": "Invalid Credentials",
    "description": "a Bearer token from this API's /oauth2/token is required",
}


def _token_key(settings: Settings) -> str:
    return f"{settings.api_secret.get_secret_value()}/ots-tokens"


def _basic(authorization: str | None) -> tuple[str, str] | None:
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ("", "")
    return user, password


# --- the letterbox ------------------------------------------------------------------------


async def deliver(client: temporal.Client, settings: Settings, body: Any) -> None:
    """Check a posted message and hand it durably to Temporal: to the migration whose
    request it answers (its correlation id carries the line's key), else to the
    supervisors' list. Returns once Temporal has it; a Refused 503 when it cannot take it."""
    problems = ots_problems(body)
    if problems:
        code = 9012 if problems[0].startswith("envelope.routingID") else 9006
        raise LetterboxRefusal(code, "; ".join(problems[:5]))
    msg = HubMessage.of(body)
    if msg.destination != settings.ots_rcpid:
        raise LetterboxRefusal(9003, f"destination {msg.destination} is not {settings.ots_rcpid}")
    try:
        async with asyncio.timeout(HANDED_OVER_WITHIN_S):
            await _hand_over(client, settings, msg)
    except TimeoutError as err:
        raise unavailable("Temporal did not take the message in time: send it again") from err


async def _hand_over(client: temporal.Client, settings: Settings, msg: HubMessage) -> None:
    if msg.routing_id.endswith(REQUEST):
        await _take_request(client, settings, msg)
        return
    line_key = ids.line_key_of(msg.destination_correlation or "")
    if line_key is None:
        await park(
            client,
            settings.task_queue,
            Parked(message=msg, reason="its correlation id is none of ours"),
        )
        return
    try:
        await temporal.signal(client, f"mig-{line_key}", MESSAGE_SIGNAL, msg)
    except Refused as refused:
        if refused.status != 404:
            raise
        reason = "no running migration of ours sent the message it answers"
        await park(client, settings.task_queue, Parked(message=msg, reason=reason))


async def _take_request(client: temporal.Client, settings: Settings, msg: HubMessage) -> None:
    """We are the losing provider: a request naming one of our references goes to the
    customer's open switch; a match, or a reference no running switch holds, to a workflow
    of its own (keyed by the request: delivered twice, taken once)."""
    step = ROUTINGS[msg.routing_id][0]
    key = ids.line_key_of(str(msg.payload.get("switchOrderReference") or ""))
    if step is not Step.MATCH and key is not None:
        try:
            await temporal.signal(client, f"{OUTGOING_PREFIX}{key}", MESSAGE_SIGNAL, msg)
            return
        except Refused as refused:
            if refused.status != 404:
                raise
    job = HubRequest(message=msg, received_at=datetime.now(UTC), our_rcpid=settings.ots_rcpid)
    how = temporal.Start(
        id=request_id(msg.source, msg.source_correlation),
        task_queue=settings.task_queue,
        summary=f"{msg.routing_id} from {msg.source}",
    )
    await temporal.start(client, HubRequestWorkflow.run, job, how, once=True)


async def open_outgoing(
    client: temporal.Client, task_queue: str, secret: str, ask: OpenAsk
) -> Opening:
    """Open the customer's switch away from us (one per customer while it is open: its id
    keyed from his account), on the GB calendar its answer times count on."""
    key = hashing.line_key(secret, f"switch/{ask.matched.subscriber.account}")
    calendar = calendars.resolve(CalendarIn(country="GB"), datetime.now(UTC).date())
    opened = Open(
        request=ask.request,
        matched=ask.matched,
        received_at=ask.received_at,
        our_rcpid=ask.our_rcpid,
        calendar=calendar,
    )
    how = temporal.Start(
        id=f"{OUTGOING_PREFIX}{key}",
        task_queue=task_queue,
        summary=f"A customer of ours switching away to {ask.request.source}",
    )
    opening: Opening = await temporal.update_with_start(
        client,
        OutgoingSwitchWorkflow.open_switch,
        opened,
        OutgoingSwitchWorkflow.run,
        OutgoingStart(key=key),
        how,
        update_id=f"open/{ask.request.dedupe_key}",
    )
    return opening


async def reference_status(client: temporal.Client, reference: str) -> str | None:
    """What the switch that gave this reference says of it (it may have ended)."""
    key = ids.line_key_of(reference)
    if key is None:
        return None
    try:
        return await temporal.query_with(
            client, OutgoingSwitchWorkflow.reference_status, reference, f"{OUTGOING_PREFIX}{key}"
        )
    except Refused as refused:
        if refused.status == 404:
            return None
        raise


async def outgoing_view(client: temporal.Client, switch_id: str) -> OutgoingView:
    found = await temporal.query(client, OutgoingSwitchWorkflow.snapshot, switch_id)
    if found is None:
        raise not_found(f"no outgoing switch {switch_id}")
    return found


class OutgoingRow(BaseModel):
    """One outgoing switch in a list, from visibility alone."""

    switch_id: str
    customer: str
    services: list[str]
    gaining: str
    planned: str | None
    status: str
    promises: list[str]
    running: bool


async def outgoing_list(client: temporal.Client, status: str | None) -> list[OutgoingRow]:
    """Every outgoing switch (newest first), or those in one status."""
    clauses = [v.where(sa.OUTGOING_SWITCH, status)] if status else []
    query = v.workflows_of("OutgoingSwitchWorkflow", *clauses)
    rows = []
    for w in await temporal.listed(client, query, LIST_SIZE):
        shown = (await w.memo()).get("switch")
        if shown:
            running = w.status is not None and w.status.name == "RUNNING"
            rows.append(OutgoingRow(switch_id=w.id, running=running, **shown))
    return rows


async def park(client: temporal.Client, task_queue: str, parked: Parked) -> None:
    """Keep a message nobody asked for in the supervisors' list (signal-with-start)."""
    how = temporal.Start(
        id=UNMATCHED_WORKFLOW_ID,
        task_queue=task_queue,
        summary="Hub messages that answer no request of ours",
    )
    await temporal.start(
        client, UnmatchedHubMessages.run, None, how, once=False, signal=(PARK_SIGNAL, parked)
    )


async def unmatched(client: temporal.Client) -> list[Parked]:
    """The messages kept for supervisors, newest first."""
    found = await temporal.query_or_none(client, UnmatchedHubMessages.parked, UNMATCHED_WORKFLOW_ID)
    return found or []


# --- a British migration's start ----------------------------------------------------------


class Directory:
    """The hub's directory, read again once it is older than its time to live (a stale copy
    serves while the hub cannot be reached)."""

    def __init__(self, hub: HubClient, ttl_s: float) -> None:
        self._hub, self._ttl = hub, ttl_s
        self._entries: dict[str, dict[str, Any]] = {}
        self._read_at = float("-inf")
        self._reading = asyncio.Lock()

    async def entry(self, rcpid: str) -> dict[str, Any] | None:
        async with self._reading:
            if time.monotonic() - self._read_at > self._ttl:
                try:
                    listed = await self._hub.directory()
                except (HubUnavailable, HubRefused) as err:
                    if not self._entries:
                        raise unavailable(f"the hub's directory cannot be read: {err}") from err
                else:
                    self._entries = {str(e.get("id")): e for e in listed}
                    self._read_at = time.monotonic()
            return self._entries.get(rcpid)


_directories: dict[tuple[str, str], Directory] = {}


def directory_for(settings: Settings) -> Directory:
    """One directory (and one HTTP client) per hub this process talks to."""
    key = (settings.ots_hub_url, settings.ots_client_id)
    if key not in _directories:
        hub = HubClient(
            httpx.AsyncClient(timeout=settings.http_timeout_s),
            settings.ots_hub_url,
            settings.ots_token_endpoint,
            settings.ots_client_id,
            settings.ots_client_secret.get_secret_value(),
        )
        _directories[key] = Directory(hub, settings.ots_directory_ttl_s)
    return _directories[key]


async def switch_request(
    settings: Settings, body: MigrationIn, country: str
) -> SwitchRequest | None:
    """What the losing provider will match the customer on, when the jurisdiction's lines
    switch through the hub (None: through the losing operator's gateway); a missing field
    is refused at the field, a provider the hub does not serve with 409 in words."""
    if jurisdictions.switching_of(country) != OTS:
        if body.line.migration_code is None:
            _refuse({"line.migration_code": "required: the losing operator's gateway checks it"})
        return None
    line, address = body.line, body.line.address
    wrong: dict[str, str] = {}
    if body.customer.surname is None:
        wrong["customer.surname"] = "required in GB: the losing provider matches the customer on it"
    if not isinstance(address, AddressIn):
        wrong["line.address"] = 'required in GB as {"lines", "post_town", "post_code", "uprn"?}'
    if not RCPID.match(body.losing_operator):
        wrong["losing_operator"] = "the losing provider's RCPID at the hub: 4 capitals, not A first"
    if line.voice is Voice.PORT and not line.number.startswith("+44"):
        wrong["line.number"] = "a UK number (+44...): the number to port"
    if wrong or not isinstance(address, AddressIn) or body.customer.surname is None:
        _refuse(wrong)
    await _served(settings, body.losing_operator)
    return SwitchRequest(
        our_rcpid=settings.ots_rcpid,
        brand=settings.ots_brand_name,
        losing_rcpid=body.losing_operator,
        surname=body.customer.surname,
        address=HubAddress(
            lines=address.lines,
            post_town=address.post_town,
            post_code=address.post_code.upper(),
            uprn=address.uprn,
        ),
        account=line.account_at_losing,
        voice=line.voice,
        number=_national(line.number),
    )


async def _served(settings: Settings, rcpid: str) -> None:
    found = await directory_for(settings).entry(rcpid)
    if found is None:
        raise in_conflict(f"{rcpid} is not in the hub's directory: no switch can be sent to it")
    support = {p.get("process"): p.get("status") for p in found.get("processSupport", [])}
    if support.get("OTS") != "Active":
        raise in_conflict(
            f"{rcpid} ({found.get('name', 'unnamed')}) is suspended at the hub for One Touch "
            f"Switch ({support.get('OTS', 'not listed')}): no switch can start with it now"
        )


def _national(number: str) -> str:
    return f"0{number[3:]}" if number.startswith("+44") else number


def _refuse(wrong: dict[str, str]) -> NoReturn:
    details = [{"field": f, "reason": r} for f, r in wrong.items()]
    raise Refused(422, "invalid_request", f"invalid request: {', '.join(wrong)}", details)
