"""Split a program into sections: comment blocks as prose, each paired with
the code that follows it. Pure: text in, sections out, no I/O.

Rules (the same for every language; only the comment syntax differs):
- consecutive whole-line comments form one prose block; blank lines between
  them do not split it (they become paragraph breaks);
- the code after a prose block, up to the next whole-line comment, is its
  code; blank lines inside code never split it;
- a shebang, comment markers inside strings or docstrings, and comments that
  trail code on the same line all stay code;
- a program that starts with code gets a first section with empty prose.
"""

from __future__ import annotations

import re

from .languages import Language
from .model import Section

_TRIPLE = re.compile(r'"""|\'\'\'')


class _Scanner:
    """Tracks whether a line starts inside a multi-line string, so a marker
    inside a docstring or a raw string is not taken for a comment."""

    def __init__(self, language: Language) -> None:
        self.python = language.folder == "python"
        self.open_quote: str | None = None

    def in_string(self) -> bool:
        return self.open_quote is not None

    def feed_code(self, line: str) -> None:
        if not self.python:
            return
        for match in _TRIPLE.finditer(line):
            quote = match.group()
            if self.open_quote is None:
                self.open_quote = quote
            elif self.open_quote == quote:
                self.open_quote = None


def _line_comment(line: str, marker: str) -> str | None:
    """The prose of a whole-line comment, or None for a code line."""
    stripped = line.lstrip()
    if not stripped.startswith(marker) or stripped.startswith("#!"):
        return None
    if marker == "//" and stripped.startswith("//go:"):
        return None  # a Go compiler directive is code, not prose
    body = stripped[len(marker):]
    return body[1:] if body.startswith(" ") else body


def _block_body(lines: list[str]) -> list[str]:
    """Prose lines of a /* ... */ block: markers and leading ' * ' removed."""
    out = []
    for i, raw in enumerate(lines):
        text = raw.strip()
        if i == 0:
            text = text[2:]
        if text.endswith("*/"):
            text = text[:-2]
        if i > 0 and text.startswith("*"):
            text = text[1:]
        out.append(text[1:] if text.startswith(" ") else text.rstrip())
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    return out


def _trim(lines: list[str]) -> str:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(line.rstrip() for line in lines)


def parse(text: str, language: Language) -> list[Section]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    scanner = _Scanner(language)
    sections: list[Section] = []
    prose: list[str] = []
    code: list[str] = []
    pending_blank = 0  # blank lines seen after prose, before we know what follows

    def flush() -> None:
        nonlocal prose, code
        if prose or _trim(code):
            sections.append(Section(prose=_trim(prose), code=_trim(code)))
        prose, code = [], []

    i = 0
    while i < len(lines):
        line = lines[i]
        comment_lines: list[str] | None = None
        consumed = 1
        if not scanner.in_string():
            if language.line_comment is not None:
                body = _line_comment(line, language.line_comment)
                if body is not None:
                    comment_lines = [body]
            if comment_lines is None and language.block_comment is not None:
                start, end = language.block_comment
                if line.lstrip().startswith(start):
                    j = i
                    while j < len(lines) and end not in lines[j][
                            (lines[j].find(start) + len(start)) if j == i else 0:]:
                        j += 1
                    closing = lines[j] if j < len(lines) else ""
                    if j < len(lines) and closing.rstrip().endswith(end):
                        comment_lines = _block_body(lines[i:j + 1])
                        consumed = j - i + 1
        if comment_lines is not None:
            if _trim(code):
                flush()
            elif prose and pending_blank:
                prose.extend([""] * pending_blank)
            code = []
            pending_blank = 0
            prose.extend(comment_lines)
        elif not line.strip():
            if _trim(code):
                code.append(line)
            else:
                pending_blank += 1
        else:
            pending_blank = 0
            code.append(line)
            scanner.feed_code(line)
        i += consumed
    flush()
    return sections
