"""How each language runs: one small runner per language, and the table.

A runner answers, for its language:
- `unavailable(root)`: why this machine cannot run it (one line), or None;
- `prepare(root)`: fetch and build the shared dependencies once, into the
  cache (outside `examples/` and outside any recorded session);
- `build(impl, root)`: build one example, cached by the hash of its inputs,
  and say how to run it (`Built`); a compile error raises `BuildFailed`;
- `client(root)`: the client library and its version, read from the pinned
  lock file in the tree (an input of the freshness fingerprint);
- `toolchain()`: the compiler or runtime and its version (shown on the page,
  never an input: a new machine must not make every recording stale);
- `crash`: output patterns that fail a run even when it exits 0.

Adding a language is a row in `languages.LANGUAGES` and a runner here.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from ..errors import RecorderError
from ..languages import Language
from ..model import Implementation
from .base import BuildFailed, Built, Runner

# language folder -> (module, class) of its runner; a runner's module is
# imported when it is first needed (`nbe run` needs one).
TABLE: dict[str, tuple[str, str]] = {
    "python": ("scripted", "PythonRunner"),
    "cli": ("scripted", "CliRunner"),
    "shell": ("scripted", "ShellRunner"),
    "node": ("scripted", "NodeRunner"),
    "go": ("compiled", "GoRunner"),
    "rust": ("compiled", "RustRunner"),
    "c": ("compiled", "CRunner"),
    "java": ("jvm", "JavaRunner"),
}
_made: dict[str, Runner] = {}

__all__ = ["Built", "BuildFailed", "Runner", "TABLE", "get", "ready", "why_not"]


def get(folder: str) -> Runner | None:
    if folder not in _made and folder in TABLE:
        module, name = TABLE[folder]
        _made[folder] = getattr(importlib.import_module(f"{__name__}.{module}"), name)()
    return _made.get(folder)


def why_not(language: Language, root: Path, thorough: bool = True) -> str | None:
    """Why the recorder cannot run this language here, or None when it can.
    Thorough also checks versions, and that an installed client the pin
    cannot enforce is the pinned one; without it, only what is cheap."""
    runner = get(language.folder)
    if runner is None:
        return (f"the recorder does not run {language.folder}/ ({language.label}) examples: "
                "they are rendered, never run")
    why = runner.unavailable(root, thorough)
    return why if why or not thorough else runner.installed_client()


def ready(impl: Implementation, root: Path, thorough: bool = True) -> Built:
    """Prepare impl's language (once) and build impl (when its inputs
    changed): how to run it. Quiet: a toolchain's output is shown only when
    it fails (BuildFailed)."""
    why = why_not(impl.language, root, thorough)
    runner = get(impl.language.folder)
    if runner is None or why:
        raise RecorderError(f"{impl.id}: cannot run: {why}")
    runner.prepare(root)
    return runner.build(impl, root)
