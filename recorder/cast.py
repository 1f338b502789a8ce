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
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyte
from wcwidth import wcwidth

from .errors import TreeError

OSC = "\x1b]133;"
BEL = "\x07"
_ANSI = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC ... BEL or ST
    r"|\x1b\[[0-?]*[ -/]*[@-~]"            # CSI
    r"|\x1b[@-Z\\-_]"                       # other two-byte escapes
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


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
        rows, cursor = _emulate(self.output(), self.width)
        used = max([cursor] + [y for y, row in enumerate(rows) if row]) + 1
        return max(1, min(self.height, used))

    def output(self) -> str:
        return "".join(data for _, kind, data in self.events if kind == "o")


def parse(text: str, path: Path | str = "<cast>") -> Cast:
    """A cast from asciicast v2 text; a corrupt one is a TreeError naming the file."""
    # Lines end with "\n" only: splitlines() would also split at characters
    # such as U+0085 or U+2028 that the JSON of an event may hold unescaped.
    lines = text.split("\n")
    if not text.strip():
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


class _Screen(pyte.Screen):
    """pyte's screen, except that a character it cannot place no longer ends
    the rest of the text it was drawing: a control character is dropped, and
    a zero-width one (joiner, variation selector) joins the cell before it."""

    def draw(self, data: str) -> None:
        if data.isascii() and data.isprintable():
            super().draw(data)
            return
        start = 0
        for index, char in enumerate(data):
            width = wcwidth(char)
            if width > 0 or (width == 0 and unicodedata.combining(char)):
                continue
            super().draw(data[start:index])
            start = index + 1
            if width == 0 and self.cursor.x:
                line = self.buffer[self.cursor.y]
                cell = line[self.cursor.x - 1]
                line[self.cursor.x - 1] = cell._replace(data=cell.data + char)
        super().draw(data[start:])


def _emulate(raw: str, columns: int) -> tuple[list[str], int]:
    """Feed raw terminal output to an emulated screen `columns` wide and tall
    enough never to scroll; its rows as text, and the cursor's row."""
    feeds = sum(raw.count(c) for c in ("\n", "\x0b", "\x0c", "\x1bD", "\x1bE"))
    rows = feeds + len(raw) // max(1, columns) + 2
    screen = _Screen(columns, rows)
    pyte.Stream(screen).feed(raw)
    text = []
    for y in range(max(screen.cursor.y, max(screen.buffer, default=0)) + 1):
        line = screen.buffer.get(y)
        if not line:
            text.append("")
            continue
        text.append("".join(line[x].data for x in range(max(line) + 1)).rstrip())
    return text, screen.cursor.y


def _longest_line(raw: str) -> int:
    """An upper bound of the columns a line of raw output takes (escape
    sequences only add to its length, a character takes at most 2, a tab 8)."""
    return max(2 * len(line) + 6 * line.count("\t") for line in raw.split("\n"))


def plain(raw: str) -> str:
    """Terminal output as a reader sees it, by a terminal emulator (pyte):
    escapes and control characters applied (a carriage return or backspace
    overwrites, as on a screen), trailing spaces dropped. The screen is as
    wide as the longest line, so every line the program wrote stays one line."""
    lines = raw.split("\r\n")
    if all(line.isascii() and line.isprintable() for line in lines):
        # Printable ASCII and CRLF only: the screen would hold exactly these
        # lines, so the emulator (about 3 s a megabyte) is not needed.
        return "\n".join(line.rstrip() for line in lines)
    rows, _ = _emulate(raw, _longest_line(raw) + 1)
    return "\n".join(rows)


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
