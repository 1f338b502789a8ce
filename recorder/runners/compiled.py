"""Runners of compiled languages: Go (one module for every example), Rust
(one Cargo workspace) and C (Debian's libnats-dev). Each example is built
once per hash of its inputs into the cache; the binary is what runs."""

from __future__ import annotations

import functools
import os
import re
import shutil
import tomllib
from pathlib import Path

from ..model import Implementation
from .base import (
    BuildFailed,
    Built,
    Runner,
    build_once,
    files_hash,
    folder_hash,
    missing,
    output_of,
    run_tool,
    source_files,
    tool_stamp,
    tool_version,
    version_tuple,
)

_GO_VERSION = r"go(\d+\.\d+(?:\.\d+)?)"
_GO_ENV = {"GOFLAGS": "-mod=readonly", "GOTOOLCHAIN": "local", "GOWORK": "off"}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _shown(text: str, tmp: Path, impl: Implementation) -> str:
    """Compiler output with the build folder's path replaced by the
    example's, so the message points at the file the reader edits."""
    return text.replace(str(tmp), str(impl.path))


class GoRunner(Runner):
    """Every Go example is a `package main` of the one module in
    examples/go.mod, whose go.sum pins nats.go and everything it needs."""

    folder = "go"
    client_name = "nats.go"
    crash = re.compile(r"^(panic: |fatal error: )", re.MULTILINE)

    def unavailable(self, root: Path, thorough: bool = True) -> str | None:
        why = missing("go")
        if why or not thorough:
            return why
        want = re.search(r"^go (\d+\.\d+(?:\.\d+)?)", _read(root / "go.mod"), re.MULTILINE)
        have = tool_version("go", "env", "GOVERSION", pattern=_GO_VERSION)
        if have and want and version_tuple(have) < version_tuple(want.group(1)):
            return f"go {have} is older than the go {want.group(1)} that examples/go.mod needs"
        return None

    def prepare(self, root: Path) -> None:
        if not (root / "go.mod").is_file():
            raise BuildFailed("go", f"{root / 'go.mod'} is missing; the Go examples are one "
                              "module pinned there", "")

        def make(tmp: Path) -> None:
            done = run_tool(["go", "mod", "download"], root, _GO_ENV)
            if done.returncode != 0:
                raise BuildFailed("go", "could not download the modules of examples/go.mod",
                                  output_of(done))

        build_once(self._modules(root), make)

    def _modules(self, root: Path) -> Path:
        return self.cache() / f"modules-{files_hash(root / 'go.mod', root / 'go.sum')}"

    def prepared(self, root: Path) -> bool:
        return self._modules(root).is_dir()

    def build(self, impl: Implementation, root: Path) -> Built:
        key = folder_hash(impl.path, _read(root / "go.mod"), _read(root / "go.sum"),
                          tool_stamp("go"))
        package = "./" + impl.path.relative_to(root).as_posix()

        def make(tmp: Path) -> None:
            done = run_tool(["go", "build", "-o", str(tmp / "main"), package], root, _GO_ENV)
            if done.returncode != 0:
                raise BuildFailed(impl.id, "does not compile", output_of(done))

        return Built([str(build_once(self.cache() / "build" / key, make) / "main")])

    def client(self, root: Path) -> tuple[str, str]:
        found = re.search(r"github\.com/nats-io/nats\.go v(\S+)", _read(root / "go.mod"))
        return ("nats.go", found.group(1) if found else "not pinned")

    def toolchain(self) -> tuple[str, str] | None:
        found = tool_version("go", "env", "GOVERSION", pattern=_GO_VERSION)
        return ("go", found) if found else None


class RustRunner(Runner):
    """Every Rust example is a member crate of the workspace in
    examples/Cargo.toml; its Cargo.lock pins async-nats. One target folder
    in the cache, so the dependencies compile once for all examples."""

    folder = "rust"
    client_name = "async-nats"
    crash = re.compile(r"panicked at ", re.MULTILINE)

    def target(self) -> Path:
        return self.cache() / "target"

    def unavailable(self, root: Path, thorough: bool = True) -> str | None:
        return missing("cargo", "rustc")

    def _cargo(self, root: Path, *args: str) -> list[str]:
        argv = ["cargo", *args, "--manifest-path", str(root / "Cargo.toml")]
        # In CI the committed Cargo.lock must be complete; at a desk, cargo
        # adds a new example crate to it, as it would for any workspace.
        return argv + (["--locked"] if os.environ.get("CI") else [])

    def prepare(self, root: Path) -> None:
        if not (root / "Cargo.toml").is_file():
            raise BuildFailed("rust", f"{root / 'Cargo.toml'} is missing; the Rust examples "
                              "are one workspace pinned there", "")

        def make(tmp: Path) -> None:
            done = run_tool(self._cargo(root, "fetch"), root)
            if done.returncode != 0:
                raise BuildFailed("rust", "could not fetch the crates of examples/Cargo.lock",
                                  output_of(done))

        build_once(self._crates(root), make)

    def _crates(self, root: Path) -> Path:
        key = files_hash(root / "Cargo.toml", root / "Cargo.lock")
        return self.cache() / f"crates-{key}"

    def prepared(self, root: Path) -> bool:
        return self._crates(root).is_dir()

    def build(self, impl: Implementation, root: Path) -> Built:
        try:
            manifest = tomllib.loads(_read(impl.path / "Cargo.toml"))
            package = str(manifest["package"]["name"])
            bins = manifest.get("bin") or [{"name": package}]
            binary = str(bins[0].get("name", package))
        except (tomllib.TOMLDecodeError, KeyError, TypeError, IndexError, AttributeError):
            raise BuildFailed(impl.id, f"{impl.path / 'Cargo.toml'} must name its package "
                              "([package] name = \"<category>-<example>\")", "") from None
        key = folder_hash(impl.path, _read(root / "Cargo.toml"), _read(root / "Cargo.lock"),
                          tool_stamp("cargo"), tool_stamp("rustc"))

        def make(tmp: Path) -> None:
            done = run_tool(self._cargo(root, "build", "--quiet", "-p", package, "--bin",
                                        binary), root, {"CARGO_TARGET_DIR": str(self.target())})
            if done.returncode != 0:
                raise BuildFailed(impl.id, "does not compile", output_of(done))
            shutil.copy2(self.target() / "debug" / binary, tmp / "main")

        return Built([str(build_once(self.cache() / "build" / key, make) / "main")])

    def client(self, root: Path) -> tuple[str, str]:
        found = re.search(r'name = "async-nats"\nversion = "([^"]+)"', _read(root / "Cargo.lock"))
        return ("async-nats", found.group(1) if found else "not pinned")

    def toolchain(self) -> tuple[str, str] | None:
        found = tool_version("rustc", "--version")
        return ("rustc", found) if found else None


# Debian's libnats-dev, the C client the examples are written for. A system
# library pins nothing by itself: the recorder refuses to record with another.
LIBNATS = "3.4.1"


class CRunner(Runner):
    """C programs compiled with the system's cc against libnats."""

    folder = "c"
    client_name = "nats.c"

    def unavailable(self, root: Path, thorough: bool = True) -> str | None:
        why = missing("cc")
        if why or not thorough:
            return why
        if _libnats_version() is None:
            return ("the NATS C client is not installed (no <nats/nats.h>); "
                    "install Debian's libnats-dev")
        return None

    def build(self, impl: Implementation, root: Path) -> Built:
        sources = [p.relative_to(impl.path).as_posix() for p in source_files(impl.path)
                   if p.suffix == ".c"]
        key = folder_hash(impl.path, tool_stamp("cc"), _header_stamp())

        def make(tmp: Path) -> None:
            argv = ["cc", "-std=gnu11", "-Wall", "-Wextra", "-g", "-o", str(tmp / "main"),
                    *sources, "-lnats"]
            done = run_tool(argv, impl.path)
            if done.returncode != 0:
                raise BuildFailed(impl.id, "does not compile", output_of(done))

        return Built([str(build_once(self.cache() / "build" / key, make) / "main")])

    def client(self, root: Path) -> tuple[str, str]:
        return ("nats.c", LIBNATS)

    def installed_client(self) -> str | None:
        found = _libnats_version()
        if found and found != LIBNATS:
            return (f"libnats {found} is installed, but the C examples are recorded with "
                    f"{LIBNATS} (Debian's libnats-dev)")
        return None

    def toolchain(self) -> tuple[str, str] | None:
        found = tool_version("cc", "-dumpfullversion")
        return ("cc", found) if found else None


def _header_stamp() -> str:
    for folder in ("/usr/include", "/usr/local/include", "/opt/homebrew/include"):
        header = Path(folder) / "nats" / "version.h"
        if header.is_file():
            return f"{header}:{header.stat().st_mtime_ns}"
    return "no header"


@functools.cache
def _libnats_version() -> str | None:
    """The version in <nats/version.h>, as the compiler finds it."""
    done = run_tool(["cc", "-E", "-dM", "-include", "nats/version.h", "-x", "c", "/dev/null"],
                    Path.cwd(), timeout=30)
    found = re.search(r'NATS_VERSION_STRING\s+"([^"]+)"', done.stdout or "")
    return found.group(1) if found else None
