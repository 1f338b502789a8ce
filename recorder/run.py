"""Run one example live: its servers, its program, its exit status."""

from __future__ import annotations

import os
import signal
import subprocess
from contextlib import ExitStack

from . import procs, servers
from .errors import RecorderError
from .model import Example, Implementation


def program_env(base: dict[str, str], run_id: str) -> dict[str, str]:
    """The environment an example program runs with: the caller's, marked as
    this run's program so every process it starts can be found and ended."""
    env = dict(base)
    env[procs.PROGRAM_MARKER] = run_id
    env[procs.OWNER] = procs.owner_id()
    env.setdefault(procs.MARKER, run_id)
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def status_of(returncode: int) -> int:
    """A shell-style exit status: 128 + N for a program killed by signal N."""
    return 128 - returncode if returncode < 0 else returncode


def run_program(impl: Implementation, env: dict[str, str], run_id: str) -> int:
    """Run the program with the terminal's stdout and stderr; stdin is empty,
    so a program that waits for input gets end-of-file instead of hanging."""
    reason = impl.language.toolchain()
    if reason:
        raise RecorderError(f"{impl.id}: cannot run: {reason}")
    proc = subprocess.Popen(impl.language.command(), cwd=impl.path, stdin=subprocess.DEVNULL,
                            env=program_env(env, run_id), start_new_session=True)
    try:
        return status_of(proc.wait())
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass
        return 130
    finally:
        # Children that outlive the program (daemons, forgotten workers) go too.
        procs.kill_marked(procs.PROGRAM_MARKER, run_id, grace=0.5)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def run_live(example: Example, impl: Implementation) -> int:
    """`nbe run`: the example against $NATS_URL if set, otherwise against
    fresh servers of its topology that are gone when it returns."""
    run_id = os.environ.get(procs.MARKER) or procs.new_run_id()
    env = dict(os.environ)
    with ExitStack() as stack:
        if "NATS_URL" not in env:
            started = stack.enter_context(servers.start(example.topology, run_id, example.path))
            env.update(started.env)
        return run_program(impl, procs.with_project_bin(env), run_id)
    raise AssertionError("unreachable")
