"""Every process is configured by environment variables only; logs are JSON without secrets."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from pydantic import ValidationError
from temporalio.service import TLSConfig

import connection
from observability import logs
from settings import Settings


def test_mtls_reads_the_certificate_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("cert", "key", "ca"):
        (tmp_path / f"{name}.pem").write_text(f"-----{name}-----")
        monkeypatch.setenv(f"TEMPORAL_TLS_{name.upper()}", str(tmp_path / f"{name}.pem"))
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_NAME", "temporal.internal")
    tls = connection.options(Settings())["tls"]
    assert isinstance(tls, TLSConfig)
    assert (tls.client_cert, tls.client_private_key, tls.server_root_ca_cert) == (
        b"-----cert-----",
        b"-----key-----",
        b"-----ca-----",
    )
    assert tls.domain == "temporal.internal"


def test_an_api_key_implies_tls_and_never_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_API_KEY", "cloud-key-123")
    monkeypatch.setenv("TEMPORAL_NAMESPACE", "lines.a1b2c")
    settings = Settings()
    options = connection.options(settings)
    assert options["tls"] is True and options["api_key"] == "cloud-key-123"
    assert options["namespace"] == "lines.a1b2c"
    assert "cloud-key-123" not in repr(settings)


def test_plain_connection_by_default() -> None:
    options = connection.options(Settings())
    assert options["tls"] is False and options["api_key"] is None


def test_a_certificate_without_its_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_TLS_CERT", "/certs/client.pem")
    with pytest.raises(ValidationError, match="TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY"):
        Settings()


def test_a_log_line_is_one_json_object_with_temporal_context() -> None:
    record = logging.LogRecord(
        "temporalio.activity",
        logging.INFO,
        __file__,
        1,
        "%s answered %s",
        ("http://fs/visits", 201),
        None,
    )
    record.temporal_activity = {
        "workflow_id": "mig-1",
        "workflow_run_id": "run-1",
        "activity_type": "book_visit",
        "attempt": 2,
        "task_queue": "q",
    }
    record.fields = {"step": "mig-1/run-1/visit-1"}
    token = logs.request_context.set({"subject": "marta", "role": "dispatch"})
    try:
        line = json.loads(logs.JsonFormatter().format(record))
    finally:
        logs.request_context.reset(token)
    assert line["message"] == "http://fs/visits answered 201" and line["level"] == "info"
    assert (line["migration_id"], line["run_id"], line["activity"], line["attempt"]) == (
        "mig-1",
        "run-1",
        "book_visit",
        2,
    )
    assert line["subject"] == "marta" and line["step"] == "mig-1/run-1/visit-1"
    assert "task_queue" not in line
