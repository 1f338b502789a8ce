"""Shared fixtures: the project's paths, a copy of the examples tree to
record into, a real nats-server, and the site built once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from recorder import procs, servers
from recorder.model import Topology

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "test-artifacts"


def nbe(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real `nbe` command and capture what a user would see."""
    return subprocess.run([str(BIN / "nbe"), *args], cwd=cwd or ROOT, env=env or os.environ.copy(),
                          capture_output=True, text=True, timeout=timeout)


def copy_examples(dest: Path, ids: tuple[str, ...] = ("messaging/request-reply",),
                  outputs: bool = True, languages: tuple[str, ...] | None = ("python",)) -> Path:
    """A private examples tree holding copies of the given examples, so tests
    can record, break and build them without touching the repository.
    Without outputs, the copies have no recordings yet; languages limits the
    copies to those language folders (None: every language)."""
    root = dest / "examples"
    categories = sorted({i.split("/")[0] for i in ids})
    root.mkdir(parents=True)
    (root / "meta.yaml").write_text(f"categories: [{', '.join(categories)}]\n")
    for category in categories:
        names = [i.split("/")[1] for i in ids if i.startswith(category + "/")]
        (root / category).mkdir()
        (root / category / "meta.yaml").write_text(
            f"title: {category.title()}\nexamples: [{', '.join(names)}]\n")
    # The lock files that pin each language's client, as in the real tree.
    for lock in ("go.mod", "go.sum", "Cargo.toml", "Cargo.lock", "package.json",
                 "package-lock.json", "pom.xml"):
        if (ROOT / "examples" / lock).is_file():
            shutil.copyfile(ROOT / "examples" / lock, root / lock)
    for example in ids:
        shutil.copytree(ROOT / "examples" / example, root / example,
                        ignore=shutil.ignore_patterns("__pycache__", "output.failure.json",
                                                      *([] if outputs else ["output.*"])))
        if languages is not None:
            for folder in (root / example).iterdir():
                if folder.is_dir() and folder.name not in languages:
                    shutil.rmtree(folder)
    return root


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    """The request-reply example, not recorded yet."""
    return copy_examples(tmp_path, outputs=False)


@pytest.fixture
def nats_server() -> Iterator[servers.Servers]:
    """A real nats-server on a free port of 127.0.0.1."""
    with servers.start(Topology(), procs.new_run_id()) as started:
        yield started


def build_site(tmp: Path, examples: Path, extra: str = "",
               top: str = "") -> subprocess.CompletedProcess[str]:
    """A real `mkdocs build --strict` of the project's site config, pointed
    at an examples tree, into tmp/site."""
    docs = tmp / "docs"
    if not docs.exists():
        shutil.copytree(ROOT / "docs", docs)
    config = (ROOT / "mkdocs.yml").read_text()
    config = config.replace("docs_dir: docs", f"docs_dir: {docs}")
    config = config.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
    config = config.replace("site_dir: site", f"site_dir: {tmp / 'site'}")
    player = ROOT / "node_modules/asciinema-player/dist/bundle"
    config = config.replace("examples_dir: examples", f"examples_dir: {examples}\n"
                            f"      player_dir: {player}" + extra)
    for line in top.splitlines():  # a key given on top replaces the project's
        key = line.split(":", 1)[0]
        config = "\n".join(c for c in config.split("\n") if not c.startswith(key + ":"))
    cfg = tmp / "mkdocs.yml"
    cfg.write_text(top + config)
    return subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "-f", str(cfg)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of a copy of the request-reply example, built once with --strict."""
    tmp = tmp_path_factory.mktemp("site")
    result = build_site(tmp, copy_examples(tmp))
    assert result.returncode == 0, result.stderr
    return tmp / "site"
