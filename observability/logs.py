"""One JSON object per log line, carrying the migration, run, activity and acting subject.

Personal data never reaches a log: callers log ids and outcomes, never request bodies, and
Temporal's own context (workflow id, run id, activity type) is copied field by field.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from temporalio import activity, workflow

# Set by the API for the request in hand; read by every log line written meanwhile.
request_context: ContextVar[dict[str, str] | None] = ContextVar("request_context", default=None)

# Which of Temporal's context fields each log line keeps, under which name.
_TEMPORAL_FIELDS = {
    "temporal_workflow": {"workflow_id": "migration_id", "run_id": "run_id"},
    "temporal_activity": {
        "workflow_id": "migration_id",
        "workflow_run_id": "run_id",
        "activity_type": "activity",
        "attempt": "attempt",
    },
}
_UVICORN = ("uvicorn", "uvicorn.error")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for attribute, fields in _TEMPORAL_FIELDS.items():
            info = getattr(record, attribute, None) or {}
            line |= {name: info[key] for key, name in fields.items() if key in info}
        line |= request_context.get() or {}
        line |= getattr(record, "fields", None) or {}
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure(level: str, fmt: str) -> None:
    """Route every logger (uvicorn's included) through one handler in the chosen format."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if fmt == "json" else logging.Formatter("%(asctime)s %(name)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _UVICORN:
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # the API logs richer lines itself
    logging.getLogger("httpx").setLevel(logging.WARNING)  # activities log each call themselves
    # Temporal's context travels as fields, not appended to the message.
    workflow.logger.workflow_info_on_message = False
    activity.logger.activity_info_on_message = False
