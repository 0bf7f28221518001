"""The bare baseline's worker in a process of its own with our worker's options: its memory
is measured apart from the benchmark's driver, and it competes for the CPU as ours does."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

import httpx

from bench.bare import BARE_QUEUE, BareEffects, BareMigration, BareTimer, noop
from connection import connect
from settings import get_settings
from worker import build_worker


async def main() -> None:
    settings = get_settings()
    client = await connect(settings)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with httpx.AsyncClient(timeout=settings.http_timeout_s) as http:
        activities: list[Callable[..., Any]] = [noop, BareEffects(http).notify]
        async with build_worker(
            client, settings, activities, [BareMigration, BareTimer], BARE_QUEUE
        ):
            await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    os._exit(
        0
    )  # the native runtime can abort at interpreter exit (CONTRIBUTING.md, "A clean exit")
