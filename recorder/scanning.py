"""The scanner under `lexing`: walks a program's code, strings, comments and
heredocs, and notes where each string and comment begins and ends. Pure.

A lexical family (`lexing`) is a subclass that says where its strings and
comments start (`token`, `after_word`); this module knows how they run:
escapes, a closing quote written twice, interpolated code that holds strings
of its own, brackets that nest, heredoc bodies that start on the next line.
"""

from __future__ import annotations

# After these words a slash starts a regular expression, not a division.
_KEYWORDS = {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw",
             "case", "do", "else", "yield", "await", "if", "unless", "when", "and", "or",
             "not", "while", "until"}
_MAX_DEPTH = 40  # interpolations nested deeper than this are read as plain text

# Code a string interpolates: (opener, closer, whether `#` starts a comment inside)
Interp = tuple[tuple[str, str, bool], ...]


def word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


class Scanner:
    nested_comments = False  # /* /* */ */ (Rust)
    continued_comments = False  # a // comment ending in a backslash goes on (C)

    def __init__(self, text: str) -> None:
        self.t = text
        self.n = len(text)
        self.spans: list[tuple[int, int]] = []  # strings, comments, heredocs
        self.comments: dict[int, int] = {}  # start -> end
        # heredocs opened on the current line: delimiter, indentation its end line may have
        self.heredocs: list[tuple[str, str]] = []
        self.depth = 0

    # What a family defines.

    def token(self, i: int, ended: bool, comments: bool) -> int | None:
        """The end of the string or comment that starts at i, or None for a
        plain character. ended: the code before i ends in a value (so a
        slash divides); comments: see `code`."""
        return None

    def after_word(self, i: int, k: int) -> int:
        """The end of the word at i..k, or of the string the word prefixes."""
        return k

    # How code, strings and comments run.

    def code(self, i: int, close: str, comments: bool = True) -> int:
        """Scan code from i up to `close` at bracket depth 0 (or the end of
        the text); return the offset just past it. comments: whether `#`
        starts a comment (and `<<` a heredoc) here; not in shell's ${...}
        and $((...))."""
        t, n = self.t, self.n
        opener = {"}": "{", ")": "("}.get(close[:1], "")
        depth = 0
        last, word = "", ""  # the last token, to guess what a slash means
        while i < n:
            c = t[i]
            if close and not depth and t.startswith(close, i):
                return i + len(close)
            if c == "\n":
                i = self.heredoc_bodies(i) if self.heredocs else i + 1
            elif c in " \t":
                i += 1
            elif word_char(c):
                k = i + 1
                while k < n and word_char(t[k]):
                    k += 1
                j = self.after_word(i, k)
                last, word, i = t[j - 1], t[i:k] if j == k else "", j
            else:
                ended = bool(last) and (word_char(last) or last in ")]}$\"'`") \
                    and word not in _KEYWORDS
                found = self.token(i, ended, comments)
                if found is None:
                    if c == opener:
                        depth += 1
                    elif depth and c == close[0]:
                        depth -= 1
                    found = i + 1
                i = min(found, n)
                last, word = t[i - 1], ""
        return n

    def span(self, begin: int, end: int) -> int:
        end = min(end, self.n)
        self.spans.append((begin, end))
        return end

    def line_end(self, i: int) -> int:
        end = self.t.find("\n", i)
        return self.n if end < 0 else end

    def line_comment(self, i: int) -> int:
        end = self.line_end(i)
        while self.continued_comments and end < self.n and self.t[end - 1] == "\\":
            end = self.line_end(end + 1)
        self.comments[i] = end
        return self.span(i, end)

    def block_comment(self, i: int) -> int:
        t, j, depth = self.t, i + 2, 1
        while depth and j < self.n:
            if t.startswith("*/", j):
                depth, j = depth - 1, j + 2
            elif self.nested_comments and t.startswith("/*", j):
                depth, j = depth + 1, j + 2
            else:
                j += 1
        self.comments[i] = min(j, self.n)
        return self.span(i, j)

    def quoted(self, begin: int, i: int, end: str, *, escapes: bool = True,
               multiline: bool = True, doubled: bool = False, interp: Interp = (),
               nest: str = "") -> int:
        """A string from `begin` whose body starts at i and runs to `end`.
        doubled: the end written twice is part of the body, as in C#
        verbatim strings; nest: an opening bracket that nests, as in Ruby's
        %(a (b) c)."""
        t, n, level = self.t, self.n, 0
        while i < n:
            c = t[i]
            if escapes and c == "\\":
                i += 2
            elif nest and c == nest:
                level, i = level + 1, i + 1
            elif t.startswith(end, i):
                if doubled and t.startswith(end, i + len(end)):
                    i += 2 * len(end)
                elif level:
                    level, i = level - 1, i + len(end)
                else:
                    return self.span(begin, i + len(end))
            elif c == "\n" and not multiline:
                return self.span(begin, i)
            else:
                i = self.interpolation(i, interp)
        return self.span(begin, n)

    def interpolation(self, i: int, interp: Interp) -> int:
        """Past the code interpolated at i (`${...}`, `#{...}`, `{...}`), or i + 1."""
        for opener, closer, comments in interp:
            if not self.t.startswith(opener, i):
                continue
            if opener[0] == "{" and self.t.startswith(opener + "{", i):
                return i + len(opener) + 1  # {{ is a literal brace
            if self.depth >= _MAX_DEPTH:
                break
            self.depth += 1
            end = self.code(i + len(opener), closer, comments)
            self.depth -= 1
            return end
        return i + 1

    def regex(self, i: int) -> int | None:
        """A /regular expression/ on one line, or None: then it is a slash."""
        t, j, in_class = self.t, i + 1, False
        while j < self.n and t[j] != "\n":
            if t[j] == "\\":
                j += 1
            elif t[j] in "[]":
                in_class = t[j] == "["
            elif t[j] == "/" and not in_class:
                return self.span(i, j + 1)
            j += 1
        return None

    def heredoc_bodies(self, i: int) -> int:
        """Skip the bodies of the heredocs opened on the line ending at i;
        return the offset of the newline that ends the last one."""
        t, j, end = self.t, i + 1, self.n
        while self.heredocs and j <= self.n:
            delimiter, indent = self.heredocs.pop(0)
            while j <= self.n:
                end = self.line_end(j)
                line, j = t[j:end], end + 1
                if line.lstrip(indent) == delimiter:
                    break
        self.heredocs.clear()
        return self.span(i, end)
