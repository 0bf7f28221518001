"""What every request passes through, as one plain ASGI layer: the body limit, the security
headers, the access log line and the request metrics.

One layer instead of four `@app.middleware("http")` functions: each of those runs the rest
of the app in a task of its own with memory streams between, and the four together were a
large share of the API's CPU per request (docs/benchmarks.md).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors
from observability import logs
from observability.api_metrics import ApiMetrics

MAX_BODY_BYTES = 64 * 1024  # the largest honest request is a few KB
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",  # snapshots hold personal data: no cache keeps them
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# The console: its own stylesheet, forms posting to itself, nothing else (no script at all).
CONSOLE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
DOCS = ("/docs", "/redoc")  # Swagger UI and ReDoc load their scripts and styles

log = logging.getLogger("api.access")


class Edge:
    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _security_headers(scope["path"])
        status = 500  # what the server answers if the app fails before it starts a response

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                ours = {name for name, _ in headers}  # they win over a route's own
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in ours]
                message = {**message, "headers": [*kept, *headers]}
            await send(message)

        context: dict[str, str] = {}
        token = logs.request_context.set(context)  # filled in by auth and the route
        started = time.perf_counter()
        try:
            if _too_large(scope):
                refusal = errors.answer(
                    scope["path"],
                    413,
                    "payload_too_large",
                    f"bodies are limited to {MAX_BODY_BYTES} bytes",
                )
                await refusal(scope, receive, send_with_headers)
            else:
                await self.app(scope, receive, send_with_headers)
        finally:
            self._account(scope, status, time.perf_counter() - started, context)
            logs.request_context.reset(token)

    def _account(self, scope: Scope, status: int, seconds: float, context: dict[str, str]) -> None:
        """The access log line (route, status, time, migration, who acted; no bodies) and the
        request series, by the matched route's template, never the ids."""
        route: Any = getattr(scope.get("route"), "path", None)
        migration_id = scope.get("path_params", {}).get("migration_id")
        if migration_id:
            context["migration_id"] = migration_id
        method = scope["method"]
        log.info(
            "%s %s",
            method,
            route or scope["path"],
            extra={"fields": {"status": status, "duration_ms": round(seconds * 1000, 1)}},
        )
        self.metrics.observe(method, route or "unmatched", status, seconds)


def _too_large(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return not value.isdigit() or int(value) > MAX_BODY_BYTES
    return False


def _encoded(csp: str | None) -> list[tuple[bytes, bytes]]:
    headers = SECURITY_HEADERS | ({"Content-Security-Policy": csp} if csp else {})
    return [(k.lower().encode(), v.encode()) for k, v in headers.items()]


API_HEADERS, CONSOLE_HEADERS, DOCS_HEADERS = (
    _encoded(API_CSP),
    _encoded(CONSOLE_CSP),
    _encoded(None),
)


def _security_headers(path: str) -> list[tuple[bytes, bytes]]:
    if path.startswith(("/console", "/status/")):
        return CONSOLE_HEADERS
    return DOCS_HEADERS if path.startswith(DOCS) else API_HEADERS
