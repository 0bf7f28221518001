"""The codec server the Temporal Web UI calls to show auditors decrypted payloads.

Mounted under /codec with CORS for the Web UI's origin only; the same bearer tokens as the
API, and only roles that may read every migration (auditor, supervisor) get plaintext. The
development Web UI of `make run` has no sign-in and never sends a token: with
ENVIRONMENT=development only, requests from the configured UI origins need none.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.security import HTTPAuthorizationCredentials
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from api import errors
from api.auth import Role
from api.deps import allow, bearer, get_principal
from security.codec import EncryptionCodec
from usecases.errors import Refused

READERS = (Role.AUDITOR, Role.SUPERVISOR)
may_read = allow(*READERS)


async def reader(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """An auditor or supervisor; in development, also the token-less local Web UI."""
    settings = request.app.state.settings
    origin = request.headers.get("origin")
    development_ui = settings.environment == "development" and origin in settings.codec_cors_origins
    if credentials is None and development_ui:
        return
    may_read(await get_principal(request, credentials))


def create(codec: EncryptionCodec, origins: list[str]) -> FastAPI:
    app = FastAPI(title="Payload codec", openapi_url=None)
    errors.install(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["POST"],
        allow_credentials=True,
        allow_headers=["Authorization", "Content-Type", "X-Namespace"],
    )

    async def convert(request: Request, decode: bool) -> Response:
        try:
            payloads = json_format.Parse(await request.body(), Payloads())
        except (json_format.ParseError, UnicodeDecodeError) as err:
            raise Refused(422, "invalid_request", f"not a Payloads document: {err}") from err
        step = codec.decode if decode else codec.encode
        try:
            converted = await step(payloads.payloads)
        except Exception as err:  # noqa: BLE001 - unknown key, forged or corrupt payload
            raise Refused(422, "invalid_request", f"cannot convert payloads: {err!r}") from err
        body = json_format.MessageToJson(Payloads(payloads=converted))
        return Response(body, media_type="application/json")

    @app.post("/decode", dependencies=[Depends(reader)])
    async def decode(request: Request) -> Response:
        return await convert(request, decode=True)

    @app.post("/encode", dependencies=[Depends(reader)])
    async def encode(request: Request) -> Response:
        return await convert(request, decode=False)

    return app
