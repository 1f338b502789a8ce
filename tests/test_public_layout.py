"""A tree written for the public NATS by Example site renders unchanged:
every client folder gets its tab, with the public label, in the public
order, its comments as prose, even for languages the recorder never runs."""

from __future__ import annotations

import re
from pathlib import Path

from recorder import loader

from conftest import build_site

PROGRAMS = {
    "cli/main.sh": "#!/bin/bash\n# The CLI publishes once.\nnats pub hello world\n",
    "shell/main.sh": "# A shell script starts a server.\nnats-server -v\n",
    "go/main.go": "package main\n\n// Go says hello.\nfunc main() {}\n",
    "deno/main.js": "// Deno connects.\nconst s = `// not a comment`;\n",
    "node/main.js": "// Node connects.\nconsole.log('node');\n",
    "websocket/main.js": "// The browser connects over a websocket.\nlet ws = 1;\n",
    "csharp/Main.cs": ("/** The C# client is a NuGet package.\n"
                       "    It connects like any other. **/\n"
                       "var x = 1;\n// A line comment in C#.\nConsole.WriteLine(x);\n"),
    "dotnet/Main.cs": "/** .NET V2 connects. **/\nvar y = 2;\n",
    "ruby/main.rb": "# Ruby connects.\nputs 'ruby'\n",
    "c/main.c": "/* C connects. */\nint main(void) { return 0; }\n",
}

ORDER = ["CLI", "Go", "JavaScript (Node)", "JavaScript (Deno)", "C#", ".NET V2", "Ruby", "C",
         "Shell", "WebSocket"]


def _tree(root: Path) -> Path:
    examples = root / "examples"
    folder = examples / "messaging" / "hello"
    for rel, text in PROGRAMS.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    (examples / "meta.yaml").write_text("categories: [messaging]\n")
    (examples / "messaging" / "meta.yaml").write_text("title: Messaging\nexamples: [hello]\n")
    (folder / "meta.yaml").write_text(
        "title: Hello\ndescription: Says hello.\nnot_available:\n"
        "  rust: 'async-nats has no **such** API; see [the docs](https://docs.nats.io/).'\n"
        "  java: 'Nothing <script>alert(1)</script> [here](javascript:alert(1)).'\n")
    return examples


def test_every_public_folder_loads(tmp_path: Path) -> None:
    tree, problems = loader.load(_tree(tmp_path))
    assert problems == []
    folders = [impl.language.folder for _, impl in tree.implementations()]
    assert folders == ["cli", "go", "node", "deno", "csharp", "dotnet", "ruby", "c", "shell",
                       "websocket"]


def test_every_public_folder_renders_as_a_tab(tmp_path: Path) -> None:
    examples = _tree(tmp_path)
    result = build_site(tmp_path, examples, extra="\n      allow_stale: true")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site/messaging/hello/index.html").read_text()
    labels = re.findall(r'<label for="__tabbed_1_\d+">([^<]+)</label>', page)
    assert labels == ORDER
    for prose in ("The CLI publishes once.", "Go says hello.", "Deno connects.",
                  "Node connects.", "The browser connects over a websocket.",
                  "The C# client is a NuGet package.", "It connects like any other.",
                  "A line comment in C#.", ".NET V2 connects.", "Ruby connects.",
                  "C connects.", "A shell script starts a server."):
        assert f"{prose}" in page, prose
    # The string that looks like a comment stays code.
    assert "not a comment" in re.sub(r"<[^>]+>", "", page)
    assert "<p>not a comment" not in page
    # The languages with no tab are named; JavaScript has one, so it is not.
    missing = re.search(r'<p class="nbe-missing">Not yet available in: ([^<]*)</p>', page)
    assert missing is not None
    assert missing.group(1).rstrip(".").split(", ") == ["Python", "Rust", "Java", "Elixir",
                                                        "Crystal"]


def test_a_missing_language_can_say_why(tmp_path: Path) -> None:
    examples = _tree(tmp_path)
    result = build_site(tmp_path, examples, extra="\n      allow_stale: true")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site/messaging/hello/index.html").read_text()
    why = page[page.index('<ul class="nbe-missing-why">'):]
    why = why[:why.index("</ul>")]
    assert ('<li><strong>Rust</strong>: async-nats has no <strong>such</strong> API; see '
            '<a href="https://docs.nats.io/" rel="noopener noreferrer">the docs</a>.</li>') in why
    # The reason is Markdown from the tree: sanitised like every other.
    assert "<script>" not in why and "javascript:" not in why
    assert "<li><strong>Java</strong>: Nothing" in why


def test_links_between_pages_in_descriptions_comments_and_reasons(tmp_path: Path) -> None:
    examples = _tree(tmp_path)
    other = examples / "messaging" / "other"
    (other / "go").mkdir(parents=True)
    (other / "go/main.go").write_text(
        "package main\n\n// See [hello](../hello/index.md#go) first.\nfunc main() {}\n")
    (other / "meta.yaml").write_text(
        "title: Other\ndescription: Read [Hello](../hello/index.md) first.\n"
        "not_available:\n  python: 'See [the Go tab](../hello/index.md).'\n")
    result = build_site(tmp_path, examples, extra="\n      allow_stale: true")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site/messaging/other/index.html").read_text()
    assert 'Read <a href="../hello/" rel="noopener noreferrer">Hello</a> first.' in page
    assert 'See <a href="../hello/" rel="noopener noreferrer">the Go tab</a>.' in page  # reason
    assert 'See <a href="../hello/#go" rel="noopener noreferrer">hello</a> first.' in page
    assert "index.md" not in page
    # A link to no page is named, and fails a strict build.
    (other / "meta.yaml").write_text("title: Other\ndescription: See [x](../nowhere/index.md).\n")
    broken = build_site(tmp_path, examples, extra="\n      allow_stale: true")
    assert broken.returncode == 1
    assert "messaging/other/index.md links to messaging/nowhere/index.md" in broken.stderr
