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
from pathlib import Path

MARKER = "NBE_RUN"
PROGRAM_MARKER = "NBE_PROGRAM"
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


def _environ(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return b""


def marked(key: str, *values: str) -> list[int]:
    """Live processes whose environment holds key=<one of values>."""
    needles = {f"{key}={value}".encode() for value in values}
    found = []
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        if needles.intersection(_environ(int(entry)).split(b"\0")):
            found.append(int(entry))
    return found


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def owner_id() -> str:
    """This process, as NBE_OWNER names it."""
    return f"{os.getpid()}-{_start_time(os.getpid())}"


def owner_alive(owner: str) -> bool:
    """Whether the nbe named by an owner id ("<pid>-<start time>") still runs."""
    pid, _, started = owner.partition("-")
    return pid.isdigit() and _start_time(int(pid)) == started


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
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        for var in _environ(int(entry)).split(b"\0"):
            if var.startswith(OWNER.encode() + b"="):
                owner, _, started = var.split(b"=", 1)[1].decode(errors="replace").partition("-")
                if owner.isdigit() and _start_time(int(owner)) != started:
                    orphans.append(int(entry))
                break
    for pid in orphans:
        _signal(pid, signal.SIGKILL)
    return len(orphans)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # A zombie has exited; its parent just has not reaped it yet.
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def kill_marked(key: str, *values: str, grace: float = 1.0) -> int:
    """SIGTERM every process marked with one of values, wait up to grace,
    then SIGKILL the rest. Returns how many processes were signalled."""
    if not values:
        return 0
    pids = marked(key, *values)
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.02)
    # Kill until none is left: a process may fork while we look.
    for _ in range(20):
        rest = [p for p in marked(key, *values) if _alive(p)]
        if not rest:
            break
        for pid in rest:
            _signal(pid, signal.SIGKILL)
        time.sleep(0.02)
    return len(pids)


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


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
