"""What only HTTP knows: the error bodies of each API (ours, TM Forum's) as the OpenAPI
document names them, and the health answer. Request bodies are the use cases' inputs
(`usecases/proposal.py`, `usecases/requests.py`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from domain.tmf.models import Error


class Health(BaseModel):
    status: str


class ErrorDetail(BaseModel):
    code: str = Field(examples=["conflict"])
    message: str = Field(examples=["already confirmed by dario at 2026-11-02T10:14:00Z"])
    details: Any = None


class ErrorBody(BaseModel):
    error: ErrorDetail


def error_responses(
    model: type[BaseModel], described: dict[int, str]
) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` of each refusal status, all in one error shape."""
    return {status: {"model": model, "description": words} for status, words in described.items()}


ERROR_RESPONSES = error_responses(
    ErrorBody,
    {
        401: "missing, unknown, expired or invalid token",
        403: "wrong role, or a token without a known role",
        404: "unknown migration or ticket, or one outside the caller's scope",
        409: "a transition the migration's stage refuses; the message says why",
        413: "body too large",
        422: "invalid body or parameters: each field and why",
        429: "too many writes by this caller: retry after Retry-After seconds",
        503: "Temporal unreachable: retry later, with the same Idempotency-Key",
    },
)


TMF_ERRORS = error_responses(
    Error,
    {
        400: "Bad Request: the field and why, in words",
        401: "Unauthorized",
        403: "Forbidden: not a CRM",
        404: "Not Found (or another CRM's)",
        405: "Method Not Allowed",
        409: "Conflict: what the order's state refuses, in words",
        413: "Payload Too Large",
        429: "Too Many Requests",
        503: "Temporal unreachable: retry later",
    },
)
