"""Choosing what to record, sharding, and stopping cleanly on Ctrl-C/SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from recorder import batch, fingerprint

from conftest import BIN, nbe
from faults import make_tree
from test_faults import processes_in

EXAMPLE = "messaging/request-reply/python"


def test_a_stale_source_is_reported_and_rerecorded(examples_copy: Path) -> None:
    args = ("--examples", str(examples_copy))
    assert nbe(*args, "record").returncode == 0
    assert nbe(*args, "check").stdout == "all recordings are fresh\n"
    noop = nbe(*args, "record")
    assert noop.returncode == 0 and "recording " not in noop.stderr
    main = examples_copy / EXAMPLE / "main.py"
    main.write_text(main.read_text() + "\n# One more comment changes the page.\n")
    check = nbe(*args, "check")
    assert check.returncode == 1
    assert check.stdout.startswith(f"stale    {EXAMPLE}: changed: file main.py\n")
    meta = examples_copy / "messaging/request-reply/meta.yaml"
    meta.write_text(meta.read_text() + "timeout: 20\n")
    assert f"{EXAMPLE}: changed: file main.py, meta.yaml" in nbe(*args, "check").stdout
    again = nbe(*args, "record")
    assert again.returncode == 0
    assert f"recording {EXAMPLE} (stale: changed: file main.py, meta.yaml)" in again.stderr
    assert nbe(*args, "check").returncode == 0


def test_a_new_python_patch_release_does_not_make_recordings_stale(examples_copy: Path) -> None:
    """A recording made under another patch release of Python is fresh here:
    output.json is rewritten as that machine would have written it (its
    version wherever ours appears, versions and inputs alike, and the
    fingerprint of those inputs)."""
    args = ("--examples", str(examples_copy))
    assert nbe(*args, "record").returncode == 0
    path = examples_copy / EXAMPLE / "output.json"
    major, minor, patch = sys.version_info[:3]
    ours, theirs = f'"{major}.{minor}.{patch}"', f'"{major}.{minor}.{patch + 1}"'
    assert ours in path.read_text()
    record = json.loads(path.read_text().replace(ours, theirs))
    record["fingerprint"] = fingerprint.digest(record["inputs"])
    path.write_text(json.dumps(record))
    assert nbe(*args, "check").returncode == 0


def test_shards_split_the_work_stably_and_completely() -> None:
    ids = [f"cat/example-{i}/python" for i in range(200)]
    shares = [[i for i in ids if batch.in_shard(i, (k, 3))] for k in (1, 2, 3)]
    assert sorted(sum(shares, [])) == sorted(ids)  # every id in exactly one share
    assert all(40 < len(share) < 95 for share in shares)
    assert shares == [[i for i in ids if batch.in_shard(i, (k, 3))] for k in (1, 2, 3)]


def test_a_bad_shard_is_explained(examples_copy: Path) -> None:
    result = nbe("--examples", str(examples_copy), "record", "--shard", "3/2")
    assert result.returncode == 1
    assert result.stderr.strip() == "nbe: --shard '3/2': K must be between 1 and N"


SLOW = 'import time\nprint("started", flush=True)\ntime.sleep(30)\nprint("done")\n'


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupt_stops_everything_and_keeps_every_recording(
        tmp_path: Path, sig: signal.Signals) -> None:
    root = make_tree(tmp_path / "examples", {f"s/slow-{i}": (SLOW, {"timeout": 60})
                                             for i in range(3)})
    earlier = {}
    for i in range(3):
        folder = root / f"s/slow-{i}/python"
        for name in ("output.cast", "output.txt", "output.json"):
            (folder / name).write_text(f'{{"an earlier recording": "{name}"}}\n')
            earlier[folder / name] = (folder / name).read_bytes()
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(private_tmp)}
    proc = subprocess.Popen([str(BIN / "nbe"), "--examples", str(root), "record", "--jobs", "2"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        programs = [p for p in processes_in(root) if "main.py" in p]
        if len(programs) == 2:
            break
        time.sleep(0.1)
    assert len(programs) == 2, "two jobs should be running in parallel"
    servers_running = [p for p in processes_in(private_tmp)] + [
        p for p in _cmdlines_with(str(private_tmp)) if "nats-server" in p]
    assert any("nats-server" in p for p in servers_running)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert "interrupted: every example process and server was stopped" in stderr
    assert processes_in(root) == []
    assert [p for p in _cmdlines_with(str(private_tmp))] == []
    assert list(private_tmp.iterdir()) == []
    assert [p for p in root.rglob("*") if p.name.startswith(".nbe-tmp")] == []
    assert {path: path.read_bytes() for path in earlier} == earlier


def _cmdlines_with(token: str) -> list[str]:
    found = []
    for proc in psutil.process_iter():
        try:
            cmdline = " ".join(proc.cmdline())
        except psutil.Error:
            continue
        if token in cmdline:
            found.append(cmdline)
    return found


def test_a_terminal_gets_a_progress_bar_and_ci_gets_plain_lines(examples_copy: Path) -> None:
    import pexpect

    child = pexpect.spawn(str(BIN / "nbe"), ["--examples", str(examples_copy), "record"],
                          dimensions=(30, 120), timeout=120, encoding="utf-8")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    screen = child.before
    assert "0/1" in screen and "recording" in screen  # rich's progress bar, on the terminal
    assert f"recorded  {EXAMPLE} in" in screen
    # Not on a terminal (CI): one plain line per step, no bar.
    plain = nbe("--examples", str(examples_copy), "record", "--force")
    assert plain.returncode == 0
    assert f"recording {EXAMPLE} (forced)\n" in plain.stderr
    assert "0/1" not in plain.stderr


def test_a_bad_meta_yaml_is_named_and_the_rest_is_recorded(examples_copy: Path) -> None:
    bad = examples_copy / "messaging/broken"
    (bad / "python").mkdir(parents=True)
    (bad / "python/main.py").write_text('print("never run")\n')
    (bad / "meta.yaml").write_text("title: Broken\naliases: [409, ok]\n")
    result = nbe("--examples", str(examples_copy), "record")
    assert result.returncode == 1
    assert (f"warning: {bad}/meta.yaml: 'aliases' must be a list of search words, "
            "e.g. [rpc, micro], not [409, 'ok']") in result.stderr
    assert f"recorded  {EXAMPLE} in" in result.stderr
    assert "1 problem(s) in the examples tree" in result.stderr
    check = nbe("--examples", str(examples_copy), "check")
    assert check.returncode == 1 and f"{bad}/meta.yaml" in check.stderr
    run = nbe("--examples", str(examples_copy), "run", "messaging/broken/python")
    assert run.returncode == 1 and f"{bad}/meta.yaml" in run.stderr


def test_languages_without_a_runner_are_skipped_and_said_so(tmp_path: Path) -> None:
    import sitetree

    root = sitetree.build(tmp_path / "examples")
    (root / "second-cat/zebra/csharp").mkdir()
    (root / "second-cat/zebra/csharp/Main.cs").write_text("/** C# says hello. **/\n")
    (root / "first-cat/greet/ruby").mkdir()
    (root / "first-cat/greet/ruby/main.rb").write_text("# Ruby says hello.\n")
    result = nbe("--examples", str(root), "record")
    assert result.returncode == 0, result.stderr
    assert ("skipped   second-cat/zebra/csharp: the recorder does not run csharp/ (C#) "
            "examples: they are rendered, never run\n" in result.stderr)
    assert ("skipped   first-cat/greet/ruby: the recorder does not run ruby/ (Ruby) "
            "examples: they are rendered, never run\n" in result.stderr)
    assert re.search(r"skipped\s+│\s+2\s+│", result.stderr)
    fresh = len([line for line in nbe("--examples", str(root), "list").stdout.splitlines()
                 if " fresh " in line])
    assert re.search(rf"fresh\s+│\s+{fresh}\s+│", result.stderr)
