"""Every C example of the real tree runs once under valgrind, against the
servers of its topology: a definite or indirect leak, or any memory error,
fails it, naming the example and showing valgrind's summary. The C programs
promise to destroy every object they create and to end with nats_Close();
this is where that promise is checked."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from recorder import loader, procs, runners, servers
from recorder.model import Example, Implementation
from recorder.steps import StepRunner, run_watched

from conftest import ROOT

TREE, _ = loader.load(ROOT / "examples")
C_IMPLEMENTATIONS = [(example, impl) for example, impl in TREE.implementations()
                     if impl.language.folder == "c"]
VALGRIND = ["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect",
            "--error-exitcode=1"]
# Valgrind runs a program many times slower; most of these wait on the
# network, so a few times the recording's limit is plenty.
SLOWDOWN = 4
ATTEMPTS = 3


def _need_c_and_valgrind() -> None:
    """Skip where the C toolchain or valgrind is missing, except in CI."""
    runner = runners.get("c")
    assert runner is not None
    why = runner.unavailable(ROOT / "examples")
    if why is None and shutil.which("valgrind") is None:
        why = "valgrind is not installed (apt-get install valgrind)"
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the C examples under valgrind: {why}")
        pytest.skip(why)


def _summary(stderr: str) -> str:
    """Valgrind's own verdict: its error and leak summaries, plus the first
    reports of what went wrong (each line starts with ==pid==)."""
    lines = [line for line in stderr.splitlines() if re.match(r"==\d+==", line)]
    wanted = [line for line in lines
              if re.search(r"SUMMARY|definitely lost|indirectly lost|possibly lost|"
                           r"still reachable|Invalid|uninitialised|Mismatched", line)]
    return "\n".join(wanted[-40:]) or "\n".join(lines[-40:])


def _run_under_valgrind(example: Example, impl: Implementation,
                        built: runners.Built, log: str) -> subprocess.CompletedProcess[str]:
    """One run of the built program under valgrind, against fresh servers
    of the example's topology, with its server steps done as in a
    recording; valgrind's report goes to the file log."""
    argv = [*VALGRIND, f"--log-file={log}", *built.argv]
    with servers.start(example.topology, procs.new_run_id(), example.path) as started:
        env = {**os.environ, **started.env, **built.env}
        if example.steps:
            events = StepRunner(example.steps, started)
            proc = run_watched(argv, str(impl.path), env, events.feed)
            problems = events.finish()
            assert not problems, f"{impl.id}: {problems}"
            return subprocess.CompletedProcess(argv, proc.returncode, "", "")
        try:
            return subprocess.run(argv, cwd=impl.path, env=env, capture_output=True, text=True,
                                  timeout=example.timeout * SLOWDOWN)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{impl.id} did not finish under valgrind within "
                        f"{example.timeout * SLOWDOWN:.0f} s")


def test_there_are_c_examples() -> None:
    assert C_IMPLEMENTATIONS, "the tree has no c/ implementation to check"


@pytest.mark.parametrize(("example", "impl"), C_IMPLEMENTATIONS,
                         ids=[impl.id for _, impl in C_IMPLEMENTATIONS])
def test_c_example_is_clean_under_valgrind(example: Example, impl: Implementation,
                                           tmp_path: Path) -> None:
    _need_c_and_valgrind()
    runner = runners.get("c")
    assert runner is not None
    try:
        built = runner.build(impl, ROOT / "examples")
    except runners.BuildFailed as err:
        pytest.fail(f"{impl.id} does not build: {err}")
    attempts = 0
    while True:
        attempts += 1
        log = tmp_path / f"valgrind-{attempts}.log"
        done = _run_under_valgrind(example, impl, built, str(log))
        report = log.read_text(errors="replace") if log.is_file() else ""
        # A failure that valgrind itself did not cause (no memory error
        # reported) may be the program losing a race with the servers under
        # valgrind's slowdown, such as a TLS handshake that takes longer than
        # the server allows: run it again, a few times at most.
        clean = re.search(r"ERROR SUMMARY: 0 errors", report)
        if done.returncode == 0 or not clean or attempts == ATTEMPTS:
            break
    if done.returncode != 0:
        output = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
        pytest.fail(f"{impl.id}: valgrind exited with {done.returncode} (a leak, a memory "
                    f"error, or the program failed; run {attempts} of at most {ATTEMPTS})\n"
                    f"--- valgrind ---\n{_summary(report)}\n"
                    f"--- the program's own output (end) ---\n{output}")
    assert re.search(r"ERROR SUMMARY: 0 errors", report), (
        f"{impl.id}: no clean valgrind summary\n{_summary(report)}")
