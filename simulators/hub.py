"""A simulated One Touch Switch hub (TOTSCo's, as the public test hub behaves): its token
endpoint and directory, a letterbox that answers 202 at once and delivers asynchronously
(retrying, then telling the sender `messageDeliveryFailure`), and simulated losing providers
that match from a subscriber list the tests add to and answer each request as the Industry
Process says. Faults are injected through `/hub/faults`. Every message it takes or sends is
checked against the same schemas as the product's."""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from schemas import ots_problems
from settings import get_settings
from simulators.recorder import System

log = logging.getLogger("simulators.hub")
router = APIRouter(prefix="/hub", tags=["One Touch Switch hub"])
TOKEN_LIFETIME_S = 3600
REFERENCE_LIFE = timedelta(days=31)
HUB = "TOTSCO"
# Our RCPID (from settings), two simulated losing providers, one of them suspended.
PROVIDERS = {
    "RLOS": ("Lost Lines Broadband", True),
    "RBYE": ("Byegone Telecom", True),
    "RSUS": ("Suspended Comms", False),
}
# A simulated gaining provider: it sends requests to our letterbox when a test asks, and
# keeps our answers.
GAINING = {"RGAI": "Gaining Test Broadband"}
STATUS = {
    "Order": "confirmed",
    "OrderUpdate": "updated",
    "OrderTrigger": "triggered",
    "OrderCancellation": "cancelled",
}


class Subscriber(BaseModel):
    """A customer of a simulated losing provider."""

    rcpid: str = "RLOS"
    account: str | None = None
    surname: str
    email: str | None = None
    mobile: str | None = None
    uprn: str | None = None
    lines: list[str]
    post_town: str
    post_code: str
    number: str | None = None  # the voice line's, national form (01632 960001)


class OtsFault(BaseModel):
    """What the simulated losing provider (or the hub) does with the next matching request."""

    routing: str = Field(description="e.g. residentialSwitchMatchRequest")
    count: int = Field(default=1, ge=1)
    fault_code: str | None = Field(default=None, description="answer with this fault code")
    delivery_failure: str | None = Field(
        default=None, description="the hub answers messageDeliveryFailure"
    )
    no_answer: bool = False
    delay_s: float = Field(default=0.0, ge=0, le=600)
    duplicate: bool = Field(default=False, description="deliver the answer twice")
    out_of_order: bool = Field(
        default=False, description="hold the answer until the next one is delivered"
    )


@dataclass
class Order:
    reference: str
    rcpid: str
    gaining: str
    subscriber: int
    matched_at: datetime
    status: str = "new"
    planned: date | None = None
    siblings: list[str] = field(default_factory=list)


@dataclass
class Hub:
    tokens: dict[str, float] = field(default_factory=dict)
    our_token: tuple[str, float] | None = None
    subscribers: list[Subscriber] = field(default_factory=list)
    orders: dict[str, Order] = field(default_factory=dict)
    received: dict[str, dict[str, Any]] = field(default_factory=dict)  # by source/correlation
    delivered: list[dict[str, Any]] = field(default_factory=list)  # what we delivered, as sent
    faults: list[OtsFault] = field(default_factory=list)
    held: list[dict[str, Any]] = field(default_factory=list)  # answers out of order
    answers: list[dict[str, Any]] = field(default_factory=list)  # ours, to the gaining provider
    retry_s: float = 5.0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


def hub_of(request: Request) -> Hub:
    found: Hub = request.app.state.hub
    return found


# --- transport ----------------------------------------------------------------------------


@router.post("/oauth2/token")
async def token(request: Request) -> JSONResponse:
    settings = get_settings()
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    basic = _basic(request.headers.get("authorization"))
    if basic and ("client_id" in form or "client_secret" in form):
        return _unauthorised(900902, "credentials sent both as HTTP Basic and as form fields")
    client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
    if not client_id:
        return _unauthorised(900902, "no client credentials")
    if (client_id, secret) != (
        settings.ots_client_id,
        settings.ots_client_secret.get_secret_value(),
    ):
        return _unauthorised(900901, "unknown client")
    issued = secrets.token_urlsafe(600)  # tokens can be ~900 characters long
    hub_of(request).tokens[issued] = time.time() + TOKEN_LIFETIME_S
    return JSONResponse(
        {"access_token": issued, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_S}
    )


@router.get("/directory/v1/entry")
async def directory(request: Request, listType: str = "", identity: str = "all") -> Response:  # noqa: N803
    if not _authorised(request):
        return _unauthorised(900901, "a Bearer token is required")
    entries = [
        _entry(get_settings().ots_rcpid, get_settings().ots_brand_name, True),
        _entry(HUB, "TOTSCo", True),
    ]
    entries += [_entry(rcpid, name, active) for rcpid, (name, active) in PROVIDERS.items()]
    entries += [_entry(rcpid, name, True) for rcpid, name in GAINING.items()]
    return JSONResponse({"list": [{"listType": "RCPID", "identity": entries}]})


def _entry(rcpid: str, name: str, active: bool) -> dict[str, Any]:
    status = "Active" if active else "Suspend"
    return {"id": rcpid, "name": name, "processSupport": [{"process": "OTS", "status": status}]}


@router.post("/letterbox/v1/post")
async def letterbox(request: Request) -> Response:
    """202 at once for a well-formed message; delivery happens afterwards."""
    hub = hub_of(request)
    trouble = await request.app.state.recorder.trouble(System.HUB, "post")
    if trouble is not None:
        return JSONResponse(
            {"errorCode": 9008, "errorText": "hub injected fault"}, status_code=trouble
        )
    if not _authorised(request):
        return _unauthorised(900901, "a Bearer token from the hub is required")
    try:
        message = await request.json()
    except ValueError:
        return JSONResponse({"errorCode": 9006, "errorText": "not JSON"}, status_code=400)
    problems = ots_problems(message)
    if problems:
        return JSONResponse(
            {"errorCode": 9006, "errorText": "; ".join(problems[:3])}, status_code=400
        )
    envelope = message["envelope"]
    source, destination = envelope["source"]["identity"], envelope["destination"]["identity"]
    if destination in GAINING:  # our answer to the simulated gaining provider: kept
        hub.answers.append(message)
        return Response(status_code=202)
    if destination not in PROVIDERS:
        return JSONResponse(
            {"errorCode": 9003, "errorText": f"unknown destination {destination}"}, status_code=400
        )
    key = f"{source}/{envelope['source']['correlationID']}"
    seen = hub.received.get(key)
    if seen is not None:  # the same message again: taken once
        seen["deliveries"] += 1
        return Response(status_code=202)
    hub.received[key] = {"message": message, "deliveries": 1, "at": datetime.now(UTC).isoformat()}
    _later(hub, _process(hub, message))
    return Response(status_code=202)


def _later(hub: Hub, work: Any) -> None:
    task = asyncio.create_task(work)
    hub.tasks.add(task)
    task.add_done_callback(hub.tasks.discard)


# --- the simulated losing providers -------------------------------------------------------


async def _process(hub: Hub, request: dict[str, Any]) -> None:
    envelope = request["envelope"]
    routing = envelope["routingID"]
    destination = envelope["destination"]["identity"]
    fault = _fault_for(hub, routing)
    if not PROVIDERS[destination][1]:
        fault = OtsFault(routing=routing, delivery_failure="9007")
    if fault is not None and fault.delay_s:
        await asyncio.sleep(fault.delay_s)
    if fault is not None and fault.delivery_failure:
        await _deliver(hub, _delivery_failure(request, fault.delivery_failure))
        return
    if fault is not None and fault.no_answer:
        return
    step = routing.removeprefix("residentialSwitch").removesuffix("Request")
    payload = request[routing]
    if fault is not None and fault.fault_code:
        answer = _failure(request, step, fault.fault_code)
    elif step == "Match":
        answer = _match(hub, request, destination, payload)
    else:
        answer = _order_step(hub, request, step, payload)
    if fault is not None and fault.out_of_order:
        hub.held.append(answer)
        return
    await _deliver(hub, answer)
    if fault is not None and fault.duplicate:
        await _deliver(hub, answer)
    while hub.held:
        await _deliver(hub, hub.held.pop(0))


def _fault_for(hub: Hub, routing: str) -> OtsFault | None:
    for fault in hub.faults:
        if fault.routing == routing and fault.count > 0:
            fault.count -= 1
            return fault
    return None


def _fold(text: str) -> str:
    """A surname as compared: case, accents in either Unicode form, ß, quotes and spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in kept if c.isalnum())


def _match(
    hub: Hub, request: dict[str, Any], rcpid: str, payload: dict[str, Any]
) -> dict[str, Any]:
    address = payload["address"]
    postcode = _fold(address["postCode"])
    first_line = _fold(address["addressLines"][0])
    here = [
        (i, s)
        for i, s in enumerate(hub.subscribers)
        if s.rcpid == rcpid
        and (
            (address.get("uprn") and s.uprn == address.get("uprn"))
            or (_fold(s.post_code) == postcode and _fold(s.lines[0]) == first_line)
        )
    ]
    if not here:
        return _failure(request, "Match", "1106")
    named = [(i, s) for i, s in here if _fold(s.surname) == _fold(payload["name"])]
    if not named:
        return _failure(request, "Match", "1108")
    if payload.get("account"):
        named = [(i, s) for i, s in named if s.account == payload["account"]]
        if not named:
            return _failure(request, "Match", "1103")
    if len(named) > 1:
        return _failure(request, "Match", "1109")
    index, sub = named[0]
    if any(
        o.subscriber == index and o.status in ("confirmed", "updated") for o in hub.orders.values()
    ):
        return _failure(request, "Match", "1111")
    voice = next((s for s in payload["services"] if s["serviceType"] == "NBICS"), None)
    if (
        voice is not None
        and voice["action"] == "port"
        and sub.number != voice.get("serviceIdentifier")
    ):
        return _failure(request, "Match", "1116")
    now = datetime.now(UTC)
    ias = {"serviceType": "IAS", "switchAction": "ServiceFound"}
    results: list[dict[str, Any]] = []
    if sub.number is None or voice is not None:
        services: list[dict[str, Any]] = [ias]
        if sub.number is not None and voice is not None:
            kind = "DN" if voice.get("serviceIdentifier") else "PartialDN"
            shown = sub.number if kind == "DN" else sub.number[-2:]
            services.append(
                {
                    "serviceType": "NBICS",
                    "switchAction": "ServiceFound",
                    "serviceIdentifiers": [{"identifierType": kind, "identifier": shown}],
                }
            )
        results.append({"switchOrderReference": str(uuid.uuid4()), "services": services})
    else:  # broadband asked, a voice line found: the customer chooses by the reference ordered
        partial = [{"identifierType": "PartialDN", "identifier": sub.number[-2:]}]
        for option in ("OptionToRetain", "OptionToCease"):
            voice_line = {
                "serviceType": "NBICS",
                "switchAction": option,
                "serviceIdentifiers": partial,
            }
            results.append(
                {"switchOrderReference": str(uuid.uuid4()), "services": [ias, voice_line]}
            )
    references = [r["switchOrderReference"] for r in results]
    gaining = request["envelope"]["source"]["identity"]
    for reference in references:
        siblings = [r for r in references if r != reference]
        hub.orders[reference] = Order(reference, rcpid, gaining, index, now, siblings=siblings)
    sent_by = now.strftime("%Y-%m-%d %H:%M:%S")
    told = (
        [{"sentMethod": "email", "sentTo": _mask_email(sub.email), "sentBy": sent_by}]
        if sub.email
        else []
    )
    told += (
        [{"sentMethod": "sms", "sentTo": _mask_phone(sub.mobile), "sentBy": sent_by}]
        if sub.mobile
        else []
    )
    told = told or [{"sentMethod": "1st class post", "sentBy": sent_by}]
    body: dict[str, Any] = {"implicationsSent": told, "matchResult": results[0]}
    if len(results) > 1:
        body["alternativeSwitchOrders"] = [{"matchResult": r} for r in results[1:]]
    return _answer(request, "MatchConfirmation", body)


def _order_step(
    hub: Hub, request: dict[str, Any], step: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """x01 unknown, x02 expired, x03 date, x04 triggered, x05 cancelled, x06 never ordered,
    1213 already used (ordering one reference makes its alternatives unusable)."""
    order = hub.orders.get(payload["switchOrderReference"])
    prefix = {"Order": "12", "OrderUpdate": "13", "OrderTrigger": "14", "OrderCancellation": "15"}[
        step
    ]
    if order is None:
        return _failure(request, step, f"{prefix}01")
    today = datetime.now(UTC).date()
    if _expired(order, today):
        return _failure(request, step, f"{prefix}02")
    if order.status == "triggered":
        return _failure(request, step, f"{prefix}04")
    if order.status == "cancelled":
        return _failure(request, step, f"{prefix}05")
    if order.status == "unusable" or (step == "Order" and order.status != "new"):
        return _failure(request, step, "1213")
    if step != "Order" and order.status == "new":
        return _failure(request, step, f"{prefix}06")
    if step in ("Order", "OrderUpdate"):
        planned = _date(payload.get("plannedSwitchDate"))
        if planned is None or not today <= planned <= today + timedelta(days=180):
            return _failure(request, step, f"{prefix}03")
        order.planned = planned
        for sibling in order.siblings:
            hub.orders[sibling].status = "unusable"
    if step == "OrderTrigger":
        activated = _date(payload.get("activationDate"))
        if activated is None or activated > today:
            return _failure(request, step, "1403")
    order.status = STATUS[step]
    return _answer(
        request,
        f"{step}Confirmation",
        {"switchOrderReference": order.reference, "status": order.status},
    )


def _expired(order: Order, today: date) -> bool:
    if order.status == "new":
        return today >= (order.matched_at + REFERENCE_LIFE).date()
    return (
        order.planned is not None
        and order.status in ("confirmed", "updated")
        and today >= order.planned + REFERENCE_LIFE
    )


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _answer(request: dict[str, Any], routing_tail: str, payload: dict[str, Any]) -> dict[str, Any]:
    envelope = request["envelope"]
    routing = f"residentialSwitch{routing_tail}"
    answer: dict[str, Any] = {
        "envelope": {
            "source": {
                "type": "RCPID",
                "identity": envelope["destination"]["identity"],
                "correlationID": str(uuid.uuid4()),
            },
            "destination": {
                "type": "RCPID",
                "identity": envelope["source"]["identity"],
                "correlationID": envelope["source"]["correlationID"],
            },
            "routingID": routing,
        },
        routing: payload,
    }
    if routing_tail.endswith("Failure"):
        answer["envelope"]["auditData"] = [{"name": "faultCode", "value": payload["faultCode"]}]
    return answer


def _failure(request: dict[str, Any], step: str, code: str) -> dict[str, Any]:
    payload: dict[str, Any] = {"faultCode": code, "faultText": f"simulated fault {code}"}
    reference = request[request["envelope"]["routingID"]].get("switchOrderReference")
    if step != "Match":
        payload = {"switchOrderReference": reference or "missing", **payload}
    return _answer(request, f"{step}Failure", payload)


def _delivery_failure(request: dict[str, Any], code: str) -> dict[str, Any]:
    envelope = request["envelope"]
    return {
        "envelope": {
            "source": {"type": "RCPID", "identity": HUB},
            "destination": {
                "type": "RCPID",
                "identity": envelope["source"]["identity"],
                "correlationID": envelope["source"]["correlationID"],
            },
            "routingID": "messageDeliveryFailure",
            "auditData": [
                {"name": "originalDestinationType", "value": "RCPID"},
                {"name": "originalDestination", "value": envelope["destination"]["identity"]},
                {"name": "originalRoutingID", "value": envelope["routingID"]},
            ],
        },
        "messageDeliveryFailure": {
            "code": code,
            "text": f"simulated delivery failure {code}",
            "severity": "failure",
        },
    }


def _mask_email(email: str) -> str:
    user, _, domain = email.partition("@")
    return f"{user[:1]}{'*' * max(len(user) - 1, 1)}@{domain}"


def _mask_phone(phone: str) -> str:
    digits = phone.replace("+44", "0")
    return f"{digits[:3]}{'*' * max(len(digits) - 6, 1)}{digits[-3:]}"


# --- delivering to the product's letterbox ------------------------------------------------


async def _deliver(hub: Hub, message: dict[str, Any], checked: bool = True) -> None:
    """Post to the product's letterbox with its token; five tries, then given up (the
    product's own messages would get a `messageDeliveryFailure`). A test's request is sent
    as asked (`checked` off), awkward or not."""
    problems = ots_problems(message) if checked else []
    if problems:
        log.error("the simulated hub built a malformed message: %s", problems)
        return
    settings = get_settings()
    async with httpx.AsyncClient(base_url=settings.api_url, timeout=10) as client:
        for _ in range(5):
            try:
                token = await _our_token(hub, client)
                r = await client.post(
                    "/letterbox/v1/post", json=message, headers={"Authorization": f"Bearer {token}"}
                )
                if r.status_code == 401:
                    hub.our_token = None
                elif r.status_code < 500:
                    hub.delivered.append({"message": message, "status": r.status_code})
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(hub.retry_s)
    hub.delivered.append({"message": message, "status": 0})
    log.error("gave up delivering %s", message["envelope"]["routingID"])


async def _our_token(hub: Hub, client: httpx.AsyncClient) -> str:
    """The product's token, from its token endpoint, cached until shortly before expiry."""
    if hub.our_token is not None and time.time() < hub.our_token[1]:
        return hub.our_token[0]
    settings = get_settings()
    credentials = (settings.ots_hub_client_id, settings.ots_hub_client_secret.get_secret_value())
    r = await client.post(
        "/oauth2/token", data={"grant_type": "client_credentials"}, auth=credentials
    )
    r.raise_for_status()
    answer = r.json()
    hub.our_token = (answer["access_token"], time.time() + float(answer["expires_in"]) - 60)
    return hub.our_token[0]


# --- the simulated gaining provider -------------------------------------------------------


class GainingRequest(BaseModel):
    """A request the simulated gaining provider sends to the product's letterbox."""

    routing: str = Field(description="e.g. residentialSwitchMatchRequest")
    payload: dict[str, Any]
    correlation_id: str | None = Field(default=None, description="default: a fresh one")
    deliveries: int = Field(default=1, ge=1, le=5, description="delivered this many times")


@router.post("/gaining/requests")
async def send_request(request: Request, asked: GainingRequest) -> dict[str, Any]:
    settings = get_settings()
    correlation = asked.correlation_id or str(uuid.uuid4())
    message = {
        "envelope": {
            "source": {
                "type": "RCPID",
                "identity": next(iter(GAINING)),
                "correlationID": correlation,
            },
            "destination": {"type": "RCPID", "identity": settings.ots_rcpid},
            "routingID": asked.routing,
        },
        asked.routing: asked.payload,
    }
    hub = hub_of(request)
    before = len(hub.delivered)
    for _ in range(asked.deliveries):
        await _deliver(hub, message, checked=False)
    return {
        "correlation_id": correlation,
        "statuses": [d["status"] for d in hub.delivered[before:]],
    }


@router.get("/gaining/answers")
async def answers(request: Request, correlation_id: str | None = None) -> list[dict[str, Any]]:
    """Our answers the simulated gaining provider received (to one request of it, if named)."""
    return [
        a
        for a in hub_of(request).answers
        if correlation_id is None
        or a["envelope"]["destination"].get("correlationID") == correlation_id
    ]


# --- test data and control ----------------------------------------------------------------


@router.post("/subscribers", status_code=201)
async def add_subscriber(request: Request, subscriber: Subscriber) -> dict[str, int]:
    hub = hub_of(request)
    hub.subscribers.append(subscriber)
    return {"index": len(hub.subscribers) - 1}


@router.post("/faults", status_code=204)
async def add_fault(request: Request, fault: OtsFault) -> None:
    hub = hub_of(request)
    hub.faults.append(fault)


@router.delete("/faults", status_code=204)
async def clear_faults(request: Request) -> None:
    hub_of(request).faults.clear()


@router.get("/messages")
async def messages(request: Request) -> list[dict[str, Any]]:
    """Every message the hub took, once each, with how often it was posted."""
    return list(hub_of(request).received.values())


@router.get("/delivered")
async def delivered(request: Request) -> list[dict[str, Any]]:
    """Every message the hub delivered to the product's letterbox, with its answer."""
    return hub_of(request).delivered


@router.get("/orders/{reference}")
async def order(request: Request, reference: str) -> dict[str, Any]:
    found = hub_of(request).orders.get(reference)
    return {
        "status": found.status if found else "unknown",
        "planned": found.planned.isoformat() if found and found.planned else None,
    }


def _authorised(request: Request) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    expiry = hub_of(request).tokens.get(token)
    return scheme.lower() == "bearer" and expiry is not None and expiry > time.time()


def _unauthorised(code: int, description: str) -> JSONResponse:
    message = "Invalid Credentials" if code == 900901 else "Missing Credentials"
    return JSONResponse(
        {"code": code, "message": message, "description": description}, status_code=401
    )


def _basic(header: str | None) -> tuple[str, str] | None:
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    user, _, password = base64.b64decode(encoded).decode().partition(":")
    return user, password


SEED = [  # what `make run` starts with: a customer of each simulated losing provider
    Subscriber(
        rcpid="RLOS",
        account="LL-1001",
        surname="O'Conner",
        email="aoife@example.co.uk",
        mobile="+447700900123",
        lines=["1 High Street"],
        post_town="Edinburgh",
        post_code="EH1 1AA",
        number="01314960001",
    ),
    Subscriber(
        rcpid="RLOS",
        account="LL-1002",
        surname="Strauß",
        email="k.strauss@example.co.uk",
        lines=["Flat 2", "5 Castle Terrace"],
        post_town="Edinburgh",
        post_code="EH1 2DP",
    ),
    Subscriber(
        rcpid="RBYE",
        account="BY-77",
        surname="Jones",
        lines=["Tŷ Newydd", "Heol y Bont"],
        post_town="Aberbîg",
        post_code="NP13 2AA",
        uprn="10023456789",
        number="01495960002",
    ),
]
