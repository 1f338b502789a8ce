"""Every server topology comes up for real, and the example sees all of it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recorder import procs, servers
from recorder.errors import ServerError
from recorder.model import Topology

from conftest import nbe
from faults import SHOW_SERVERS, make_tree

TOPOLOGIES: dict[str, tuple[str, dict[str, object]]] = {
    "t/single": (SHOW_SERVERS, {}),
    "t/config": (SHOW_SERVERS, {"topology": {"kind": "config", "config": "server.conf"}}),
    "t/cluster": (SHOW_SERVERS, {"topology": "cluster"}),
    "t/leafnode": (SHOW_SERVERS, {"topology": "leafnode"}),
    "t/supercluster": (SHOW_SERVERS, {"topology": {"kind": "supercluster", "size": 2}}),
    "t/regions": (SHOW_SERVERS, {"topology": {"kind": "supercluster", "size": 1,
                                              "regions": 3}}),
}
CONFIG = """
server_name: from-config
jetstream { store_dir: "{{store_dir}}" }
"""


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_tree(tmp_path_factory.mktemp("topo") / "examples", TOPOLOGIES,
                     {"t/config/server.conf": CONFIG})
    result = nbe("--examples", str(root), "record", "--jobs", "2", timeout=300)
    assert result.returncode == 0, result.stderr
    return root


def _output(root: Path, name: str) -> list[str]:
    return (root / "t" / name / "python" / "output.txt").read_text().splitlines()


def test_single(recorded: Path) -> None:
    assert _output(recorded, "single") == ["NATS_URL_N1 -> n1 cluster=-", "stream ok"]


def test_config_file(recorded: Path) -> None:
    assert _output(recorded, "config") == ["NATS_URL_N1 -> from-config cluster=-", "stream ok"]


def test_cluster_of_three_with_a_replicated_stream(recorded: Path) -> None:
    assert _output(recorded, "cluster") == [
        "NATS_URL_N1 -> n1 cluster=c1", "NATS_URL_N2 -> n2 cluster=c1",
        "NATS_URL_N3 -> n3 cluster=c1", "stream ok"]


def test_hub_and_leaf(recorded: Path) -> None:
    assert _output(recorded, "leafnode") == [
        "NATS_URL_HUB -> hub cluster=-", "NATS_URL_LEAF -> leaf cluster=leaf", "stream ok"]


def test_super_cluster(recorded: Path) -> None:
    assert _output(recorded, "supercluster") == [
        "NATS_URL_EAST_1 -> east-1 cluster=east", "NATS_URL_EAST_2 -> east-2 cluster=east",
        "NATS_URL_WEST_1 -> west-1 cluster=west", "NATS_URL_WEST_2 -> west-2 cluster=west",
        "stream ok"]


def test_three_regions(recorded: Path) -> None:
    assert _output(recorded, "regions") == [
        "NATS_URL_CENTRAL_1 -> central-1 cluster=central", "NATS_URL_EAST_1 -> east-1 cluster=east",
        "NATS_URL_WEST_1 -> west-1 cluster=west", "stream ok"]


def test_a_bad_config_gets_nats_servers_own_message(tmp_path: Path) -> None:
    (tmp_path / "server.conf").write_text("jetstream {\n  store_dir: \n")
    with pytest.raises(ServerError) as err:
        with servers.start(Topology("config", "server.conf"), procs.new_run_id(), tmp_path):
            pass
    message = str(err.value)
    assert str(tmp_path / "server.conf") in message
    assert re.search(r"[Pp]arse error|[Ee]xpected", message)


def test_an_unknown_placeholder_is_named(tmp_path: Path) -> None:
    (tmp_path / "server.conf").write_text('jetstream { store_dir: "{{stor_dir}}" }\n')
    with pytest.raises(ServerError, match=r"unknown placeholder \{\{stor_dir\}\}"):
        with servers.start(Topology("config", "server.conf"), procs.new_run_id(), tmp_path):
            pass


def test_a_port_taken_before_the_server_binds_it_is_chosen_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Parallel runs in separate processes can race for a port: the server
    that loses gets fresh ports instead of failing the run."""
    import socket

    from recorder import topology

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    taken_port = taken.getsockname()[1]
    real = procs.free_port
    offered: list[int] = []

    def free_port() -> int:
        port = real() if offered else taken_port  # the taken one first
        offered.append(port)
        return port

    monkeypatch.setattr(topology.procs, "free_port", free_port)
    run_id = procs.new_run_id()
    try:
        with servers.start(Topology(), run_id) as started:
            assert started.env["NATS_URL"] != f"nats://127.0.0.1:{taken_port}"
            # The server of the first try is gone; only the second one runs.
            assert len(procs.marked(procs.MARKER, run_id)) == 1
    finally:
        taken.close()
    # The taken port really was offered, and the second try got fresh ones.
    assert offered[0] == taken_port and len(offered) == 4
    assert procs.marked(procs.MARKER, run_id) == []
