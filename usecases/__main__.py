"""Operations that reach Temporal from a shell, through the application layer:

`python -m usecases schedule`: the monthly report's Temporal Schedule (the worker also
creates it at start-up; idempotent).
`python -m usecases rebuild [--where CLAUSE]`: every migration Temporal's visibility still
holds, asked for its facts (running or closed) and written again to the read model;
idempotent, so it can run any time.
`python -m usecases rules-in-use`: how many open migrations run at each rules level."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from connection import connect
from settings import get_settings
from usecases import reports, rules


async def _run(command: str, where: str) -> str:
    settings = get_settings()
    client = await connect(settings)
    if command == "schedule":
        made = await reports.ensure_schedule(client, settings.task_queue)
        return f"schedule {reports.SCHEDULE_ID}: {'created' if made else 'already there'}"
    if command == "rules-in-use":
        return in_words(await rules.in_use(client))
    written = await reports.rebuild(client, settings, where)
    return f"rebuilt the facts of {written} migrations"


def in_words(found: dict[int | None, int]) -> str:
    rows = [f"rules level {level}: {n} open" for level, n in found.items() if level is not None]
    rows.append(f"started before migrations published their level (1 to 7): {found[None]} open")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m usecases")
    parser.add_argument("command", choices=["rebuild", "rules-in-use", "schedule"])
    parser.add_argument(
        "--where",
        default="",
        help="rebuild: a visibility clause, e.g. \"StartTime > '2026-11-01T00:00:00Z'\"",
    )
    args = parser.parse_args()
    said = asyncio.run(_run(args.command, args.where))
    sys.stdout.write(said + "\n")
    sys.stdout.flush()
    os._exit(0)  # the native runtime can abort at interpreter exit (CONTRIBUTING, "A clean exit")


if __name__ == "__main__":
    main()
