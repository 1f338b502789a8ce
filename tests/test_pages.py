"""Real `mkdocs build --strict` of a made-up tree: structure, tabs, stale
recordings, escaping, search and the catalogue."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

import sitetree
from conftest import build_site


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("pages")
    root = sitetree.build(tmp / "examples")
    result = build_site(tmp, root, top="repo_url: https://git.example.test/nbe/site\n")
    assert result.returncode == 0, result.stderr
    return tmp / "site"


def test_nav_follows_the_meta_yaml_order_then_alphabetical(site: Path) -> None:
    page = (site / "second-cat/zebra/index.html").read_text()
    nav = page[page.index('<nav class="md-nav md-nav--primary"'):
               page.index('md-sidebar--secondary')]
    titles = ["Second Category", "Zebra", "Hostile Output", "Alpha (unlisted)",
              "Beta (unlisted)", "First Category", "Greet", "Run the examples yourself",
              "Adding an example"]
    positions = [nav.find(f"{t}\n") if nav.find(f"{t}\n") >= 0 else nav.find(t) for t in titles]
    assert all(p >= 0 for p in positions), dict(zip(titles, positions, strict=True))
    assert positions == sorted(positions)


def test_a_page_per_example_and_per_category(site: Path) -> None:
    for page in ("second-cat/index.html", "first-cat/index.html", "second-cat/zebra/index.html",
                 "second-cat/hostile/index.html", "second-cat/alpha/index.html",
                 "second-cat/beta/index.html", "first-cat/greet/index.html"):
        assert (site / page).is_file(), page
    category = text_of((site / "second-cat/index.html").read_text())
    assert "Listed first." in category and "Zebra" in category and "Hostile Output" in category


def test_one_tab_per_language_python_first(site: Path) -> None:
    page = (site / "second-cat/zebra/index.html").read_text()
    labels = re.findall(r'<label for="__tabbed_\d+_\d+">([^<]+)</label>', page)
    assert labels == ["Python", "Java"]
    assert "hello from java" in page and "hello from python" in page
    hostile = (site / "second-cat/hostile/index.html").read_text()
    assert re.findall(r'<label for="__tabbed_\d+_\d+">([^<]+)</label>', hostile) == ["Python"]
    assert re.search(r"Not yet available in: [^<]*\bJava\b", hostile)


def test_each_tab_has_command_links_sections_output_and_player(site: Path) -> None:
    page = (site / "second-cat/zebra/index.html").read_text()
    java = page[page.index('data-language="java"'):]
    text = text_of(java)
    assert "$ nbe run second-cat/zebra/java" in text
    assert 'href="#output-java"' in java and 'href="#recording-java"' in java
    assert ('href="https://git.example.test/nbe/site/blob/main/examples/second-cat/zebra/java/'
            'Main.java"') in java
    assert 'href="java/Main.java"' in java and (site / "second-cat/zebra/java/Main.java").is_file()
    assert "Java prints a greeting, to show a second language tab." in text
    assert 'data-cast="java.cast"' in java and (site / "second-cat/zebra/java.cast").is_file()
    assert "Recorded on 2026-11-26 with nats-server 2.15.1, nats-py 2.16.0." in text


def test_output_and_code_are_text_never_markup(site: Path) -> None:
    page = (site / "second-cat/hostile/index.html").read_text()
    body = page[page.index('<article'):page.index('</article>')]
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<strong>not bold</strong>" not in body
    text = text_of(body)
    for line in ("<script>alert(1)</script>", "& ampersand &amp; entity", "**not bold**",
                 "</div></div>", "closing fence", "red"):
        assert line in text
    assert "\x1b" not in page
    # Comments are Markdown (the ** makes bold), but their raw HTML is text.
    assert "Code may hold <script>alert('code')</script> & other markup." in text
    assert "<strong>markup</strong>" in body


def test_search_finds_aliases_prose_code_and_output(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text())
    docs = [d for d in index["docs"] if d["location"].startswith("second-cat/zebra/")]
    blob = " ".join(d["title"] + " " + d["text"] for d in docs)
    for needle in ("stripes", "hello from java", "Python prints a greeting", "System.out.println"):
        assert needle in blob, needle


def test_home_page_catalogue_and_matrix(site: Path) -> None:
    home = (site / "index.html").read_text()
    assert home.index("Second Category") < home.index("First Category")
    assert re.search(r'class="grid cards nbe-cards"', home)
    rows = {m.group(1): m.group(2) for m in re.finditer(
        r"<tr>\s*<td[^>]*>[^<]*<a [^>]*>([^<]+)</a></td>(.*?)</tr>", home, re.S)}
    assert rows["Zebra"].count("✓") == 2
    assert rows["Hostile Output"].count("✓") == 1
    assert 'href="second-cat/zebra/?lang=java"' in rows["Zebra"]


def test_stale_failed_and_missing_fail_a_strict_build(tmp_path: Path) -> None:
    root = sitetree.build(tmp_path / "examples", broken=True)
    result = build_site(tmp_path, root)
    assert result.returncode != 0
    assert "the recording of second-cat/zebra/python is stale (changed: file main.py)" in (
        result.stderr)
    assert "the recording of second-cat/beta/python failed (exited with status 2)" in (
        result.stderr)
    assert "the recording of first-cat/greet/python is missing" in result.stderr


def test_drafts_build_with_a_warning_on_the_page(tmp_path: Path) -> None:
    root = sitetree.build(tmp_path / "examples", broken=True)
    result = build_site(tmp_path, root, extra="\n      allow_stale: true")
    assert result.returncode == 0, result.stderr
    page = text_of((tmp_path / "site/second-cat/zebra/index.html").read_text())
    assert "The recording is stale" in page
    assert "nbe record second-cat/zebra/python" in page
    greet = text_of((tmp_path / "site/first-cat/greet/index.html").read_text())
    assert "The recording is missing" in greet and "No recording yet." in greet


def test_a_broken_meta_yaml_is_one_clear_message(tmp_path: Path) -> None:
    root = sitetree.build(tmp_path / "examples")
    (root / "second-cat/zebra/meta.yaml").write_text("title: [unclosed\n")
    (root / "first-cat/greet/meta.yaml").write_text("title: Greet\ncolour: blue\n")
    result = build_site(tmp_path, root)
    assert result.returncode != 0
    assert f"{root}/second-cat/zebra/meta.yaml: is not valid YAML (line 2" in result.stderr
    assert (f"{root}/first-cat/greet/meta.yaml: unknown key 'colour'; the keys allowed "
            "here are: title, description, aliases, topology, timeout, expect") in result.stderr
    assert "Traceback" not in result.stderr


def test_a_corrupt_cast_is_named_and_the_rest_still_builds(tmp_path: Path) -> None:
    root = sitetree.build(tmp_path / "examples")
    (root / "second-cat/zebra/java/output.cast").write_text("this is not a cast\n")
    result = build_site(tmp_path, root)
    assert result.returncode != 0
    assert (f"the recording of second-cat/zebra/java is missing ({root}/second-cat/zebra/java/"
            "output.cast: is not an asciicast v2 file") in result.stderr
    lenient = build_site(tmp_path, root, extra="\n      allow_stale: true")
    assert lenient.returncode == 0, lenient.stderr
    page = text_of((tmp_path / "site/second-cat/zebra/index.html").read_text())
    assert "hello from python" in page and "No recording yet." in page


def test_the_server_config_is_shown_as_text(site: Path) -> None:
    page = (site / "first-cat/greet/index.html").read_text()
    text = text_of(page)
    assert "The server configuration: server.conf" in text
    assert 'authorization { user: "greeter", password: "<secret>" }' in text
    assert "<secret>" not in page  # escaped, never markup
