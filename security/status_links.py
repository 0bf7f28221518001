"""The customer's status link: an unguessable token signed with its own keys.

The token names the migration and its run chain (a line can migrate again later: the link
answers about its own migration only) and carries an HMAC under a named key. New links are
signed with the current key; links signed with an older key keep working while that key is
listed (rotation, as for payload keys).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import datetime, timedelta

MAC_BYTES = 16  # 128 bits: guessing a link is hopeless
LIFETIME_AFTER_CLOSE = timedelta(days=30)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class StatusLinks:
    def __init__(self, keys: dict[str, bytes], current: str) -> None:
        if current not in keys:
            raise ValueError(f"STATUS_LINK_KEY_ID {current!r} is not among STATUS_LINK_KEYS")
        self._keys, self._current = keys, current

    @classmethod
    def parse(cls, spec: str, current: str) -> StatusLinks:
        """`id:secret,id:secret`, the secrets being any long random strings."""
        keys = {}
        for part in spec.split(","):
            key_id, _, secret = part.strip().partition(":")
            if not key_id or len(secret) < 16:
                raise ValueError("STATUS_LINK_KEYS must be id:secret pairs of 16+ characters")
            keys[key_id] = secret.encode()
        return cls(keys, current)

    def _mac(self, key_id: str, body: bytes) -> bytes:
        return hmac.new(self._keys[key_id], body, hashlib.sha256).digest()[:MAC_BYTES]

    def token(self, migration_id: str, chain_id: str) -> str:
        body = f"{self._current}:{migration_id}:{chain_id}".encode()
        return f"{_b64(body)}.{_b64(self._mac(self._current, body))}"

    def open(self, token: str) -> tuple[str, str] | None:
        """(migration id, run chain) of a link we signed; None for anything else."""
        encoded, _, mac = token.partition(".")
        try:
            body, sent = _unb64(encoded), _unb64(mac)
            key_id, migration_id, chain_id = body.decode().split(":")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return None
        if key_id not in self._keys or not hmac.compare_digest(sent, self._mac(key_id, body)):
            return None
        return migration_id, chain_id


def expired(closed_at: datetime | None, now: datetime) -> bool:
    """A link works while the migration runs and for 30 days after it closes."""
    return closed_at is not None and now > closed_at + LIFETIME_AFTER_CLOSE


def fingerprint(token: str) -> str:
    """What logs may say of a link: enough to correlate, never enough to use."""
    return hashlib.sha256(token.encode()).hexdigest()[:12]
