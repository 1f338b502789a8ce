"""The data model: what the loader builds from the tree and every other
module reads. Frozen, so nothing downstream can change what was loaded.

What a model built by loader.load guarantees, so that other modules can use
its paths without checking them again (the tree is untrusted input):
- Tree.root is absolute and resolved (no symlink in it).
- Every Category, Example and Implementation path is root/<name>[/<name>...]
  where each name matches loader.NAME (lower-case letters, digits, '-', '_';
  no leading '-' or '.') and is a real folder, not a symlink: the path is its
  own real path, and no category is named like one of the site's own paths
  (loader.RESERVED).
- No symlink under a category, example or language folder of the model
  resolves outside root; such a link leaves out the category, example or
  implementation holding it.
- Implementation.entry and Example.meta_path are files that resolve inside
  root (they may be symlinks within the tree).
- The recorded outputs (cast_path, text_path, record_path, failure_path) are
  never symlinks: each is absent or an entry of the language folder itself, so a
  read or a rename into place touches the example's own folder only.
- Example.config_path, when set, is a file whose real path is inside the
  example folder; Topology.config is a relative name without '..'.
- Every meta.yaml behind the model is at most meta.MAX_BYTES, without
  anchors, aliases or duplicate keys; titles, descriptions and aliases are
  strings but still untrusted text (escaping them is the renderer's job).
These hold when the tree was loaded; a program run by the recorder can still
change its own folder, so writers rename into place rather than follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .languages import Language

# What `nbe record` writes into a language folder.
OUTPUTS = ("output.cast", "output.txt", "output.json", "output.failure.json")


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
    regions: int = 2  # supercluster: clusters east, west (and central)
    # Operator mode (config kind): account name -> its users, minted per run.
    operator: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Account nkeys minted per run (config kind): {{key_<name>}}, NATS_SEED_<NAME>.
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """A server event during a run: when a line of the program's output
    matches `when`, do `do` (stop, start, restart, lame-duck) to `server`
    (a server or cluster name; None: every server)."""

    when: str
    do: str
    server: str | None = None


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
    # language folder -> why the example has no program in it (Markdown).
    not_available: tuple[tuple[str, str], ...] = ()
    steps: tuple[Step, ...] = ()
    implementations: tuple[Implementation, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.category}/{self.name}"

    def expect_for(self, folder: str) -> tuple[str, ...]:
        """The patterns the output of one language must match."""
        return dict(self.expect_by_language).get(folder, self.expect)

    @property
    def config_path(self) -> Path | None:
        """The server config of a config topology, inside the example folder."""
        return self.path / self.topology.config if self.topology.config else None


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
