"""Keyed hashes and seals: stable for the holder of the secret, useless to anyone else."""

from __future__ import annotations

from security import hashing


def test_the_line_key_depends_on_the_secret() -> None:
    number = "+390612345678"
    assert hashing.line_key("s1", number) == hashing.line_key("s1", number)
    assert hashing.line_key("s1", number) != hashing.line_key("s2", number)
    assert number not in hashing.line_key("s1", number)


def test_a_request_hash_ignores_key_order_but_not_values() -> None:
    a = hashing.request_hash("start", {"x": 1, "y": [1, 2]})
    assert a == hashing.request_hash("start", {"y": [1, 2], "x": 1})
    assert a != hashing.request_hash("start", {"x": 2, "y": [1, 2]})
    assert a != hashing.request_hash("confirm", {"x": 1, "y": [1, 2]})


def test_only_our_own_seals_open() -> None:
    sealed = hashing.seal("s1", b"temporal-page-token")
    assert hashing.unseal("s1", sealed) == b"temporal-page-token"
    assert hashing.unseal("s2", sealed) is None
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    assert hashing.unseal("s1", tampered) is None
    for junk in ("not-base64!", "", "AAAA"):
        assert hashing.unseal("s1", junk) is None
