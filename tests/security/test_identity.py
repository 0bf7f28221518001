"""Identity from the OpenID Connect provider's JWTs; development tokens refused in
production; writes limited per caller. The API runs in this process on the dev server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from temporalio.testing import WorkflowEnvironment

from api.auth import Role
from tests.inprocess import inprocess_api

ISSUER, AUDIENCE = "https://id.example-operator.it/realms/staff", "line-migrations"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
UNKNOWN = "/migrations/mig-unknown"  # 404 once authenticated: no workflow needed


def pem(key: Any) -> str:
    return str(
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def token(key: Any = RSA_KEY, alg: str = "RS256", kid: str | None = None, **claims: Any) -> str:
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "anna",
        "role": "auditor",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        **claims,
    }
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(body, key, algorithm=alg, headers={"kid": kid} if kid else None)


def hs256_with_public_key() -> str:
    """The algorithm-confusion attack: HMAC keyed with the public key anyone can read."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(time.time())
    unsigned = (
        part({"alg": "HS256", "typ": "JWT"})
        + "."
        + part(
            {"iss": ISSUER, "aud": AUDIENCE, "sub": "mallory", "role": "auditor", "exp": now + 300}
        )
    )
    mac = hmac.new(pem(RSA_KEY).encode(), unsigned.encode(), hashlib.sha256).digest()
    return unsigned + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


OIDC = {"oidc_issuer": ISSUER, "oidc_audience": AUDIENCE, "oidc_public_key": pem(RSA_KEY)}


def expiring(seconds: int) -> str:
    return token(exp=int(time.time()) + seconds)


@pytest.mark.parametrize(
    ("make", "status", "reason"),
    [
        (token, 404, None),
        (lambda: token(role=["staff", "auditor"]), 404, None),
        (lambda: expiring(-120), 401, "token expired"),
        (lambda: expiring(-10), 404, None),  # within the clock skew
        (lambda: token(nbf=int(time.time()) + 120), 401, "not valid yet"),
        (lambda: token(aud="billing"), 401, "another audience"),
        (lambda: token(iss="https://evil.example"), 401, "another issuer"),
        (lambda: token(key=OTHER_KEY), 401, "signature"),
        (hs256_with_public_key, 401, "signature"),
        (lambda: token(role=None), 403, "no known role"),
        (lambda: token(role="root"), 403, "no known role"),
        (lambda: token(sub=None), 401, "without sub"),
        (lambda: token(role="operator"), 403, "name its operator"),
    ],
    ids=[
        "valid",
        "role-list",
        "expired",
        "skew",
        "not-before",
        "audience",
        "issuer",
        "signature",
        "hs256",
        "no-role",
        "unknown-role",
        "no-subject",
        "operator-without-operator",
    ],
)
async def test_jwt_checks(
    dev_env: WorkflowEnvironment, make: Callable[[], str], status: int, reason: str | None
) -> None:
    """Each token is made when its test runs: the clock matters."""
    async with inprocess_api(dev_env.client, **OIDC) as api:
        r = await api.get(UNKNOWN, headers=bearer(make()))
    assert r.status_code == status, r.text
    if reason:
        assert reason in r.json()["error"]["message"]


async def test_es256_and_the_role_claim_named_in_settings(dev_env: WorkflowEnvironment) -> None:
    settings = {**OIDC, "oidc_public_key": pem(EC_KEY), "oidc_role_claim": "lm_role"}
    async with inprocess_api(dev_env.client, **settings) as api:
        ok = await api.get(UNKNOWN, headers=bearer(token(EC_KEY, "ES256", lm_role="care")))
        plain_role = await api.get(UNKNOWN, headers=bearer(token(EC_KEY, "ES256")))
    assert ok.status_code == 404 and plain_role.status_code == 403


@pytest.fixture
def jwks_url() -> Iterator[str]:
    """The provider's JWKS document, served on loopback as an identity provider would."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(RSA_KEY.public_key()))
    document = json.dumps({"keys": [{**jwk, "kid": "k-2026", "use": "sig", "alg": "RS256"}]})

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(document.encode())

        def log_message(self, *_: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/certs"
    server.shutdown()


async def test_keys_from_the_providers_jwks(dev_env: WorkflowEnvironment, jwks_url: str) -> None:
    settings = {"oidc_issuer": ISSUER, "oidc_audience": AUDIENCE, "oidc_jwks_url": jwks_url}
    async with inprocess_api(dev_env.client, **settings) as api:
        ok = await api.get(UNKNOWN, headers=bearer(token(kid="k-2026")))
        unknown_kid = await api.get(UNKNOWN, headers=bearer(token(OTHER_KEY, kid="k-1999")))
    assert ok.status_code == 404 and unknown_kid.status_code == 401


async def test_development_tokens_are_refused_in_production(
    dev_env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_SECRET", "a-production-secret")
    monkeypatch.setenv("HUB_SIGNING_KEY", "a-production-hub-signing-key")
    monkeypatch.setenv("PAYLOAD_KEYS", "p-1:" + base64.b64encode(b"p" * 32).decode())
    monkeypatch.setenv("PAYLOAD_KEY_ID", "p-1")
    monkeypatch.setenv("STATUS_LINK_KEYS", "s-1:a-production-status-link-key")
    monkeypatch.setenv("STATUS_LINK_KEY_ID", "s-1")
    monkeypatch.setenv("OTS_CLIENT_SECRET", "a-production-hub-client-secret")
    monkeypatch.setenv("OTS_HUB_CLIENT_SECRET", "a-production-secret-the-hub-presents")
    async with inprocess_api(dev_env.client, environment="production", **OIDC) as api:
        dev = await api.get(UNKNOWN, headers=bearer("dev-auditor"))
        real = await api.get(UNKNOWN, headers=bearer(token()))
    assert dev.status_code == 401 and real.status_code == 404


def test_production_refuses_development_secrets() -> None:
    from settings import Settings

    with pytest.raises(ValueError, match="API_SECRET, HUB_SIGNING_KEY, PAYLOAD_KEYS"):
        Settings(environment="production")


async def test_writes_beyond_the_limit_get_429_with_retry_after(
    dev_env: WorkflowEnvironment,
) -> None:
    async with inprocess_api(dev_env.client, write_burst=3, write_rate_per_s=0.5) as api:
        answers = [
            await api.post(
                f"{UNKNOWN}/confirmation", json={"channel": "phone"}, headers=bearer("dev-sales")
            )
            for _ in range(4)
        ]
        other_caller = await api.post(
            f"{UNKNOWN}/confirmation", json={"channel": "phone"}, headers=bearer("dev-care")
        )
        reads = await api.get(UNKNOWN, headers=bearer("dev-sales"))
    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    assert answers[-1].headers["Retry-After"] == "2"
    assert answers[-1].json()["error"]["code"] == "rate_limited"
    assert other_caller.status_code == 404 and reads.status_code == 404


def test_every_role_in_the_tokens_file_is_known() -> None:
    raw = json.loads(Path("config/dev-tokens.json").read_text())
    assert {entry["role"] for entry in raw.values()} == {r.value for r in Role}


async def test_the_codec_server_needs_an_auditors_token_in_production(
    dev_env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token-less development Web UI is a development convenience only."""
    key = base64.b64encode(b"p" * 32).decode()
    monkeypatch.setenv("API_SECRET", "a-production-secret")
    monkeypatch.setenv("HUB_SIGNING_KEY", "a-production-hub-signing-key")
    monkeypatch.setenv("PAYLOAD_KEYS", f"p-1:{key}")
    monkeypatch.setenv("PAYLOAD_KEY_ID", "p-1")
    monkeypatch.setenv("STATUS_LINK_KEYS", "s-1:a-production-status-link-key")
    monkeypatch.setenv("STATUS_LINK_KEY_ID", "s-1")
    monkeypatch.setenv("OTS_CLIENT_SECRET", "a-production-hub-client-secret")
    monkeypatch.setenv("OTS_HUB_CLIENT_SECRET", "a-production-secret-the-hub-presents")
    ui = "https://temporal-ui.example-operator.it"
    document = json.dumps({"payloads": []})
    async with inprocess_api(
        dev_env.client, environment="production", codec_cors_origins=[ui], **OIDC
    ) as api:
        anonymous = await api.post("/codec/decode", content=document, headers={"Origin": ui})
        care = await api.post(
            "/codec/decode", content=document, headers={"Origin": ui, **bearer(token(role="care"))}
        )
        auditor = await api.post(
            "/codec/decode", content=document, headers={"Origin": ui, **bearer(token())}
        )
    assert anonymous.status_code == 401 and care.status_code == 403
    assert auditor.status_code == 200 and auditor.headers["access-control-allow-origin"] == ui
