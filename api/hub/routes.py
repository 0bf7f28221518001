"""Our side of the hub's transport: the token endpoint the hub takes its tokens from, and
the letterbox it posts every message for us to. Answers in the hub's own shapes: OAuth's on
the token endpoint, `{"errorCode", "errorText"}` on the letterbox, 202 with an empty body
once Temporal holds the message; never a 5xx but a 503 (the hub then sends it again)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api.deps import ClientDep, SettingsDep
from usecases import switching
from usecases.errors import Refused

router = APIRouter(tags=["One Touch Switch hub"])
NOT_JSON = {"errorCode": 9006, "errorText": "the body is not one JSON object"}


@router.post(
    "/oauth2/token",
    responses={
        400: {"description": "grant_type is not client_credentials"},
        401: {"description": "credentials refused: {code, message, description}"},
    },
)
async def token(request: Request, settings: SettingsDep) -> JSONResponse:
    """Client credentials (HTTP Basic or form fields, never both): the hub's, for a Bearer
    token to post to our letterbox with."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        answer = switching.issue_token(settings, request.headers.get("authorization"), fields)
    except switching.TokenRefused as refused:
        return JSONResponse(refused.body, status_code=refused.status)
    return JSONResponse(answer)


@router.post(
    "/letterbox/v1/post",
    status_code=202,
    response_class=Response,
    responses={
        400: {"description": "malformed: {errorCode, errorText}"},
        401: {"description": "no Bearer token from our /oauth2/token"},
        503: {"description": "Temporal cannot take it now: send it again"},
    },
)
async def letterbox(request: Request, client: ClientDep, settings: SettingsDep) -> Response:
    """One message from the hub: checked (envelope, schema, that it is for us), then handed
    to the migration it answers, or kept for supervisors. 202 once Temporal holds it."""
    if not switching.bearer_ok(settings, request.headers.get("authorization")):
        return JSONResponse(switching.UNAUTHORISED, status_code=401)
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return JSONResponse(NOT_JSON, status_code=400)
    try:
        await switching.deliver(client, settings, body)
    except switching.LetterboxRefusal as refused:
        return JSONResponse({"errorCode": refused.code, "errorText": refused.text}, status_code=400)
    except Refused as refused:
        return JSONResponse({"errorCode": 9008, "errorText": refused.message}, status_code=503)
    return Response(status_code=202)
