"""The embedded stack as one supervised group: Temporal dev server (SQLite + Web UI),
simulators, worker and API. `make run` runs it in the foreground; tests start it on free
ports. Ctrl-C (or SIGTERM) stops every process it started."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any

import httpx

from workflows import search_attributes as sa

ROOT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
STARTUP_TIMEOUT_S = 60.0  # the dev server creates its SQLite schema on first start
STOP_GRACE_S = 10.0  # each process gets this long after SIGTERM before SIGKILL
POLL_S = 0.2
# For load generators (tests, benchmarks) that write faster than any person or gateway.
NO_WRITE_LIMIT = {"WRITE_RATE_PER_S": "1000000", "WRITE_BURST": "1000000"}


class StackError(RuntimeError):
    pass


@dataclass(frozen=True)
class Ports:
    temporal: int = 7233
    ui: int = 8233
    api: int = 8000
    simulators: int = 8100
    worker_metrics: int = 9464
    temporal_metrics: int = 9465  # the server's own meters (its `action` count among them)

    @classmethod
    def free(cls) -> Ports:
        """Distinct free ports: every socket stays bound until all are chosen (asked one at a
        time, the kernel may hand out the same port twice: a stack once got its API and its
        simulators on one port)."""
        with ExitStack() as held:
            sockets = [held.enter_context(socket.socket()) for _ in fields(cls)]
            for s in sockets:
                s.bind(("127.0.0.1", 0))
            return cls(*(int(s.getsockname()[1]) for s in sockets))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_taken(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Stack:
    ports: Ports = field(default_factory=Ports)
    db_file: Path = ROOT / ".temporal" / "dev.db"
    ui: bool = True
    log_dir: Path | None = None  # None: children write to this terminal
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.api}"

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.ui}"

    @property
    def ui_origins(self) -> list[str]:
        """Where the Web UI's pages come from: the origins the codec server answers."""
        return [self.ui_url, f"http://localhost:{self.ports.ui}"]

    @property
    def simulators_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.simulators}"

    @property
    def temporal_address(self) -> str:
        return f"127.0.0.1:{self.ports.temporal}"

    @property
    def temporal_metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.temporal_metrics}/metrics"

    def env(self) -> dict[str, str]:
        sims = self.simulators_url
        return {
            **os.environ,
            "TEMPORAL_ADDRESS": self.temporal_address,
            "LOSING_OPERATOR_URL": f"{sims}/losing-operator",
            "FIELD_SERVICE_URL": f"{sims}/field-service",
            "NOTIFICATIONS_URL": f"{sims}/notifications",
            "PAYMENTS_URL": f"{sims}/payments",
            "SUBSCRIBERS_URL": f"{sims}/subscribers",
            "OTS_HUB_URL": os.environ.get("OTS_HUB_URL", f"{sims}/hub"),
            "API_URL": self.api_url,
            "WORKER_METRICS_ADDRESS": f"127.0.0.1:{self.ports.worker_metrics}",
            "API_TOKENS_FILE": str(ROOT / "config" / "dev-tokens.json"),
            "CODEC_CORS_ORIGINS": json.dumps(self.ui_origins),
            "WEB_UI_URL": self.ui_url,
            "PUBLIC_URL": self.api_url,
            "PYTHONUNBUFFERED": "1",
            "REPORTING_DATABASE_URL": os.environ.get(
                "REPORTING_DATABASE_URL", f"sqlite:///{self.db_file.parent / 'reporting.db'}"
            ),
            **self.extra_env,
        }

    def commands(self) -> dict[str, list[str]]:
        p = self.ports
        temporal = [
            str(BIN / "temporal"),
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            str(p.temporal),
            "--metrics-port",
            str(p.temporal_metrics),
            "--db-filename",
            str(self.db_file),
            "--log-level",
            "warn",
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal",
            *sa.cli_flags(),
        ]
        # The Web UI decrypts payloads through our codec server and fetches nothing outside.
        web_ui = ["--ui-port", str(p.ui), "--ui-codec-endpoint", f"{self.api_url}/codec"]
        temporal += [*web_ui, "--ui-disable-news-fetch"] if self.ui else ["--headless"]
        uvicorn = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--no-access-log"]
        return {
            "temporal": temporal,
            "simulators": [*uvicorn, "simulators.main:app", "--port", str(p.simulators)],
            "worker": [sys.executable, str(ROOT / "worker.py")],
            "api": [*uvicorn, "api.main:app", "--port", str(p.api)],
        }

    def start(self) -> None:
        taken = [f"{name} {port}" for name, port in vars(self.ports).items() if port_taken(port)]
        if taken:
            raise StackError(f"port already in use: {', '.join(taken)}")
        self.db_file.parent.mkdir(parents=True, exist_ok=True)
        # The report's read model: its schema migrated once, before anything writes to it.
        subprocess.run(
            [sys.executable, "-m", "reporting", "migrate"], cwd=ROOT, env=self.env(), check=True
        )
        try:
            for name in ("temporal", "simulators", "worker", "api"):
                self.launch(name)
                if name == "temporal":
                    self._wait_for_port(self.ports.temporal, "temporal")
            self.wait_healthy(f"{self.simulators_url}/healthz", "simulators")
            self.wait_healthy(f"{self.api_url}/healthz", "api")
        except BaseException:
            self.stop()
            raise

    def launch(self, name: str) -> None:
        out: IO[bytes] | None = None
        if self.log_dir is not None:
            out = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed in stop()
            self._logs.append(out)
        self.processes[name] = subprocess.Popen(
            self.commands()[name],
            cwd=ROOT,
            env=self.env(),
            stdout=out,
            stderr=out,
            start_new_session=True,  # its own group: a Ctrl-C reaches it only through us
        )

    def kill(self, name: str) -> None:
        """SIGKILL one process, as a crash would."""
        proc = self.processes.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop_one(self, name: str) -> None:
        proc = self.processes.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop(self) -> None:
        for name in ("api", "worker", "simulators", "temporal"):
            self.stop_one(name)
        for log in self._logs:
            log.close()
        self._logs.clear()

    def _check_alive(self) -> None:
        for name, proc in self.processes.items():
            if proc.poll() is not None:
                raise StackError(f"{name} exited with {proc.returncode}")

    def _wait_for_port(self, port: int, what: str) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not port_taken(port):
            self._check_alive()
            if time.monotonic() > deadline:
                raise StackError(f"{what} did not open port {port}")
            time.sleep(POLL_S)

    def wait_healthy(self, url: str, what: str) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            self._check_alive()
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise StackError(f"{what} not healthy at {url}")
            time.sleep(POLL_S)


def start_on_free_ports(attempts: int = 3, **options: Any) -> Stack:
    """A started stack on free ports. Another process can take a port between choosing and
    binding it (the dev server opens ephemeral ports of its own), so a clash is retried."""
    for attempt in range(1, attempts + 1):
        stack = Stack(ports=Ports.free(), **options)
        try:
            stack.start()
            return stack
        except StackError:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db-filename", type=Path, default=ROOT / ".temporal" / "dev.db")
    args = parser.parse_args()
    stack = Stack(db_file=args.db_filename)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        stack.start()
    except StackError as err:
        print(f"cannot start the stack: {err}", file=sys.stderr)
        return 1
    p = stack.ports
    print(
        "\nLine-migration orchestrator is up:\n"
        f"  API        {stack.api_url}  (OpenAPI docs at {stack.api_url}/docs)\n"
        f"  Web UI     http://127.0.0.1:{p.ui}\n"
        f"  Temporal   {stack.temporal_address}\n"
        f"  Simulators {stack.simulators_url}  (GET /calls, POST /faults)\n"
        f"  Metrics    {stack.api_url}/metrics, http://127.0.0.1:{p.worker_metrics}/metrics and "
        f"{stack.temporal_metrics_url}\n"
        "Ctrl-C stops everything.\n",
        flush=True,
    )
    code = 0
    while not stopping:
        dead = [n for n, proc in stack.processes.items() if proc.poll() is not None]
        if dead:
            print(f"{', '.join(dead)} exited: stopping the stack", file=sys.stderr)
            code = 1
            break
        time.sleep(POLL_S * 2)
    stack.stop()
    print("stack stopped", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
