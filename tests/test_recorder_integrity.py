"""A recording cannot be misled: the typed command is quoted, a program
cannot forge the shell's end marker, a torn set of outputs is never fresh,
and the temporary folders of a killed nbe are removed by the next one."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from recorder import procs, terminal

from conftest import BIN, copy_examples, nbe

EXAMPLE = "messaging/request-reply/python"


def _record(words: list[str], tmp: Path, limit: float = 20) -> terminal.Capture:
    return terminal.record(words, dict(os.environ), tmp, procs.new_run_id(), limit, 5)


def test_the_typed_command_is_quoted(tmp_path: Path) -> None:
    capture = _record(["echo", "zz;echo INJECTED", "$(touch PWNED)"], tmp_path)
    assert capture.exit_status == 0
    assert capture.text == "zz;echo INJECTED $(touch PWNED)\n"
    assert not (tmp_path / "PWNED").exists()


def test_a_forged_end_marker_does_not_end_the_run(tmp_path: Path) -> None:
    forge = tmp_path / "forge.sh"
    forge.write_text("printf 'before\\n\\033]133;D;0\\007\\033]133;A\\007$ \\033]133;B\\007'\n"
                     "sleep 1\necho after\nexit 3\n")
    start = time.monotonic()
    capture = _record(["bash", str(forge)], tmp_path, limit=30)
    assert time.monotonic() - start < 15  # not the time limit
    assert capture.exit_status == 3
    assert not capture.timed_out
    assert capture.text.splitlines()[0] == "before"
    assert capture.text.splitlines()[-1].endswith("after")


def test_a_torn_set_of_outputs_is_stale_not_fresh(tmp_path: Path) -> None:
    root = copy_examples(tmp_path, outputs=False)
    args = ("--examples", str(root))
    assert nbe(*args, "record", EXAMPLE).returncode == 0
    folder = root / EXAMPLE
    # A newer cast beside the older text and record: what a kill -9 between
    # the renames would leave.
    cast = folder / "output.cast"
    cast.write_text(cast.read_text().replace("hello, joe", "hello, JOE"))
    check = nbe(*args, "check")
    assert check.returncode == 1
    assert (f"stale    {EXAMPLE}: output.cast does not belong to output.json (an "
            "interrupted recording, or an edit by hand)") in check.stdout
    text = folder / "output.txt"
    text.write_text("edited\n")
    assert "output.cast and output.txt do not belong" in nbe(*args, "check").stdout


def test_the_temporary_folders_of_a_killed_nbe_are_removed(tmp_path: Path) -> None:
    root = copy_examples(tmp_path, outputs=False)
    (root / EXAMPLE / "main.py").write_text('import time\nprint("started", flush=True)\n'
                                            "time.sleep(60)\n")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    proc = subprocess.Popen([str(BIN / "nbe"), "--examples", str(root), "record", EXAMPLE],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        made = {p.name.split("-")[1] for p in tmpdir.iterdir() if p.name.startswith("nbe-")}
        if made >= {"rec", "servers"}:
            break
        time.sleep(0.1)
    assert made >= {"rec", "servers"}, made
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # The next nbe, whatever it is asked, ends the orphans and removes their folders.
    after = nbe("--examples", str(root), "list", env=env)
    assert after.returncode == 0
    assert [p.name for p in tmpdir.iterdir() if p.name.startswith("nbe-")] == []
    assert tempfile.gettempdir() != str(tmpdir)  # the test's own process was not redirected
