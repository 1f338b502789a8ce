"""Split a program into sections: comment blocks as prose, each paired with
the code that follows it. Pure: text in, sections out, no I/O.

Rules (the same for every language; only the comment syntax differs):
- consecutive whole-line comments form one prose block; blank lines between
  them do not split it (they become paragraph breaks);
- a block comment (`/* ... */`, or C#'s `/** ... **/`) alone on its lines is
  prose too, where the language has one;
- the code after a prose block, up to the next whole-line comment, is its
  code; blank lines inside code never split it;
- a shebang, a Go `//go:` directive, a Rust `///` or `//!` doc comment,
  comments that trail code on the same line, and every line that starts
  inside a string, a heredoc or a comment that is not prose all stay code:
  `lexing` finds where the language's strings and comments begin and end;
- a program that starts with code gets a first section with empty prose.
"""

from __future__ import annotations

from itertools import accumulate

from . import lexing
from .languages import Language
from .model import Section


def _is_directive(stripped: str, language: Language) -> bool:
    """A comment that is an instruction to a tool, so it stays code."""
    if stripped.startswith("#!"):
        return True
    if language.syntax == "go":
        return stripped.startswith("//go:")
    if language.syntax == "rust":  # doc comments belong to the item, like docstrings
        return stripped.startswith(("///", "//!")) and not stripped.startswith("////")
    return False


def _block_body(lines: list[str], opening: str, closing: str) -> list[str]:
    """Prose lines of a block comment: markers and leading ' * ' removed."""
    out = []
    last = len(lines) - 1
    for i, raw in enumerate(lines):
        text = raw.strip()
        if i == last:
            text = text[:len(text) - len(closing)].rstrip("*")
        if i == 0:
            text = text[len(opening):].lstrip("*")  # as in a Javadoc /**
        elif text.startswith("*"):
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


class _Source:
    """A program's lines and where its comments are."""

    def __init__(self, text: str, language: Language) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.starts = [0, *accumulate(len(line) + 1 for line in self.lines)]
        self.lexed = lexing.lex(text, language.syntax)
        self.language = language

    def prose_at(self, i: int) -> tuple[list[str], int] | None:
        """The prose of a comment that fills line i (and maybe the lines
        after it) and how many lines it fills, or None for a code line."""
        line, lang = self.lines[i], self.language
        stripped = line.lstrip()
        at = self.starts[i] + len(line) - len(stripped)
        end = self.lexed.comments.get(at)
        if i in self.lexed.continued or end is None:
            return None
        marker = lang.line_comment
        if marker is not None and stripped.startswith(marker):
            if end > self.starts[i] + len(line) or _is_directive(stripped, lang):
                return None
            body = stripped[len(marker):]
            return [body[1:] if body.startswith(" ") else body], 1
        if lang.block_comment is None:
            return None
        opening, closing = lang.block_comment
        if not stripped.startswith(opening) or not self.text.endswith(closing, 0, end):
            return None
        last = next(j for j in range(i, len(self.lines)) if self.starts[j + 1] > end)
        if self.text[end:self.starts[last] + len(self.lines[last])].strip():
            return None  # code follows the comment on its last line
        return _block_body(self.lines[i:last + 1], opening, closing), last - i + 1


def parse(text: str, language: Language) -> list[Section]:
    source = _Source(text.replace("\r\n", "\n").replace("\r", "\n"), language)
    sections: list[Section] = []
    prose: list[str] = []
    code: list[str] = []
    pending_blank = 0  # blank lines seen after prose, before we know what follows

    def flush() -> None:
        nonlocal prose, code
        if _trim(prose) or _trim(code):
            sections.append(Section(prose=_trim(prose), code=_trim(code)))
        prose, code = [], []

    i = 0
    while i < len(source.lines):
        line = source.lines[i]
        found = source.prose_at(i)
        consumed = 1
        if found is not None:
            comment_lines, consumed = found
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
        i += consumed
    flush()
    return sections
