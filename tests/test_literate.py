"""The literate parser on golden cases, and properties on arbitrary text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recorder import languages, literate
from recorder.model import Section

GOLDEN = Path(__file__).parent / "golden" / "literate"
EXT_TO_LANG = {".py": "python", ".go": "go", ".c": "c", ".rb": "ruby", ".js": "node"}


def render(sections: list[Section]) -> str:
    out = []
    for section in sections:
        out += ["=== prose", section.prose, "=== code", section.code]
    return "\n".join(out) + "\n"


CASES = sorted(p for p in GOLDEN.iterdir() if p.suffix != ".expected")


@pytest.mark.parametrize("source", CASES, ids=[p.name for p in CASES])
def test_golden(source: Path) -> None:
    lang = languages.BY_FOLDER[EXT_TO_LANG[source.suffix]]
    got = render(literate.parse(source.read_text(), lang))
    assert got == source.with_suffix(".expected").read_text()


python = languages.BY_FOLDER["python"]
lines = st.lists(st.one_of(
    st.just(""), st.just("# comment"), st.just("    # indented comment"),
    st.just('"""'), st.just("x = 1  # trailing"), st.just("    y = 2"),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
            max_size=20)), max_size=30)


@given(lines)
def test_no_code_line_is_lost(source_lines: list[str]) -> None:
    text = "\n".join(source_lines)
    sections = literate.parse(text, python)
    code = "\n".join(s.code for s in sections)
    prose = "\n".join(s.prose for s in sections)
    for line in source_lines:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            assert line.rstrip() in code
        elif stripped.startswith("#") and not stripped.startswith("#!"):
            assert stripped.lstrip("#").strip() in prose + code


@given(st.text(max_size=300))
def test_parser_never_fails_on_any_text(text: str) -> None:
    for lang in languages.LANGUAGES:
        for section in literate.parse(text, lang):
            assert section.prose or section.code
