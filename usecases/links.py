"""Links from the API's answers: into the Temporal Web UI, where auditors read the history,
and the customer's own status link."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from domain.views import Snapshot
from security.status_links import StatusLinks
from settings import Settings


def web_ui_url(settings: Settings, migration_id: str) -> str:
    namespace = quote(settings.temporal_namespace, safe="")
    return f"{settings.web_ui_url}/namespaces/{namespace}/workflows/{quote(migration_id, safe='')}"


@lru_cache(maxsize=4)
def _signer(spec: str, current: str) -> StatusLinks:
    return StatusLinks.parse(spec, current)


def status_links(settings: Settings) -> StatusLinks:
    return _signer(settings.status_link_keys.get_secret_value(), settings.status_link_key_id)


def status_url(settings: Settings, migration_id: str, chain_id: str) -> str:
    token = status_links(settings).token(migration_id, chain_id)
    return f"{settings.public_url}/status/{token}"


def linked(settings: Settings, snap: Snapshot) -> Snapshot:
    return snap.model_copy(
        update={
            "web_ui_url": web_ui_url(settings, snap.migration_id),
            "customer_status_url": status_url(settings, snap.migration_id, snap.chain_id),
        }
    )
