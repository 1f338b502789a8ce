"""asciicast v2: read, clean, write, and the plain text of a session.

The recording shell marks its prompt and the command's output with the
standard semantic-prompt sequences (OSC 133: A prompt start, B prompt end,
C output start, D;<status> command finished). Players ignore them; this
module uses them to find the program's output and its exit status in the
cast itself, so output.txt is always derived from the same events.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import TreeError

OSC = "\x1b]133;"
BEL = "\x07"
_ANSI = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC ... BEL or ST
    r"|\x1b\[[0-?]*[ -/]*[@-~]"            # CSI
    r"|\x1b[@-Z\\-_]"                       # other two-byte escapes
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Cast:
    header: dict[str, Any]
    events: list[tuple[float, str, str]] = field(default_factory=list)

    @property
    def width(self) -> int:
        return int(self.header.get("width", 80))

    @property
    def height(self) -> int:
        return int(self.header.get("height", 24))

    @property
    def duration(self) -> float:
        return self.events[-1][0] if self.events else 0.0

    def lines_used(self) -> int:
        """Screen lines the session fills (at most its height), so a player
        can be sized to the content rather than to an empty terminal."""
        text = plain(self.output())
        used = len(text.rstrip("\n").split("\n"))
        return max(1, min(self.height, used))

    def output(self) -> str:
        return "".join(data for _, kind, data in self.events if kind == "o")


def parse(text: str, path: Path | str = "<cast>") -> Cast:
    """A cast from asciicast v2 text; a corrupt one is a TreeError naming the file."""
    lines = text.splitlines()
    if not lines:
        raise TreeError(path, "is empty; record it again with 'nbe record'")
    try:
        header = json.loads(lines[0])
    except ValueError:
        raise TreeError(path, "is not an asciicast v2 file (the first line is not a JSON "
                              "header); record it again with 'nbe record'") from None
    if not isinstance(header, dict) or header.get("version") != 2:
        raise TreeError(path, "is not an asciicast v2 file (its header lacks "
                              "\"version\": 2); record it again with 'nbe record'")
    events: list[tuple[float, str, str]] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            ts, kind, data = json.loads(line)
            events.append((float(ts), str(kind), str(data)))
        except (ValueError, TypeError):
            raise TreeError(path, f"line {number} is not an asciicast event "
                                  "[time, type, data]; record it again with "
                                  "'nbe record'") from None
    return Cast(header=header, events=events)


def read(path: Path) -> Cast:
    try:
        return parse(path.read_text(encoding="utf-8", errors="replace"), path)
    except OSError as err:
        raise TreeError(path, f"cannot be read: {err.strerror}") from None


def dumps(cast: Cast) -> str:
    lines = [json.dumps(cast.header, ensure_ascii=False)]
    lines += [json.dumps([round(t, 6), k, d], ensure_ascii=False) for t, k, d in cast.events]
    return "\n".join(lines) + "\n"


def strip_ansi(text: str) -> str:
    """Text without escape sequences or control characters (tab, CR, LF kept)."""
    return _CONTROL.sub("", _ANSI.sub("", text))


def plain(raw: str) -> str:
    """Terminal output as a reader would see it: escapes removed, CRLF as
    newlines, a carriage return inside a line keeping only what was drawn last."""
    out = []
    for line in strip_ansi(raw).replace("\r\n", "\n").split("\n"):
        out.append(line.rsplit("\r", 1)[-1] if "\r" in line.rstrip("\r") else line.rstrip("\r"))
    return "\n".join(out)


@dataclass(frozen=True)
class Session:
    """What the markers say about a recorded command."""

    output: str  # raw terminal output of the command, escapes included
    exit_status: int | None  # None when the command never finished
    started: float | None  # time of the output-start marker
    end_index: int  # index of the event holding the final prompt end, or len(events)


def session(cast: Cast, secret: str | None = None) -> Session:
    """Split the cast at its markers: the command's raw output and its status.
    With the run's secret, only the shell's own end marker counts."""
    stream = ""
    offsets: list[tuple[int, float, int]] = []  # (stream offset, time, event index)
    for index, (ts, kind, data) in enumerate(cast.events):
        if kind == "o":
            offsets.append((len(stream), ts, index))
            stream += data
    start = stream.find(OSC + "C" + BEL)
    if start < 0:
        return Session("", None, None, len(cast.events))
    body_start = start + len(OSC + "C" + BEL)
    started = next((t for off, t, _ in reversed(offsets) if off <= start), 0.0)
    tail = ";" + re.escape(secret) if secret else ""
    done = re.compile(re.escape(OSC) + r"D;?(\d*)" + tail + re.escape(BEL)).search(stream,
                                                                                body_start)
    if done is None:
        return Session(stream[body_start:], None, started, len(cast.events))
    status = int(done.group(1)) if done.group(1) else 0
    prompt_end = stream.find(OSC + "B" + BEL, done.end())
    end_index = len(cast.events)
    if prompt_end >= 0:
        end_index = next(i for off, _, i in reversed(offsets) if off <= prompt_end) + 1
    return Session(stream[body_start:done.start()], status, started, end_index)


def text_of(raw: str) -> str:
    """A command's raw terminal output as plain text, as output.txt holds it."""
    text = plain(raw)
    return text.strip("\n") + "\n" if text.strip() else ""


def output_text(cast: Cast) -> str:
    """The command's output as plain text, the way output.txt holds it."""
    return text_of(session(cast).output)
