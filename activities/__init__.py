"""Side effects on external systems; `build` gives the worker every activity to register."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

import httpx

from activities.calendars import extend_calendar
from activities.field_service import FieldService
from activities.hub import Listeners
from activities.losing_operator import LosingOperatorGateway
from activities.notifications import Notifications
from activities.ots_hub import HubClient, OtsHub
from activities.payments import Payments
from activities.reporting import ReadModel
from activities.subscribers import SubscriberSystem
from reporting import store
from security.status_links import StatusLinks
from settings import Settings


class Closable(Protocol):
    async def aclose(self) -> None: ...


def build(settings: Settings) -> tuple[list[Callable[..., Any]], list[Closable]]:
    """Every activity bound to its system's client, and what to close on shutdown (the HTTP
    clients, the read model's engine). The activities that talk to Temporal itself are the
    application layer's (`usecases/fan_out.py`); the worker registers them beside these."""
    timeout = httpx.Timeout(settings.http_timeout_s)
    clients = {
        url: httpx.AsyncClient(base_url=url, timeout=timeout)
        for url in (
            settings.losing_operator_url,
            settings.field_service_url,
            settings.notifications_url,
            settings.payments_url,
            settings.subscribers_url,
        )
    }
    gateway = LosingOperatorGateway(clients[settings.losing_operator_url])
    field = FieldService(
        clients[settings.field_service_url], timedelta(seconds=settings.slot_hold_s)
    )
    links = StatusLinks.parse(
        settings.status_link_keys.get_secret_value(), settings.status_link_key_id
    )
    notifications = Notifications(clients[settings.notifications_url], links, settings.public_url)
    payments = Payments(clients[settings.payments_url])
    subscribers = SubscriberSystem(clients[settings.subscribers_url])
    read_model = ReadModel(store.engine_for(settings.reporting_database_url))
    # Listeners' callbacks are whole URLs (on the allow-list): a client with no base URL.
    listener_http = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
    listeners = Listeners(
        listener_http,
        settings.hub_signing_key.get_secret_value(),
        settings.hub_callback_hosts,
        settings.public_url,
    )
    hub_http = httpx.AsyncClient(timeout=timeout)
    hub = OtsHub(
        HubClient(
            hub_http,
            settings.ots_hub_url,
            settings.ots_token_endpoint,
            settings.ots_client_id,
            settings.ots_client_secret.get_secret_value(),
        )
    )
    activities: list[Callable[..., Any]] = [
        gateway.open_order,
        gateway.request_release,
        gateway.cancel_order,
        gateway.request_reinstatement,
        field.search_slots,
        field.reserve_slot,
        field.reserve_window,
        field.book_visit,
        field.cancel_visit,
        field.forward_ticket,
        notifications.notify_customer,
        notifications.escalate,
        payments.request_mandate,
        payments.final_bill,
        subscribers.search,
        subscribers.cease,
        extend_calendar,
        read_model.record_facts,
        read_model.monthly_report,
        listeners.deliver,
        hub.send,
    ]
    return activities, [*clients.values(), listener_http, hub_http, read_model]
