"""The scripts the GitHub workflow calls, run here as the workflow would, in
a scratch clone of the project: check, record (with the job summary and the
recordings artifact), build (with the recordings laid over the tree)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, copy_examples

EXAMPLE = "messaging/request-reply/python"


def _sh(args: list[str], cwd: Path, env: dict[str, str] | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env={**os.environ, **(env or {})}, text=True,
                          capture_output=True, timeout=timeout)


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A git repository laid out like the project, with the project's own
    environment and one unrecorded example."""
    stamp = _sh(["bash", "-c", "sha256sum pyproject.toml | sha256sum | cut -c1-16"], ROOT)
    if (ROOT / ".venv/.nbe-installed").read_text().strip() != stamp.stdout.strip():
        pytest.fail("the project's .venv is older than pyproject.toml: run scripts/install.sh")
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("scripts", "docs", "overrides"):
        shutil.copytree(ROOT / name, repo / name)
    for name in ("pyproject.toml", "package.json", "package-lock.json", "mkdocs.yml"):
        shutil.copyfile(ROOT / name, repo / name)
    (repo / ".venv").symlink_to(ROOT / ".venv")
    (repo / "node_modules").symlink_to(ROOT / "node_modules")
    (repo / ".gitignore").write_text(".venv\nnode_modules\nsite/\nrecordings/\n")
    copy_examples(repo, outputs=False)
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"],
                ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"]):
        assert _sh(cmd, repo).returncode == 0
    return repo


def test_check_says_what_is_stale_and_why_in_the_summary(clone: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = _sh(["scripts/ci-check.sh"], clone, {"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0, result.stderr
    assert f"missing  {EXAMPLE}: no output.cast, output.txt, output.json" in result.stdout
    text = summary.read_text()
    assert text.startswith("## nbe check\n") and EXAMPLE in text


def test_record_collects_its_recordings_and_writes_the_summary(clone: Path,
                                                               tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    result = _sh(["scripts/ci-record.sh", "python", "1/1", "recordings"], clone, env)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("output.cast", "output.txt", "output.json"):
        assert (clone / "recordings/examples" / EXAMPLE / name).is_file()
    assert "ci: 3 recording file(s) in recordings" in result.stdout
    assert f"- recorded `{EXAMPLE}`" in summary.read_text()
    # Committed, then changed: the next run shows how the output changed.
    assert _sh(["git", "add", "-A"], clone).returncode == 0
    assert _sh(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "r"],
               clone).returncode == 0
    main = clone / "examples" / EXAMPLE / "main.py"
    main.write_text(main.read_text().replace('f"hello, {name}"', 'f"hi, {name}"'))
    meta = clone / "examples/messaging/request-reply/meta.yaml"
    meta.write_text(meta.read_text().replace('"hello, ', '"hi, '))
    shutil.rmtree(clone / "recordings")
    summary.unlink()
    again = _sh(["scripts/ci-record.sh", "python", "1/1", "recordings"], clone, env)
    assert again.returncode == 0, again.stdout + again.stderr
    text = summary.read_text()
    assert "its output changed" in text
    assert "-request greet.joe -> reply: hello, joe" in text
    assert "+request greet.joe -> reply: hi, joe" in text
    assert "its output changed:" in again.stderr  # and in the log


def test_a_failed_recording_fails_the_job_and_is_summarised(clone: Path,
                                                            tmp_path: Path) -> None:
    (clone / "examples" / EXAMPLE / "main.py").write_text("import sys\nsys.exit(3)\n")
    summary = tmp_path / "summary.md"
    result = _sh(["scripts/ci-record.sh", "python", "1/1", "recordings"], clone,
                 {"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1
    assert f"- **failed** `{EXAMPLE}`: exited with status 3" in summary.read_text()


def test_a_shard_of_another_language_records_nothing(clone: Path) -> None:
    result = _sh(["scripts/ci-record.sh", "go", "1/2", "recordings"], clone)
    assert result.returncode == 0, result.stderr
    assert "ci: 0 recording file(s) in recordings" in result.stdout


def test_build_lays_the_recordings_over_the_tree_and_publishes(clone: Path,
                                                               tmp_path: Path) -> None:
    # The record job's artifact, made from another checkout of the same tree.
    assert _sh(["scripts/ci-record.sh", "python", "1/1", str(tmp_path / "art")],
               clone).returncode == 0
    assert _sh(["git", "checkout", "-q", "--", "."], clone).returncode == 0
    assert _sh(["git", "clean", "-qfd", "examples"], clone).returncode == 0
    assert not (clone / "examples" / EXAMPLE / "output.cast").exists()
    (tmp_path / "art/examples/evil.txt").write_text("not a recording\n")
    env = {"NBE_SITE_URL": "https://example.test/nbe/",
           "NBE_REPO_URL": "https://github.com/example/nbe"}
    result = _sh(["scripts/ci-build.sh", str(tmp_path / "art")], clone, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (clone / "examples/evil.txt").exists()  # only output.* files are taken
    page = (clone / "site" / "messaging/request-reply/index.html").read_text()
    assert "hello, joe" in page
    # The repository link is a plain link: nothing asks GitHub's API for facts.
    assert 'href="https://github.com/example/nbe"' in page
    assert 'data-md-component="source"' not in page
    assert "<loc>https://example.test/nbe/messaging/request-reply/</loc>" in (
        clone / "site/sitemap.xml").read_text()


def test_build_refuses_a_stale_tree(clone: Path) -> None:
    result = _sh(["scripts/ci-build.sh"], clone)
    assert result.returncode == 1
    assert f"missing  {EXAMPLE}" in result.stdout
    assert not (clone / "site").exists()
