"""The built site in a real chromium, served on 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from browser import CHROMIUM, Watch, browser, serve
from conftest import ARTIFACTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                       reason="Debian's chromium is not installed (.ci/run installs it)"),
]


def test_player_plays_to_the_end_and_nothing_leaves_the_site(built_site: Path) -> None:
    with serve(built_site) as origin, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1400, "height": 900})
        watch = Watch(origin)
        watch.attach(page)
        page.goto(f"{origin}/messaging/request-reply/")
        assert page.locator("h1").inner_text().startswith("Request-Reply")
        player = page.locator(".nbe-player").first
        player.scroll_into_view_if_needed()
        page.wait_for_function("window.nbePlayers && window.nbePlayers.length > 0")
        page.evaluate("""() => {
            window.nbeEnded = false;
            const p = window.nbePlayers[0].player;
            p.addEventListener('ended', () => { window.nbeEnded = true; });
            p.play();
        }""")
        page.wait_for_function("window.nbeEnded === true", timeout=30_000)
        # The terminal shows the end of the run: the greetings and the error.
        terminal = player.inner_text()
        assert "hello, bob" in terminal and "no responders" in terminal.lower()
        ARTIFACTS.mkdir(exist_ok=True)
        player.screenshot(path=str(ARTIFACTS / "player-ended.png"))
        assert watch.outside == []
        assert watch.errors == []
