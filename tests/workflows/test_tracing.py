"""One trace follows an API call through the workflow into its activities."""

from __future__ import annotations

import uuid

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.main import create_app
from observability import tracing
from tests.e2e.client import auth, migration_body
from tests.inprocess import api_over_asgi, settings_for
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import eventually
from workflows.line_migration import LineMigrationWorkflow
from workflows.sandbox import RUNNER


async def test_spans_from_the_api_call_to_the_activity(
    env: WorkflowEnvironment, systems: FakeSystems
) -> None:
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    base = env.client
    traced = Client(
        base.service_client,
        namespace=base.namespace,
        data_converter=base.data_converter,
        interceptors=tracing.interceptors(provider),
    )
    queue = f"tq-{uuid.uuid4()}"
    settings = settings_for(task_queue=queue)
    app = create_app(settings, client=traced, tracer_provider=provider)
    async with (
        Worker(
            traced,
            task_queue=queue,
            workflows=[LineMigrationWorkflow],
            workflow_runner=RUNNER,
            activities=systems.activities(),
        ),
        api_over_asgi(app) as api,
    ):
        r = await api.post("/migrations", json=migration_body(), headers=auth("sales"))
        assert r.status_code == 201, r.text
        await eventually(
            lambda: any(s.name.startswith("RunActivity:") for s in spans.get_finished_spans())
        )

    finished = spans.get_finished_spans()
    names = {s.name for s in finished}
    assert "POST /migrations" in names
    assert "StartWorkflow:LineMigrationWorkflow" in names
    assert "RunWorkflow:LineMigrationWorkflow" in names
    assert any(n.startswith("StartActivity:") for n in names)
    assert any(n.startswith("RunActivity:") for n in names)
    assert len({s.context.trace_id for s in finished}) == 1, names


def test_tracing_is_off_without_an_endpoint() -> None:
    settings = settings_for()
    assert tracing.provider(settings, "api") is None
    assert tracing.interceptors(None) == []
    assert tracing.provider(settings_for(otlp_endpoint="http://collector:4318/v1/traces"), "api")
