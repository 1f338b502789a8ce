"""A contributed examples tree is untrusted: each hostile case of issue 9
that concerns reading the tree, on a scratch tree in a temp folder. Each
asserts what a user sees: one problem naming the file, the rest of the tree
still loaded, checked and built."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from recorder import loader
from recorder.model import Tree

from conftest import BIN, build_site, nbe
from sitetree import fake_recording

SECRET = "SECRET-FROM-OUTSIDE-THE-TREE"
PROGRAM = "# Prints a greeting.\nprint('hello')\n"


def _example(root: Path, example_id: str, meta: str = "") -> Path:
    folder = root / example_id
    (folder / "python").mkdir(parents=True)
    (folder / "python/main.py").write_text(PROGRAM)
    (folder / "meta.yaml").write_text(meta or f"title: {example_id.split('/')[1].title()}\n")
    return folder


def scratch(tmp: Path) -> Path:
    """examples/ with categories cat (good, other) and dog (fine), all
    recorded and fresh; and tmp/outside, files a link might point at."""
    root = tmp / "examples"
    root.mkdir()
    (root / "meta.yaml").write_text("categories: [cat, dog]\n")
    for category, names in (("cat", "good, other"), ("dog", "fine")):
        (root / category).mkdir()
        (root / category / "meta.yaml").write_text(f"title: {category}\nexamples: [{names}]\n")
    for example_id in ("cat/good", "cat/other", "dog/fine"):
        _example(root, example_id)
    tree, problems = loader.load(root)
    assert problems == []
    for example, impl in tree.implementations():
        fake_recording(example, impl, "hello\n")
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n")
    (outside / "secret.py").write_text(f"# {SECRET}\nprint('{SECRET}')\n")
    (outside / "secret.conf").write_text(f"# {SECRET}\nport: 4222\n")
    return root


def load(root: Path) -> tuple[Tree, list[str]]:
    tree, problems = loader.load(root)
    return tree, [str(p) for p in problems]


def ids(tree: Tree) -> list[str]:
    return [impl.id for _, impl in tree.implementations()]


def check(root: Path) -> tuple[int, list[str], str]:
    """`nbe check` on the tree, with memory and time bounded (a hostile
    meta.yaml must not take the machine with it): its exit status, its
    warning lines and its report of the recordings."""
    limit = 1 << 31

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    result = subprocess.run([str(BIN / "nbe"), "--examples", str(root), "check"],
                            capture_output=True, text=True, timeout=60, preexec_fn=bounded)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    return result.returncode, warnings, result.stdout


def assert_one_problem(root: Path, names: str, kept: list[str]) -> None:
    """One problem, naming `names`, in the loader and in `nbe check`; the
    implementations in `kept` still load and are fresh."""
    status, warnings, report = check(root)  # first: a crash here takes only nbe with it
    assert status == 1
    assert len(warnings) == 1 and names in warnings[0], warnings
    assert not any(impl_id in report for impl_id in kept), report
    tree, problems = load(root)
    assert len(problems) == 1 and names in problems[0], problems
    assert set(kept) <= set(ids(tree))


# -- symlinks: nothing outside the tree is read --------------------------------


@pytest.mark.parametrize("where", ["outside", "inside"])
def test_a_symlinked_output_txt_is_refused(tmp_path: Path, where: str) -> None:
    root = scratch(tmp_path)
    link = root / "cat/other/python/output.txt"
    link.unlink()
    link.symlink_to(tmp_path / "outside/secret.txt" if where == "outside"
                    else root / "cat/good/python/output.txt")
    tree, problems = load(root)
    assert "cat/other/python" not in ids(tree)
    assert_one_problem(root, f"{link}: is a symlink", ["cat/good/python", "dog/fine/python"])


def test_a_symlinked_main_py_outside_is_refused(tmp_path: Path) -> None:
    root = scratch(tmp_path)
    link = root / "cat/other/python/main.py"
    link.unlink()
    link.symlink_to(tmp_path / "outside/secret.py")
    tree, _ = load(root)
    assert "cat/other/python" not in ids(tree)
    assert_one_problem(root, f"{link}: is a symlink to {tmp_path / 'outside/secret.py'}, "
                             "outside the examples tree", ["cat/good/python", "dog/fine/python"])


def test_a_main_py_linked_inside_the_tree_is_kept(tmp_path: Path) -> None:
    root = scratch(tmp_path)
    link = root / "cat/other/python/main.py"
    link.unlink()
    link.symlink_to(root / "cat/good/python/main.py")
    tree, problems = load(root)
    assert problems == [] and "cat/other/python" in ids(tree)


@pytest.mark.parametrize("level", ["example", "category", "language"])
def test_a_folder_symlinked_outside_is_not_loaded_nor_recorded_into(tmp_path: Path,
                                                                    level: str) -> None:
    root = scratch(tmp_path)
    away = tmp_path / "outside/tree"
    _example(away, "evilcat/evil")
    target, link = {
        "example": (away / "evilcat/evil", root / "cat/evil"),
        "category": (away / "evilcat", root / "evilcat"),
        "language": (away / "evilcat/evil/python", root / "dog/fine/python"),
    }[level]
    if level == "language":
        shutil.rmtree(link)
    link.symlink_to(target, target_is_directory=True)
    tree, _ = load(root)
    assert not any("evil" in i for i in ids(tree))
    kept = ["cat/good/python", "cat/other/python"] + (["dog/fine/python"] * (level != "language"))
    assert_one_problem(root, f"{link}: is a symlink to {target}, outside the examples tree", kept)
    # `nbe record` records what is missing; it never writes into the outside folder.
    nbe("--examples", str(root), "record", "--jobs", "1", timeout=120)
    assert sorted(p.name for p in away.rglob("output.*")) == []


def test_a_folder_symlinked_inside_the_tree_is_refused(tmp_path: Path) -> None:
    """Two ids for one folder would record into one place: refused too."""
    root = scratch(tmp_path)
    link = root / "cat/again"
    link.symlink_to(root / "cat/good", target_is_directory=True)
    assert_one_problem(root, f"{link}: is a symlink to {root / 'cat/good'}, inside the "
                             "examples tree", ["cat/good/python", "cat/other/python"])


@pytest.mark.parametrize("config", ["ABS", "../../../outside/secret.conf", "../good/server.conf"])
def test_a_server_config_path_outside_the_example_is_refused(tmp_path: Path,
                                                             config: str) -> None:
    root = scratch(tmp_path)
    (root / "cat/good/server.conf").write_text("port: 4222\n")
    config = str(tmp_path / "outside/secret.conf") if config == "ABS" else config
    meta = root / "cat/other/meta.yaml"
    meta.write_text(f"title: Other\ntopology: {{kind: config, config: '{config}'}}\n")
    tree, _ = load(root)
    assert "cat/other/python" not in ids(tree)
    assert_one_problem(root, f"{meta}: 'topology' config {config!r} must be a relative name "
                             "inside the example folder", ["cat/good/python", "dog/fine/python"])


def test_a_server_config_symlinked_outside_is_refused(tmp_path: Path) -> None:
    root = scratch(tmp_path)
    link = root / "cat/other/server.conf"
    link.symlink_to(tmp_path / "outside/secret.conf")
    (root / "cat/other/meta.yaml").write_text("title: Other\ntopology: {config: server.conf}\n")
    tree, _ = load(root)
    assert "cat/other/python" not in ids(tree)
    assert_one_problem(root, f"{link}: is a symlink to {tmp_path / 'outside/secret.conf'}",
                       ["cat/good/python", "dog/fine/python"])


def test_the_site_publishes_nothing_from_outside_the_tree(tmp_path: Path) -> None:
    """Every link of the table at once: the strict build refuses, naming each
    link; a lenient build publishes the rest and not one byte of the secrets."""
    root = scratch(tmp_path)
    for name, target in (("output.txt", "secret.txt"), ("main.py", "secret.py")):
        link = root / "cat/other/python" / name
        link.unlink()
        link.symlink_to(tmp_path / "outside" / target)
    (root / "dog/fine/server.conf").symlink_to(tmp_path / "outside/secret.conf")
    (root / "dog/fine/meta.yaml").write_text("title: Fine\ntopology: {config: server.conf}\n")
    away = tmp_path / "outside/tree"
    _example(away, "evilcat/evil")
    (root / "cat/evil").symlink_to(away / "evilcat/evil", target_is_directory=True)
    strict = build_site(tmp_path, root)
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    for link in ("cat/other/python/output.txt", "cat/other/python/main.py",
                 "dog/fine/server.conf", "cat/evil"):
        assert f"{root / link}: is a symlink" in strict.stderr
    lenient = subprocess.run([str(BIN / "mkdocs"), "build", "-f", str(tmp_path / "mkdocs.yml")],
                             capture_output=True, text=True, timeout=300)
    assert lenient.returncode == 0, lenient.stderr[-3000:]
    site = tmp_path / "site"
    assert (site / "cat/good/index.html").is_file()
    assert not (site / "cat/evil").exists() and not (site / "dog/fine/index.html").exists()
    for path in site.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


# -- meta.yaml is plain data ------------------------------------------------------

# 9 levels of 9 aliases each: about 400 bytes that expand to 9**9 strings.
LAUGHS = "aliases: [&a [lol, lol, lol, lol, lol, lol, lol, lol, lol],\n" + "".join(
    f"  &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}],\n"
    for a, b in zip("abcdefgh", "bcdefghi", strict=True)) + "  *i]\n"


@pytest.mark.parametrize("level", ["root", "category", "example"])
def test_a_billion_laughs_is_one_error_naming_the_file(tmp_path: Path, level: str) -> None:
    root = scratch(tmp_path)
    meta = {"root": root, "category": root / "cat", "example": root / "cat/other"}[level]
    text = LAUGHS.replace("aliases", {"root": "categories", "category": "examples",
                                      "example": "aliases"}[level])
    assert len(text) < 600
    (meta / "meta.yaml").write_text(text)
    kept = {"root": ["cat/good/python", "cat/other/python", "dog/fine/python"],
            "category": ["dog/fine/python"],
            "example": ["cat/good/python", "dog/fine/python"]}[level]
    assert_one_problem(root, f"{meta / 'meta.yaml'}: uses the YAML anchor '&a' (line 1", kept)


def test_deep_nesting_is_one_error_not_a_crash(tmp_path: Path) -> None:
    """libyaml's composer recurses: 30 000 nested lists, 60 KB, under the
    size limit, crashed the interpreter."""
    root = scratch(tmp_path)
    meta = root / "cat/other/meta.yaml"
    meta.write_text("aliases: " + "[" * 30000 + "]" * 30000 + "\n")
    assert_one_problem(root, f"{meta}: nests lists or mappings more than 8 deep",
                       ["cat/good/python", "dog/fine/python"])


@pytest.mark.parametrize("text, key, where", [
    ("title: First\ndescription: x\ntitle: Second\n", "'title'", "line 3, column 1"),
    ("title: T\ntopology:\n  kind: cluster\n  size: 3\n  size: 5\n", "'size'", "line 5, column 3"),
    ("title: T\ntitle: T\n", "'title'", "line 2, column 1"),
])
def test_a_duplicate_key_is_one_error_naming_file_key_and_line(tmp_path: Path, text: str,
                                                               key: str, where: str) -> None:
    root = scratch(tmp_path)
    meta = root / "cat/other/meta.yaml"
    meta.write_text(text)
    assert_one_problem(root, f"{meta}: has the key {key} twice ({where}); keep one",
                       ["cat/good/python", "dog/fine/python"])


def test_a_meta_yaml_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    root = scratch(tmp_path)
    meta = root / "cat/other/meta.yaml"
    meta.write_text("title: Big\ndescription: |-\n" + "  All work and no play.\n" * 3200)
    assert meta.stat().st_size > 64 * 1024
    assert_one_problem(root, f"{meta}: is larger than 64 KiB, the limit for a meta.yaml",
                       ["cat/good/python", "dog/fine/python"])


@pytest.mark.parametrize("value", [".inf", ".nan", "1.0e+999", "100000"])
def test_a_timeout_must_be_finite_and_bounded(tmp_path: Path, value: str) -> None:
    root = scratch(tmp_path)
    meta = root / "cat/other/meta.yaml"
    meta.write_text(f"title: Other\ntimeout: {value}\n")
    assert_one_problem(root, f"{meta}: 'timeout' must be seconds, a positive number up to 600",
                       ["cat/good/python", "dog/fine/python"])


# -- names are checked ------------------------------------------------------------

BAD_NAMES = ["zz;echo${IFS}INJECTED", "zz$(touch${IFS}PWNED)", "with space", "café", "Upper",
             "-rf", "dot.ted", "tab\there"]


@pytest.mark.parametrize("name", BAD_NAMES)
@pytest.mark.parametrize("level", ["category", "example", "language"])
def test_a_bad_folder_name_is_one_error_naming_the_folder(tmp_path: Path, level: str,
                                                          name: str) -> None:
    root = scratch(tmp_path)
    parent = {"category": root, "example": root / "cat", "language": root / "cat/good"}[level]
    if level == "category":
        _example(root, f"{name}/ex")
    elif level == "example":
        _example(root, f"cat/{name}")
    else:
        (parent / name).mkdir()
        (parent / name / "main.py").write_text(PROGRAM)
    kept = ["cat/good/python", "cat/other/python", "dog/fine/python"]
    assert_one_problem(root, f"{parent}: the {level} folder {name!r} is left out: folder names "
                             "are lower-case letters, digits, '-' and '_'", kept)
    assert not (root.parent / "PWNED").exists()


@pytest.mark.parametrize("name", ["assets", "search", "index", "run", "contributing"])
def test_a_category_named_like_a_site_path_is_refused(tmp_path: Path, name: str) -> None:
    root = scratch(tmp_path)
    _example(root, f"{name}/ex")
    assert_one_problem(root, f"{root / name}: a category cannot be named {name!r}",
                       ["cat/good/python", "cat/other/python", "dog/fine/python"])


def test_reserved_categories_leave_the_site_intact(tmp_path: Path) -> None:
    """Before, `run` replaced the hand-written run page, `assets` mixed with the
    theme's files, and search/search_index.json crashed the build."""
    root = scratch(tmp_path)
    for name in ("run", "contributing", "index", "assets"):
        _example(root, f"{name}/ex")
    _example(root, "search/search_index.json")
    strict = build_site(tmp_path, root)
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    assert f"{root / 'run'}: a category cannot be named 'run'" in strict.stderr
    lenient = subprocess.run([str(BIN / "mkdocs"), "build", "-f", str(tmp_path / "mkdocs.yml")],
                             capture_output=True, text=True, timeout=300)
    assert lenient.returncode == 0, lenient.stderr[-3000:]
    site = tmp_path / "site"
    assert "Run the examples yourself" in (site / "run/index.html").read_text()
    assert "Adding an example" in (site / "contributing/index.html").read_text()
    assert not (site / "assets/ex").exists() and not (site / "index/ex").exists()
    assert json.loads((site / "search/search_index.json").read_text())["docs"]


def test_cargo_and_npm_output_at_the_top_is_not_a_category(tmp_path: Path) -> None:
    """A contributor who runs `cargo build` or `npm ci` in examples/ (which
    holds the Cargo workspace and the npm package) gets target/ and
    node_modules/ there; before, each was a category "with no meta.yaml"
    and nbe check failed."""
    root = scratch(tmp_path)
    (root / "target/debug/deps").mkdir(parents=True)
    (root / "target/debug/deps/main.d").write_text("main: main.rs\n")
    (root / "node_modules/nats/.bin").mkdir(parents=True)
    (root / "node_modules/nats/.bin/cli").symlink_to(root / "node_modules/nats")
    result = nbe("--examples", str(root), "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "target" not in result.stdout + result.stderr
    tree, problems = load(root)
    assert problems == []
    assert [c.name for c in tree.categories] == ["cat", "dog"]


def test_an_example_named_like_a_site_path_is_fine(tmp_path: Path) -> None:
    """Inside a category, `search`, `assets` or `index` collide with nothing."""
    root = scratch(tmp_path)
    for name in ("search", "assets", "index"):
        _example(root, f"cat/{name}")
    tree, problems = load(root)
    assert problems == []
    for example, impl in tree.implementations():
        if not impl.record_path.exists():
            fake_recording(example, impl, "hello\n")
    result = build_site(tmp_path, root)
    assert result.returncode == 0, result.stderr[-3000:]
    site = tmp_path / "site"
    for name in ("search", "assets", "index"):
        assert (site / "cat" / name / "index.html").is_file()
    locations = {d["location"] for d in
                 json.loads((site / "search/search_index.json").read_text())["docs"]}
    assert "cat/search/" in locations


# -- nbe new edits lists without losing anything ----------------------------------


def test_nbe_new_keeps_a_commented_flow_list(tmp_path: Path) -> None:
    root = tmp_path / "examples"
    (root / "kv").mkdir(parents=True)
    (root / "meta.yaml").write_text("# the order of the categories\n"
                                    "categories: [messaging, kv]  # keep kv last\n")
    (root / "kv/meta.yaml").write_text("title: Key-Value\n"
                                       "examples: [b, a]  # b first: it is simpler\n")
    result = nbe("--examples", str(root), "new", "kv/ttl/python")
    assert result.returncode == 0, result.stderr
    text = (root / "kv/meta.yaml").read_text()
    assert text.count("examples:") == 1, text
    assert "# b first: it is simpler" in text
    assert yaml.safe_load(text)["examples"] == ["b", "a", "ttl"]
    result = nbe("--examples", str(root), "new", "os/intro/python")
    assert result.returncode == 0, result.stderr
    text = (root / "meta.yaml").read_text()
    assert text.startswith("# the order of the categories\n") and "# keep kv last" in text
    assert text.count("categories:") == 1, text
    assert yaml.safe_load(text)["categories"] == ["messaging", "kv", "os"]


def test_nbe_new_keeps_comments_around_a_block_list(tmp_path: Path) -> None:
    root = tmp_path / "examples"
    (root / "kv").mkdir(parents=True)
    (root / "meta.yaml").write_text("categories:\n  - kv\n")
    text = ("title: Key-Value\nexamples:\n  - b  # simpler\n  # then\n  - a\n\n"
            "# the description\ndescription: |-\n  Keys and values.\n")
    (root / "kv/meta.yaml").write_text(text)
    assert nbe("--examples", str(root), "new", "kv/ttl/python").returncode == 0
    assert (root / "kv/meta.yaml").read_text() == text.replace("  - a\n", "  - a\n  - ttl\n")


@pytest.mark.parametrize("target", ["search/x/python", "assets/x/python", "kv/Upper/python",
                                    "kv/zz;echo${IFS}INJECTED/python", "kv/-rf/python"])
def test_nbe_new_refuses_names_the_loader_would_refuse(tmp_path: Path, target: str) -> None:
    root = tmp_path / "examples"
    root.mkdir()
    result = nbe("--examples", str(root), "new", target)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert list(root.iterdir()) == []
