"""Each caller's own queue: "my work", every morning."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api.auth import Principal
from api.deps import ClientDep, SettingsDep, get_principal
from api.schemas import ERROR_RESPONSES
from domain.worklist import WorkItem
from security import hashing
from usecases import worklists
from usecases.errors import Refused

router = APIRouter(responses=ERROR_RESPONSES)


class WorkPage(BaseModel):
    items: list[WorkItem]
    next_page_token: str | None


@router.get("/worklist", tags=["everyone"], response_model=WorkPage)
async def my_work(
    client: ClientDep,
    settings: SettingsDep,
    principal: Annotated[Principal, Depends(get_principal)],
    page_token: Annotated[str | None, Query(max_length=200)] = None,
) -> WorkPage:
    """The caller's queue, from their role and identity: overdue first, then the soonest
    due. Built on Temporal visibility, which trails a change by up to about a second."""
    secret = settings.api_secret.get_secret_value()
    offset = 0
    if page_token is not None:
        raw = hashing.unseal(secret, page_token)
        if raw is None or not raw.isdigit():
            raise Refused(422, "invalid_request", "page_token is not a token this API gave")
        offset = int(raw)
    items, following = await worklists.queue(client, settings, principal, offset)
    token = hashing.seal(secret, str(following).encode()) if following is not None else None
    return WorkPage(items=items, next_page_token=token)
