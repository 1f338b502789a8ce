"""What a maintainer sees before and after re-recording: which recordings
are stale and why, input by input; one language at a time."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_examples, nbe


def _tree(tmp_path: Path) -> tuple[str, ...]:
    root = copy_examples(tmp_path, languages=("python", "go"))
    (root / "go.mod").write_text((root / "go.mod").read_text().replace(
        "github.com/nats-io/nats.go v1.55.0", "github.com/nats-io/nats.go v1.54.0"))
    main = root / "messaging/request-reply/python/main.py"
    main.write_text(main.read_text() + "\n# One more comment.\n")
    return ("--examples", str(root))


def test_check_diff_says_why_input_by_input(tmp_path: Path) -> None:
    args = _tree(tmp_path)
    result = nbe(*args, "check", "--diff")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "stale    messaging/request-reply/go: changed: client nats.go 1.55.0 -> 1.54.0",
        "         client: nats.go 1.55.0 -> 1.54.0",
        "stale    messaging/request-reply/python: changed: file main.py",
        "         program: main.py changed",
    ]


def test_language_filters_check_list_and_record(tmp_path: Path) -> None:
    args = _tree(tmp_path)
    check = nbe(*args, "check", "--language", "python")
    assert "messaging/request-reply/go" not in check.stdout
    assert "messaging/request-reply/python" in check.stdout
    listed = nbe(*args, "list", "-l", "go").stdout.splitlines()
    assert [line.split()[0] for line in listed] == ["messaging/request-reply/go"]
    dry = nbe(*args, "record", "--dry-run", "-l", "go")
    assert dry.returncode == 0
    assert dry.stdout.splitlines() == ["would record messaging/request-reply/go",
                                       "    client: nats.go 1.55.0 -> 1.54.0",
                                       "1 to record, 0 fresh, 0 skipped"]
    # Nothing was recorded.
    assert "stale" in nbe(*args, "list", "-l", "go").stdout
    bad = nbe(*args, "list", "-l", "cobol")
    assert bad.returncode == 1 and "--language 'cobol' is not a language folder" in bad.stderr


def test_only_what_a_run_depends_on_in_meta_makes_it_stale(tmp_path: Path) -> None:
    root = copy_examples(tmp_path, languages=("python", "go"))
    args = ("--examples", str(root))
    assert nbe(*args, "check").returncode == 0
    meta = root / "messaging/request-reply/meta.yaml"
    # The page's words, and another language's patterns: no recording changes.
    meta.write_text(meta.read_text().replace("title: Request-Reply", "title: Request and Reply")
                    + "expect_by_language:\n  go: ['hello, joe']\n")
    check = nbe(*args, "check")
    assert check.stdout.splitlines() == [
        "stale    messaging/request-reply/go: changed: meta.yaml"], check.stdout
    # This language's patterns, the time limit or a step: its recording is stale.
    meta.write_text(meta.read_text() + "timeout: 20\n")
    assert "stale    messaging/request-reply/python: changed: meta.yaml" in nbe(
        *args, "check").stdout
