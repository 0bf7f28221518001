"""A simulated subscriber system: the operator's own customers (who may switch away from
us), searched by address, postcode, UPRN, account and number, and ceased once per key."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from simulators.recorder import System, effect, recorder

router = APIRouter(prefix="/subscribers", tags=["subscriber system"])


class AddressIn(BaseModel):
    uprn: str | None = None
    lines: list[str]
    post_town: str
    post_code: str


class ServiceIn(BaseModel):
    type: Literal["IAS", "NBICS"]
    identifier: str | None = None


class SubscriberIn(BaseModel):
    """Test data: one of our customers."""

    account: str
    surname: str
    email: str | None = None
    mobile: str | None = None
    address: AddressIn
    services: list[ServiceIn] = Field(default_factory=list)
    status: Literal["active", "closed"] = "active"
    early_termination_cents: int = Field(default=0, ge=0)


class SearchIn(BaseModel):
    uprn: str | None = None
    post_code: str | None = None
    account: str | None = None
    numbers: list[str] = Field(default_factory=list)


def held(request: Request) -> list[SubscriberIn]:
    found: list[SubscriberIn] = request.app.state.subscribers
    return found


@router.post("", status_code=201)
async def add(request: Request, subscriber: SubscriberIn) -> dict[str, str]:
    held(request).append(subscriber)
    return {"account": subscriber.account}


@router.post("/search")
async def search(request: Request, asked: SearchIn) -> JSONResponse:
    """Everyone the search names by any of its keys (a read: nothing recorded)."""
    status = await recorder(request).trouble(System.SUBSCRIBERS, "search")
    if status is not None:
        return JSONResponse({"detail": "subscriber system injected fault"}, status_code=status)
    numbers = {_digits(n) for n in asked.numbers}
    found = [
        s
        for s in held(request)
        if (asked.uprn and s.address.uprn == asked.uprn)
        or (asked.post_code and _code(s.address.post_code) == _code(asked.post_code))
        or (asked.account and s.account == asked.account)
        or numbers & {_digits(x.identifier) for x in s.services if x.identifier}
    ]
    return JSONResponse({"subscribers": [s.model_dump() for s in found]})


@router.post("/{account}/cease")
async def cease(
    request: Request,
    account: str,
    key: Annotated[str, Header(alias="Idempotency-Key", min_length=1)],
    body: Annotated[dict[str, Any], Body()],
) -> JSONResponse:
    """End the services on the activation date: once per key, recorded as `cease`."""
    return await effect(request, System.SUBSCRIBERS, "cease", key, body)


def _code(post_code: str) -> str:
    return post_code.replace(" ", "").upper()


def _digits(number: str | None) -> str:
    found = re.sub(r"\D", "", number or "")
    return f"0{found[2:]}" if found.startswith("44") else found


def _seed(
    account: str, surname: str, lines: list[str], post_code: str, **more: Any
) -> SubscriberIn:
    town = more.pop("post_town", "Edinburgh")
    return SubscriberIn(
        account=account,
        surname=surname,
        address=AddressIn(
            lines=lines, post_town=town, post_code=post_code, uprn=more.pop("uprn", None)
        ),
        **more,
    )


SEED = [  # `make run` starts with these customers of ours (docs/switching.md)
    _seed(
        "MIG-0001",
        "MacLeod",
        ["12 Rose Street"],
        "EH2 2PR",
        email="iain@example.co.uk",
        mobile="+447700900456",
        services=[ServiceIn(type="IAS"), ServiceIn(type="NBICS", identifier="01314960100")],
    ),
    _seed(
        "MIG-0002",
        "Ní Bhriain",
        ["Flat 3", "7 Leith Walk"],
        "EH6 8RG",
        email="aine@example.co.uk",
        services=[ServiceIn(type="IAS")],
        early_termination_cents=4500,
    ),
    _seed(
        "MIG-0003",
        "Evans",
        ["Tŷ Gwyn"],
        "NP13 3AA",
        post_town="Aberbîg",
        uprn="10090000001",
        services=[ServiceIn(type="IAS"), ServiceIn(type="NBICS", identifier="01495960100")],
    ),
]
