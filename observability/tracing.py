"""OpenTelemetry traces, off unless an OTLP endpoint is configured: one trace follows an API
call into the workflow and on into each activity (Temporal headers carry the context)."""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from temporalio.client import Interceptor
from temporalio.contrib.opentelemetry import TracingInterceptor

from settings import Settings


def provider(settings: Settings, process: str) -> TracerProvider | None:
    """Spans batched to the OTLP endpoint, or None when tracing is off."""
    if not settings.otlp_endpoint:
        return None
    resource = Resource.create({SERVICE_NAME: f"{settings.service_name}-{process}"})
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(
        BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otlp_endpoint))
    )
    return tracer_provider


def interceptors(tracer_provider: TracerProvider | None) -> list[Interceptor]:
    """For the client of the API and of the worker (workers inherit the client's)."""
    if tracer_provider is None:
        return []
    return [TracingInterceptor(tracer_provider.get_tracer("line-migrations"))]


def instrument(app: FastAPI, tracer_provider: TracerProvider | None) -> None:
    if tracer_provider is not None:
        FastAPIInstrumentor.instrument_app(
            app, tracer_provider=tracer_provider, excluded_urls="healthz,metrics"
        )
