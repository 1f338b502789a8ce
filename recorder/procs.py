"""Finding and ending every process a run started, however it was started.

Each run puts a marker in the environment of everything it starts
(NBE_RUN=<id>). Children inherit it, including grandchildren that double-fork
and leave their process group, and programs started by asciinema in a new
session. Ending a run means signalling every process whose environment holds
its marker, which nothing short of clearing the environment escapes.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psutil
else:
    class _Lazy:
        """psutil, imported on first use: the recorded `nbe run` never needs
        it, and it costs more to import than the rest of that command."""

        def __getattr__(self, name: str) -> Any:
            import psutil as module

            globals()["psutil"] = module
            return getattr(module, name)

    psutil = _Lazy()

MARKER = "NBE_RUN"
PROGRAM_MARKER = "NBE_PROGRAM"
# Everything started inside one recorded terminal session (not the run's
# servers, which a server step may be restarting while the session ends).
SESSION_MARKER = "NBE_SESSION"
# Which nbe process started it: "<pid>-<start time>", so that the processes
# of an nbe that was killed outright (SIGKILL) can be found and ended later.
OWNER = "NBE_OWNER"


def with_project_bin(env: dict[str, str]) -> dict[str, str]:
    """env with this Python's bin folder first on PATH, so `nbe`, `asciinema`
    and `nats-server` are the project's own."""
    bindir = str(Path(sys.executable).parent)
    path = env.get("PATH", os.defpath)
    if not path.startswith(bindir + os.pathsep):
        path = bindir + os.pathsep + path
    return {**env, "PATH": path}


def new_run_id() -> str:
    return uuid.uuid4().hex[:16]


def _environ(proc: psutil.Process) -> dict[str, str]:
    try:
        return proc.environ()
    except (psutil.Error, OSError):  # gone, a zombie, or not ours to read
        return {}


def _others() -> Iterator[psutil.Process]:
    me = os.getpid()
    return (p for p in psutil.process_iter() if p.pid != me)


def marked(key: str, *values: str, since: float | None = None) -> list[int]:
    """Live processes whose environment holds key=<one of values>. With
    since (a time.time()), only processes started then or later are read:
    a run's processes cannot be older than the run, and reading every
    process's environment is most of the cost on a busy machine."""
    wanted = set(values)
    found = []
    for proc in _others():
        if since is not None:
            try:
                if proc.create_time() < since - 1:  # a second of clock granularity
                    continue
            except psutil.Error:
                continue
        if _environ(proc).get(key) in wanted:
            found.append(proc.pid)
    return found


def _start_time(pid: int) -> str | None:
    try:
        created = psutil.Process(pid).create_time()
    except psutil.Error:
        return None
    if sys.platform.startswith("linux"):
        # Clock ticks from boot to the process's start, as /proc/<pid>/stat
        # has them: the form NBE_OWNER has always had, so that an nbe of an
        # earlier version running at the same time (another working tree)
        # reads it the same way and never takes our processes for orphans.
        return str(round((created - psutil.boot_time()) * os.sysconf("SC_CLK_TCK")))
    return f"{created:.6f}"


def owner_id() -> str:
    """This process, as NBE_OWNER names it."""
    return f"{os.getpid()}-{_start_time(os.getpid())}"


def owner_alive(owner: str) -> bool:
    """Whether the nbe named by an owner id ("<pid>-<start time>") still runs.
    An id that cannot be read counts as running: nothing is ended or removed
    on a guess."""
    pid, _, started = owner.partition("-")
    return not pid.isdigit() or _start_time(int(pid)) == started


_TEMP_KINDS = ("rec", "servers")


def temp_prefix(kind: str) -> str:
    """The prefix of a temporary folder this nbe makes, naming its owner, so
    that the next nbe can remove what a killed one left behind."""
    assert kind in _TEMP_KINDS
    return f"nbe-{kind}-{owner_id()}-"


def reap_temp_dirs() -> int:
    """Remove the temporary folders of nbe processes that no longer run."""
    import re
    import shutil
    import tempfile

    pattern = re.compile(rf"^nbe-(?:{'|'.join(_TEMP_KINDS)})-(\d+-\d+)-")
    removed = 0
    tmp = Path(tempfile.gettempdir())
    try:
        entries = list(tmp.iterdir())
    except OSError:
        return 0
    for entry in entries:
        match = pattern.match(entry.name)
        if match and entry.is_dir() and not entry.is_symlink() \
                and not owner_alive(match.group(1)):
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed


def reap_orphans() -> int:
    """End the processes left by an nbe that died without cleaning up (their
    owner id names a process that no longer exists); a reaped `nbe run` may
    own processes too, hence a few passes. Returns how many were ended."""
    total = 0
    for _ in range(3):
        found = _reap_once()
        total += found
        if not found:
            break
        time.sleep(0.05)
    return total


def _reap_once() -> int:
    orphans = []
    owners: dict[str, bool] = {}  # owner id -> still running
    for proc in _others():
        owner = _environ(proc).get(OWNER)
        if not owner:
            continue
        if owner not in owners:
            owners[owner] = owner_alive(owner)
        if not owners[owner]:
            orphans.append(proc)
    terminate(orphans, grace=0)
    return len(orphans)


def _running(proc: psutil.Process) -> bool:
    try:
        # A zombie has exited; its parent just has not reaped it yet.
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _send(proc: psutil.Process, sig: int) -> None:
    try:
        proc.send_signal(sig)
    except (psutil.Error, OSError):  # already gone, or not ours
        pass


def terminate(processes: Iterable[psutil.Process], grace: float) -> int:
    """SIGTERM the processes, wait up to grace seconds for them to exit,
    SIGKILL the rest, and reap those that are our children. Returns how
    many were signalled."""
    procs = [p for p in processes if _running(p)]
    for proc in procs:
        _send(proc, signal.SIGTERM)
    alive = _wait(procs, grace)
    for proc in alive:
        _send(proc, signal.SIGKILL)
    _wait(alive, 1.0)
    # Reap our own children among them that exited while counted as gone.
    psutil.wait_procs(procs, timeout=0)
    return len(procs)


def _wait(procs: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    """psutil.wait_procs in short slices, so that a process that has exited
    but that its parent (not us) has not reaped yet counts as gone rather
    than holding up the wait. Returns those still running."""
    deadline = time.monotonic() + timeout
    alive = [p for p in procs if _running(p)]
    while alive and (left := deadline - time.monotonic()) > 0:
        _, alive = psutil.wait_procs(alive, timeout=min(0.05, left))
        alive = [p for p in alive if _running(p)]
    return alive


def kill_marked(key: str, *values: str, grace: float = 1.0, since: float | None = None) -> int:
    """End every process marked with one of values (started at since or
    later, when given): terminate(), then kill whatever is still marked (a
    process may fork while we look). Returns how many were signalled."""
    if not values:
        return 0
    count = terminate(processes(marked(key, *values, since=since)), grace)
    for _ in range(20):
        rest = [p for p in processes(marked(key, *values, since=since)) if _running(p)]
        if not rest:
            break
        terminate(rest, grace=0)
    return count


def processes(pids: Iterable[int]) -> list[psutil.Process]:
    """psutil's handles on those of pids that still exist."""
    found = []
    for pid in pids:
        try:
            found.append(psutil.Process(pid))
        except psutil.Error:
            pass
    return found


_ports_lock = threading.Lock()
_ports_given: set[int] = set()


def free_port() -> int:
    """A free TCP port on 127.0.0.1, never the same twice in this process,
    so parallel jobs never share one."""
    with _ports_lock:
        for _ in range(100):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.bind(("127.0.0.1", 0))
                port = int(sock.getsockname()[1])
            if port not in _ports_given:
                _ports_given.add(port)
                return port
    raise OSError("no free port found on 127.0.0.1")
