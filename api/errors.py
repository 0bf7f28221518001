"""Every failure as JSON `{"error": {"code", "message", "details"?}}`, never a bare 500."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas import TRIMMED

log = logging.getLogger("api")


class ApiError(Exception):
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


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            body(exc.code, exc.message, exc.details), status_code=exc.status, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"field": ".".join(str(p) for p in e["loc"][1:]) or e["loc"][0], "reason": _reason(e)}
            for e in exc.errors()
        ]
        fields = ", ".join(d["field"] for d in details)
        return JSONResponse(
            body("invalid_request", f"invalid request: {fields}", details), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # a body that is not JSON at all (e.g. invalid UTF-8)
            details = [{"field": "body", "reason": str(exc.detail)}]
            return JSONResponse(
                body("invalid_request", "invalid request: body", details), status_code=422
            )
        code = STATUS_CODES.get(exc.status_code, "error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # RFC 9110: name every method the resource supports
            headers["Allow"] = ", ".join(allowed_methods(request))
        return JSONResponse(
            body(code, str(exc.detail)), status_code=exc.status_code, headers=headers
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return JSONResponse(body("internal", "unexpected error"), status_code=500)


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
