"""Run one typed command in a recorded terminal session.

asciinema (pinned 2.x) captures the pseudo-terminal; asciinema-automation
types the command. Its known defects in 0.2.2 are guarded here:

- it exits 0 without recording when the output file exists or its path has
  a space: we record into a fresh temporary folder whose path we check, and
  treat a missing or marker-less cast as a failure;
- it hangs until its own timeout when an expectation never matches: a
  watchdog enforces our time limit and ends every process of the run;
- it may type before the shell is ready: its script first waits for the
  end-of-prompt marker;
- it passes no environment of its own: it runs with the environment the
  program needs and asciinema hands that down to the shell;
- it never reports the program's exit status: the shell prints it in an
  OSC 133 "command finished" marker, read back from the cast.
"""

from __future__ import annotations

import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import cast as castmod
from . import procs

WIDTH, HEIGHT = 100, 30
OUTPUT_CAP = 2_000_000  # bytes of cast; a program printing more is stopped
STARTUP_ALLOWANCE = 20.0  # seconds for asciinema, the shell and the typing

_RCFILE = r"""
unset HISTFILE
PS1='\[\e]133;A\a\]\[\e[1;32m\]$\[\e[0m\] \[\e]133;B\a\]'
PS0='\e]133;C\a'
PROMPT_COMMAND='printf "\e]133;D;%s;{secret}\a" "$?"'
cd {cwd}
"""

# The end-of-command marker carries a secret of this run, which the program
# never sees: a program that prints a marker of its own cannot end the
# session early or fake its exit status.
_SCRIPT = r"""#$ expect \x1b\]133;B
{command}
#$ expect \x1b\]133;D;[0-9]*;{secret}
"""


@dataclass(frozen=True)
class Capture:
    cast: castmod.Cast | None  # None when nothing usable was recorded
    text: str  # the command's output as plain text (what output.txt holds)
    exit_status: int | None
    timed_out: bool
    flooded: bool
    duration: float  # seconds from the start of the command to its end
    log: str  # what asciinema-automation itself printed


def _no_space(path: Path) -> Path:
    if any(ch.isspace() for ch in str(path)):
        raise OSError(f"temporary folder {path} has a space in its path; "
                      "asciinema-automation cannot record there; set TMPDIR to another folder")
    return path


class _Watchdog(threading.Thread):
    """Follows the cast as asciinema writes it; stops the program at its time
    limit or when it floods the terminal."""

    def __init__(self, cast_path: Path, run_id: str, limit: float) -> None:
        super().__init__(daemon=True)
        self.cast_path, self.run_id, self.limit = cast_path, run_id, limit
        self.timed_out = self.flooded = False
        self.done = threading.Event()

    def run(self) -> None:
        started: float | None = None
        while not self.done.wait(0.05):
            try:
                size = self.cast_path.stat().st_size
                if started is None and "133;C" in self.cast_path.read_text(errors="replace"):
                    started = time.monotonic()
            except OSError:
                continue
            if size > OUTPUT_CAP:
                self.flooded = True
            elif started is not None and time.monotonic() - started > self.limit:
                self.timed_out = True
            if self.flooded or self.timed_out:
                procs.kill_marked(procs.PROGRAM_MARKER, self.run_id, grace=0.5)
                return


def record(command: list[str], env: dict[str, str], cwd: Path, run_id: str, limit: float,
           typing_delay: int = 35) -> Capture:
    """Type `command` (a list of words, quoted here) at a prompt in a fresh
    terminal and record the session."""
    tmp = _no_space(Path(tempfile.mkdtemp(prefix=procs.temp_prefix("rec"))))
    try:
        return _record(command, env, cwd, run_id, limit, typing_delay, tmp)
    finally:
        procs.kill_marked(procs.MARKER, run_id, grace=0.5)
        shutil.rmtree(tmp, ignore_errors=True)


def _record(command: list[str], env: dict[str, str], cwd: Path, run_id: str, limit: float,
            typing_delay: int, tmp: Path) -> Capture:
    rcfile, script, out = tmp / "rc", tmp / "script", tmp / "session.cast"
    secret = secrets.token_hex(8)
    rcfile.write_text(_RCFILE.format(cwd=shlex.quote(str(cwd)), secret=secret))
    script.write_text(_SCRIPT.format(command=shlex.join(command), secret=secret))
    shell = f"bash --noprofile --rcfile {rcfile} -i"
    argv = [sys.executable, "-m", "asciinema_automation", str(script), str(out),
            "-aa", f"--cols {WIDTH} --rows {HEIGHT} -c '{shell}'",
            "-dt", str(typing_delay), "-sd", str(typing_delay // 3), "-wt", "20",
            "-t", str(int(limit + STARTUP_ALLOWANCE))]
    run_env = {**procs.with_project_bin(env), procs.MARKER: run_id,
               procs.OWNER: procs.owner_id(), "ASCIINEMA_CONFIG_HOME": str(tmp),
               "TERM": "xterm-256color", "SHELL": "/bin/bash",
               "COLUMNS": str(WIDTH), "LINES": str(HEIGHT)}
    watchdog = _Watchdog(out, run_id, limit)
    watchdog.start()
    proc = subprocess.Popen(argv, env=run_env, cwd=tmp, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        log, _ = proc.communicate(timeout=limit + STARTUP_ALLOWANCE + 10)
    except subprocess.TimeoutExpired:
        procs.kill_marked(procs.MARKER, run_id, grace=0.5)
        log, _ = proc.communicate()
    finally:
        watchdog.done.set()
        watchdog.join()
    text = log.decode("utf-8", "replace")
    recorded = castmod.read(out) if out.is_file() and out.stat().st_size else None
    if recorded is None:
        return Capture(None, "", None, watchdog.timed_out, watchdog.flooded, 0.0, text)
    sess = castmod.session(recorded, secret)
    end = recorded.events[sess.end_index - 1][0] if sess.end_index else 0.0
    duration = max(0.0, end - (sess.started or 0.0))
    return Capture(_clean(recorded, sess.end_index, secret), castmod.text_of(sess.output),
                   sess.exit_status, watchdog.timed_out, watchdog.flooded, duration, text)


def _clean(recorded: castmod.Cast, end_index: int, secret: str) -> castmod.Cast:
    """The cast as published: up to the final prompt, without the run's
    secret, and a header that says nothing about the machine it was made on
    (no command, paths or names)."""
    header = {"version": 2, "width": recorded.width, "height": recorded.height,
              "timestamp": int(recorded.header.get("timestamp", time.time())),
              "env": {"SHELL": "/bin/bash", "TERM": "xterm-256color"}}
    events = [(t, k, d.replace(";" + secret, "")) for t, k, d in recorded.events[:end_index]]
    return castmod.Cast(header=header, events=events)
