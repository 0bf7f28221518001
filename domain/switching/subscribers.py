"""Our own customers as the operator's subscriber system holds them: what a match request is
compared with when we are the losing provider."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from domain.base import Model


class SubscriberAddress(Model):
    uprn: str | None = None
    lines: list[str]
    post_town: str
    post_code: str


class SubscriberService(Model):
    type: Literal["IAS", "NBICS"]  # broadband, or a voice line (its number)
    identifier: str | None = None


class Subscriber(Model):
    account: str
    surname: str
    email: str | None = None
    mobile: str | None = None
    address: SubscriberAddress
    services: list[SubscriberService] = Field(default_factory=list)
    status: Literal["active", "closed"] = "active"
    early_termination_cents: int = 0

    def has(self, kind: str) -> bool:
        return any(s.type == kind for s in self.services)

    def numbers(self) -> list[str]:
        return [s.identifier for s in self.services if s.type == "NBICS" and s.identifier]
