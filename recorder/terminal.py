"""Run one typed command in a recorded terminal session.

The recorder drives the pseudo-terminal itself: it starts an interactive
bash in a new pty, waits for its prompt, types the command with a human
rhythm, and keeps every chunk the terminal prints with its time, as an
asciicast v2 session. One process (bash) is started instead of the three
interpreters asciinema and asciinema-automation cost, and none of their
defects (silent empty recordings, hangs past their own timeout, typing
before the shell is ready) has to be guarded.

The shell marks its prompt and the command's output with OSC 133
semantic-prompt sequences (invisible in a player): A prompt start, B prompt
end, C output start, D;<status> command finished. The D marker carries a
secret of this run that the program never sees, so a program printing a
marker of its own can neither end the session early nor fake its status.
"""

from __future__ import annotations

import codecs
import fcntl
import os
import random
import re
import secrets
import select
import shlex
import shutil
import signal
import struct
import tempfile
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import cast as castmod
from . import procs

WIDTH, HEIGHT = 100, 30
OUTPUT_CAP = 2_000_000  # bytes of output; a program printing more is stopped
STARTUP_ALLOWANCE = 20.0  # seconds for the shell to start and the typing

_RCFILE = r"""
unset HISTFILE
PS1='\[\e]133;A\a\]\[\e[1;32m\]$\[\e[0m\] \[\e]133;B\a\]'
PS0='\e]133;C\a'
PROMPT_COMMAND='printf "\e]133;D;%s;{secret}\a" "$?"'
cd {cwd}
"""

_PROMPT_END = castmod.OSC + "B" + castmod.BEL
_OUTPUT_START = castmod.OSC + "C" + castmod.BEL


@dataclass(frozen=True)
class Capture:
    cast: castmod.Cast | None  # None when nothing usable was recorded
    text: str  # the command's output as plain text (what output.txt holds)
    exit_status: int | None
    timed_out: bool
    flooded: bool
    duration: float  # seconds from the start of the command to its end
    log: str  # what the session printed, when it did not get as far as the command
    ended: str = ""  # how a session that did not finish ended, for the failure message


@dataclass
class _Session:
    """What the read loop knows about the session so far."""

    command: str
    secret: str
    typing_delay: float
    events: list[tuple[float, str, str]] = field(default_factory=list)
    stream: str = ""
    size: int = 0
    typed: bool = False  # the command was handed to the keyboard
    to_type: str = ""  # what is left to type
    next_key: float = 0.0
    started: float | None = None  # monotonic time of the output-start marker
    body_at: int = 0  # where the command's output starts in stream
    finished: bool = False  # the end marker and the next prompt were seen
    ended: str = ""  # why the read loop stopped before that
    timed_out: bool = False
    flooded: bool = False
    on_output: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        self.done = re.compile(re.escape(castmod.OSC) + r"D;\d*;" + re.escape(self.secret)
                               + re.escape(castmod.BEL))

    def keystroke_gap(self) -> float:
        """A human rhythm: the delay between keys varies a little."""
        return max(0.005, random.gauss(self.typing_delay, self.typing_delay / 3))


def record(command: list[str], env: dict[str, str], cwd: Path, run_id: str, limit: float,
           typing_delay: int = 35, on_output: Callable[[str], None] | None = None) -> Capture:
    """Type `command` (a list of words, quoted here) at a prompt in a fresh
    terminal and record the session; stop the program at `limit` seconds.
    on_output gets what the command prints, as it comes (server steps)."""
    tmp = Path(tempfile.mkdtemp(prefix=procs.temp_prefix("rec")))
    began = time.time()
    session_id = procs.new_run_id()
    try:
        return _record(shlex.join(command), {**env, procs.SESSION_MARKER: session_id}, cwd,
                       run_id, limit, typing_delay / 1000, tmp, on_output)
    finally:
        procs.kill_marked(procs.SESSION_MARKER, session_id, grace=0.5, since=began)
        shutil.rmtree(tmp, ignore_errors=True)


def _spawn(rcfile: Path, env: dict[str, str], cwd: Path) -> tuple[int, int]:
    """bash in a new pty of WIDTH x HEIGHT, as its controlling terminal."""
    bash = shutil.which("bash", path=env.get("PATH")) or "/bin/bash"
    argv = [bash, "--noprofile", "--rcfile", str(rcfile), "-i"]
    pid, master = os.forkpty()
    if pid == 0:  # the child: only system calls until exec
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
            os.chdir(cwd)
            os.execve(bash, argv, env)
        finally:
            os._exit(127)
    return pid, master


def _record(command: str, env: dict[str, str], cwd: Path, run_id: str, limit: float,
            typing_delay: float, tmp: Path,
            on_output: Callable[[str], None] | None = None) -> Capture:
    secret = secrets.token_hex(8)
    rcfile = tmp / "rc"
    rcfile.write_text(_RCFILE.format(cwd=shlex.quote(str(cwd)), secret=secret))
    run_env = {**procs.with_project_bin(env), procs.MARKER: run_id,
               procs.OWNER: procs.owner_id(), "TERM": "xterm-256color", "SHELL": "/bin/bash",
               "COLUMNS": str(WIDTH), "LINES": str(HEIGHT)}
    session = _Session(command, secret, typing_delay, on_output=on_output)
    t0 = time.monotonic()
    pid, master = _spawn(rcfile, run_env, tmp)
    try:
        _loop(session, master, t0, limit, run_id)
    finally:
        os.close(master)
        shell = _end(pid)
    recorded = castmod.Cast(_header(), session.events)
    sess = castmod.session(recorded, secret)
    ended = ""
    if not session.finished:
        ended = (f"{session.ended} {time.monotonic() - t0:.1f} s after the shell started, "
                 f"{'after the command was typed' if session.typed else 'before its prompt'}"
                 f", {session.size} bytes read; bash {shell}")
    if sess.started is None:
        log = castmod.plain(recorded.output())[-2000:]
        return Capture(None, "", None, session.timed_out, session.flooded, 0.0, log, ended)
    end = recorded.events[sess.end_index - 1][0] if sess.end_index else 0.0
    return Capture(_clean(recorded, sess.end_index, secret), castmod.text_of(sess.output),
                   sess.exit_status, session.timed_out, session.flooded,
                   max(0.0, end - sess.started), "", ended)


def _loop(session: _Session, master: int, t0: float, limit: float, run_id: str) -> None:
    """Read the terminal until the command has finished and the next prompt
    is drawn (or the shell is gone), typing the command when the first
    prompt is ready, and stopping the program at its limit."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    give_up = t0 + limit + STARTUP_ALLOWANCE + 10
    stopped = False
    while not session.finished:
        now = time.monotonic()
        if now > give_up:
            session.ended = "the recorder gave up waiting"
            break
        if session.to_type and now >= session.next_key:
            os.write(master, session.to_type[0].encode())
            session.to_type = session.to_type[1:]
            session.next_key = now + (session.keystroke_gap() if session.to_type[1:] else 0.2)
        wait = max(0.0, min(session.next_key - now, 0.05)) if session.to_type else 0.05
        readable, _, _ = select.select([master], [], [], wait)
        if readable:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the shell is gone
                session.ended = "the terminal closed"
                break
            if not data:
                session.ended = "the terminal closed"
                break
            _take(session, decoder.decode(data), time.monotonic() - t0, len(data))
        if session.started is not None and not stopped:
            session.timed_out = time.monotonic() - session.started > limit
            if session.timed_out or session.flooded:
                # Only the program goes; the shell then prints its end marker.
                procs.kill_marked(procs.PROGRAM_MARKER, run_id, grace=0.5)
                stopped = True


def _take(session: _Session, text: str, at: float, size: int) -> None:
    if not text:
        return
    session.events.append((at, "o", text))
    before = len(session.stream)
    session.stream += text
    session.size += size
    if session.size > OUTPUT_CAP:
        session.flooded = True
    look_from = max(0, before - 64)  # a marker may straddle two reads
    if not session.typed:
        if _PROMPT_END in session.stream[look_from:]:
            session.typed = True
            session.to_type = session.command + "\r"
            session.next_key = time.monotonic() + 0.3
        return
    if session.started is None and _OUTPUT_START in session.stream[look_from:]:
        session.started = time.monotonic()
        at_start = session.stream.find(_OUTPUT_START, look_from) + len(_OUTPUT_START)
        session.body_at = at_start
        text = session.stream[max(at_start, before):]
    if session.started is not None:
        if session.on_output is not None and text:
            session.on_output(text)
        # The end marker is looked for only in the command's output: the
        # shell also prints one, with the same secret, before its first
        # prompt, and a short command brings that one within reach.
        done = session.done.search(session.stream,
                                   max(session.body_at, before - 64 - len(session.secret)))
        if done and _PROMPT_END in session.stream[done.end():]:
            session.finished = True


def _end(pid: int) -> str:
    """The shell has done its part: end it and reap it. An interactive bash
    ignores SIGTERM, so this is SIGHUP then SIGKILL, not procs.terminate
    (whose SIGTERM would only wait out its grace period here). Returns how
    the shell had ended, in words, for a session that did not finish."""
    # Did it end on its own, before being told to?
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return "was already reaped"
    if done:
        return _wait_words(status, "before the recorder ended it")
    for sig in (signal.SIGHUP, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return "was already reaped"
            if done:
                return _wait_words(status, f"when the recorder sent {signal.Signals(sig).name}")
            time.sleep(0.01)
    return "did not exit, even after SIGKILL"


def _wait_words(status: int, when: str) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.valid_signals() else number
        return f"was killed by {name} {when}"
    return f"exited with status {os.waitstatus_to_exitcode(status)} {when}"


def _header() -> dict[str, object]:
    return {"version": 2, "width": WIDTH, "height": HEIGHT, "timestamp": int(time.time()),
            "env": {"SHELL": "/bin/bash", "TERM": "xterm-256color"}}


def _clean(recorded: castmod.Cast, end_index: int, secret: str) -> castmod.Cast:
    """The cast as published: up to the final prompt, without the run's
    secret, and a header that says nothing about the machine it was made on."""
    events = [(t, k, d.replace(";" + secret, "")) for t, k, d in recorded.events[:end_index]]
    return castmod.Cast(header=recorded.header, events=events)
