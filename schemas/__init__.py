"""JSON Schemas of the messages we exchange with other systems, kept as data beside the code
that sends and receives them. One Touch Switch's: every message we post to the hub, every
message our letterbox takes, and every message the simulated hub sends, checked alike."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

FOLDER = Path(__file__).resolve().parent
MAX_BYTES = 256  # every string: a 257-byte value may be refused
SAID_CHARS = 160  # a problem names the value it saw, cut short


@cache
def _ots() -> dict[str, Any]:
    found: dict[str, Any] = json.loads((FOLDER / "ots.schema.json").read_text())
    return found


@cache
def _ots_validator(routing: str) -> Draft202012Validator | None:
    spec = _ots()
    if routing not in spec["messages"]:
        return None
    envelope, payload = spec["messages"][routing]
    schema = {
        "$defs": spec["$defs"],
        "type": "object",
        "additionalProperties": False,
        "required": ["envelope", routing],
        "properties": {
            "envelope": {"$ref": f"#/$defs/{envelope}"},
            routing: {"$ref": f"#/$defs/{payload}"},
        },
    }
    return Draft202012Validator(schema)


def ots_routing_ids() -> frozenset[str]:
    return frozenset(_ots()["messages"])


def ots_problems(message: Any) -> list[str]:
    """What makes this One Touch Switch message malformed, each in words; none: it is well
    formed for its routing id (which only says it is well formed, not that it is ours)."""
    if not isinstance(message, dict):
        return ["a message is one JSON object"]
    envelope = message.get("envelope")
    routing = envelope.get("routingID") if isinstance(envelope, dict) else None
    if not isinstance(routing, str):
        return ["envelope.routingID: missing"]
    validator = _ots_validator(routing)
    if validator is None:
        return [f"envelope.routingID: unknown routing id {routing[:SAID_CHARS]!r}"]
    found = [
        f"{'.'.join(map(str, e.absolute_path)) or 'message'}: {e.message[:SAID_CHARS]}"
        for e in validator.iter_errors(message)
    ]
    return sorted(found + _too_long(message, ""))


def _too_long(value: Any, path: str) -> list[str]:
    if isinstance(value, str):
        return [f"{path}: longer than {MAX_BYTES} bytes"] if len(value.encode()) > MAX_BYTES else []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _too_long(v, f"{path}.{k}".lstrip("."))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _too_long(v, f"{path}.{i}")]
    return []
