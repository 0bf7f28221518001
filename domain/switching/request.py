"""What a migration switching through the hub records at its start: who we are there, the
losing provider, and what it matches the customer on."""

from __future__ import annotations

from enum import StrEnum

from domain.base import Model


class Voice(StrEnum):
    """The customer's voice line: kept with its number (ported to us) or ceased."""

    PORT = "port"
    CEASE = "cease"


class HubAddress(Model):
    """An address as the Post Office writes it (PAF): the house number on the street line."""

    lines: list[str]
    post_town: str
    post_code: str
    uprn: str | None = None

    def one_line(self) -> str:
        return ", ".join([*self.lines, self.post_town, self.post_code])


class SwitchRequest(Model):
    our_rcpid: str
    brand: str  # our brand name, shown to the customer by the losing provider
    losing_rcpid: str
    surname: str
    address: HubAddress
    account: str | None = None  # the customer's account number at the losing provider
    voice: Voice | None = None  # None: broadband only (the voice line stays where it is)
    number: str  # the line's number in national form (01632 960001), to port it
