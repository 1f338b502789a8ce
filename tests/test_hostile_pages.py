"""A contributed tree that tries to inject markup into the site: titles are
text everywhere they appear, descriptions and comment prose are Markdown
that a sanitiser cleans, and a long description stays off the home page.
Each case is a real `mkdocs build --strict` of a scratch tree."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from recorder import catalogue, loader

import sitetree
from conftest import build_site

TITLE = "X <img src=x onerror=alert(1)> *star* [link](#) | pipe"
CATEGORY_TITLE = "Cat <img src=x onerror=alert(2)>"
DESCRIPTION = """\
Hostile description <script>alert(3)</script> with
<iframe src="https://evil.test/alert(4)"></iframe>
<a href="#" onmouseover="alert(5)">hover me</a>,
[a script link](javascript:alert(6)), <a href="javascript:alert(7)">raw</a>,
[data](data:text/html;base64,YWxlcnQoOCk=) and
[styled](https://docs.nats.io){: onclick="alert(9)" style="color: red" }.
<img src="https://evil.test/pixel.png?alert(10)">

Kept: **bold**, `code` and [the NATS docs](https://docs.nats.io/).
"""
COMMENT_MAIN = """\
# See [this](javascript:alert(11)) and \\[that\\](javascript:alert(12)),
# [a data one](data:text/html,alert(13)) or [the docs](https://docs.nats.io).
print("hello")
"""
# No full stop anywhere: the whole paragraph is its "first sentence".
LONG = "an endless description " * 500


URL_ATTRIBUTES = {"href", "src", "srcdoc", "action", "formaction", "data", "poster",
                  "xlink:href", "background"}


class Live(HTMLParser):
    """What a browser would run or load from a page: event handler
    attributes, iframes, and the payloads above in addresses or scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.script = tag == "script"
        if tag in ("iframe", "object", "embed"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style" and "red" in (value or ""):
                self.found.append(f"<{tag} {name}={value!r}>")
            address = (value or "").strip().lower()
            if name in URL_ATTRIBUTES and (
                    "alert(" in address or address.startswith(("javascript:", "data:"))):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        self.script = False

    def handle_data(self, data: str) -> None:
        if self.script and "alert(" in data:
            self.found.append(f"<script>{data.strip()[:60]}")


def live(page: str) -> list[str]:
    parser = Live()
    parser.feed(page)
    return parser.found


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    root = tmp / "examples"
    (root / "evil" / "ex" / "python").mkdir(parents=True)
    (root / "evil" / "long" / "python").mkdir(parents=True)
    (root / "meta.yaml").write_text("categories: [evil]\n")
    (root / "evil" / "meta.yaml").write_text(yaml.safe_dump(
        {"title": CATEGORY_TITLE, "description": DESCRIPTION, "examples": ["ex", "long"]}))
    (root / "evil/ex/meta.yaml").write_text(yaml.safe_dump(
        {"title": TITLE, "description": DESCRIPTION}))
    (root / "evil/ex/python/main.py").write_text(COMMENT_MAIN)
    (root / "evil/long/meta.yaml").write_text(yaml.safe_dump(
        {"title": "Long", "description": LONG}))
    (root / "evil/long/python/main.py").write_text(sitetree.PY_MAIN)
    tree, problems = loader.load(root)
    assert problems == []
    for example, impl in tree.implementations():
        sitetree.fake_recording(example, impl, "hello\n")
    result = build_site(tmp, root)
    assert result.returncode == 0, result.stderr
    return tmp / "site"


def pages(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): p.read_text() for p in site.rglob("*.html")}


def test_nothing_from_the_tree_is_live_markup_on_any_page(site: Path) -> None:
    found = {name: live(page) for name, page in pages(site).items()}
    assert {name: f for name, f in found.items() if f} == {}
    for name, page in pages(site).items():
        assert "<img src=x" not in page, name


def test_titles_are_text_in_nav_heading_header_and_window_title(site: Path) -> None:
    page = (site / "evil/ex/index.html").read_text()
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert h1 and text_of(h1.group(1)).replace("¶", "").strip() == TITLE
    window = re.search(r"<title>(.*?)</title>", page, re.S)
    assert window and html.unescape(window.group(1)) == f"{TITLE} - NATS by Example, recorded"
    header = page[page.index('data-md-component="header-topic"'):]
    assert TITLE in text_of(header[:header.index("</div>")])
    nav = page[page.index('<nav class="md-nav md-nav--primary"'):
               page.index("md-sidebar--secondary")]
    assert TITLE in text_of(nav) and CATEGORY_TITLE in text_of(nav)
    category = (site / "evil/index.html").read_text()
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", category, re.S)
    assert h1 and text_of(h1.group(1)).replace("¶", "").strip() == CATEGORY_TITLE
    assert TITLE in text_of(category)  # its card


def test_titles_are_text_on_the_home_page_cards_and_matrix(site: Path) -> None:
    home = (site / "index.html").read_text()
    text = text_of(home)
    assert CATEGORY_TITLE in text
    cards = home[home.index('class="grid cards nbe-cards"'):]
    assert TITLE in text_of(cards[:cards.index("</div>")])
    table = home[home.index("<table"):home.index("</table>")]
    assert f"{CATEGORY_TITLE}: {TITLE}" in text_of(table)
    assert table.count("<tr>") == 3  # the header and one row per example: no cell split


def test_titles_are_text_in_the_search_index(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text())
    titles = [d["title"] for d in index["docs"]]
    assert html.escape(TITLE, quote=False) in titles
    assert not [d for d in index["docs"] if "<img" in d["title"] + d["text"]]


def test_descriptions_are_sanitised_markdown(site: Path) -> None:
    for name in ("evil/ex/index.html", "evil/index.html"):
        page = (site / name).read_text()
        body = page[page.index("<article"):page.index("</article>")]
        assert "<strong>bold</strong>" in body and "<code>code</code>" in body
        assert re.search(r'<a [^>]*href="https://docs\.nats\.io/"[^>]*>the NATS docs</a>', body)
        assert "hover me" in text_of(body) and "a script link" in text_of(body)


def test_a_comment_link_to_javascript_is_not_live(site: Path) -> None:
    page = (site / "evil/ex/index.html").read_text()
    prose = page[page.index('class="nbe-prose"'):]
    prose = prose[:prose.index("</div>")]
    assert "this" in text_of(prose) and "[that](javascript:alert(12))" in text_of(prose)
    assert re.search(r'<a [^>]*href="https://docs\.nats\.io"[^>]*>the docs</a>', prose)
    assert live(prose) == []


def test_a_long_description_stays_off_the_home_page(site: Path) -> None:
    home = (site / "index.html").read_text()
    assert len(home) < 80_000
    cards = home[home.index('class="grid cards nbe-cards"'):]
    card = re.search(r"<hr\s*/?>\s*<p>(an endless description[^<]*)</p>", cards)
    assert card, cards[:3000]
    assert len(card.group(1)) <= catalogue.SUMMARY_LIMIT + 1
    assert card.group(1).endswith("…")
    # The example's own page still has all of it.
    assert LONG.strip() in text_of((site / "evil/long/index.html").read_text())


def test_a_five_megabyte_description_gives_one_short_sentence() -> None:
    summary = catalogue.summary("no full stop here " * 300_000)
    assert len(summary) <= catalogue.SUMMARY_LIMIT + 1 and summary.endswith("…")
    assert catalogue.summary("First one. Second one.") == "First one."
