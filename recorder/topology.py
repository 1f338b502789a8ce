"""Where the servers of a topology listen and how they are joined: ports
chosen now, a store each, and a config file each. Pure layout; starting
and stopping them is servers.py's job."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import procs
from .errors import ServerError
from .model import Topology

# Placeholders a server config in an example folder may use.
PLACEHOLDERS = ("port", "http_port", "store_dir", "dir", "example_dir", "tls_ca",
                "tls_server_cert", "tls_server_key", "tls_client_cert", "tls_client_key",
                "operator_jwt", "system_account", "resolver_preload", "account_<NAME>",
                "key_<NAME>")

# Keys of a server config that open a listener of their own. Flags make the
# client port and the monitoring port the recorder's (127.0.0.1, chosen at
# run time); nats-server has no flag for the others' hosts, so a config may
# not set any of them: what a single server would need them for (routes,
# leaf nodes, gateways) is what the cluster, leafnode and supercluster
# topologies lay out on loopback. `include` is refused too, since it would
# hide them in another file.
LISTENERS = ("http", "https", "http_port", "https_port", "monitor_port", "prof_port",
             "cluster", "leafnodes", "leaf", "gateway", "websocket", "ws",
             "mqtt", "include")
_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|(?:#|//)[^\n]*')
_KEY_COLON = re.compile(r"[ \t]*[:={]")
_LISTENER_KEY = re.compile(
    r"(?:^|[\n,;{])[ \t]*([\"']?)(" + "|".join(LISTENERS) + r")\1(?=[ \t]*[:={\s])",
    re.IGNORECASE)



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


def check_listeners(text: str, path: Path) -> None:
    """Refuse a config that would open a listener the recorder does not
    choose (or include another file), naming the key, its line and the file."""

    def blank(match: re.Match[str]) -> str:
        token = match.group()
        if token[0] in "\"'" and _KEY_COLON.match(text, match.end()):
            return token  # a quoted key: "cluster": {...}
        return " " * len(token)  # a comment, or a string value

    found = _LISTENER_KEY.search(_STRING_OR_COMMENT.sub(blank, text))
    if not found:
        return
    key = found.group(2)
    where = f"{path}: line {text.count(chr(10), 0, found.start(2)) + 1}: '{key}'"
    if key.lower() == "include":
        raise ServerError(f"{where} would read another file; put the whole config in "
                          "this one")
    raise ServerError(
        f"{where} would open a listener of its own; the recorder makes every server "
        "listen on 127.0.0.1 on ports it chooses, so a config may not set "
        + ", ".join(LISTENERS[:-1]) + ". For routes, leaf nodes and gateways use the "
        "cluster, leafnode or supercluster topology.")


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


class Builder:
    """Lays out the servers of a topology: ports, stores and config files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.servers: list[Server] = []
        self.env: dict[str, str] = {}  # more variables for the example

    def server(self, name: str) -> Server:
        folder = self.root / name
        folder.mkdir(parents=True)
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


def cluster_names(topology: Topology) -> tuple[str, ...]:
    """The cluster names a topology gives its servers (a step may name one)."""
    if topology.kind == "cluster":
        return ("c1",)
    if topology.kind == "supercluster":
        return ("east", "west", "central")[:topology.regions]
    return ()


def _minted(topology: Topology, root: Path, b: Builder) -> dict[str, str]:
    """Keys and JWTs made for this run only: the operator, its accounts and
    users (operator mode: each user a creds file, NATS_CREDS_<ACCOUNT>_<USER>),
    and named account nkeys (NATS_SEED_<NAME> and its public key NATS_KEY_<NAME>,
    e.g. for an auth callout's issuer). Nothing secret is committed or reused."""
    values: dict[str, str] = {}
    if topology.operator or topology.keys:
        from . import jwts  # only these examples pay for the nkeys import

        if topology.operator:
            op = jwts.operator_for(dict(topology.operator))
            values.update(op.placeholders())
            b.env.update(op.write_creds(root / "creds"))
        for name in topology.keys:
            key = jwts.new_key("account")
            values[f"key_{name}"] = key.public
            env_name = name.upper().replace("-", "_")
            b.env[f"NATS_SEED_{env_name}"] = key.seed
            b.env[f"NATS_KEY_{env_name}"] = key.public
    return values


def layout(topology: Topology, root: Path, example_dir: Path | None,
            b: Builder) -> tuple[list[Server], str]:
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
        values.update(_minted(topology, root, b))
        rendered = _render(template, values)
        check_listeners(rendered, example_dir / topology.config)
        srv.config.write_text(rendered)
        # Flags override the file: whatever it says, the server listens on
        # loopback, on ports chosen now, with a store of its own.
        srv.args = ["-a", "127.0.0.1", "-p", str(srv.port), "-m", str(srv.http_port)]
        if "store_dir" not in rendered:
            srv.args += ["-sd", str(srv.store)]
        unknown = sorted(set(re.findall(r"\{\{(\w+)\}\}", rendered)))
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
        names = cluster_names(topology)
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
                node.checks.append(("gatewayz", "outbound_gateways", len(names) - 1))
        return b.servers, ",".join(n.url for n in clusters[0])
    raise ServerError(f"unknown topology kind {kind!r}")


