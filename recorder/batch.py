"""Record many implementations: choose what is stale, run in parallel,
stop cleanly on Ctrl-C or SIGTERM, and report.

Each job has its own servers and its own run marker, so jobs never share a
port or a process, and an interrupt can end every process of every job.
"""

from __future__ import annotations

import hashlib
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from . import fingerprint, procs, runners
from .errors import RecorderError
from .model import Example, Implementation
from .outputs import State
from .record import Result, record_one


class Interrupted(RecorderError):
    """Ctrl-C or SIGTERM: every process was ended, nothing was replaced."""


@dataclass(frozen=True)
class Plan:
    to_record: list[tuple[Example, Implementation, str]]  # (…, why: state and detail)
    fresh: list[str]
    skipped: list[tuple[str, str]]  # (id, why)
    reasons: dict[str, list[str]] = field(default_factory=dict)  # id -> what changed


def in_shard(impl_id: str, shard: tuple[int, int] | None) -> bool:
    """Stable across machines and runs: the share depends on the id alone."""
    if shard is None:
        return True
    k, n = shard
    digest = int.from_bytes(hashlib.sha256(impl_id.encode()).digest()[:8], "big")
    return digest % n == k - 1


def parse_shard(text: str) -> tuple[int, int]:
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise RecorderError(f"--shard {text!r} must look like K/N, e.g. 1/4") from None
    if not 1 <= k <= n:
        raise RecorderError(f"--shard {text!r}: K must be between 1 and N")
    return k, n


def plan(chosen: list[tuple[Example, Implementation]], force: bool,
         shard: tuple[int, int] | None = None) -> Plan:
    to_record: list[tuple[Example, Implementation, str]] = []
    fresh: list[str] = []
    skipped: list[tuple[str, str]] = []
    reasons: dict[str, list[str]] = {}
    for example, impl in chosen:
        if not in_shard(impl.id, shard):
            continue
        why_not = runners.why_not(impl.language, fingerprint.tree_root(impl))
        if why_not:
            skipped.append((impl.id, why_not))
            continue
        state = fingerprint.status(example, impl)
        if state.state is State.FRESH and not force:
            fresh.append(impl.id)
            continue
        why = state.state.value + (f": {state.detail}" if state.detail else "")
        to_record.append((example, impl, "forced" if state.state is State.FRESH else why))
        reasons[impl.id] = fingerprint.reasons(example, impl, state) or ["forced (--force)"]
    return Plan(to_record, fresh, skipped, reasons)


class _Jobs:
    """The run markers of every job started, so an interrupt can end them
    (a finished job's marker matches nothing, so keeping it costs nothing)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active: set[str] = set()
        self.cancelled = threading.Event()

    def kill_all(self) -> None:
        self.cancelled.set()
        with self.lock:
            active = list(self.active)
        procs.kill_marked(procs.MARKER, *active, grace=0.3)


@contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGTERM behaves like Ctrl-C while recording."""
    def on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def prepare(todo: list[tuple[Example, Implementation, str]], root: Path,
            on_prepare: Callable[[str], None]) -> dict[str, str]:
    """Fetch and build each language's shared dependencies once, before any
    recording starts; returns language folder -> why it could not be."""
    failed: dict[str, str] = {}
    for folder in dict.fromkeys(impl.language.folder for _, impl, _ in todo):
        runner = runners.get(folder)
        if runner is None or runner.prepared(root):
            continue
        on_prepare(folder)
        try:
            runner.prepare(root)
        except runners.BuildFailed as err:
            failed[folder] = f"{err.what}\n{err.output}".rstrip()
    return failed


def run(todo: list[tuple[Example, Implementation, str]], root: Path, jobs: int,
        keep_going: bool, on_start: Callable[[Implementation, str], None],
        on_done: Callable[[Result], None], typing_delay: int = 35,
        on_prepare: Callable[[str], None] = lambda folder: None) -> list[Result]:
    """Record todo with `jobs` in parallel; returns the results in the order
    they finished. Without keep_going, the first failure stops new jobs."""
    state = _Jobs()
    results: list[Result] = []
    try:
        unprepared = prepare(todo, root, on_prepare)
    except KeyboardInterrupt:
        raise Interrupted("interrupted while preparing; no recording was replaced") from None
    for impl in [impl for _, impl, _ in todo if impl.language.folder in unprepared]:
        reason = unprepared[impl.language.folder]
        result = Result(impl.id, False, reason.split("\n")[0], reason, 0.0)
        results.append(result)
        on_done(result)
    todo = [item for item in todo if item[1].language.folder not in unprepared]

    def one(example: Example, impl: Implementation) -> Result:
        run_id = procs.new_run_id()
        with state.lock:
            state.active.add(run_id)
        return record_one(example, impl, root, typing_delay, run_id=run_id,
                          cancelled=state.cancelled)

    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="nbe-record")
    pending: dict[Future[Result], str] = {}
    queue = list(todo)
    try:
        with _signals_raise():
            while queue or pending:
                while queue and len(pending) < max(1, jobs) and not state.cancelled.is_set():
                    example, impl, why = queue.pop(0)
                    on_start(impl, why)
                    pending[pool.submit(one, example, impl)] = impl.id
                if not pending:
                    break
                done, _ = wait(list(pending), timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    pending.pop(future)
                    result = future.result()
                    results.append(result)
                    on_done(result)
                    if not result.ok and not keep_going:
                        state.cancelled.set()
    except KeyboardInterrupt:
        state.kill_all()
        pool.shutdown(wait=True, cancel_futures=True)
        state.kill_all()  # anything a job started while the first pass ran
        raise Interrupted("interrupted: every example process and server was stopped; "
                          "no recording was replaced") from None
    pool.shutdown(wait=True)
    return results
