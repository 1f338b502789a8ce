"""output.txt is what a terminal shows: a real recording of programs that
print 8-bit controls, carriage returns and backspaces, and the same rules on
made-up casts."""

from __future__ import annotations

from pathlib import Path

import pytest

from recorder import cast

from conftest import nbe
from faults import make_tree

PROGRAMS: dict[str, tuple[str, dict[str, object]]] = {
    "t/c1-controls": ("""
        import sys
        sys.stdout.write("a \\u009b31mred\\u009b0m b \\u009d0;a title\\u0007c \\u0085d\\n")
        print("plain line")
        """, {}),
    "t/rewrites": ("""
        import sys, time
        for percent in (10, 50, 100):
            sys.stdout.write(f"\\rprogress {percent:3d}%")
            sys.stdout.flush()
            time.sleep(0.05)
        print()
        print("abcdef\\b\\b\\bXY")
        print("abc\\rX")
        print("working...\\rdone      ")
        print("wide " + "x" * 150)
        """, {}),
}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_tree(tmp_path_factory.mktemp("text") / "examples", PROGRAMS)
    result = nbe("--examples", str(root), "record", "--jobs", "1", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def test_8_bit_controls_are_not_kept(recorded: Path) -> None:
    text = (recorded / "t/c1-controls/python/output.txt").read_text()
    assert text == "a red b c d\nplain line\n"
    assert not any("\x80" <= ch <= "\x9f" for ch in text)


def test_carriage_returns_and_backspaces_overwrite_as_on_a_screen(recorded: Path) -> None:
    text = (recorded / "t/rewrites/python/output.txt").read_text()
    assert text.splitlines() == ["progress 100%", "abcXYf", "Xbc", "done", "wide " + "x" * 150]


def _session(body: str, width: int = 40) -> cast.Cast:
    events = [(0.0, "o", "\x1b]133;A\x07$ \x1b]133;B\x07"), (0.1, "o", "nbe run t/x/python\r\n"),
              (0.2, "o", "\x1b]133;C\x07"), (0.3, "o", body),
              (0.4, "o", "\x1b]133;D;0\x07\x1b]133;A\x07$ \x1b]133;B\x07")]
    return cast.Cast({"version": 2, "width": width, "height": 10}, events)


@pytest.mark.parametrize(("body", "expected"), [
    ("one\r\ntwo\r\n", "one\ntwo\n"),
    ("\x1b[1;31mred\x1b[0m and \x1b]8;;https://x.test\x07link\x1b]8;;\x07\r\n",
     "red and link\n"),
    ("\u009b1mbold\u009b0m \u0090junk\r\n", "bold junk\n"),
    ("50%\r100%\r\n", "100%\n"),
    ("12345\b\b\b\bab\r\n", "1ab45\n"),
    ("tab\tstop\r\n", "tab     stop\n"),
    ("wide 中文 and a family 👨\u200d👩 ok\r\n", "wide 中文 and a family 👨\u200d👩 ok\n"),
    ("x" * 95 + "\r\n", "x" * 95 + "\n"),
    ("", ""),
])
def test_output_text_is_the_screen(body: str, expected: str) -> None:
    assert cast.output_text(_session(body)) == expected


def test_lines_that_wrap_in_the_player_count_as_the_rows_they_take() -> None:
    # 40 columns: the prompt line, 95 characters on 3 rows, and the final prompt.
    assert _session("x" * 95 + "\r\n").lines_used() == 5
    assert _session("short\r\n").lines_used() == 3
