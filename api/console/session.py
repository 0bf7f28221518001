"""Who is at the console, and proof that a form came from a page we rendered.

Development: a sign-in form takes a development token into an HttpOnly, SameSite=Strict
cookie. Production: no form; an OpenID Connect reverse proxy (oauth2-proxy, say) in front of
the API passes the user's JWT as `Authorization: Bearer`. Either way every form carries a
CSRF token: an HMAC of the credential, so a page of another site cannot post as the user.
"""

from __future__ import annotations

import secrets

from fastapi import Request

from api.auth import Principal
from api.identity import Identity
from observability.logs import request_context
from security import hashing
from settings import Settings
from usecases.errors import Refused

SESSION_COOKIE = "console_session"
SIGN_IN_COOKIE = "console_sign_in"  # the sign-in form's own CSRF nonce
COOKIE_PATH = "/console"
SESSION_MAX_AGE_S = 12 * 3600  # one working day


class NotSignedIn(Exception):
    """The page needs a signed-in person: the console sends them to sign in."""


def credential(request: Request) -> str | None:
    settings: Settings = request.app.state.settings
    if settings.environment == "production":
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        return token if scheme.lower() == "bearer" and token else None
    return request.cookies.get(SESSION_COOKIE)


async def principal(request: Request) -> Principal:
    token = credential(request)
    if token is None:
        raise NotSignedIn
    identity: Identity = request.app.state.identity
    try:
        who = await identity.who(token)
    except Refused as err:
        raise NotSignedIn from err
    context = request_context.get()
    if context is not None:
        context.update(subject=who.subject, role=who.role.value)
    return who


CSRF_PURPOSE = "console-csrf"


def csrf_token(settings: Settings, token: str) -> str:
    return hashing.form_token(settings.api_secret.get_secret_value(), CSRF_PURPOSE, token)


def check_csrf(request: Request, sent: str | None) -> None:
    token = credential(request)
    secret = request.app.state.settings.api_secret.get_secret_value()
    if token is None or not hashing.form_token_matches(secret, CSRF_PURPOSE, token, sent):
        raise Refused(403, "forbidden", "this form has expired: open the page again")


def new_nonce() -> str:
    return secrets.token_urlsafe(24)
