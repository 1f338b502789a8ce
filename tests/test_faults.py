"""The recorder against programs that misbehave, recorded together in one
`nbe record --jobs 2 --keep-going` run of a temporary tree."""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path

import psutil
import pytest

from recorder import cast, procs

from conftest import nbe
from faults import make_tree

FAULTS: dict[str, tuple[str, dict[str, object]]] = {
    "f/exit-status": ('print("about to exit 3")\nraise SystemExit(3)\n', {}),
    "f/traceback": ("""
        import traceback
        try:
            1 / 0
        except ZeroDivisionError:
            traceback.print_exc()
        print("exit status is still 0")
        """, {}),
    "f/hangs": ('import time\nprint("waiting forever", flush=True)\ntime.sleep(120)\n',
                {"timeout": 2}),
    "f/missing-pattern": ('print("hello, world")\n', {"expect": ["hello, world", "^goodbye$"]}),
    "f/reads-stdin": ('import sys\nprint("stdin gave", repr(sys.stdin.read()))\n', {}),
    "f/floods": ('import sys\nline = "x" * 99 + "\\n"\nwhile True:\n    sys.stdout.write(line)\n',
                 {"timeout": 60}),
    "f/bad-bytes": (r"""
        import sys
        sys.stdout.buffer.write(b"bad \xff\xfe bytes\n")
        print("\x1b[31mred\x1b[0m and plain")
        """, {}),
    "f/orphan": ("""
        import subprocess
        subprocess.Popen(["sleep", "313"], start_new_session=True)
        print("left a child behind")
        """, {}),
    "f/port-a": ('import os\nprint(os.environ["NATS_URL"])\n', {}),
    "f/port-b": ('import os\nprint(os.environ["NATS_URL"])\n', {}),
}


def processes_in(folder: Path) -> list[str]:
    """Live processes whose working directory is inside folder."""
    found = []
    for proc in psutil.process_iter():
        try:
            cwd, cmdline = proc.cwd(), " ".join(proc.cmdline())
        except psutil.Error:
            continue
        if cwd == str(folder) or cwd.startswith(str(folder) + "/"):
            found.append(f"{proc.pid}: {cmdline}")
    return found


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    root = make_tree(tmp_path_factory.mktemp("faults") / "examples", FAULTS)
    result = nbe("--examples", str(root), "record", "--jobs", "2", "--keep-going",
                 timeout=300)
    return root, result.stdout, result.stderr + f"\n[exit {result.returncode}]"


def _failed(log: str, example: str) -> str:
    match = re.search(rf"^FAILED +f/{example}/python: (.*)$", log, re.MULTILINE)
    assert match, f"{example} did not fail:\n{log}"
    return match.group(1)


def _files(root: Path, example: str) -> set[str]:
    return {p.name for p in (root / "f" / example / "python").iterdir()}


def test_the_run_fails_and_names_every_failure(faults: tuple[Path, str, str]) -> None:
    _, _, log = faults
    assert "[exit 1]" in log
    assert _failed(log, "exit-status") == "exited with status 3"
    assert "about to exit 3" in log  # the end of its output is shown
    assert _failed(log, "traceback") == "printed a traceback"
    assert _failed(log, "hangs") == "reached its time limit of 2 s and was stopped"
    assert "waiting forever" in log
    assert _failed(log, "missing-pattern") == (
        "its output does not match the expected pattern '^goodbye$'")
    assert _failed(log, "floods").startswith("printed more than 2 MB")
    assert re.search(r"failed\s+│\s+5\b", log)  # the summary table


def test_failures_write_no_recording_and_check_reports_them(
        faults: tuple[Path, str, str]) -> None:
    root, _, _ = faults
    for example in ("exit-status", "traceback", "hangs", "missing-pattern", "floods"):
        assert _files(root, example) == {"main.py", "output.failure.json"}
    check = nbe("--examples", str(root), "check")
    assert check.returncode == 1
    assert re.search(r"^failed +f/hangs/python: reached its time limit", check.stdout, re.M)
    leftovers = [p for p in root.rglob("*") if p.name.startswith(".nbe-tmp")]
    assert leftovers == []


def test_no_process_of_any_example_is_left(faults: tuple[Path, str, str]) -> None:
    root, _, _ = faults
    assert processes_in(root) == []


def test_stdin_is_empty_instead_of_waiting(faults: tuple[Path, str, str]) -> None:
    root, _, _ = faults
    text = (root / "f/reads-stdin/python/output.txt").read_text()
    assert text == "stdin gave ''\n"


def test_invalid_utf8_is_replaced_and_escapes_stay_only_in_the_cast(
        faults: tuple[Path, str, str]) -> None:
    root, _, _ = faults
    folder = root / "f/bad-bytes/python"
    text = (folder / "output.txt").read_text()
    assert text == "bad \ufffd\ufffd bytes\nred and plain\n"
    recorded = cast.read(folder / "output.cast")
    assert "\x1b[31mred\x1b[0m" in recorded.output()


def test_children_that_outlive_the_program_are_killed(faults: tuple[Path, str, str]) -> None:
    root, _, _ = faults
    assert (root / "f/orphan/python/output.txt").read_text() == "left a child behind\n"
    assert processes_in(root / "f/orphan") == []


def test_parallel_jobs_never_share_a_port(faults: tuple[Path, str, str]) -> None:
    root, _, _ = faults
    a = (root / "f/port-a/python/output.txt").read_text().strip()
    b = (root / "f/port-b/python/output.txt").read_text().strip()
    assert a.startswith("nats://127.0.0.1:") and b.startswith("nats://127.0.0.1:")
    assert a != b


def test_a_port_the_system_offers_twice_is_given_out_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The system may hand the same free port to two jobs in a row (it
    rarely does, so the test above cannot show it): the second is refused.
    The socket is a stand-in here, as no real one can be made to repeat."""
    answers = iter([1, 1, 2])  # ports free_port never gets from the system

    class Socket:
        def __init__(self, *args: object) -> None:
            self.port = next(answers)

        def __enter__(self) -> Socket:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def bind(self, address: tuple[str, int]) -> None:
            assert address == ("127.0.0.1", 0)

        def getsockname(self) -> tuple[str, int]:
            return ("127.0.0.1", self.port)

    monkeypatch.setattr(procs.socket, "socket", Socket)
    assert [procs.free_port(), procs.free_port()] == [1, 2]


def test_the_cast_does_not_leak_the_machine(faults: tuple[Path, str, str]) -> None:
    root, _, _ = faults
    header = cast.read(root / "f/port-a/python/output.cast").header
    text = json.dumps(header)
    for secret in (str(Path.home()), socket.gethostname(), os.environ.get("USER", "root"),
                   str(root)):
        assert secret not in text
    assert set(header) == {"version", "width", "height", "timestamp", "env"}
