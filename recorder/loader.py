"""Walk examples/ into the ordered model. Reads only; never writes.

A bad file does not stop the walk: load() returns the tree of everything that
loaded and the list of problems, each naming its file, so a caller can report
them all and go on with the rest.
"""

from __future__ import annotations

from pathlib import Path

from . import languages, meta
from .errors import TreeError
from .model import Category, Example, Implementation, Tree


def _ordered(names: list[str], listed: list[str]) -> list[str]:
    """Listed names first, in their order; the rest in alphabetical order."""
    present = set(names)
    head = [n for n in listed if n in present]
    return head + sorted(n for n in names if n not in set(listed))


def _subdirs(path: Path) -> list[str]:
    return [p.name for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))]


def _title(name: str) -> str:
    return name.replace("-", " ").replace("_", " ").title()


def _implementations(path: Path, category: str, name: str,
                     problems: list[TreeError]) -> tuple[Implementation, ...]:
    found = []
    order = {lang.folder: i for i, lang in enumerate(languages.LANGUAGES)}
    for folder in sorted(_subdirs(path), key=lambda f: (order.get(f, 999), f)):
        lang = languages.get(folder)
        if lang is None:
            known = ", ".join(order)
            problems.append(TreeError(path / folder, f"unknown language folder {folder!r}; "
                                                     f"language folders are named: {known}"))
            continue
        impl = Implementation(category, name, lang, path / folder)
        if not impl.entry.is_file():
            problems.append(TreeError(path / folder, f"has no entry file; a {lang.label} "
                                                     f"example starts at {lang.entry}"))
            continue
        found.append(impl)
    return tuple(found)


def _example(path: Path, category: str, problems: list[TreeError]) -> Example | None:
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
                 implementations=_implementations(path, category, path.name, problems),
                 **fields)  # type: ignore[arg-type]
    if ex.topology.config and not (path / ex.topology.config).is_file():
        problems.append(TreeError(meta_path, f"topology config {ex.topology.config!r} "
                                             f"is not a file in {path}"))
        return None
    return ex


def _category(path: Path, problems: list[TreeError]) -> Category | None:
    meta_path = path / "meta.yaml"
    title, description, order = "", "", list[str]()
    if meta_path.is_file():
        try:
            title, description, order = meta.category(meta_path)
        except TreeError as err:
            problems.append(err)
            return None
    names = _subdirs(path)
    for missing in sorted(set(order) - set(names)):
        problems.append(TreeError(meta_path, f"lists example {missing!r}, but there is "
                                             f"no folder {path / missing}"))
    examples = []
    for name in _ordered(names, order):
        ex = _example(path / name, path.name, problems)
        if ex is not None:
            examples.append(ex)
    return Category(name=path.name, title=title or _title(path.name),
                    description=description, path=path, examples=tuple(examples))


def load(root: Path) -> tuple[Tree, list[TreeError]]:
    """The tree under root and the problems found on the way."""
    problems: list[TreeError] = []
    root = root.resolve()
    if not root.is_dir():
        raise TreeError(root, "is not a folder; point the plugin or nbe at your examples/ folder")
    order: list[str] = []
    if (root / "meta.yaml").is_file():
        try:
            order = meta.root(root / "meta.yaml")
        except TreeError as err:
            problems.append(err)
    names = _subdirs(root)
    for missing in sorted(set(order) - set(names)):
        problems.append(TreeError(root / "meta.yaml", f"lists category {missing!r}, but there "
                                                      f"is no folder {root / missing}"))
    categories = []
    for name in _ordered(names, order):
        cat = _category(root / name, problems)
        if cat is not None:
            categories.append(cat)
    return Tree(root=root, categories=tuple(categories)), problems
