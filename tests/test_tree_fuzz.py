"""Fuzz the loader with random meta.yaml documents and folder names: the only
outcomes are a model that keeps its promises (model.py) or problems that
name a file of the tree, each printable as one line."""

from __future__ import annotations

import math
import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recorder import loader
from recorder.errors import TreeError
from recorder.model import Tree

# The rules, as the contributor guide states them.
NAME = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
RESERVED = ["assets", "search", "index", "run", "contributing"]
KINDS = ["single", "config", "cluster", "leafnode", "supercluster"]
MAX_TIMEOUT = 600
KEYS = ["title", "description", "examples", "categories", "aliases", "topology", "timeout",
        "expect", "kind", "config", "size", "<<"]
CONFIGS = ["server.conf", "sub/server.conf", "/etc/passwd", "../../x", "../server.conf",
           "sub/../../x", ".hidden", "", "server.conf/", "./server.conf", "a\\b", "~/x"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                    st.text(max_size=20), st.sampled_from(CONFIGS + KINDS))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=4),
    max_leaves=12)
structured = st.dictionaries(st.sampled_from(KEYS), values, max_size=6).map(
    lambda data: yaml.safe_dump(data, allow_unicode=True))
# Text made mostly of YAML's own punctuation: anchors, aliases, tags, flow
# collections, block scalars, duplicate keys, documents, directives.
punctuation = st.text(alphabet="&*!%@`|>-?:,[]{}#'\"\n\t ab1.<=", max_size=120)
spliced = st.tuples(structured, punctuation, st.integers(min_value=0, max_value=400)).map(
    lambda t: t[0][:t[2]] + t[1] + t[0][t[2]:])
documents = st.one_of(structured, punctuation, spliced, st.text(max_size=200),
                      st.binary(max_size=60).map(lambda b: b.decode("utf-8", "surrogateescape")))

good_names = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True)
any_names = st.text(min_size=1, max_size=24).filter(
    lambda n: "/" not in n and "\x00" not in n and n not in (".", "..")
    and len(n.encode("utf-8", "surrogateescape")) < 200)
names = st.one_of(good_names, any_names, st.sampled_from(RESERVED))


def _write(root: Path, parts: tuple[str, ...], metas: dict[int, str], language: str) -> None:
    category, example = parts
    (root / category / example / language).mkdir(parents=True)
    (root / category / example / language / "main.py").write_text("print('hi')\n")
    (root / category / example / "server.conf").write_text("port: 4222\n")
    (root / category / example / "sub").mkdir()
    (root / category / example / "sub/server.conf").write_text("port: 4222\n")
    for depth, text in metas.items():
        folder = root.joinpath(*parts[:depth])
        (folder / "meta.yaml").write_text(text, encoding="utf-8", errors="surrogateescape")


def _keeps_its_promises(tree: Tree) -> None:
    for category in tree.categories:
        assert NAME.match(category.name) and category.name not in RESERVED
        assert category.path == tree.root / category.name and not category.path.is_symlink()
        assert isinstance(category.title, str) and isinstance(category.description, str)
    for example in tree.examples():
        assert NAME.match(example.name)
        assert isinstance(example.title, str) and example.title
        assert all(isinstance(a, str) for a in example.aliases)
        assert math.isfinite(example.timeout) and 0 < example.timeout <= MAX_TIMEOUT
        assert example.topology.kind in KINDS
        if example.topology.config:
            config = example.path / example.topology.config
            assert config.resolve().is_file() and example.path in config.resolve().parents
        for impl in example.implementations:
            assert impl.path == example.path / impl.language.folder
            assert impl.entry.is_file()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(category=names, example=names, language=st.sampled_from(["python", "go", "Python", "xx"]),
       root_meta=documents, category_meta=documents, example_meta=documents)
def test_the_loader_returns_a_model_or_names_the_file(category: str, example: str,
                                                     language: str, root_meta: str,
                                                     category_meta: str,
                                                     example_meta: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "examples")
        try:
            _write(root, (category, example), {0: root_meta, 1: category_meta,
                                               2: example_meta}, language)
        except (OSError, UnicodeEncodeError):  # a name the file system refuses
            return
        tree, problems = loader.load(root)
        for problem in problems:
            assert isinstance(problem, TreeError)
            assert problem.path == root or root in problem.path.parents
            line = str(problem)
            line.encode("utf-8")  # printable as it is, on one line
            assert "\n" not in line and "\r" not in line
        _keeps_its_promises(tree)
        paths = {p.path for p in problems}
        hidden = category.startswith((".", "_")) or example.startswith((".", "_"))
        if hidden:
            return
        if not NAME.match(category) or category in RESERVED:
            assert any(repr(category) in str(p) for p in problems)
            assert tree.categories == ()
            return
        loaded = {c.name for c in tree.categories}
        if category not in loaded:
            assert root / category / "meta.yaml" in paths
            return
        if not NAME.match(example):
            assert any(repr(example) in str(p) for p in problems)
            return
        if example not in {e.name for e in tree.examples()}:
            assert root / category / example / "meta.yaml" in paths
