"""The one error a use case raises: a refusal every edge answers in its own shape (JSON
`error`, TM Forum's `Error`, a page in words), never a bare 500. Every edge of this product
speaks HTTP, so a refusal carries the status all of them answer with."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details
        self.headers = headers


def not_found(message: str) -> Refused:
    return Refused(404, "not_found", message)


def in_conflict(message: str, details: Any = None) -> Refused:
    return Refused(409, "conflict", message, details)


def invalid(message: str) -> Refused:
    return Refused(422, "invalid_request", message)


def forbidden(message: str) -> Refused:
    return Refused(403, "forbidden", message)


def unavailable(message: str) -> Refused:
    return Refused(503, "unavailable", message)
