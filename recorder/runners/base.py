"""What every runner shares: the cache folder, a lock per language, building
once per input hash, and running a toolchain command quietly.

A runner knows how one language runs (see `__init__.py` for the protocol).
Everything it downloads or builds lives in the cache, outside `examples/`
and outside any recorded session: `$NBE_CACHE`, else `$XDG_CACHE_HOME/nbe`,
else `~/.cache/nbe`.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RecorderError
from ..model import OUTPUTS, Implementation

SKIPPED_DIRS = {"__pycache__", "node_modules", "target", "bin", "obj", ".venv"}


class BuildFailed(RecorderError):
    """An example did not compile (or its dependencies could not be
    prepared); `output` is what the toolchain said."""

    def __init__(self, impl_id: str, what: str, output: str) -> None:
        self.impl_id = impl_id
        self.what = what
        self.output = output
        super().__init__(f"{impl_id}: {what}\n{output.rstrip()}" if output else
                         f"{impl_id}: {what}")


@dataclass(frozen=True)
class Built:
    """How to run a prepared example: argv from inside its language folder,
    and what to add to its environment."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    path_prepend: tuple[str, ...] = ()


def cache_root() -> Path:
    explicit = os.environ.get("NBE_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "nbe"


def sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def source_files(folder: Path) -> list[Path]:
    """The files of a language folder that make up the program (outputs,
    caches and build folders left out), in a stable order."""
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and not (len(rel.parts) == 1 and rel.name in OUTPUTS):
            found.append(path)
    return found


def folder_hash(folder: Path, *extra: bytes | str) -> str:
    parts: list[bytes | str] = []
    for path in source_files(folder):
        parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return sha(*parts, *extra)


def files_hash(*paths: Path) -> str:
    """A hash of some files' contents (a missing file counts as empty), such
    as the lock files that key a language's shared dependencies."""
    return sha(*[p.read_bytes() if p.is_file() else b"" for p in paths])


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on path (created if needed): parallel jobs and the
    `nbe run` inside a recording never build the same thing at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_tool(argv: list[str], cwd: Path, env: dict[str, str] | None = None,
             timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    """A toolchain command with its output captured (shown only if it fails)."""
    try:
        return subprocess.run(argv, cwd=cwd, env={**os.environ, **(env or {})},
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired as err:
        out = (err.stdout or "") if isinstance(err.stdout, str) else ""
        return subprocess.CompletedProcess(argv, 124, out, f"timed out after {timeout:g} s")
    except OSError as err:
        return subprocess.CompletedProcess(argv, 127, "", f"{argv[0]}: {err.strerror}")


def output_of(done: subprocess.CompletedProcess[str]) -> str:
    return ((done.stdout or "") + (done.stderr or "")).strip()


def build_once(folder: Path, make: Callable[[Path], None]) -> Path:
    """folder, made by make(tmp) the first time and reused afterwards: the
    work happens in a temporary sibling renamed into place only when it
    succeeded, so an interrupted build never looks finished."""
    if folder.is_dir():
        return folder
    with locked(folder.parent / ".lock"):
        if folder.is_dir():
            return folder
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
        try:
            make(tmp)
            os.replace(tmp, folder)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return folder


@functools.cache
def tool_version(*argv: str, pattern: str = r"(\d+\.\d+(?:\.\d+)?)") -> str | None:
    """The first version number a command prints, or None if it cannot run
    (asked once per process)."""
    done = run_tool(list(argv), Path.cwd(), timeout=30)
    if done.returncode != 0:
        return None
    match = re.search(pattern, output_of(done))
    return match.group(1) if match else None


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def missing(*programs: str) -> str | None:
    """Why a toolchain is unusable because a program is not on PATH."""
    for program in programs:
        if shutil.which(program) is None:
            return f"{program} is not installed (not found on PATH)"
    return None


class Runner:
    """Defaults for a runner; each language overrides what differs."""

    folder: str = ""
    client_name: str | None = None
    crash: re.Pattern[str] | None = None

    def unavailable(self, root: Path, thorough: bool = True) -> str | None:
        """Why this machine cannot run the language, or None. Without
        thorough, only what is cheap to check (`nbe run` inside a recording
        pays for every millisecond)."""
        return None

    def prepare(self, root: Path) -> None:
        """Fetch and build the dependencies every example shares, once."""

    def prepared(self, root: Path) -> bool:
        """Whether prepare has nothing left to do (cheap: looks at files)."""
        return True

    def build(self, impl: Implementation, root: Path) -> Built:
        raise NotImplementedError

    def client(self, root: Path) -> tuple[str, str] | None:
        """(client library, pinned version), read from the tree's lock file."""
        return None

    def toolchain(self) -> tuple[str, str] | None:
        """(toolchain, installed version), shown with the recording."""
        return None

    def installed_client(self) -> str | None:
        """Why the installed client differs from the pin, or None. Only
        where the pin cannot enforce itself (a system library)."""
        return None

    def cache(self) -> Path:
        return cache_root() / self.folder


def tool_stamp(program: str) -> str:
    """Which build of a tool is installed, cheaply (its real path and
    modification time), for build cache keys: no process is started."""
    found = shutil.which(program)
    if found is None:
        return f"{program}: absent"
    real = Path(found).resolve()
    try:
        return f"{real}:{real.stat().st_mtime_ns}"
    except OSError:
        return str(real)


def copy_sources(src: Path, dest: Path) -> None:
    """The program's files (not its outputs) into dest, keeping their paths."""
    for path in source_files(src):
        target = dest / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
