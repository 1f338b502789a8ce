"""Record one implementation: servers up, the command typed and captured,
the result judged, and the outputs replaced only when the run succeeded."""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import cast as castmod
from . import fingerprint, procs, runners, servers, terminal
from .errors import ServerError
from .model import Example, Implementation
from .outputs import FailureNote, RecordFile, text_hash
from .runners import BuildFailed
from .steps import StepRunner

TAIL_LINES = 12
_TRACEBACK = re.compile(r"^Traceback \(most recent call last\):|^panic: |^Unhandled exception",
                        re.MULTILINE)


@dataclass(frozen=True)
class Result:
    impl_id: str
    ok: bool
    reason: str  # empty when ok
    tail: str  # last lines of the output (and server log) when it failed
    duration: float  # seconds of the program's run
    diff: str = ""  # unified diff of output.txt, when a recording replaced one that differed
    # Where the time went, in seconds: build, servers (starting and stopping
    # them), session (the recorded terminal, typing and program included).
    phases: dict[str, float] = field(default_factory=dict)


def tail(text: str, lines: int = TAIL_LINES) -> str:
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])


def _write_atomic(path: Path, data: str) -> None:
    """Write next to the target, then rename over it: a reader (or a crash)
    sees the old file or the new one, never half of one."""
    tmp = path.with_name(f".nbe-tmp-{os.getpid()}-{path.name}")
    try:
        tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _status_words(status: int) -> str:
    if status > 128:
        try:
            name = signal.Signals(status - 128).name
            return f"was killed by signal {name} (exit status {status})"
        except ValueError:
            pass
    return f"exited with status {status}"


def _judge(example: Example, impl: Implementation, capture: terminal.Capture,
           crash: re.Pattern[str] | None) -> str:
    """Why this run is a failure, or "" when it is a good recording."""
    text = capture.text
    if capture.flooded:
        return f"printed more than {terminal.OUTPUT_CAP // 1_000_000} MB and was stopped"
    if capture.timed_out:
        return f"reached its time limit of {example.timeout:g} s and was stopped"
    if capture.cast is None or capture.exit_status is None:
        why = f" ({capture.ended})" if capture.ended else ""
        return "the terminal session ended before the program finished" + why
    if capture.exit_status != 0:
        return _status_words(capture.exit_status)
    if _TRACEBACK.search(text) or (crash is not None and crash.search(text)):
        return "printed a traceback"
    for pattern in example.expect_for(impl.language.folder):
        if not re.search(pattern, text, re.MULTILINE):
            return f"its output does not match the expected pattern {pattern!r}"
    return ""


def _versions(impl: Implementation, runner: runners.Runner) -> dict[str, str]:
    found = {"nats-server": servers.version()}
    pinned = runner.client(fingerprint.tree_root(impl))
    if pinned:
        found[pinned[0]] = pinned[1]
    tool = runner.toolchain()
    if tool:
        found[tool[0]] = tool[1]
    return found


def _record_failure(impl: Implementation, digest: str, reason: str) -> None:
    """Note the failure beside the outputs so `nbe check` reports it. The
    recording itself (cast, text, record) is left exactly as it was."""
    note = FailureNote(fingerprint=digest, reason=reason,
                       at=datetime.now(UTC).isoformat(timespec="seconds"))
    _write_atomic(impl.failure_path, note.dumps())


def record_one(example: Example, impl: Implementation, examples_root: Path,
               typing_delay: int = 35, run_id: str | None = None,
               cancelled: threading.Event | None = None) -> Result:
    """Record one implementation: build it, start its servers, type
    `nbe run <id>` in a recorded terminal, judge the run. A run that fails,
    or is cancelled while it runs, replaces nothing."""
    cancelled = cancelled or threading.Event()
    inputs = fingerprint.inputs(example, impl)
    digest = fingerprint.digest(inputs)
    runner = runners.get(impl.language.folder)
    phases: dict[str, float] = {}
    started_at = time.monotonic()
    try:
        runners.ready(impl, examples_root)
    except BuildFailed as err:
        if cancelled.is_set():
            return Result(impl.id, False, "cancelled", "", 0.0)
        _record_failure(impl, digest, err.what)
        return Result(impl.id, False, err.what, tail(err.output, 30), 0.0)
    assert runner is not None
    run_id = run_id or procs.new_run_id()
    server_log = ""
    if cancelled.is_set():
        return Result(impl.id, False, "cancelled", "", 0.0)
    phases["build"] = elapsed(started_at)
    session = 0.0
    try:
        with servers.start(example.topology, run_id, example.path) as started:
            session_at = time.monotonic()
            env = dict(os.environ)
            env.update(started.env)
            env["NBE_EXAMPLES"] = str(examples_root)
            env.pop("VIRTUAL_ENV_PROMPT", None)
            events = StepRunner(example.steps, started) if example.steps else None
            capture = terminal.record(["nbe", "run", impl.id], env, examples_root.parent,
                                      run_id, example.timeout, typing_delay,
                                      on_output=events.feed if events else None)
            step_problems = events.finish() if events else []
            session = elapsed(session_at)
            server_log = started.log_tail()
    except ServerError as err:
        if cancelled.is_set():
            return Result(impl.id, False, "cancelled", "", 0.0)
        _record_failure(impl, digest, "its servers did not start")
        return Result(impl.id, False, "its servers did not start", str(err), 0.0)
    phases["session"] = session
    phases["servers"] = elapsed(started_at) - phases["build"] - session
    if cancelled.is_set():
        return Result(impl.id, False, "cancelled", "", capture.duration)
    failure = _judge(example, impl, capture, runner.crash)
    if not failure and step_problems:
        failure = "; ".join(step_problems)
    if failure:
        _record_failure(impl, digest, failure)
        shown = tail(capture.text) or tail(capture.log)
        return Result(impl.id, False, failure, shown + "\n" + tail(server_log, 8),
                      capture.duration, phases=phases)
    assert capture.cast is not None
    cast_text = castmod.dumps(capture.cast)
    record = RecordFile(
        fingerprint=digest, inputs=inputs, versions=_versions(impl, runner),
        recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        duration=round(capture.duration, 3), exit_status=capture.exit_status or 0,
        cast_sha=text_hash(cast_text), text_sha=text_hash(capture.text))
    changed = _text_diff(impl, capture.text)
    # output.json goes last: it names the cast and text it belongs to, so a
    # crash between the renames leaves a set that `nbe check` calls stale.
    _write_atomic(impl.cast_path, cast_text)
    _write_atomic(impl.text_path, capture.text)
    _write_atomic(impl.record_path, record.dumps())
    impl.failure_path.unlink(missing_ok=True)
    return Result(impl.id, True, "", "", capture.duration, changed, phases)


def _text_diff(impl: Implementation, new: str) -> str:
    """What a maintainer needs to see when a re-recording prints something
    else: the unified diff of the old and new output.txt ("" if the same,
    or if there was none)."""
    import difflib

    try:
        old = impl.text_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    if old == new:
        return ""
    where = impl.id + "/output.txt"
    return "".join(difflib.unified_diff(old.splitlines(keepends=True),
                                        new.splitlines(keepends=True),
                                        f"{where} (before)", f"{where} (now)", n=1))


def elapsed(since: float) -> float:
    return time.monotonic() - since
