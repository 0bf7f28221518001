"""The bare baseline's worker in a process of its own with our worker's options: its memory
is measured apart from the benchmark's driver, and it competes for the CPU as ours does."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from bench.bare import BARE_QUEUE, BareMigration, BareTimer, noop, notify
from connection import connect
from settings import get_settings
from worker import build_worker


async def main() -> None:
    settings = get_settings()
    client = await connect(settings)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    bare = build_worker(client, settings, [noop, notify], [BareMigration, BareTimer], BARE_QUEUE)
    async with bare:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    os._exit(0)  # the native runtime can abort at interpreter exit (STYLE.md rule 12)
