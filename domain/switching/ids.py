"""Correlation ids: a version-8 UUID (RFC 9562, a layout of our own) carrying the line's key,
so the letterbox finds the migration an answer belongs to without a look-up table, and a
keyed tag of the run chain and step, so each message has its own id and a retry the same."""

from __future__ import annotations

import hashlib
import re
import uuid

KEY_BITS = 96  # the line key: 24 hex digits
TAG_BITS = 26  # 122 free bits in a UUID, less the key
HEX_KEY = re.compile(r"^[0-9a-f]{24}$")


def correlation_id(line_key: str, chain_id: str, step: str) -> str:
    key = int(line_key, 16) if HEX_KEY.match(line_key) else _digest(line_key, KEY_BITS)
    tag = _digest(f"{chain_id}/{step}", TAG_BITS)
    value = (key << TAG_BITS) | tag
    high, middle, low = value >> 74, (value >> 62) & 0xFFF, value & ((1 << 62) - 1)
    return str(uuid.UUID(int=(high << 80) | (0x8 << 76) | (middle << 64) | (0b10 << 62) | low))


def line_key_of(correlation: str) -> str | None:
    """The line key inside one of our correlation ids; None for anyone else's."""
    try:
        found = uuid.UUID(correlation)
    except ValueError:
        return None
    if found.variant != uuid.RFC_4122 or found.version != 8:
        return None
    n = found.int
    value = ((n >> 80) << 74) | (((n >> 64) & 0xFFF) << 62) | (n & ((1 << 62) - 1))
    return f"{value >> TAG_BITS:024x}"


def _digest(text: str, bits: int) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big") >> (256 - bits)
