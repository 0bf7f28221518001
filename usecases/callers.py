"""Who asks: the identity an edge resolved (a token's role and subject), as every use case
takes it. The actor a command records always comes from here, never from a request body."""

from __future__ import annotations

from pydantic import BaseModel

from domain.models import Actor, Role


class Principal(BaseModel):
    role: Role
    subject: str
    operator: str | None = None  # the losing operator a gateway speaks for

    @property
    def actor(self) -> Actor:
        return Actor(subject=self.subject, role=self.role.value)
