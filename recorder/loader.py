"""Walk examples/ into the ordered model. Reads only; never writes.

A bad file does not stop the walk: load() returns the tree of everything that
loaded and the list of problems, each naming its file, so a caller can report
them all and go on with the rest.

The tree is contributed, untrusted input, so the walk checks what it trusts:
- folder names (NAME) and names the site uses itself (RESERVED);
- symlinks: one that resolves outside the tree is never followed; the
  category, example or implementation that holds it is left out. Category,
  example and language folders must be real folders, and recorded outputs
  (OUTPUTS) real files, so what the recorder writes lands where it seems to;
- the server config named in meta.yaml must be a file inside its example
  folder.
What the model then guarantees is written in model.py.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from pathlib import Path

from . import languages, meta
from .errors import TreeError
from .model import OUTPUTS, Category, Example, Implementation, Tree

# Category, example and language folders: safe in a shell word, a URL and a
# file name on every system, and never read as an option (no leading '-').
NAME = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
NAME_RULE = ("folder names are lower-case letters, digits, '-' and '_', starting with a "
             "letter or digit, e.g. pull-consumer")

# Category names that would land on the site's own paths (use_directory_urls).
RESERVED = {
    "assets": "the site's theme, scripts and player files",
    "search": "the site's search index (search/search_index.json)",
    "index": "the home page (docs/index.md)",
    "run": "the page docs/run.md",
    "contributing": "the page docs/contributing.md",
}

# How deep the model's own folders go: category, example, language.
_UNIT_DEPTH = 3

# Folders a language's own tools write at the top of the tree when a
# contributor builds there by hand (examples/ holds the Cargo workspace and
# the npm package): cargo's `target` and npm's `node_modules`. They are
# never categories, and are not walked.
TOOL_OUTPUT = frozenset({"target", "node_modules"})


def _hidden(name: str) -> bool:
    return name.startswith((".", "_"))


class _Scan:
    """One walk of the tree that follows no symlink: the real folders in
    each folder, its entries, and every symlink by the model folder that
    holds it (root, a category, an example or a language folder). Keyed by
    str: the walk touches every file, and pathlib would double its time."""

    def __init__(self, root: Path, only: tuple[str, ...] = ()) -> None:
        """only: the names of the category and example to walk into (for one
        example); every folder is walked without it."""
        self.root = root
        self.subdirs: dict[str, list[str]] = {}
        self.entries: dict[str, set[str]] = {}
        self.by_holder: dict[str, list[tuple[Path, Path]]] = {}
        # (folder, the model folder holding it, whether folder is one itself, its depth)
        folders = [(str(root), str(root), True, 0)]
        while folders:
            folder, holder, is_unit, depth = folders.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:  # unreadable: nothing in it is loaded either
                entries = []
            self.entries[folder] = {entry.name for entry in entries}
            subdirs = self.subdirs[folder] = []
            for entry in entries:
                if entry.is_symlink():
                    target = Path(os.path.realpath(entry.path))
                    self.by_holder.setdefault(holder, []).append((Path(entry.path), target))
                elif entry.is_dir():
                    if depth == 0 and entry.name in TOOL_OUTPUT:
                        continue
                    subdirs.append(entry.name)
                    if depth < len(only) and entry.name != only[depth]:
                        continue
                    if is_unit and depth < _UNIT_DEPTH and not _hidden(entry.name):
                        folders.append((entry.path, entry.path, True, depth + 1))
                    else:
                        folders.append((entry.path, holder, False, depth + 1))

    def folders(self, path: Path) -> list[str]:
        """The real (not symlinked), not hidden folders in path."""
        return [name for name in self.subdirs.get(str(path), []) if not _hidden(name)]

    def inside(self, target: Path) -> bool:
        return target == self.root or self.root in target.parents

    def problems(self, folder: Path) -> tuple[list[TreeError], bool]:
        """The links folder holds that are refused, and whether that leaves
        the folder out. A symlinked category, example or language folder
        leaves out only itself; it is reported by the folder listing it."""
        problems, drop = [], False
        depth = len(folder.parts) - len(self.root.parts)
        for link, target in self.by_holder.get(str(folder), []):
            if depth < _UNIT_DEPTH and not _hidden(link.name) and target.is_dir():
                problems.append(TreeError(link, self._folder_link(target)))
            elif not self.inside(target):
                drop = True
                problems.append(TreeError(link, f"is a symlink to {target}, outside the "
                                                "examples tree; nothing outside the tree is "
                                                "read: replace the link with the file itself"))
            elif depth == _UNIT_DEPTH and link.parent == folder and link.name in OUTPUTS:
                drop = True
                problems.append(TreeError(link, "is a symlink; recorded outputs are files "
                                                "that 'nbe record' writes: delete the link "
                                                "and record the example"))
        return problems, drop

    def _folder_link(self, target: Path) -> str:
        where = "inside" if self.inside(target) else "outside"
        return (f"is a symlink to {target}, {where} the examples tree; category, example "
                "and language folders must be real folders, so it is left out")


def _ordered(names: list[str], listed: list[str]) -> list[str]:
    """Listed names first, in their order; the rest in alphabetical order."""
    present = set(names)
    head = [n for n in listed if n in present]
    return head + sorted(n for n in names if n not in set(listed))


def _named(scan: _Scan, path: Path, what: str, problems: list[TreeError],
           reserved: Collection[str] = ()) -> list[str]:
    """The folders under path whose names pass the rule; the others are
    reported (by repr, so no name can garble a terminal) and left out."""
    good = []
    for name in scan.folders(path):
        if not NAME.match(name):
            problems.append(TreeError(path, f"the {what} folder {name!r} is left out: "
                                            f"{NAME_RULE}; rename it"))
        elif name in reserved:
            problems.append(TreeError(path / name, f"a category cannot be named {name!r}: "
                                                   f"the site uses it for "
                                                   f"{RESERVED.get(name, 'a page of docs/')}; "
                                                   "rename the folder"))
        else:
            good.append(name)
    return good


def _title(name: str) -> str:
    return name.replace("-", " ").replace("_", " ").title()


def _implementations(path: Path, category: str, name: str, scan: _Scan,
                     problems: list[TreeError]) -> tuple[Implementation, ...]:
    found = []
    order = {lang.folder: i for i, lang in enumerate(languages.LANGUAGES)}
    for folder in sorted(_named(scan, path, "language", problems),
                         key=lambda f: (order.get(f, 999), f)):
        lang = languages.get(folder)
        if lang is None:
            known = ", ".join(order)
            problems.append(TreeError(path / folder, f"unknown language folder {folder!r}; "
                                                     f"language folders are named: {known}"))
            continue
        refused, drop = scan.problems(path / folder)
        problems += refused
        if drop:
            continue
        impl = Implementation(category, name, lang, path / folder)
        if not impl.entry.is_file():
            problems.append(TreeError(path / folder, f"has no entry file; a {lang.label} "
                                                     f"example starts at {lang.entry}"))
            continue
        found.append(impl)
    return tuple(found)


def _config_problem(example: Example) -> str | None:
    """Why the example's server config cannot be used, or None."""
    config = example.config_path
    if config is None:
        return None
    target = Path(os.path.realpath(config))
    if example.path not in target.parents:
        return (f"topology config {example.topology.config!r} resolves to {target}, "
                f"outside the example folder {example.path}; keep the file in that folder")
    if not target.is_file():
        return f"topology config {example.topology.config!r} is not a file in {example.path}"
    return None


def _example(path: Path, category: str, scan: _Scan,
             problems: list[TreeError]) -> Example | None:
    refused, drop = scan.problems(path)
    problems += refused
    if drop:
        return None
    meta_path = path / "meta.yaml"
    fields: dict[str, object] = {}
    if meta_path.is_file():
        try:
            fields = meta.example(meta_path)
        except TreeError as err:
            problems.append(err)
            return None
    else:
        problems.append(TreeError(path, "has no meta.yaml; add one with at least "
                                        "'title: <Example Title>'"))
        return None
    if not fields.get("title"):
        fields["title"] = _title(path.name)
    ex = Example(category=category, name=path.name, path=path, meta_path=meta_path,
                 implementations=_implementations(path, category, path.name, scan, problems),
                 **fields)  # type: ignore[arg-type]
    problem = _config_problem(ex)
    if problem:
        problems.append(TreeError(meta_path, problem))
        return None
    return ex


def _category(path: Path, scan: _Scan, problems: list[TreeError]) -> Category | None:
    refused, drop = scan.problems(path)
    problems += refused
    if drop:
        return None
    meta_path = path / "meta.yaml"
    title, description, order = "", "", list[str]()
    if meta_path.is_file():
        try:
            title, description, order = meta.category(meta_path)
        except TreeError as err:
            problems.append(err)
            return None
    names = _named(scan, path, "example", problems)
    for missing in sorted(set(order) - scan.entries[str(path)]):
        problems.append(TreeError(meta_path, f"lists example {missing!r}, but there is "
                                             f"no such folder in {path}"))
    examples = []
    for name in _ordered(names, order):
        ex = _example(path / name, path.name, scan, problems)
        if ex is not None:
            examples.append(ex)
    return Category(name=path.name, title=title or _title(path.name),
                    description=description, path=path, examples=tuple(examples))


def load(root: Path, reserved: Collection[str] = ()) -> tuple[Tree, list[TreeError]]:
    """The tree under root and the problems found on the way. reserved adds
    category names the site needs besides RESERVED (e.g. more pages in docs/)."""
    problems: list[TreeError] = []
    root = root.resolve()
    if not root.is_dir():
        raise TreeError(root, "is not a folder; point the plugin or nbe at your examples/ folder")
    scan = _Scan(root)
    refused, _ = scan.problems(root)
    problems += refused
    order: list[str] = []
    root_meta = root / "meta.yaml"
    if root_meta.is_file() and not any(err.path == root_meta for err in refused):
        try:
            order = meta.root(root_meta)
        except TreeError as err:
            problems.append(err)
    names = _named(scan, root, "category", problems, {*RESERVED, *reserved})
    for missing in sorted(set(order) - scan.entries[str(root)]):
        problems.append(TreeError(root_meta, f"lists category {missing!r}, but there "
                                             f"is no such folder in {root}"))
    categories = []
    for name in _ordered(names, order):
        cat = _category(root / name, scan, problems)
        if cat is not None:
            categories.append(cat)
    return Tree(root=root, categories=tuple(categories)), problems


def load_example(root: Path, category: str, name: str) -> tuple[Example | None, list[TreeError]]:
    """One example with the same checks as load, walking only its own
    folders (what `nbe run` needs, at a fraction of the cost); None when
    it is not there or does not load (load() then says why, in full)."""
    problems: list[TreeError] = []
    root = root.resolve()
    scan = _Scan(root, only=(category, name))
    ignored: list[TreeError] = []  # the names of other folders are not this run's business
    if category not in _named(scan, root, "category", ignored, RESERVED):
        return None, problems
    cat_path = root / category
    refused, drop = scan.problems(cat_path)
    problems += refused
    if drop or name not in _named(scan, cat_path, "example", ignored):
        return None, problems
    return _example(cat_path / name, category, scan, problems), problems
