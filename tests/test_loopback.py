"""Every listener binds 127.0.0.1, whatever a `config` topology's file says:
a config that would open a listener of its own is refused, naming the block
and the file, and a server that listens anywhere else anyway is stopped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from recorder import procs, servers
from recorder.errors import ServerError
from recorder.model import Topology

# Each opens a listener on every interface (the ports are only reserved here,
# so nothing else on the machine is disturbed).
BLOCKS = {
    "http": "http: 0.0.0.0:{a}\n",
    "https": "https: 0.0.0.0:{a}\n",
    "monitor_port": "monitor_port: {a}\n",
    "cluster": "cluster {{ name: c1, listen: 0.0.0.0:{a} }}\n",
    "leafnodes": "leafnodes {{ listen: 0.0.0.0:{a} }}\n",
    "gateway": "gateway {{ name: g1, listen: 0.0.0.0:{a} }}\n",
    "websocket": "websocket {{ listen: 0.0.0.0:{a}, no_tls: true }}\n",
    "mqtt": 'jetstream {{ store_dir: "{{{{store_dir}}}}" }}\nmqtt {{ listen: 0.0.0.0:{a} }}\n',
    # the same, written the other ways the config format allows
    "CLUSTER": '# comment\nserver_name: n, "CLUSTER": {{ "listen": "0.0.0.0:{a}" }}\n',
    "ws": "ws = {{\n  port: {a}\n  no_tls: true\n}}\n",
}


def listening(pid: int) -> list[str]:
    """The addresses a process listens on, "ip:port"."""
    try:
        conns = psutil.Process(pid).net_connections(kind="inet")
    except psutil.Error:
        return []
    return [f"{c.laddr.ip}:{c.laddr.port}" for c in conns if c.status == psutil.CONN_LISTEN]


@pytest.mark.parametrize("block", list(BLOCKS))
def test_a_config_that_opens_a_listener_is_refused(tmp_path: Path, block: str) -> None:
    config = tmp_path / "server.conf"
    config.write_text("server_name: n1\n" + BLOCKS[block].format(a=procs.free_port()))
    run_id = procs.new_run_id()
    bound: list[str] = []
    message = ""
    try:
        with servers.start(Topology("config", "server.conf"), run_id, tmp_path) as started:
            for srv in started.servers:
                assert srv.process is not None
                bound += listening(srv.process.pid)
    except ServerError as err:
        message = str(err)
    assert [address for address in bound if not address.startswith("127.0.0.1:")] == []
    assert message.startswith(f"{config}: line ")
    assert f"'{block}'" in message and "127.0.0.1" in message
    assert procs.marked(procs.MARKER, run_id) == []


def test_a_plain_config_listens_on_loopback_only(tmp_path: Path) -> None:
    (tmp_path / "server.conf").write_text(
        '# cluster, http and mqtt in a comment are fine\nlisten: 0.0.0.0:4222\n'
        'authorization { user: "ws, cluster", password: "http: 1" }\n'
        'jetstream { store_dir: "{{store_dir}}" }\n')
    with servers.start(Topology("config", "server.conf"), procs.new_run_id(), tmp_path) as s:
        assert s.servers[0].process is not None
        bound = listening(s.servers[0].process.pid)
    srv = s.servers[0]
    assert sorted(bound) == sorted([f"127.0.0.1:{srv.port}", f"127.0.0.1:{srv.http_port}"])


def test_an_include_is_refused(tmp_path: Path) -> None:
    (tmp_path / "more.conf").write_text("mqtt { listen: 0.0.0.0:1883 }\n")
    (tmp_path / "server.conf").write_text("include ./more.conf\n")
    with pytest.raises(ServerError, match=r"server\.conf: line 1: 'include'"):
        with servers.start(Topology("config", "server.conf"), procs.new_run_id(), tmp_path):
            pass


def test_a_server_listening_beyond_127_0_0_1_is_found(tmp_path: Path) -> None:
    """The last guard, for whatever the config check misses: what the
    process really listens on (127.0.0.2 stands in for any other address)."""
    code = ("import socket, time\ns = socket.socket()\ns.bind(('127.0.0.2', 0))\n"
            "s.listen()\nprint('ready', flush=True)\ntime.sleep(30)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        found = servers.beyond_loopback([proc.pid])
        assert len(found) == 1 and found[0].startswith("127.0.0.2:")
        assert servers.beyond_loopback([]) == []
    finally:
        proc.kill()
        proc.wait()
