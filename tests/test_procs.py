"""Finding and ending processes through psutil: terminate() with a grace
period, the run markers, and the orphans of an nbe that was killed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from recorder import procs

IGNORES_TERM = ("import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                "print('ready', flush=True)\ntime.sleep(60)\n")
SLEEPS = "import time\nprint('ready', flush=True)\ntime.sleep(60)\n"
# Starts a grandchild in its own session, then sleeps.
FORKS = ("import subprocess, sys, time\n"
         "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], "
         "start_new_session=True)\nprint('ready', flush=True)\ntime.sleep(60)\n")


def start(code: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    return proc


def test_terminate_gives_a_grace_period_then_kills_and_reaps() -> None:
    polite, stubborn = start(SLEEPS), start(IGNORES_TERM)
    began = time.monotonic()
    count = procs.terminate(procs.processes([polite.pid, stubborn.pid]), grace=0.5)
    took = time.monotonic() - began
    assert count == 2
    assert 0.4 < took < 5
    assert not psutil.pid_exists(polite.pid) and not psutil.pid_exists(stubborn.pid)  # reaped


def test_kill_marked_ends_every_marked_process_and_nothing_else() -> None:
    run_id = procs.new_run_id()
    marked = start(FORKS, {procs.MARKER: run_id})
    other = start(SLEEPS)
    try:
        time.sleep(0.2)
        found = procs.marked(procs.MARKER, run_id)
        assert marked.pid in found and len(found) == 2  # the grandchild too
        procs.kill_marked(procs.MARKER, run_id, grace=0.5)
        assert procs.marked(procs.MARKER, run_id) == []
        assert other.poll() is None
    finally:
        for proc in (marked, other):
            proc.kill()
            proc.wait()


def test_the_orphans_of_a_killed_nbe_are_reaped_and_nothing_else() -> None:
    owner = start(SLEEPS)
    dead_owner = f"{owner.pid}-{procs._start_time(owner.pid)}"
    orphan = start(SLEEPS, {procs.OWNER: dead_owner})
    mine = start(SLEEPS, {procs.OWNER: procs.owner_id()})
    try:
        owner.kill()
        owner.wait()
        assert procs.reap_orphans() >= 1
        orphan.wait(timeout=5)
        assert mine.poll() is None
    finally:
        for proc in (orphan, mine):
            proc.kill()
            proc.wait()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_the_owner_id_keeps_its_form_so_nbe_versions_agree() -> None:
    """An nbe of an earlier version (another working tree) read the start
    time from /proc; both must write and read the same owner id."""
    stat = Path(f"/proc/{os.getpid()}/stat").read_text()
    assert procs.owner_id() == f"{os.getpid()}-{stat.rsplit(')', 1)[-1].split()[19]}"
