"""Every failure as JSON `{"error": {"code", "message", "details"?}}`, never a bare 500."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from usecases.errors import Refused
from usecases.fields import TRIMMED

log = logging.getLogger("api")


def body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    503: "unavailable",
}


TMF_PREFIX = "/tmf-api/"


def tmf_body(status: int, code: str, message: str) -> dict[str, Any]:
    """TM Forum's Error: `code` ours, `reason` the HTTP reason, `message` in words."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    return {
        "code": code,
        "reason": reason,
        "message": message,
        "status": str(status),
        "@type": "Error",
    }


def answer(
    path: str,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A refusal in the shape its API speaks: TM Forum's Error under /tmf-api, ours elsewhere."""
    if path.startswith(TMF_PREFIX):
        return JSONResponse(tmf_body(status, code, message), status_code=status, headers=headers)
    return JSONResponse(body(code, message, details), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def api_error(request: Request, exc: Refused) -> JSONResponse:
        return answer(request.url.path, exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"field": ".".join(str(p) for p in e["loc"][1:]) or e["loc"][0], "reason": _reason(e)}
            for e in exc.errors()
        ]
        path = request.url.path
        if path.startswith(TMF_PREFIX):  # TM Forum says 400, with the fields in words
            words = "; ".join(f"{d['field']}: {d['reason']}" for d in details)
            return answer(path, 400, "invalid_request", f"invalid request: {words}")
        fields = ", ".join(d["field"] for d in details)
        return answer(path, 422, "invalid_request", f"invalid request: {fields}", details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        path = request.url.path
        if exc.status_code == 400:  # a body that is not JSON at all (e.g. invalid UTF-8)
            details = [{"field": "body", "reason": str(exc.detail)}]
            status = 400 if path.startswith(TMF_PREFIX) else 422
            return answer(path, status, "invalid_request", "invalid request: body", details)
        code = STATUS_CODES.get(exc.status_code, "error")
        headers = dict(exc.headers or {})
        message = str(exc.detail)
        if exc.status_code == 405:  # RFC 9110: name every method the resource supports
            headers["Allow"] = ", ".join(allowed_methods(request))
            message = f"{request.method} is not allowed here (allowed: {headers['Allow']})"
        return answer(path, exc.status_code, code, message, headers=headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return answer(request.url.path, 500, "internal", "unexpected error")


def _reason(error: Any) -> str:
    """Pydantic's words, but a pattern a person cannot read is said in words."""
    pattern = (error.get("ctx") or {}).get("pattern")
    if error["type"] == "string_pattern_mismatch" and pattern == TRIMMED:
        return "needs visible text, with no white space at its start or end"
    if error["type"] == "value_error" and "error" in (error.get("ctx") or {}):
        return str(error["ctx"]["error"])  # our own reason, without pydantic's "Value error, "
    return str(error["msg"])


def allowed_methods(request: Request) -> list[str]:
    """The methods the OpenAPI document gives the most specific path template matching this
    URL: `/migrations/lookup` is its own resource, though `/migrations/{migration_id}` also
    matches it."""
    paths: dict[str, dict[str, Any]] = request.app.openapi().get("paths", {})
    url = request.scope.get("path", "").removeprefix(request.scope.get("root_path", ""))
    matching = [p for p in paths if re.fullmatch(re.sub(r"\{[^/]+\}", "[^/]+", p), url)]
    if not matching:
        return []
    specific = min(matching, key=lambda path: path.count("{"))
    return sorted(method.upper() for method in paths[specific])
