"""The literate parser on golden cases, on string traps of each language,
and properties on generated and arbitrary text for every language."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from recorder import languages, literate
from recorder.languages import Language
from recorder.model import Section

GOLDEN = Path(__file__).parent / "golden" / "literate"
EXT_TO_LANG = {
    ".sh": "cli", ".go": "go", ".py": "python", ".js": "node", ".rs": "rust", ".cs": "csharp",
    ".java": "java", ".rb": "ruby", ".exs": "elixir", ".cr": "crystal", ".c": "c",
}


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


# A string or comment that would hide the next comment, or make a comment of
# a string's line, if the parser misread it. Each snippet's only prose is "Prose."
TRAPS = [
    ("ruby", "x = <<~EOS\n  # inside\n  EOS\n# Prose.\ny = 1"),
    ("ruby", "x = <<-'EOS'\n  # inside\n  EOS\n# Prose.\ny = 1"),
    ("ruby", "=begin\n# inside\n=end\n# Prose.\ny = 1"),
    ("ruby", "s = %q(a (b) # c\n# inside\n)\n# Prose.\ny = 1"),
    ("ruby", 's = "#{x.map { |y| "}" }}\n# inside"\n# Prose.\ny = 1'),
    ("ruby", "x = \"#{ {a: 1}.fetch(:a, '\"') }\"\n# Prose.\ny = 1"),
    ("ruby", "r = /'/\n# Prose.\ny = 'x'"),
    ("ruby", "x = $'\n# Prose.\ny = 1"),
    ("ruby", "ls # don't\n# Prose.\ny = 1"),
    ("ruby", "list << x # it's\n# Prose.\ny = 1"),
    ("elixir", 's = """\n# inside\n"""\n# Prose.\ny = 1'),
    ("elixir", "s = ~S(\n# inside\n)\n# Prose.\ny = 1"),
    ("elixir", 'r = ~r/#{x}"/\n# Prose.\ny = "a"'),
    ("elixir", 'c = ?"\n# Prose.\ny = "a"'),
    ("elixir", "ok? = valid?(x) # it's\n# Prose.\ny = 1"),
    ("crystal", "c = '\"'\n# Prose.\ny = \"a\""),
    ("crystal", "s = <<-EOS\n  # inside\n  EOS\n# Prose.\ny = 1"),
    ("crystal", "s = %w(a b # c\n# inside\n)\n# Prose.\ny = 1"),
    ("c", 'auto s = R"x(\n// inside )" still\n)x";\n// Prose.\nint y;'),
    ("c", "// a comment ending in a backslash \\\n// goes on\nint x;\n// Prose.\nint y;"),
    ("csharp", 'var s = $"""\n  {x} // inside\n  """;\n// Prose.\nvar y = 1;'),
    ("csharp", 'var s = $@"{x}\n// inside ""\n";\n// Prose.\nvar y = 1;'),
    ("csharp", "var c = '\"'; /*\n// inside */\n// Prose.\nvar y = \"a\";"),
    ("go", "s := '`'\n// Prose.\ny := `a`"),
    ("node", "const r = /`/;\n// Prose.\nconst y = `a`;"),
    ("deno", "const t = `${`${'}'}`}\n// inside`;\n// Prose.\nconst y = 1;"),
    ("node", "const s = `${\n  // inside\n  x\n}`;\n// Prose.\nconst y = 1;"),
    ("node", "const r = /[/]`/;\n// Prose.\nconst y = `a`;"),
    ("node", "function f() { return /`/; }\n// Prose.\nconst y = `a`;"),
    ("websocket", "const r = a / b; // it's\n// Prose.\nconst y = 1;"),
    ("rust", "let c = b'\"';\n// Prose.\nlet y = \"a\";"),
    ("rust", "let q = '\\\"';\n// Prose.\nlet y = \"a\";"),
    ("rust", "/* a /* nested */ still\n// inside\n*/\n// Prose.\nlet y = 1;"),
    ("rust", "let s = \"a \\\"\n// inside\";\n// Prose.\nlet y = 1;"),
    ("java", "char c = '\\''; /*\n// inside */\n// Prose.\nint y;"),
    ("python", "s = 'a\\\n# inside\nb'\n# Prose.\ny = 1"),
    ("python", "s = 'unterminated\n# Prose.\ny = 1"),
    ("python", "s = rb'''\n# inside\n'''\n# Prose.\ny = 1"),
    ("cli", "echo 'back\\'\n# Prose.\ny=1"),
    ("cli", "echo \\\"\n# Prose.\ny=1"),
    ("cli", "x=$'it\\'s'\n# Prose.\ny=1"),
    ("cli", "x=$(cat <<EOF\n# inside\nEOF\n)\n# Prose.\ny=1"),
    ("cli", 'x="$(\n# inside\necho hi)"\n# Prose.\ny=1'),
    ("shell", "echo `date` \"$(echo ')')\n# inside\"\n# Prose.\ny=1"),
]


@pytest.mark.parametrize(("folder", "source"), TRAPS, ids=[f"{f}-{i}" for i, (f, _) in
                                                             enumerate(TRAPS)])
def test_string_traps(folder: str, source: str) -> None:
    sections = literate.parse(source, languages.BY_FOLDER[folder])
    assert [s.prose for s in sections] == ["", "Prose."]
    assert "inside" not in sections[1].code


# Per lexical family: a code line with comment markers inside strings and a
# trailing comment with a quote; and the first and last line of a string (or
# code-level comment) whose inner lines look like comments.
FAMILY_LINES: dict[str, tuple[str, str, str]] = {
    "python": ('s = "# no" + \'#\'  # it\'s', 's = """', '"""'),
    "go": ('s := "// no /* */" + `//` // it\'s', "s := `", "`"),
    "javascript": ("s = `${'//'}` + \"/* */\" // it's", "s = `", "`;"),
    "rust": ('let s = r#"// no"#; // it\'s', 'let s = "', '";'),
    "java": ('String s = "// no /* */"; // it\'s', 'String s = """', '""";'),
    "c": ('char *s = "// no /* */"; // it\'s', "x(); /*", "*/"),
    "csharp": ('var s = @"// no" + $"{x}/*"; // it\'s', 'var s = @"', '";'),
    "shell": ('echo "# no" $# ${#x} a#b # it\'s', "cat <<EOF", "EOF"),
    "ruby": ('s = "# no #{x}" # it\'s', "s = <<~EOS", "EOS"),
    "elixir": ('s = "# no #{x}" # it\'s', 's = """', '"""'),
    "crystal": ('s = "# no #{x}" # it\'s', "s = <<-EOS", "EOS"),
}


def programs(lang: Language) -> st.SearchStrategy[list[tuple[str, list[str]]]]:
    """Programs as units of (role, lines): prose is due exactly for the
    comment units, and every line of the other units is code."""
    marker = lang.line_comment or "#"
    trap, opening, closing = FAMILY_LINES[lang.syntax]
    units = [
        st.just(("blank", [""])),
        st.sampled_from(["", "    "]).map(lambda indent: ("prose", [f"{indent}{marker} prose"])),
        st.sampled_from(["call(1)", "    x = y", trap]).map(lambda line: ("code", [line])),
        st.just(("code", [opening, f"{marker} inside", "    " + f"{marker} inside", closing])),
    ]
    if lang.block_comment is not None:
        start, end = lang.block_comment
        units.append(st.just(("prose", [f"{start} prose {end}"])))
        units.append(st.just(("prose", [start, " * prose", " " + end])))
    return st.lists(st.one_of(units), max_size=25)


def lines_of(texts: list[str]) -> list[str]:
    return [line.rstrip() for text in texts for line in text.split("\n") if line.strip()]


@pytest.mark.parametrize("lang", languages.LANGUAGES, ids=lambda lang: lang.folder)
@given(data=st.data())
def test_no_code_line_is_lost(lang: Language, data: st.DataObject) -> None:
    units = data.draw(programs(lang))
    sections = literate.parse("\n".join(line for _, unit in units for line in unit), lang)
    expected_code = [line.rstrip() for role, unit in units if role == "code" for line in unit]
    expected_prose = ["prose" for role, _ in units if role == "prose"]
    assert lines_of([s.code for s in sections]) == expected_code
    assert lines_of([s.prose for s in sections]) == expected_prose
    if next((role for role, _ in units if role != "blank"), None) == "code":
        assert sections[0].prose == ""  # a program that starts with code


def any_lines(lang: Language) -> st.SearchStrategy[list[str]]:
    trap, opening, closing = FAMILY_LINES[lang.syntax]
    marker = lang.line_comment or "#"
    fragments = ["", f"{marker} comment", f"    {marker} indented", trap, opening, closing,
                 *(lang.block_comment or ()), '"""', "'", '"', "`", "<<EOF", "EOF", "#!x"]
    return st.lists(st.one_of(
        st.sampled_from(fragments),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                       blacklist_characters="\r\n"), max_size=20)),
        max_size=30)


@pytest.mark.parametrize("lang", languages.LANGUAGES, ids=lambda lang: lang.folder)
@given(data=st.data())
def test_every_line_is_kept(lang: Language, data: st.DataObject) -> None:
    source_lines = data.draw(any_lines(lang))
    sections = literate.parse("\n".join(source_lines), lang)
    code = lines_of([s.code for s in sections])
    prose = [line.strip() for line in lines_of([s.prose for s in sections])]
    assert set(code) <= {line.rstrip() for line in source_lines}  # code is never invented
    for line in source_lines:
        if line.strip() and line.rstrip() not in code:  # then it was a comment
            assert any(p in line for p in prose) or not line.strip().strip("#/*!")


@given(st.text(max_size=300))
@example("#")
@example("//\n\n/**/")
def test_parser_never_fails_on_any_text(text: str) -> None:
    for lang in languages.LANGUAGES:
        for section in literate.parse(text, lang):
            assert section.prose or section.code
