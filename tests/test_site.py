"""A real `mkdocs build --strict` of the site."""

from __future__ import annotations

import html
import re
from pathlib import Path

from conftest import ROOT

PAGE = "messaging/request-reply/index.html"


def text_of(page: str) -> str:
    """The page's text as a reader sees it: tags gone, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_example_page_has_sections_output_and_player(built_site: Path) -> None:
    page = (built_site / PAGE).read_text()
    assert "<h1" in page and "Request-Reply" in page
    # Prose (from the comments) beside the code it describes.
    sections = re.findall(r'<div class="nbe-section">(.*?)</div>\s*</div>', page, re.S)
    assert len(sections) >= 5
    assert any("A service is nothing more than a subscription" in s and "greet" in s
               for s in sections)
    # The command to run it, with links to the output and the recording.
    assert "$ nbe run messaging/request-reply/python" in text_of(page)
    assert 'href="#output-python"' in page and 'id="output-python"' in page
    assert 'href="#recording-python"' in page and 'id="recording-python"' in page
    # The output block, exactly what the program printed.
    output = (ROOT / "examples/messaging/request-reply/python/output.txt").read_text()
    for line in output.splitlines():
        assert line in text_of(page)
    # The player: at half speed, said so, with the cast served by the site.
    player = re.search(r'<div class="nbe-player"[^>]*>', page)
    assert player and 'data-speed="0.5"' in player.group()
    cast_url = re.search(r'data-cast="([^"]+)"', player.group())
    assert cast_url and (built_site / "messaging/request-reply" / cast_url.group(1)).is_file()
    assert "Played at half speed; pauses longer than 1 s are shortened." in page


def test_assets_are_local_and_nothing_loads_from_outside(built_site: Path) -> None:
    page = (built_site / PAGE).read_text()
    for asset in ("nbe.js", "nbe.css"):
        assert f"assets/nbe/{asset}" in page
    # The player's files are served by the site; nbe.js loads them when a
    # recording comes into view.
    for asset in ("asciinema-player.min.js", "asciinema-player.css"):
        assert (built_site / "assets/nbe" / asset).stat().st_size > 0
        assert asset in (built_site / "assets/nbe/nbe.js").read_text()
    # Links to documentation are fine; nothing may be *loaded* from outside.
    loads = re.findall(r'<(?:script|link|img|iframe)\b[^>]*(?:src|href)="([^"]+)"', page)
    assert loads
    assert [url for url in loads if re.match(r"(https?:)?//", url)] == []
    assert "fonts.googleapis" not in page and "fonts.gstatic" not in page

