"""`python -m reporting migrate`: the read model's schema to its newest revision.
`python -m reporting schedule`: the monthly report's Temporal Schedule (the worker also
creates it at start-up; idempotent).
`python -m reporting rebuild`: every migration Temporal's visibility still holds, asked for
its facts (running or closed) and written again; idempotent, so it can run any time."""

from __future__ import annotations

import argparse
import asyncio

from temporalio.client import Client, WorkflowExecutionStatus

from connection import connect
from reporting import schedule, store
from settings import Settings, get_settings
from workflows.line_migration import LineMigrationWorkflow

EVERY_MIGRATION = "WorkflowType = 'LineMigrationWorkflow'"


async def rebuild(settings: Settings, client: Client | None = None, where: str = "") -> int:
    """Write the facts of every migration's latest run (`where`: a visibility clause that
    narrows them); how many were written."""
    client = client or await connect(settings)
    store.migrate(settings.reporting_database_url)
    written = 0
    query = f"{EVERY_MIGRATION} AND ({where})" if where else EVERY_MIGRATION
    with store.opened(settings.reporting_database_url) as engine:
        async for w in client.list_workflows(query):
            if w.status is WorkflowExecutionStatus.CONTINUED_AS_NEW:
                continue  # its state lives on in the next run, which is listed too
            handle = client.get_workflow_handle_for(
                LineMigrationWorkflow.run, w.id, run_id=w.run_id
            )
            facts = await handle.query(LineMigrationWorkflow.facts)
            await asyncio.to_thread(store.write, engine, facts)
            written += 1
    return written


async def _schedule(settings: Settings) -> bool:
    return await schedule.ensure(await connect(settings), settings.task_queue)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m reporting")
    parser.add_argument("command", choices=["migrate", "rebuild", "schedule"])
    parser.add_argument(
        "--where",
        default="",
        help="rebuild: a visibility clause, e.g. \"StartTime > '2026-11-01T00:00:00Z'\"",
    )
    args = parser.parse_args()
    settings = get_settings()
    if args.command == "migrate":
        store.migrate(settings.reporting_database_url)
        print("read model migrated")
        return
    if args.command == "schedule":
        made = asyncio.run(_schedule(settings))
        print(f"schedule {schedule.SCHEDULE_ID}: {'created' if made else 'already there'}")
        return
    written = asyncio.run(rebuild(settings, where=args.where))
    print(f"rebuilt the facts of {written} migrations")


if __name__ == "__main__":
    main()
