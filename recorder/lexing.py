"""Where a program's strings, comments and heredocs begin and end, so the
literate parser can tell a whole-line comment from a line that only looks
like one. Pure: text in, offsets out.

Each lexical family (`Language.syntax`) is a small scanner that says where
its strings and comments start; `scanning` runs them. The aim is never to
take string content for a comment, not to check programs: an unterminated
one-line string ends with its line, an unterminated multi-line one runs to
the end of the text, and anything unknown is plain code.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .scanning import Interp, Scanner, word_char


@dataclass(frozen=True)
class Lexed:
    # offset where a comment starts -> offset just past its end
    comments: Mapping[int, int]
    # lines (0-based) that start inside a string, a comment or a heredoc
    continued: frozenset[int]


def lex(text: str, syntax: str) -> Lexed:
    scanner = _FAMILIES.get(syntax, Scanner)(text)
    scanner.code(0, "")
    starts = [0] + [k + 1 for k, c in enumerate(text) if c == "\n"]
    continued: set[int] = set()
    reach = 0
    for begin, end in sorted(scanner.spans):
        k = max(bisect.bisect_right(starts, begin), bisect.bisect_left(starts, reach))
        while k < len(starts) and starts[k] < end:
            continued.add(k)
            k += 1
        reach = max(reach, end)
    return Lexed(scanner.comments, frozenset(continued))


_BRACE: Interp = (("{", "}", True),)
_DOLLAR: Interp = (("${", "}", True),)
_HASH: Interp = (("#{", "}", True),)
_SHELL: Interp = (("$((", "))", False), ("$(", ")", True), ("${", "}", False), ("`", "`", True))
_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}


class _Python(Scanner):
    prefixes = {"r", "u", "f", "b", "t", "br", "rb", "fr", "rf", "tr", "rt"}

    def token(self, i: int, ended: bool, comments: bool) -> int | None:
        if self.t[i] == "#":
            return self.line_comment(i)
        return self.string(i, i, "") if self.t[i] in "'\"" else None

    def after_word(self, i: int, k: int) -> int:
        word = self.t[i:k].lower()
        return self.string(i, k, word) if self.t[k:k + 1] in ("'", '"') and \
            word in self.prefixes else k

    def string(self, begin: int, i: int, prefix: str) -> int:
        quote = self.t[i] * 3 if self.t.startswith(self.t[i] * 3, i) else self.t[i]
        return self.quoted(begin, i + len(quote), quote, multiline=len(quote) == 3,
                           interp=_BRACE if "f" in prefix or "t" in prefix else ())


class _CFamily(Scanner):
    """// and /* */ comments; "..." and '...' on one line, with escapes."""

    def token(self, i: int, ended: bool, comments: bool) -> int | None:
        t = self.t
        if t.startswith("//", i):
            return self.line_comment(i)
        if t.startswith("/*", i):
            return self.block_comment(i)
        if t[i] in "'\"":
            return self.quoted(i, i + 1, t[i], multiline=False)
        return None


class _Go(_CFamily):
    def token(self, i: int, ended: bool, comments: bool) -> int | None:
        if self.t[i] == "`":  # a raw string: no escapes, any number of lines
            return self.quoted(i, i + 1, "`", escapes=False)
        return super().token(i, ended, comments)


class _JavaScript(_CFamily):
    def token(self, i: int, ended: bool, comments: bool) -> int | None:
        t = self.t
        if t[i] == "`":
            return self.quoted(i, i + 1, "`", interp=_DOLLAR)
        if t[i] == "/" and not ended and not t.startswith(("//", "/*"), i):
            return self.regex(i)
        return super().token(i, ended, comments)


class _Rust(_CFamily):
    nested_comments = True

    def token(self, i: int, ended: bool, comments: bool) -> int | None:
        t = self.t
        if t[i] == '"':
            return self.quoted(i, i + 1, '"')  # normal strings may span lines
        if t[i] != "'":
            return super().token(i, ended, comments)
        if t.startswith("\\", i + 1):  # '\n', '\'', '\u{1F600}'
            close = t.find("'", i + 3, self.line_end(i))
            return self.span(i, close + 1) if close > 0 else i + 1
        if t.startswith("'", i + 2) and t[i + 1] != "\n":
            return self.span(i, i + 3)  # 'a'
        return i + 1  # a lifetime or a label: 'a, 'static

    def after_word(self, i: int, k: int) -> int:
        j = k
        while self.t.startswith("#", j):
            j += 1
        if self.t[i:k] in ("r", "br", "cr") and self.t.startswith('"', j):
            return self.quoted(i, j + 1, '"' + "#" * (j - k), escapes=False)  # r#"..."#
        return k


class _Java(_CFamily):
    def token(self, i: int, ended: bool, comments: bool) -> int | None:
        if self.t.startswith('"""', i):
            return self.quoted(i, i + 3, '"""')  # a text block
        return super().token(i, ended, comments)


class _C(_CFamily):
    """C and C++."""

    continued_comments = True
    raw = re.compile(r'"([^()\\\s]{0,16})\(')

    def after_word(self, i: int, k: int) -> int:
        t, word = self.t, self.t[i:k]
        if word in ("R", "LR", "uR", "UR", "u8R") and (m := self.raw.match(t, k)):
            return self.quoted(i, m.end(), ")" + m.group(1) + '"', escapes=False)
        while word[0].isdigit() and t.startswith("'", k) and word_char(t[k + 1:k + 2] or " "):
            k += 2  # a digit separator: 1'000'000
            while k < self.n and word_char(t[k]):
                k += 1
        return k


class _CSharp(_CFamily):
    def token(self, i: int, ended: bool, comments: bool) -> int | None:
        t, k = self.t, i
        while k < self.n and t[k] in "@$":
            k += 1
        if t.startswith('"', k) and t.count("@", i, k) <= 1:
            return self.string(i, k, t.count("$", i, k), "@" in t[i:k])
        return super().token(i, ended, comments)

    def string(self, begin: int, i: int, dollars: int, verbatim: bool) -> int:
        run = i
        while self.t.startswith('"', run):
            run += 1
        run -= i
        if run >= 3 and not verbatim:  # a raw string: """ ... """, {{ }} with $$
            braces: Interp = (("{" * dollars, "}" * dollars, True),) if dollars else ()
            return self.quoted(begin, i + run, '"' * run, escapes=False, interp=braces)
        return self.quoted(begin, i + 1, '"', escapes=not verbatim, multiline=verbatim,
                           doubled=verbatim, interp=_BRACE if dollars else ())


class _Shell(Scanner):
    def token(self, i: int, ended: bool, comments: bool) -> int | None:
        t, c = self.t, self.t[i]
        if c == "#" and comments and (i == 0 or t[i - 1] in " \t\n;&|()<>"):
            return self.line_comment(i)  # only a word that starts with # is a comment
        if c == "\\":
            return i + 2
        if c in "'\"`":
            return self.quoted(i, i + 1, c, escapes=c != "'", interp=_SHELL if c == '"' else ())
        if c == "$":
            nxt = t[i + 1:i + 2]
            if nxt in ("'", '"'):  # $'...' with escapes, $"..." translated
                return self.quoted(i, i + 2, nxt, interp=_SHELL if nxt == '"' else ())
            if nxt in ("(", "{"):
                return self.interpolation(i, _SHELL)
            return None
        return self.heredoc(i) if t.startswith("<<", i) and comments else None

    def heredoc(self, i: int) -> int:
        t, k = self.t, i + 2
        strip = "\t" if t.startswith("-", k) else ""
        k += len(strip)
        while k < self.n and t[k] in " \t":
            k += 1
        word = ""
        while k < self.n and t[k] not in " \t\n;&|()<>":
            if t[k] in "'\"" and (close := t.find(t[k], k + 1, self.line_end(k))) > 0:
                word, k = word + t[k + 1:close], close + 1
            else:
                skip = 2 if t[k] == "\\" else 1
                word, k = word + t[k + skip - 1:k + skip], k + skip
        if word:
            self.heredocs.append((word, strip))
        return k


class _Ruby(Scanner):
    heredoc = re.compile(r"<<([~-]?)(?:(['\"`])(\w+)\2|([A-Za-z_]\w*))")
    percent = re.compile(r"%([qQwWiIrsx]?)([^\w\s])")

    def token(self, i: int, ended: bool, comments: bool) -> int | None:
        t, c = self.t, self.t[i]
        if c == "#":
            return self.line_comment(i)
        if c == "=" and t.startswith("=begin", i) and (i == 0 or t[i - 1] == "\n"):
            end = t.find("\n=end", i)
            end = self.n if end < 0 else self.line_end(end + 1)
            self.comments[i] = end
            return self.span(i, end)
        if c in "'\"`":
            return self.quoted(i, i + 1, c, interp=() if c == "'" else _HASH)
        if c == "$" and i + 1 < self.n and not word_char(t[i + 1]):
            return i + 2  # a global such as $' or $"
        if (m := self.heredoc.match(t, i)) and self.opens_heredoc(m):
            self.heredocs.append((m.group(3) or m.group(4), " \t" if m.group(1) else ""))
            return m.end()
        if (m := self.percent.match(t, i)) and (
                (m.group(1) and (i == 0 or not (word_char(t[i - 1]) or t[i - 1] in ")]}")))
                or (not m.group(1) and not ended and m.group(2) in "([{<|!")):
            opening = m.group(2)  # %w(...), %q{...}, %(...)
            return self.quoted(i, m.end(), _PAIRS.get(opening, opening),
                               interp=() if m.group(1) and m.group(1) in "qwis" else _HASH,
                               nest=opening if opening in _PAIRS else "")
        return self.regex(i) if c == "/" and not ended else None

    def opens_heredoc(self, m: re.Match[str]) -> bool:
        """<<~EOS, <<-EOS, <<'EOS', <<EOS; not `list << item`."""
        return bool(m.group(1) or m.group(2) or m.group(4)[0].isupper())


class _Crystal(_Ruby):
    def token(self, i: int, ended: bool, comments: bool) -> int | None:
        if self.t[i] == "'":
            return self.quoted(i, i + 1, "'", multiline=False)  # a char
        return super().token(i, ended, comments)

    def opens_heredoc(self, m: re.Match[str]) -> bool:
        return m.group(1) == "-"


class _Elixir(Scanner):
    sigil = re.compile(r"~([a-z]|[A-Z][A-Z0-9]*)(\"\"\"|'''|[/|\"'(\[{<])")

    def token(self, i: int, ended: bool, comments: bool) -> int | None:
        t, c = self.t, self.t[i]
        if c == "#":
            return self.line_comment(i)
        if c in "'\"":
            quote = c * 3 if t.startswith(c * 3, i) else c
            return self.quoted(i, i + len(quote), quote, interp=_HASH)
        if c == "?" and (i == 0 or not word_char(t[i - 1])) and i + 1 < self.n:
            return i + 3 if t[i + 1] == "\\" else i + 2  # a character code: ?" or ?#
        if m := self.sigil.match(t, i):
            opening = m.group(2)
            return self.quoted(i, m.end(), _PAIRS.get(opening, opening),
                               interp=_HASH if m.group(1).islower() else ())
        return None


_FAMILIES: dict[str, type[Scanner]] = {
    "python": _Python, "go": _Go, "javascript": _JavaScript, "rust": _Rust, "java": _Java,
    "c": _C, "csharp": _CSharp, "shell": _Shell, "ruby": _Ruby, "elixir": _Elixir,
    "crystal": _Crystal,
}
