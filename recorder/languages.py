"""What each language folder of the NATS by Example layout looks like, as one
data table: its tab label, entry file, highlight lexer and comment syntax.

The literate parser and the pages read this table; how a language *runs* is
a runner's job (`recorder/runners/`). The folders, labels, entry files and
comment delimiters are those of the public NATS by Example generator, so a
tree written for it renders here unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    folder: str
    label: str
    entry: str
    lexer: str
    line_comment: str | None
    block_comment: tuple[str, str] | None
    # The lexical family the literate parser uses to skip strings (Go raw
    # strings, JavaScript template literals, shell heredocs, ...), so a
    # comment marker inside a string is never taken for prose.
    syntax: str


_C = ("/*", "*/")
_CS = ("/**", "**/")

# Order matters: it is the order of the language tabs on a page (the public
# site's row: CLI, Go, Python, JavaScript, Rust, C#, .NET V2, Java, Ruby,
# Elixir, Crystal, C), then the folders the public row does not show.
LANGUAGES: tuple[Language, ...] = (
    Language("cli", "CLI", "main.sh", "bash", "#", None, "shell"),
    Language("go", "Go", "main.go", "go", "//", _C, "go"),
    Language("python", "Python", "main.py", "python", "#", None, "python"),
    Language("node", "JavaScript", "main.js", "javascript", "//", _C, "javascript"),
    Language("deno", "JavaScript", "main.js", "javascript", "//", _C, "javascript"),
    Language("rust", "Rust", "main.rs", "rust", "//", None, "rust"),
    Language("csharp", "C#", "Main.cs", "csharp", "//", _CS, "csharp"),
    Language("dotnet", ".NET V2", "Main.cs", "csharp", "//", _CS, "csharp"),
    Language("java", "Java", "Main.java", "java", "//", _C, "java"),
    Language("ruby", "Ruby", "main.rb", "ruby", "#", None, "ruby"),
    Language("elixir", "Elixir", "main.exs", "elixir", "#", None, "elixir"),
    Language("crystal", "Crystal", "main.cr", "crystal", "#", None, "crystal"),
    Language("c", "C", "main.c", "c", "//", _C, "c"),
    Language("shell", "Shell", "main.sh", "bash", "#", None, "shell"),
    Language("websocket", "WebSocket", "main.js", "javascript", "//", _C, "javascript"),
)

BY_FOLDER: dict[str, Language] = {lang.folder: lang for lang in LANGUAGES}

# Where two folders of one example share a label, the tabs say which is which.
_QUALIFIED = {"node": "JavaScript (Node)", "deno": "JavaScript (Deno)"}


def get(folder: str) -> Language | None:
    return BY_FOLDER.get(folder)


def order(folder: str) -> int:
    """The position of a folder's tab; unknown folders go last."""
    return next((i for i, lang in enumerate(LANGUAGES) if lang.folder == folder), len(LANGUAGES))


def tab_label(lang: Language, siblings: Iterable[Language]) -> str:
    """The label of lang's tab on a page that also has the siblings' tabs."""
    clash = [s for s in siblings if s.folder != lang.folder and s.label == lang.label]
    return _QUALIFIED.get(lang.folder, lang.label) if clash else lang.label
