"""The language runners end to end: each runnable language builds, records
against a real server and gets its tab; compile errors and crashes are
refused without replacing anything; a missing toolchain is skipped with its
reason; pinned client versions are fingerprint inputs of their language only."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from recorder import cast as castmod
from recorder import fingerprint, loader, runners
from recorder.outputs import State

from conftest import ROOT, build_site, copy_examples, nbe

RUNNABLE = ("cli", "go", "python", "node", "rust", "java", "c")
GREETINGS = ["hello, joe", "hello, sue", "hello, bob"]


def _need(folder: str) -> None:
    """Skip where the toolchain is missing, except in CI, which must have all."""
    runner = runners.get(folder)
    assert runner is not None
    why = runner.unavailable(ROOT / "examples")
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"CI must be able to run {folder} examples: {why}")
        pytest.skip(f"no {folder} toolchain here: {why}")


@pytest.fixture(scope="module")
def recorded_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """request-reply in every language, recorded from scratch once."""
    tmp = tmp_path_factory.mktemp("langs")
    return copy_examples(tmp, outputs=False, languages=None)


@pytest.mark.parametrize("folder", RUNNABLE)
def test_each_runner_builds_records_and_gets_its_tab(recorded_tree: Path, folder: str) -> None:
    _need(folder)
    impl_id = f"messaging/request-reply/{folder}"
    result = nbe("--examples", str(recorded_tree), "record", impl_id, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"recorded  {impl_id}" in result.stderr
    folder_path = recorded_tree / impl_id
    text = (folder_path / "output.txt").read_text()
    for greeting in GREETINGS:
        assert f"-> reply: {greeting}" in text
    assert re.search(r"(?i)-> error: .*no responders", text)
    # The recording shows the command and the output, nothing of the build.
    screen = castmod.plain(castmod.read(folder_path / "output.cast").output())
    assert f"$ nbe run {impl_id}\n" in screen
    for noise in ("Compiling", "go: downloading", "npm ", "[INFO]", "warning:"):
        assert noise not in screen
    record = json.loads((folder_path / "output.json").read_text())
    runner = runners.get(folder)
    assert runner is not None
    client = runner.client(recorded_tree)
    assert client is not None
    assert record["inputs"][f"client {client[0]}"] == client[1]
    assert record["versions"][client[0]] == client[1]
    tool = runner.toolchain()
    if tool:
        assert record["versions"][tool[0]] == tool[1]
    check = nbe("--examples", str(recorded_tree), "check", impl_id)
    assert check.returncode == 0, check.stdout


def test_the_page_shows_a_tab_per_recorded_language(recorded_tree: Path,
                                                    tmp_path: Path) -> None:
    done = [f for f in RUNNABLE
            if (recorded_tree / "messaging/request-reply" / f / "output.json").is_file()]
    if len(done) < 2:
        pytest.skip("fewer than two languages were recorded")
    tree = tmp_path / "tree"
    shutil.copytree(recorded_tree, tree)
    for folder in set(RUNNABLE) - set(done):
        shutil.rmtree(tree / "messaging/request-reply" / folder, ignore_errors=True)
    result = build_site(tmp_path, tree)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site/messaging/request-reply/index.html").read_text()
    labels = re.findall(r'<label for="__tabbed_1_\d+">([^<]+)</label>', page)
    order = ["CLI", "Go", "Python", "JavaScript", "Rust", "Java", "C"]
    assert labels == [label for label in order
                      if {"CLI": "cli", "Go": "go", "Python": "python", "JavaScript": "node",
                          "Rust": "rust", "Java": "java", "C": "c"}[label] in done]
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for folder in done:
        assert f'data-language="{folder}"' in page
        assert f"$ nbe run messaging/request-reply/{folder}" in text


def _recorded_go(tmp_path: Path) -> Path:
    _need("go")
    root = copy_examples(tmp_path, languages=None)
    go = root / "messaging/request-reply/go"
    if not (go / "output.json").is_file():
        assert nbe("--examples", str(root), "record", "messaging/request-reply/go",
                   timeout=600).returncode == 0
    return root


def test_a_compile_error_is_refused_named_and_keeps_the_recording(tmp_path: Path) -> None:
    root = _recorded_go(tmp_path)
    go = root / "messaging/request-reply/go"
    before = {name: (go / name).read_bytes() for name in ("output.cast", "output.txt",
                                                            "output.json")}
    main = go / "main.go"
    main.write_text(main.read_text().replace("func main() {", "func main() {\n\tundefinedCall()"))
    result = nbe("--examples", str(root), "record", "messaging/request-reply/go", timeout=600)
    assert result.returncode == 1
    assert "FAILED    messaging/request-reply/go: does not compile" in result.stderr
    assert "undefined: undefinedCall" in result.stderr  # the compiler's own message
    assert {name: (go / name).read_bytes() for name in before} == before
    check = nbe("--examples", str(root), "check", "messaging/request-reply/go")
    assert "failed   messaging/request-reply/go: does not compile" in check.stdout
    # `nbe run` shows the compiler's message too, and exits 1.
    run = nbe("--examples", str(root), "run", "messaging/request-reply/go", timeout=600)
    assert run.returncode == 1
    assert "undefined: undefinedCall" in run.stderr


def test_a_runtime_crash_is_refused_and_keeps_the_recording(tmp_path: Path) -> None:
    root = _recorded_go(tmp_path)
    go = root / "messaging/request-reply/go"
    before = (go / "output.cast").read_bytes()
    main = go / "main.go"
    main.write_text(main.read_text().replace("func main() {",
                                             "func main() {\n\tpanic(\"boom\")"))
    result = nbe("--examples", str(root), "record", "messaging/request-reply/go", timeout=600)
    assert result.returncode == 1
    assert "FAILED    messaging/request-reply/go: exited with status 2" in result.stderr
    assert "panic: boom" in result.stderr
    assert (go / "output.cast").read_bytes() == before


def test_a_segfault_is_named_by_its_signal(tmp_path: Path) -> None:
    _need("c")
    root = copy_examples(tmp_path, outputs=False, languages=None)
    c = root / "messaging/request-reply/c"
    (c / "main.c").write_text("#include <stdio.h>\nint main(void) {\n"
                              "    volatile int *p = 0;\n    puts(\"before\");\n"
                              "    fflush(stdout);\n    return *p;\n}\n")
    result = nbe("--examples", str(root), "record", "messaging/request-reply/c", timeout=300)
    assert result.returncode == 1
    assert "was killed by signal SIGSEGV (exit status 139)" in result.stderr
    assert not (c / "output.cast").exists()


def test_a_missing_toolchain_is_skipped_with_its_reason(tmp_path: Path) -> None:
    root = copy_examples(tmp_path, languages=None)
    go = root / "messaging/request-reply/go"
    for name in ("output.cast", "output.txt", "output.json"):
        (go / name).unlink(missing_ok=True)
    # A PATH with bash and the project's tools, but no go, cargo, java or cc.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "env", "cat", "sleep"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    env = {**os.environ, "PATH": f"{Path(os.sys.executable).parent}:{bin_dir}"}
    result = nbe("--examples", str(root), "record", env=env, timeout=600)
    assert "skipped   messaging/request-reply/go: go is not installed (not found on PATH)" \
        in result.stderr
    assert "skipped   messaging/request-reply/rust: cargo is not installed" in result.stderr
    # Committed recordings of languages this machine cannot run stay fresh.
    check = nbe("--examples", str(root), "check", env=env)
    assert "messaging/request-reply/rust" not in check.stdout
    assert "missing  messaging/request-reply/go" in check.stdout
    # The site builds from the recordings alone.
    shutil.rmtree(go)
    site = build_site(tmp_path, root)
    assert site.returncode == 0, site.stderr


PINS = {
    "go": ("go.mod", "github.com/nats-io/nats.go v1.55.0", "github.com/nats-io/nats.go v1.54.0"),
    "rust": ("Cargo.lock", 'name = "async-nats"\nversion = "0.51.0"',
             'name = "async-nats"\nversion = "0.50.0"'),
    "node": ("package-lock.json", '"node_modules/@nats-io/transport-node": {\n      '
             '"version": "3.4.0"', '"node_modules/@nats-io/transport-node": {\n      '
             '"version": "3.3.0"'),
    "java": ("pom.xml", "<version>2.26.2</version>", "<version>2.26.1</version>"),
}


@pytest.mark.parametrize("folder", sorted(PINS))
def test_a_new_client_pin_makes_only_its_language_stale(tmp_path: Path, folder: str) -> None:
    root = copy_examples(tmp_path, languages=None)
    tree, _ = loader.load(root)
    before = {impl.id: fingerprint.status(ex, impl).state for ex, impl in tree.implementations()}
    assert set(before.values()) == {State.FRESH}, before
    name, old, new = PINS[folder]
    lock = root / name
    text = lock.read_text()
    assert old in text, f"{name} no longer pins {old!r}; update this test"
    lock.write_text(text.replace(old, new))
    after = {impl.id: fingerprint.status(ex, impl) for ex, impl in tree.implementations()}
    stale = {i for i, s in after.items() if s.state is State.STALE}
    assert stale == {i for i in after if i.endswith("/" + folder)}
    detail = after[f"messaging/request-reply/{folder}"].detail
    assert re.search(r"client \S+ \S+ -> \S+", detail), detail


def test_a_tree_without_its_lock_file_says_so(tmp_path: Path) -> None:
    _need("node")
    root = copy_examples(tmp_path, outputs=False, languages=("node", "java"))
    for name in ("package.json", "package-lock.json", "pom.xml"):
        (root / name).unlink()
    result = nbe("--examples", str(root), "record", timeout=300)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (f"FAILED    messaging/request-reply/node: {root / 'package.json'} is missing; the "
            "JavaScript examples' packages are pinned there") in result.stderr
    assert f"{root / 'pom.xml'} is missing" in result.stderr
