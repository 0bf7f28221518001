"""Event subscriptions (the hub): a CRM registers a listener for its orders' events, gets its
signing secret once, removes it, and resumes it once suspended (our extension). Every
delivery is the worker's, from a durable workflow per subscription; never this process's."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from api.deps import ClientDep, IdempotencyKey, SettingsDep
from api.tmf.callers import CrmReading, CrmWriting
from api.tmf.orders import TMF_ERRORS
from domain.tmf.models import BASE_PATH, EventSubscription, EventSubscriptionInput
from usecases import listeners
from usecases.idempotency import keyed

router = APIRouter(prefix=BASE_PATH, tags=["TM Forum: events"], responses=TMF_ERRORS)


@router.post("/hub", status_code=201, response_model=EventSubscription)
async def register_listener(
    body: EventSubscriptionInput,
    client: ClientDep,
    settings: SettingsDep,
    principal: CrmWriting,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Register a listener for this CRM's orders. The answer carries its `secret` (our
    extension), once: each delivery is signed with it (`X-Hub-Signature-256`)."""
    bound = keyed(key, principal.subject, "hub", "hub", body.wire())
    answer = await listeners.register(client, settings, principal, body.callback, body.query, bound)
    return JSONResponse(answer.wire(), status_code=201)


@router.get("/hub/{id}", response_model=EventSubscription)
async def read_listener(id: str, client: ClientDep, principal: CrmReading) -> JSONResponse:
    """A listener's state (our extension): suspended or not, events waiting. No secret."""
    return JSONResponse((await listeners.read(client, id, principal)).wire())


@router.delete("/hub/{id}", status_code=204)
async def remove_listener(
    id: str,
    client: ClientDep,
    settings: SettingsDep,
    principal: CrmWriting,
    key: IdempotencyKey = None,
) -> Response:
    bound = keyed(key, principal.subject, "hub-remove", id, None)
    await listeners.remove(client, settings.task_queue, id, principal, bound)
    return Response(status_code=204)


@router.post("/hub/{id}/resume", response_model=EventSubscription)
async def resume_listener(
    id: str,
    client: ClientDep,
    settings: SettingsDep,
    principal: CrmWriting,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Our extension: send a suspended listener's kept events again, in order."""
    bound = keyed(key, principal.subject, "hub-resume", id, None)
    resumed = await listeners.resume(client, settings.task_queue, id, principal, bound)
    return JSONResponse(resumed.wire())
