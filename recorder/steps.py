"""Server events during a run, for examples about what a client does when
its server goes away: reconnecting, buffering, lame-duck mode, losing a
region. An example's meta.yaml names each event explicitly:

    steps:
      - when: "^waiting for the server"   # a line of the program's output
        do: restart                       # stop, start, restart or lame-duck
        server: n1                        # a server or a cluster (default: all)

The owner of the servers (the recorder, or `nbe run` when it started them)
watches the program's output and, the first time a line matches a step's
pattern, does what the step says; steps fire once each, in order. A reader
running the example against a server of their own does the step by hand.
"""

from __future__ import annotations

import codecs
import os
import queue
import re
import select
import subprocess
import threading
from collections.abc import Callable

from .cast import strip_ansi
from .model import Step
from .servers import Servers

ACTIONS = ("stop", "start", "restart", "lame-duck")


class StepRunner:
    """Feeds on the program's output; fires each step when its line shows."""

    def __init__(self, steps: tuple[Step, ...], started: Servers) -> None:
        self.pending = list(steps)
        self.started = started
        self.partial = ""
        self.errors: list[str] = []
        # One worker does the steps in the order they fired, each after the
        # one before it has finished (a start never overtakes a stop).
        self.queue: queue.Queue[Step | None] = queue.Queue()
        self.worker = threading.Thread(target=self._work, daemon=True)
        self.worker.start()

    def feed(self, text: str) -> None:
        self.partial += text
        *lines, self.partial = self.partial.replace("\r\n", "\n").split("\n")
        for line in lines:
            self._line(strip_ansi(line))

    def _line(self, line: str) -> None:
        if self.pending and re.search(self.pending[0].when, line):
            # The server work happens beside the reader, which keeps reading
            # (and timing) the program's output meanwhile.
            self.queue.put(self.pending.pop(0))

    def _work(self) -> None:
        while (step := self.queue.get()) is not None:
            try:
                self.started.act(step.do, step.server)
            except Exception as err:  # reported with the run, never raised in the reader
                self.errors.append(f"step '{step.do}' on {step.server or 'every server'}: {err}")

    def finish(self, timeout: float = 60) -> list[str]:
        """Wait for the steps under way; what went wrong, if anything."""
        self.queue.put(None)
        self.worker.join(timeout)
        missed = [f"step '{s.do}' never fired: no line matched {s.when!r}" for s in self.pending]
        return self.errors + missed


def run_watched(argv: list[str], cwd: str, env: dict[str, str],
                on_output: Callable[[str], None]) -> subprocess.Popen[bytes]:
    """Run a program in a pty of its own, relaying everything it prints to
    our stdout as it comes and handing it to on_output too; returns the
    finished process. (Its output stays a terminal's, so no language's
    output buffering changes.)"""
    import pty
    import termios

    master, slave = pty.openpty()
    # Newlines pass as the program wrote them (a pty would make them \r\n).
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.ONLCR
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=slave, start_new_session=True)
    os.close(slave)
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the program and its children closed the pty
                    break
                if not data:
                    break
                out.write(data)
                on_output(decoder.decode(data))
            elif proc.poll() is not None:
                break
    except BaseException:
        proc.terminate()  # Ctrl-C or an error here: the program goes too
        raise
    finally:
        os.close(master)
        out.close()
    proc.wait()
    return proc
