"""AES-GCM encryption of every payload the API and the worker hand to Temporal.

Customer names, phone numbers, addresses and e-mails live in workflow inputs, update
arguments and results, and history is kept for months: Temporal stores only ciphertext.
Each payload names the key that sealed it, so keys rotate without re-encrypting history:
new payloads take the current key, old ones still open with the key they name.

A payload big enough to gain is compressed before it is sealed (snapshots and workflow
inputs are JSON that shrinks to about a third): history, which the server writes and keeps,
is what a migration costs. The ciphertext's length then depends on how well the plaintext
compresses; reading it needs access to history, where the names are hidden anyway.
"""

from __future__ import annotations

import base64
import binascii
import os
import zlib
from collections.abc import Mapping, Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12
COMPRESSION = "compression"
ZLIB = b"zlib"
COMPRESS_FROM_BYTES = 200  # below this, zlib's header and checksum eat what it saves


class CodecError(ValueError):
    pass


def parse_keys(spec: str) -> dict[str, bytes]:
    """`id:base64key,id:base64key` into {id: 32-byte key}; refuses anything else."""
    keys: dict[str, bytes] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key_id, sep, encoded = item.partition(":")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error as err:
            raise CodecError(f"payload key {key_id!r} is not base64") from err
        if not sep or not key_id or len(key) != 32:
            raise CodecError(f"payload key {key_id!r} must be id:base64 of 32 bytes (AES-256)")
        keys[key_id] = key
    if not keys:
        raise CodecError("no payload key configured")
    return keys


class EncryptionCodec(PayloadCodec):
    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        if current not in keys:
            raise CodecError(f"current payload key {current!r} is not among the keys")
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self._current = current

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.seal(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.open(p) for p in payloads]

    def seal(self, payload: Payload) -> Payload:
        nonce = os.urandom(NONCE_BYTES)
        key_id = self._current.encode()
        plain = payload.SerializeToString()
        metadata = {"encoding": ENCODING, KEY_ID: key_id}
        if len(plain) >= COMPRESS_FROM_BYTES:
            packed = zlib.compress(plain)
            if len(packed) < len(plain):
                plain, metadata[COMPRESSION] = packed, ZLIB
        sealed = self._ciphers[self._current].encrypt(nonce, plain, _aad(metadata))
        return Payload(metadata=metadata, data=nonce + sealed)

    def open(self, payload: Payload) -> Payload:
        """Payloads written before encryption was on pass through as they are."""
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        key_id = payload.metadata.get(KEY_ID, b"").decode()
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise CodecError(f"payload sealed with unknown key {key_id!r}")
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        plain = cipher.decrypt(nonce, sealed, _aad(payload.metadata))
        if payload.metadata.get(COMPRESSION) == ZLIB:
            plain = zlib.decompress(plain)
        inner = Payload()
        inner.ParseFromString(plain)
        return inner


def _aad(metadata: Mapping[str, bytes]) -> bytes:
    """What the tag authenticates besides the ciphertext: the key's id and, if compressed,
    that it is (a flipped flag fails to open rather than feeding zlib a forgery)."""
    key_id = metadata[KEY_ID]
    return key_id + b"/" + ZLIB if metadata.get(COMPRESSION) == ZLIB else key_id
