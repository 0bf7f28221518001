"""Every keyed hash and signature the API makes, in one place: the line-number key, the
fingerprint of a request, the seal on tokens the API hands out (page tokens), and the
secrets and signatures of event subscriptions."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

LINE_KEY_HEX = 24  # 96 bits: no two lines collide, and the id stays short in the Web UI
SEAL_BYTES = 16


def line_key(secret: str, number: str) -> str:
    """A keyed hash of the line number: the migration's id and search key, never the number.
    Whoever lacks the secret cannot test a guessed number against it."""
    return hmac.new(secret.encode(), number.encode(), hashlib.sha256).hexdigest()[:LINE_KEY_HEX]


def request_hash(action: str, body: Any) -> str:
    """The fingerprint binding an Idempotency-Key to the request it first came with."""
    text = json.dumps([action, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def seal(secret: str, token: bytes) -> str:
    """Sign an opaque token so that only tokens we gave ever come back to us."""
    mac = hmac.new(secret.encode(), token, hashlib.sha256).digest()[:SEAL_BYTES]
    return base64.urlsafe_b64encode(mac + token).decode()


def unseal(secret: str, sealed: str) -> bytes | None:
    """The token inside a seal we made; None for anything else."""
    try:
        raw = base64.urlsafe_b64decode(sealed)
    except (binascii.Error, ValueError):
        return None
    mac, token = raw[:SEAL_BYTES], raw[SEAL_BYTES:]
    expected = hmac.new(secret.encode(), token, hashlib.sha256).digest()[:SEAL_BYTES]
    return token if token and hmac.compare_digest(mac, expected) else None


def form_token(secret: str, purpose: str, credential: str) -> str:
    """A CSRF token for a form: keyed by the server's secret, bound to the credential the
    form acts with (a console session, a status link) and to the form's purpose, so a token
    lifted from one form is worth nothing on another."""
    message = f"{purpose}|{credential}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def form_token_matches(secret: str, purpose: str, credential: str, sent: str | None) -> bool:
    """Whether a form came back with the token we gave it (compared in constant time)."""
    expected = form_token(secret, purpose, credential)
    return sent is not None and hmac.compare_digest(expected, sent)


def listener_secret(signing_key: str, subscription_id: str) -> str:
    """An event subscription's secret: derived when needed (by the API once, to hand it out;
    by the worker to sign each delivery), so it is stored nowhere, Temporal included."""
    message = f"hub-subscription|{subscription_id}".encode()
    return hmac.new(signing_key.encode(), message, hashlib.sha256).hexdigest()


def delivery_signature(secret: str, body: bytes) -> str:
    """The `X-Hub-Signature-256` header of a delivery: HMAC-SHA256 of the exact body sent."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def same(sent: str, expected: str) -> bool:
    """Compare a presented secret in constant time."""
    return hmac.compare_digest(sent.encode(), expected.encode())
