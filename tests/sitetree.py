"""A made-up examples tree for site tests: several categories in a given
order, two languages, hostile output, and stale, failed and missing
recordings. Recordings are written directly (cast, text, record) with the
real fingerprint, so the plugin sees them exactly as `nbe record` leaves them."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from recorder import cast, fingerprint, loader
from recorder.model import Example, Implementation
from recorder.outputs import RecordFile, file_hash

JAVA_MAIN = """\
// Java prints a greeting, to show a second language tab.
class Main {
    public static void main(String[] args) {
        System.out.println("hello from java");
    }
}
"""

PY_MAIN = """\
# Python prints a greeting.
print("hello from python")
"""

HOSTILE_MAIN = """\
# Code may hold <script>alert('code')</script> & other **markup**.
print("<script>alert(1)</script>")
"""
HOSTILE_OUTPUT = ("<script>alert(1)</script>\n& ampersand &amp; entity\n**not bold**\n"
                  "</div></div>\n```\nclosing fence\n\x1b[31mred\x1b[0m\n")


def fake_recording(example: Example, impl: Implementation, output: str,
                   duration: float = 1.0) -> None:
    """What `nbe record` writes, for a run that printed output."""
    body = output.replace("\n", "\r\n")
    events = [(0.0, "o", "\x1b]133;A\x07$ \x1b]133;B\x07"),
              (0.3, "o", f"nbe run {impl.id}\r\n"), (0.31, "o", "\x1b]133;C\x07"),
              (0.31 + duration / 2, "o", body),
              (0.31 + duration, "o", "\x1b]133;D;0\x07\x1b]133;A\x07$ \x1b]133;B\x07")]
    recorded = cast.Cast({"version": 2, "width": 100, "height": 30, "timestamp": 0,
                          "env": {"SHELL": "/bin/bash", "TERM": "xterm-256color"}}, events)
    impl.cast_path.write_text(cast.dumps(recorded))
    impl.text_path.write_text(cast.output_text(recorded))
    inputs = fingerprint.inputs(example, impl)
    impl.record_path.write_text(RecordFile(
        fingerprint=fingerprint.digest(inputs), inputs=inputs,
        versions={"nats-server": "2.15.1", "nats-py": "2.16.0"},
        recorded_at="2026-11-26T12:00:00+00:00", duration=duration, exit_status=0,
        cast_sha=file_hash(impl.cast_path), text_sha=file_hash(impl.text_path)).dumps())


def _example(root: Path, example_id: str, meta: dict[str, object],
             programs: dict[str, str]) -> None:
    folder = root / example_id
    for lang, source in programs.items():
        entry = {"python": "main.py", "java": "Main.java"}[lang]
        (folder / lang).mkdir(parents=True)
        (folder / lang / entry).write_text(source)
    (folder / "meta.yaml").write_text(yaml.safe_dump(meta))


def build(root: Path, broken: bool = False) -> Path:
    """The tree; with broken, one recording is stale, one failed, one missing."""
    root.mkdir(parents=True)
    (root / "meta.yaml").write_text("categories: [second-cat, first-cat]\n")
    (root / "first-cat").mkdir()
    (root / "first-cat" / "meta.yaml").write_text(
        "title: First Category\ndescription: The first one.\nexamples: [greet]\n")
    (root / "second-cat").mkdir()
    (root / "second-cat" / "meta.yaml").write_text(
        "title: Second Category\ndescription: Listed first.\nexamples: [zebra, hostile]\n")
    _example(root, "second-cat/zebra", {"title": "Zebra", "description": "Listed first.",
                                        "aliases": ["stripes"]},
             {"python": PY_MAIN, "java": JAVA_MAIN})
    _example(root, "second-cat/hostile", {"title": "Hostile Output",
                                          "description": "Output that tries to be HTML."},
             {"python": HOSTILE_MAIN})
    _example(root, "second-cat/beta", {"title": "Beta (unlisted)"}, {"python": PY_MAIN})
    _example(root, "second-cat/alpha", {"title": "Alpha (unlisted)"}, {"python": PY_MAIN})
    _example(root, "first-cat/greet", {"title": "Greet", "description": "Greets.",
                                       "topology": {"kind": "config", "config": "server.conf"}},
             {"python": PY_MAIN, "java": JAVA_MAIN})
    (root / "first-cat/greet/server.conf").write_text(
        'authorization { user: "greeter", password: "<secret>" }\n')
    tree, problems = loader.load(root)
    assert problems == []
    for example, impl in tree.implementations():
        output = {"java": "hello from java\n"}.get(impl.language.folder, "hello from python\n")
        if example.name == "hostile":
            output = HOSTILE_OUTPUT
        fake_recording(example, impl, output)
    if broken:
        stale = root / "second-cat/zebra/python/main.py"
        stale.write_text(stale.read_text() + "# changed after recording\n")
        (root / "second-cat/beta/python/output.failure.json").write_text(json.dumps(
            {"fingerprint": json.loads((root / "second-cat/beta/python/output.json")
                                       .read_text())["fingerprint"],
             "reason": "exited with status 2"}))
        for name in ("output.cast", "output.txt", "output.json"):
            (root / "first-cat/greet/python" / name).unlink()
            (root / "first-cat/greet/java" / name).unlink()
    return root
