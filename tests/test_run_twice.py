"""Every example runs twice: a reader points an example at their own server
with NATS_URL and runs it again. Each single-topology implementation that
this machine can run is run twice in a row against one long-lived server;
the two outputs must be equal and must match the example's expect patterns.
An example that leaves a stream, consumer, bucket or object store behind
prints something else the second time, and fails here by name."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from recorder import loader, procs, runners, servers
from recorder.model import Example, Implementation, Topology

from conftest import ROOT, nbe

TREE, _ = loader.load(ROOT / "examples")
RUNNABLE = [(ex, impl) for ex, impl in TREE.implementations()
            if ex.topology.kind == "single" and not ex.steps
            and runners.why_not(impl.language, TREE.root) is None]

# Nothing is masked today: the examples print no timings, addresses or
# random IDs. A pattern added here must name what it hides and why.
MASKS: list[tuple[re.Pattern[str], str]] = []


def masked(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


@pytest.fixture(scope="module")
def server_env() -> Iterator[dict[str, str]]:
    """One server for the whole module, as a reader's own server would be:
    whatever one example leaves behind, the next run finds."""
    with servers.start(Topology(), procs.new_run_id()) as started:
        yield {**os.environ, "NATS_URL": started.env["NATS_URL"]}


def run(impl: Implementation, env: dict[str, str], timeout: float) -> str:
    result = nbe("run", impl.id, env=env, timeout=timeout)
    assert result.returncode == 0, (
        f"{impl.id} exited with {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.mark.parametrize(("example", "impl"), RUNNABLE, ids=[impl.id for _, impl in RUNNABLE])
def test_runs_twice_alike(example: Example, impl: Implementation,
                          server_env: dict[str, str]) -> None:
    first = run(impl, server_env, example.timeout + 30)
    second = run(impl, server_env, example.timeout + 30)
    for pattern in example.expect_for(impl.language.folder):
        assert re.search(pattern, first, re.MULTILINE), (
            f"{impl.id}: the first run does not match {pattern!r}\n{first}")
    assert masked(second) == masked(first), f"{impl.id} printed something else the second time"


def test_covers_the_python_catalogue() -> None:
    """Guards the selection itself: Python always runs here, so its
    single-topology examples are all in the list."""
    python = [impl.id for _, impl in RUNNABLE if impl.language.folder == "python"]
    assert len(python) >= 30, python
