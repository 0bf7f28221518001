"""Who is calling: a JWT from the operator's OpenID Connect provider, or (development only)
a token from the tokens file. Either way a Principal: role, subject, and for a losing
operator's gateway which operator it speaks for."""

from __future__ import annotations

import asyncio
from typing import Any

import jwt

from api.auth import Principal, Role, TokenBook
from settings import Settings
from usecases.errors import Refused

ALGORITHMS = ["RS256", "ES256"]


class OidcVerifier:
    """Signature (RS256/ES256), issuer, audience, expiry and not-before, with small skew."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._jwks = jwt.PyJWKClient(settings.oidc_jwks_url) if settings.oidc_jwks_url else None
        self._static_key = settings.oidc_public_key

    async def claims(self, token: str) -> dict[str, Any]:
        s = self._settings
        try:
            if self._jwks is not None:  # fetched once, then cached; a new kid refetches
                key: Any = (await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)).key
            else:
                key = self._static_key
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=s.oidc_audience,
                issuer=s.oidc_issuer,
                leeway=s.oidc_leeway_s,
                options={"require": ["exp", "iss", "aud", s.oidc_subject_claim]},
            )
            return claims
        except jwt.ExpiredSignatureError as err:
            raise Refused(401, "unauthorized", "token expired") from err
        except jwt.ImmatureSignatureError as err:
            raise Refused(401, "unauthorized", "token not valid yet") from err
        except jwt.InvalidAudienceError as err:
            raise Refused(401, "unauthorized", "token for another audience") from err
        except jwt.InvalidIssuerError as err:
            raise Refused(401, "unauthorized", "token from another issuer") from err
        except jwt.MissingRequiredClaimError as err:
            raise Refused(401, "unauthorized", f"token without {err.claim} claim") from err
        except (jwt.PyJWTError, ValueError) as err:
            raise Refused(401, "unauthorized", "token signature or format invalid") from err

    def principal(self, claims: dict[str, Any]) -> Principal:
        s = self._settings
        role = _role(claims.get(s.oidc_role_claim))
        if role is None:
            raise Refused(403, "forbidden", f"token carries no known role in {s.oidc_role_claim!r}")
        operator = claims.get(s.oidc_operator_claim)
        if role is Role.OPERATOR and not isinstance(operator, str):
            raise Refused(
                403,
                "forbidden",
                f"an operator token must name its operator in {s.oidc_operator_claim!r}",
            )
        return Principal(
            role=role,
            subject=str(claims[s.oidc_subject_claim]),
            operator=operator if role is Role.OPERATOR else None,
        )


def _role(value: object) -> Role | None:
    """A role claim may be one string or a list (the first known role counts)."""
    for candidate in value if isinstance(value, list) else [value]:
        if isinstance(candidate, str) and candidate in Role._value2member_map_:
            return Role(candidate)
    return None


class Identity:
    def __init__(self, settings: Settings) -> None:
        self.oidc = OidcVerifier(settings) if settings.oidc_issuer else None
        production = settings.environment == "production"
        self.tokens = TokenBook({}) if production else TokenBook.load(settings.api_tokens_file)

    async def who(self, token: str) -> Principal:
        if self.oidc is not None and token.count(".") == 2:
            return self.oidc.principal(await self.oidc.claims(token))
        principal = self.tokens.who(token)
        if principal is None:
            raise Refused(401, "unauthorized", "unknown token")
        return principal
