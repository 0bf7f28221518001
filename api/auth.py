"""Roles, principals and the development tokens file (each token: a role and a subject)."""

from __future__ import annotations

import hmac
import json
from pathlib import Path

from pydantic import TypeAdapter

from domain.models import Role
from usecases.callers import Principal

__all__ = ["Principal", "Role", "TokenBook"]


class TokenBook:
    def __init__(self, tokens: dict[str, Principal]) -> None:
        self._tokens = tokens

    @classmethod
    def load(cls, path: Path) -> TokenBook:
        raw = json.loads(path.read_text())
        return cls(TypeAdapter(dict[str, Principal]).validate_python(raw))

    def who(self, token: str) -> Principal | None:
        """Constant-time comparison against every token: timing reveals nothing."""
        found = None
        for candidate, principal in self._tokens.items():
            if hmac.compare_digest(candidate.encode(), token.encode()):
                found = principal
        return found
