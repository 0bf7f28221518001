"""Runs the migration workflow and its activities on the task queue until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import PollerBehaviorAutoscaling, Worker

import activities
from connection import connect
from observability import logs, tracing
from settings import Settings, get_settings
from usecases import reports, temporal
from usecases.fan_out import FanOuts
from workflows.event_delivery import EventDeliveryWorkflow
from workflows.force_majeure import ForceMajeureRegistry
from workflows.hub_inbox import UnmatchedHubMessages
from workflows.hub_request import HubRequestWorkflow
from workflows.key_binding import IdempotencyKeyBinding
from workflows.line_migration import LineMigrationWorkflow
from workflows.monthly_report import MonthlyReportWorkflow
from workflows.outgoing_switch import OutgoingSwitchWorkflow
from workflows.sandbox import runner

log = logging.getLogger("worker")


def build_worker(
    client: temporal.Client,
    settings: Settings,
    activity_fns: Sequence[Callable[..., Any]],
    workflows: Sequence[type] = (
        LineMigrationWorkflow,
        IdempotencyKeyBinding,
        MonthlyReportWorkflow,
        ForceMajeureRegistry,
        EventDeliveryWorkflow,
        UnmatchedHubMessages,
        OutgoingSwitchWorkflow,
        HubRequestWorkflow,
    ),
    task_queue: str | None = None,
) -> Worker:
    """Every option from settings; the benchmark's bare baseline runs with the same ones."""
    return Worker(
        client,
        task_queue=task_queue or settings.task_queue,
        workflows=workflows,
        activities=activity_fns,
        max_cached_workflows=settings.max_cached_workflows,
        max_concurrent_activities=settings.max_concurrent_activities,
        max_concurrent_workflow_tasks=settings.max_concurrent_workflow_tasks,
        workflow_task_poller_behavior=PollerBehaviorAutoscaling(),
        activity_task_poller_behavior=PollerBehaviorAutoscaling(),
        graceful_shutdown_timeout=timedelta(seconds=settings.graceful_shutdown_s),
        workflow_runner=runner(settings.workflow_sandbox == "on"),
    )


def runtime(settings: Settings) -> Runtime | None:
    """SDK and product metrics (workflow counters) served for Prometheus, if asked for."""
    if not settings.worker_metrics_address:
        return None
    prometheus = PrometheusConfig(bind_address=settings.worker_metrics_address)
    return Runtime(telemetry=TelemetryConfig(metrics=prometheus))


async def main() -> None:
    settings = get_settings()
    logs.configure(settings.log_level, settings.log_format)
    tracer_provider = tracing.provider(settings, "worker")
    client = await connect(
        settings, runtime=runtime(settings), interceptors=tracing.interceptors(tracer_provider)
    )
    activity_fns, closables = activities.build(settings)
    fan_outs = FanOuts(client, settings.task_queue, settings.api_secret.get_secret_value())
    if await reports.ensure_schedule(client, settings.task_queue):
        log.info("created the schedule %s", reports.SCHEDULE_ID)
    worker = build_worker(client, settings, [*activity_fns, *fan_outs.activities()])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("worker polling %s on %s", settings.task_queue, settings.temporal_address)
    async with worker:
        await stop.wait()
        log.info("stopping: in-flight activities get %ss", settings.graceful_shutdown_s)
    for closable in closables:
        await closable.aclose()
    if tracer_provider is not None:
        tracer_provider.shutdown()  # flush the last spans


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(
        0
    )  # the native runtime can abort at interpreter exit (CONTRIBUTING.md, "A clean exit")
