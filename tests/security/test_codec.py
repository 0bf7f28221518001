"""Payloads sealed with AES-GCM under a named key; rotation keeps old payloads readable."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.exceptions import InvalidTag
from temporalio.api.common.v1 import Payload

from security.codec import COMPRESSION, ENCODING, KEY_ID, CodecError, EncryptionCodec, parse_keys

K1, K2 = os.urandom(32), os.urandom(32)
PLAIN = Payload(metadata={"encoding": b"json/plain"}, data=b'{"name": "Mario Rossi"}')


def spec(**keys: bytes) -> str:
    return ",".join(f"{k}:{base64.b64encode(v).decode()}" for k, v in keys.items())


async def test_sealed_payloads_hold_no_plaintext_and_open_again() -> None:
    codec = EncryptionCodec({"k1": K1}, "k1")
    [sealed] = await codec.encode([PLAIN])
    assert sealed.metadata["encoding"] == ENCODING and sealed.metadata[KEY_ID] == b"k1"
    assert b"Mario" not in sealed.SerializeToString()
    assert await codec.decode([sealed]) == [PLAIN]
    [again] = await codec.encode([PLAIN])
    assert again.data != sealed.data  # a fresh nonce every time


async def test_rotation_seals_with_the_new_key_and_still_opens_the_old() -> None:
    [old] = await EncryptionCodec({"k1": K1}, "k1").encode([PLAIN])
    rotated = EncryptionCodec(parse_keys(spec(k2=K2, k1=K1)), "k2")
    [new] = await rotated.encode([PLAIN])
    assert new.metadata[KEY_ID] == b"k2"
    assert await rotated.decode([old, new]) == [PLAIN, PLAIN]
    with pytest.raises(CodecError, match="unknown key 'k2'"):
        await EncryptionCodec({"k1": K1}, "k1").decode([new])


async def test_tampering_is_detected() -> None:
    codec = EncryptionCodec({"k1": K1}, "k1")
    [sealed] = await codec.encode([PLAIN])
    forged = Payload(
        metadata=dict(sealed.metadata), data=sealed.data[:-1] + bytes([sealed.data[-1] ^ 1])
    )
    with pytest.raises(InvalidTag):
        await codec.decode([forged])
    relabelled = Payload(metadata={**sealed.metadata, KEY_ID: b"k2"}, data=sealed.data)
    with pytest.raises(InvalidTag):
        await EncryptionCodec({"k1": K1, "k2": K1}, "k1").decode([relabelled])  # key id is bound


SNAPSHOT = Payload(
    metadata={"encoding": b"json/plain"},
    data=b"["
    + b",".join(b'{"name": "visit", "due_at": "2026-11-29T10:00:00Z"}' for _ in range(40))
    + b"]",
)


async def test_a_large_payload_is_compressed_before_it_is_sealed() -> None:
    codec = EncryptionCodec({"k1": K1}, "k1")
    [small, large] = await codec.encode([PLAIN, SNAPSHOT])
    assert COMPRESSION not in small.metadata  # too small to gain: sealed as it is
    assert large.metadata[COMPRESSION] == b"zlib"
    assert len(large.data) < len(SNAPSHOT.data) / 4
    assert await codec.decode([small, large]) == [PLAIN, SNAPSHOT]


async def test_the_compression_flag_is_authenticated() -> None:
    codec = EncryptionCodec({"k1": K1}, "k1")
    [large] = await codec.encode([SNAPSHOT])
    unflagged = Payload(
        metadata={k: v for k, v in large.metadata.items() if k != COMPRESSION}, data=large.data
    )
    with pytest.raises(InvalidTag):
        await codec.decode([unflagged])


async def test_payloads_from_before_encryption_pass_through() -> None:
    assert await EncryptionCodec({"k1": K1}, "k1").decode([PLAIN]) == [PLAIN]


@pytest.mark.parametrize(
    ("keys", "reason"),
    [
        ("", "no payload key"),
        ("k1:c2hvcnQ=", "32 bytes"),
        ("k1:***", "not base64"),
        (f"nokeyid{base64.b64encode(K1).decode()}", "32 bytes"),
    ],
)
def test_bad_key_settings_are_refused(keys: str, reason: str) -> None:
    with pytest.raises(CodecError, match=reason):
        parse_keys(keys)
