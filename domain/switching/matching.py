"""Matching a customer who wants to leave us, as the losing provider: from a match request
and the subscribers found near it, the one customer it names, or the fault code that says
why not. Never a guess: two who fit equally are 1109.

The customer is located by UPRN, or by his address lines and postcode; his surname is
compared folded (case, accents in either Unicode form, `ß` as `ss`, apostrophes, quotes,
backticks and spaces ignored); the account number and the numbers on the request are
further strong points."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from domain.base import Model
from domain.switching.subscribers import Subscriber

ACCOUNT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/-]{0,39}$")
OPTIONS = ("OptionToRetain", "OptionToCease")


def fold(text: str) -> str:
    """A name or address as compared: letters and digits only, case and accents gone."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


class Found(Model):
    """One reference to give: what ordering it would do to each of the customer's services."""

    option: str | None = None  # for a voice line the request did not name
    services: list[dict[str, Any]]


class Matched(Model):
    subscriber: Subscriber
    orders: list[Found]


def match(payload: dict[str, Any], candidates: list[Subscriber]) -> Matched | str:
    """The customer and the references to offer him, or the fault code (11xx)."""
    name = str(payload.get("name") or "")
    given_address, given_services = payload.get("address"), payload.get("services")
    address: dict[str, Any] = given_address if isinstance(given_address, dict) else {}
    services: list[Any] = given_services if isinstance(given_services, list) else []
    account = payload.get("account") or None
    if not fold(name):
        return "1102"
    lines = [str(line) for line in address.get("addressLines", []) if fold(str(line))]
    if not address.get("uprn") and not (lines and fold(str(address.get("postCode", "")))):
        return "1101"
    asked = [s for s in services if isinstance(s, dict)]
    if not asked or any(not _valid(s) for s in asked):
        return "1117"
    voice = next((s for s in asked if s["serviceType"] == "NBICS"), None)
    if (
        voice is not None
        and voice["action"] in ("port", "identify")
        and not voice.get("serviceIdentifier")
    ):
        return "1118"
    if account is not None and not ACCOUNT.match(str(account)):
        return "1113"
    here = [c for c in candidates if _at(c, address, lines)]
    if account is not None:
        holders = [c for c in candidates if c.account == account]
        if not holders:
            return "1103"
        if all(c.status == "closed" for c in holders):
            return "1104"
        if not any(c in here for c in holders):
            return "1114"
        here = [c for c in here if c.account == account]
    if not here:
        return "1106"
    live = [c for c in here if c.status == "active"]
    if not live:
        return "1107"
    named = [c for c in live if fold(c.surname) == fold(name)]
    if not named:
        return "1108"
    number = _digits(voice.get("serviceIdentifier")) if voice else ""
    if len(named) > 1 and number:
        named = [c for c in named if number in map(_digits, c.numbers())] or named
    if len(named) > 1:
        return "1109"
    customer = named[0]
    if not customer.has("IAS") and not customer.has("NBICS"):
        return "1119"
    if number and number not in map(_digits, customer.numbers()):
        return "1116"
    if any(not customer.has(s["serviceType"]) for s in asked):
        return "1120"
    return Matched(subscriber=customer, orders=_orders(customer, asked, voice))


def _valid(service: dict[str, Any]) -> bool:
    kind, action = service.get("serviceType"), service.get("action")
    return (kind == "IAS" and action == "cease") or (
        kind == "NBICS" and action in ("cease", "port", "identify")
    )


def _at(c: Subscriber, address: dict[str, Any], lines: list[str]) -> bool:
    uprn = address.get("uprn")
    if uprn and c.address.uprn:
        return str(uprn) == c.address.uprn
    if fold(str(address.get("postCode", ""))) != fold(c.address.post_code):
        return False
    given = {fold(line) for line in lines}
    ours = [fold(line) for line in c.address.lines]
    # Every line we hold is on the request (which may say more), or the same words joined.
    return all(line in given for line in ours) or "".join(ours) == "".join(map(fold, lines))


def _digits(number: Any) -> str:
    found = re.sub(r"\D", "", str(number or ""))
    return f"0{found[2:]}" if found.startswith("44") else found


def _orders(
    customer: Subscriber, asked: list[dict[str, Any]], voice: dict[str, Any] | None
) -> list[Found]:
    ias = {"serviceType": "IAS", "switchAction": "ServiceFound"}
    numbers = customer.numbers()
    if voice is None and customer.has("NBICS"):  # he chooses by the reference ordered
        partial = (
            [{"identifierType": "PartialDN", "identifier": numbers[0][-2:]}] if numbers else []
        )
        return [
            Found(
                option=option,
                services=[
                    ias,
                    {"serviceType": "NBICS", "switchAction": option, "serviceIdentifiers": partial},
                ],
            )
            for option in OPTIONS
        ]
    found: list[dict[str, Any]] = [ias] if any(s["serviceType"] == "IAS" for s in asked) else []
    if voice is not None and numbers:
        told = voice.get("serviceIdentifier")
        shown = (
            {"identifierType": "DN", "identifier": numbers[0]}
            if told
            else {"identifierType": "PartialDN", "identifier": numbers[0][-2:]}
        )
        found.append(
            {"serviceType": "NBICS", "switchAction": "ServiceFound", "serviceIdentifiers": [shown]}
        )
    return [Found(services=found)]
