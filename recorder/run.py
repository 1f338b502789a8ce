"""Run one example live: its servers, its program, its exit status."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from . import procs, runners
from .model import Example, Implementation
from .runners import BuildFailed, Built


def program_env(base: dict[str, str], run_id: str, built: Built | None = None) -> dict[str, str]:
    """The environment an example program runs with: the caller's plus what
    its runner adds, marked as this run's program so every process it starts
    can be found and ended."""
    env = dict(base)
    if built is not None:
        env.update(built.env)
        if built.path_prepend:
            env["PATH"] = os.pathsep.join([*built.path_prepend, env.get("PATH", os.defpath)])
    env[procs.PROGRAM_MARKER] = run_id
    if procs.MARKER not in env or procs.OWNER not in env:
        env[procs.OWNER] = procs.owner_id()
    # else: started by an nbe (the recorded `nbe run`), whose owner id the
    # program keeps: if that nbe is killed, the next one ends the program.
    env.setdefault(procs.MARKER, run_id)
    return env


def status_of(returncode: int) -> int:
    """A shell-style exit status: 128 + N for a program killed by signal N."""
    return 128 - returncode if returncode < 0 else returncode


def run_program(impl: Implementation, built: Built, env: dict[str, str], run_id: str,
                nested: bool = False, on_output: Callable[[str], None] | None = None) -> int:
    """Run the program with the terminal's stdout and stderr; stdin is empty,
    so a program that waits for input gets end-of-file instead of hanging.
    With on_output, the program gets a pty of its own whose output is
    relayed and handed to on_output (server steps)."""
    full_env = program_env(env, run_id, built)
    if on_output is not None:
        from .steps import run_watched

        proc = run_watched(built.argv, str(impl.path), full_env, on_output)
    else:
        proc = subprocess.Popen(built.argv, cwd=impl.path, stdin=subprocess.DEVNULL,
                                env=full_env, start_new_session=True)
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
        # Children that outlive the program (daemons, forgotten workers) go
        # too; inside a recording, the recorder ends them with everything else.
        if not nested:
            procs.kill_marked(procs.PROGRAM_MARKER, run_id, grace=0.5)
        if proc.poll() is None:  # it cleared its environment, so its marker did not find it
            procs.terminate(procs.processes([proc.pid]), grace=0)
            proc.poll()


def run_live(example: Example, impl: Implementation, root: Path) -> int:
    """`nbe run`: build the example if needed, then run it against
    $NATS_URL if set, otherwise against fresh servers of its topology that
    are gone when it returns. A build error is shown and exits 1."""
    try:
        built = runners.ready(impl, root, thorough=False)
    except BuildFailed as err:
        print(f"nbe: {err}", file=sys.stderr)
        return 1
    run_id = os.environ.get(procs.MARKER) or procs.new_run_id()
    env = dict(os.environ)
    with ExitStack() as stack:
        events = None
        if "NATS_URL" not in env:
            from . import servers

            started = stack.enter_context(servers.start(example.topology, run_id, example.path))
            env.update(started.env)
            if example.steps:
                from .steps import StepRunner

                events = StepRunner(example.steps, started)
        status = run_program(impl, built, procs.with_project_bin(env), run_id,
                             nested=procs.MARKER in os.environ,
                             on_output=events.feed if events else None)
        problems = events.finish() if events else []
        for problem in problems:
            print(f"nbe: {problem}", file=sys.stderr)
        return status or (1 if problems else 0)
    raise AssertionError("unreachable")
