"""The data model: what the loader builds from the tree and every other
module reads. Frozen, so nothing downstream can change what was loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .languages import Language


@dataclass(frozen=True)
class Section:
    """A comment block (Markdown prose) and the code it describes."""

    prose: str
    code: str


@dataclass(frozen=True)
class Topology:
    """The servers an example needs. kind is one of single, config, cluster,
    leafnode, supercluster."""

    kind: str = "single"
    config: str | None = None
    size: int = 3


@dataclass(frozen=True)
class Implementation:
    """One example in one language: a folder with an entry file."""

    category: str
    example: str
    language: Language
    path: Path  # the language folder

    @property
    def id(self) -> str:
        return f"{self.category}/{self.example}/{self.language.folder}"

    @property
    def entry(self) -> Path:
        return self.path / self.language.entry

    @property
    def cast_path(self) -> Path:
        return self.path / "output.cast"

    @property
    def text_path(self) -> Path:
        return self.path / "output.txt"

    @property
    def record_path(self) -> Path:
        return self.path / "output.json"

    @property
    def failure_path(self) -> Path:
        return self.path / "output.failure.json"


@dataclass(frozen=True)
class Example:
    category: str
    name: str
    title: str
    description: str
    path: Path
    meta_path: Path
    aliases: tuple[str, ...] = ()
    topology: Topology = field(default_factory=Topology)
    timeout: float = 30.0
    expect: tuple[str, ...] = ()
    # language folder -> patterns that replace `expect` for that language,
    # where a client words something differently.
    expect_by_language: tuple[tuple[str, tuple[str, ...]], ...] = ()
    implementations: tuple[Implementation, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.category}/{self.name}"

    def expect_for(self, folder: str) -> tuple[str, ...]:
        """The patterns the output of one language must match."""
        return dict(self.expect_by_language).get(folder, self.expect)


@dataclass(frozen=True)
class Category:
    name: str
    title: str
    description: str
    path: Path
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class Tree:
    root: Path
    categories: tuple[Category, ...]

    def examples(self) -> list[Example]:
        return [ex for cat in self.categories for ex in cat.examples]

    def implementations(self) -> list[tuple[Example, Implementation]]:
        return [(ex, impl) for ex in self.examples() for impl in ex.implementations]
