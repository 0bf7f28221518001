"""Links from the API's answers into the Temporal Web UI, where auditors read the history."""

from __future__ import annotations

from urllib.parse import quote

from domain.views import Snapshot
from settings import Settings


def web_ui_url(settings: Settings, migration_id: str) -> str:
    namespace = quote(settings.temporal_namespace, safe="")
    return f"{settings.web_ui_url}/namespaces/{namespace}/workflows/{quote(migration_id, safe='')}"


def linked(settings: Settings, snap: Snapshot) -> Snapshot:
    return snap.model_copy(update={"web_ui_url": web_ui_url(settings, snap.migration_id)})
