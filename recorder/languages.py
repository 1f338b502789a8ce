"""Every language folder of the NATS by Example layout, as one data table.

The renderer needs the comment syntax, the highlight lexer and the tab label
of every language; the recorder needs the run command and a way to tell
whether the toolchain is installed. Nothing else in the project hard-codes a
language.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    folder: str
    label: str
    entry: str
    lexer: str
    line_comment: str | None
    block_comment: tuple[str, str] | None
    # The command that runs the entry file, from inside the language folder.
    # "{python}" stands for the interpreter the project itself runs on, so
    # the example uses the pinned nats-py of the project's environment.
    run: tuple[str, ...] | None
    # The executable whose presence means the toolchain is installed.
    probe: str | None

    def toolchain(self) -> str | None:
        """Why this language cannot run here, or None when it can."""
        if self.run is None:
            return f"the recorder does not run {self.label} examples yet"
        if self.probe and shutil.which(self.probe) is None:
            return f"{self.probe} is not installed"
        return None

    def command(self) -> list[str]:
        assert self.run is not None
        return [sys.executable if part == "{python}" else part for part in self.run]


_C_STYLE = ("/*", "*/")

# Order matters: it is the order of the language tabs on a page.
LANGUAGES: tuple[Language, ...] = (
    Language("python", "Python", "main.py", "python", "#", None,
             ("{python}", "-u", "main.py"), None),
    Language("cli", "CLI", "main.sh", "bash", "#", None, None, "nats"),
    Language("shell", "Shell", "main.sh", "bash", "#", None, ("bash", "main.sh"), "bash"),
    Language("go", "Go", "main.go", "go", "//", _C_STYLE, None, "go"),
    Language("deno", "Deno", "main.ts", "typescript", "//", _C_STYLE, None, "deno"),
    Language("node", "Node", "main.js", "javascript", "//", _C_STYLE, None, "node"),
    Language("rust", "Rust", "main.rs", "rust", "//", _C_STYLE, None, "cargo"),
    Language("java", "Java", "Main.java", "java", "//", _C_STYLE, None, "javac"),
    Language("csharp", "C#", "main.cs", "csharp", "//", _C_STYLE, None, "dotnet"),
    Language("dotnet", ".NET", "Main.cs", "csharp", "//", _C_STYLE, None, "dotnet"),
    Language("ruby", "Ruby", "main.rb", "ruby", "#", None, None, "ruby"),
    Language("elixir", "Elixir", "main.exs", "elixir", "#", None, None, "elixir"),
    Language("crystal", "Crystal", "main.cr", "crystal", "#", None, None, "crystal"),
    Language("c", "C", "main.c", "c", "//", _C_STYLE, None, "cc"),
)

BY_FOLDER: dict[str, Language] = {lang.folder: lang for lang in LANGUAGES}


def get(folder: str) -> Language | None:
    return BY_FOLDER.get(folder)
