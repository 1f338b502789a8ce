"""Runners of interpreted languages: Python, the CLI (natscli in bash),
plain shell scripts, and JavaScript on Node.js."""

from __future__ import annotations

import functools
import json
import re
import shutil
import sys
from pathlib import Path

from ..model import Implementation
from .base import (
    BuildFailed,
    Built,
    Runner,
    build_once,
    copy_sources,
    files_hash,
    folder_hash,
    missing,
    output_of,
    run_tool,
    tool_version,
    version_tuple,
)


@functools.cache
def package_version(name: str) -> str:
    from importlib import metadata  # slow to import; `nbe run` never needs it

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


class PythonRunner(Runner):
    """nats-py from the project's own environment (pinned in pyproject.toml),
    run by the interpreter the project runs on."""

    folder = "python"
    client_name = "nats-py"
    crash = re.compile(r"^Traceback \(most recent call last\):", re.MULTILINE)

    def build(self, impl: Implementation, root: Path) -> Built:
        return Built([sys.executable, "-u", impl.language.entry],
                     {"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"})

    def client(self, root: Path) -> tuple[str, str]:
        return ("nats-py", package_version("nats-py"))

    def toolchain(self) -> tuple[str, str]:
        return ("python", ".".join(map(str, sys.version_info[:3])))


class ShellRunner(Runner):
    """A bash script; checked for syntax errors before it runs."""

    folder = "shell"

    def unavailable(self, root: Path, thorough: bool = True) -> str | None:
        return missing("bash")

    def build(self, impl: Implementation, root: Path) -> Built:
        checked = run_tool(["bash", "-n", impl.language.entry], impl.path, timeout=30)
        if checked.returncode != 0:
            raise BuildFailed(impl.id, "has a bash syntax error", output_of(checked))
        return Built(["bash", impl.language.entry], self._env(), self._path())

    def _env(self) -> dict[str, str]:
        return {}

    def _path(self) -> tuple[str, ...]:
        return ()

    def toolchain(self) -> tuple[str, str] | None:
        found = tool_version("bash", "--version")
        return ("bash", found) if found else None


NATSCLI = "0.5.0"


class CliRunner(ShellRunner):
    """bash scripts that use natscli, built once from the Go module proxy
    with `go install github.com/nats-io/natscli/nats@v<NATSCLI>`."""

    folder = "cli"
    client_name = "natscli"

    def bin_dir(self) -> Path:
        return self.cache() / f"natscli-v{NATSCLI}" / "bin"

    def unavailable(self, root: Path, thorough: bool = True) -> str | None:
        # The scripts read natscli's JSON output with jq.
        if (self.bin_dir() / "nats").is_file():
            return missing("bash", "jq")
        why = missing("bash", "jq", "go")
        return f"{why}; it is needed once to build natscli v{NATSCLI}" if why else None

    def prepare(self, root: Path) -> None:
        def make(tmp: Path) -> None:
            done = run_tool(["go", "install", f"github.com/nats-io/natscli/nats@v{NATSCLI}"],
                            tmp, {"GOBIN": str(tmp / "bin"), "GOFLAGS": "", "GOWORK": "off"})
            if done.returncode != 0:
                raise BuildFailed("cli", f"could not build natscli v{NATSCLI}", output_of(done))

        build_once(self.bin_dir().parent, make)

    def prepared(self, root: Path) -> bool:
        return self.bin_dir().is_dir()

    def _env(self) -> dict[str, str]:
        # natscli reads its saved contexts from the user's configuration; an
        # empty one of our own keeps a reader's contexts out of the examples.
        config = self.cache() / "config"
        config.mkdir(parents=True, exist_ok=True)
        return {"XDG_CONFIG_HOME": str(config)}

    def _path(self) -> tuple[str, ...]:
        return (str(self.bin_dir()),)

    def client(self, root: Path) -> tuple[str, str]:
        return ("natscli", NATSCLI)


class NodeRunner(Runner):
    """ES modules on Node.js, with the nats.js packages of the tree's
    package-lock.json installed once by `npm ci` into the cache. Each
    example is copied under that node_modules (ES modules resolve packages
    from the file's own folder upwards, never from NODE_PATH) and runs from
    its own folder."""

    folder = "node"
    client_name = "nats.js"
    MIN_NODE = (18,)

    def unavailable(self, root: Path, thorough: bool = True) -> str | None:
        why = missing("node", "npm")
        if why or not thorough:
            return why
        found = tool_version("node", "--version")
        if found is None or version_tuple(found) < self.MIN_NODE:
            return f"Node.js {found} is too old; nats.js v3 needs 18 or newer"
        return None

    def _deps(self, root: Path) -> Path:
        key = files_hash(root / "package.json", root / "package-lock.json")
        return self.cache() / f"deps-{key}"

    def prepare(self, root: Path) -> None:
        for name in ("package.json", "package-lock.json"):
            if not (root / name).is_file():
                raise BuildFailed("node", f"{root / name} is missing; the JavaScript examples' "
                                  "packages are pinned there", "")

        def make(tmp: Path) -> None:
            for name in ("package.json", "package-lock.json"):
                shutil.copyfile(root / name, tmp / name)
            done = run_tool(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts",
                             "--loglevel=error"], tmp)
            if done.returncode != 0:
                raise BuildFailed("node", "npm ci failed for examples/package-lock.json",
                                  output_of(done))

        build_once(self._deps(root), make)

    def prepared(self, root: Path) -> bool:
        return self._deps(root).is_dir()

    def build(self, impl: Implementation, root: Path) -> Built:
        deps = self._deps(root)
        entry = impl.language.entry

        def make(tmp: Path) -> None:
            copy_sources(impl.path, tmp)
            checked = run_tool(["node", "--check", entry], tmp, timeout=60)
            if checked.returncode != 0:
                raise BuildFailed(impl.id, "has a JavaScript syntax error",
                                  output_of(checked).replace(str(tmp), str(impl.path)))

        built = build_once(deps / "programs" / folder_hash(impl.path), make)
        return Built(["node", str(built / entry)])

    def client(self, root: Path) -> tuple[str, str] | None:
        return ("nats.js", _lock_version(root / "package-lock.json", "@nats-io/transport-node"))

    def toolchain(self) -> tuple[str, str] | None:
        found = tool_version("node", "--version")
        return ("node", found) if found else None


def _lock_version(lock: Path, package: str) -> str:
    try:
        data = json.loads(lock.read_text(encoding="utf-8"))
        return str(data["packages"][f"node_modules/{package}"]["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return "not pinned"


