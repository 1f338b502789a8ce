"""The site in a real chromium: tabs, the player, layout, dark mode, and
nothing loaded from outside. Saves screenshots under test-artifacts/."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recorder import cast

import sitetree
from browser import CHROMIUM, Watch, browser, serve
from conftest import ARTIFACTS, build_site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                       reason="Debian's chromium is not installed (.ci/run installs it)"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("browser")
    root = sitetree.build(tmp / "examples")
    result = build_site(tmp, root)
    assert result.returncode == 0, result.stderr
    with serve(tmp / "site") as origin:
        yield origin, root


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with browser() as instance:
        yield instance


def _page(chromium: Any, origin: str, width: int = 1400, dark: bool = False) -> tuple[Any, Watch]:
    context = chromium.new_context(viewport={"width": width, "height": 900},
                                   color_scheme="dark" if dark else "light")
    page = context.new_page()
    watch = Watch(origin)
    watch.attach(page)
    return page, watch


def test_tabs_switch_and_the_choice_sticks_on_the_next_page(
        site: tuple[str, Path], chromium: Any) -> None:
    origin, _ = site
    page, watch = _page(chromium, origin)
    page.goto(f"{origin}/second-cat/zebra/")
    java = page.locator('.nbe-implementation[data-language="java"]')
    assert not java.is_visible()
    page.get_by_text("Java", exact=True).first.click()
    assert java.is_visible()
    assert "lang=java" in page.url
    page.goto(f"{origin}/first-cat/greet/")
    assert page.locator('.nbe-implementation[data-language="java"]').is_visible()
    assert not page.locator('.nbe-implementation[data-language="python"]').is_visible()
    # Copying the run command copies the command without its "$ " prompt
    # (what Material's copy button reads while it copies).
    copied = page.evaluate("""() => {
        const code = document.querySelector(
            '.nbe-implementation[data-language="java"] .nbe-run code');
        code.setAttribute('data-md-copying', '');
        const text = code.innerText.trim();
        code.removeAttribute('data-md-copying');
        return text;
    }""")
    assert copied == "nbe run first-cat/greet/java"
    # A URL can point at a language.
    page.goto(f"{origin}/second-cat/zebra/?lang=python")
    assert page.locator('.nbe-implementation[data-language="python"]').is_visible()
    assert watch.outside == [] and watch.errors == []
    page.context.close()


def test_the_visible_player_plays_at_half_speed(site: tuple[str, Path], chromium: Any) -> None:
    origin, root = site
    page, watch = _page(chromium, origin)
    page.goto(f"{origin}/second-cat/zebra/?lang=python")
    player = page.locator('.nbe-implementation[data-language="python"] .nbe-player')
    player.scroll_into_view_if_needed()
    page.wait_for_function("window.nbePlayers && window.nbePlayers.length > 0")
    # Only the visible tab's player was created: the Java one stays unloaded.
    mounted = page.evaluate("window.nbePlayers.map(p => p.cast)")
    assert mounted == ["python.cast"]
    # The poster shows the final screen, final prompt included, before it plays.
    screen = [line.strip() for line in player.inner_text().splitlines() if line.strip()]
    assert "hello from python" in screen and screen[screen.index("hello from python") + 1] == "$"
    recorded = cast.read(root / "second-cat/zebra/python/output.cast")
    page.evaluate("""() => {
        window.nbeEnded = null;
        const p = window.nbePlayers[0].player;
        p.addEventListener('ended', () => { window.nbeEnded = performance.now(); });
        window.nbeStarted = performance.now();
        p.play();
    }""")
    page.wait_for_function("window.nbeEnded !== null", timeout=30_000)
    wall = page.evaluate("(window.nbeEnded - window.nbeStarted) / 1000")
    # Half speed: the run takes twice as long as the cast (a loose band, as
    # the browser's timers are coarse on a loaded machine).
    assert 1.6 * recorded.duration < wall < 4 * recorded.duration, (wall, recorded.duration)
    assert watch.outside == [] and watch.errors == []
    page.context.close()


def test_the_player_is_keyboard_operable(site: tuple[str, Path], chromium: Any) -> None:
    origin, _ = site
    page, _ = _page(chromium, origin)
    page.goto(f"{origin}/first-cat/greet/?lang=python")
    page.locator(".nbe-player").first.scroll_into_view_if_needed()
    page.wait_for_selector('.nbe-player .ap-wrapper[tabindex="0"]')
    page.evaluate("""() => {
        window.nbePlayed = false;
        window.nbePlayers[0].player.addEventListener('play', () => { window.nbePlayed = true; });
    }""")
    page.locator(".nbe-player .ap-wrapper").first.focus()
    page.keyboard.press("Space")
    page.wait_for_function("window.nbePlayed === true", timeout=10_000)
    page.context.close()


def _columns(page: Any) -> int:
    return int(page.evaluate("""() => getComputedStyle(document.querySelector(
        '.nbe-implementation:not([hidden]) .nbe-section')).gridTemplateColumns
        .split(' ').filter(Boolean).length"""))


def test_two_columns_wide_one_narrow_and_screenshots(site: tuple[str, Path],
                                                     chromium: Any) -> None:
    origin, _ = site
    ARTIFACTS.mkdir(exist_ok=True)
    for width, columns, name in ((1400, 2, "wide"), (400, 1, "narrow")):
        page, watch = _page(chromium, origin, width)
        page.goto(f"{origin}/second-cat/zebra/?lang=python")
        assert _columns(page) == columns
        page.screenshot(path=str(ARTIFACTS / f"example-{name}.png"), full_page=True)
        assert watch.outside == [] and watch.errors == []
        page.context.close()


def test_dark_mode_toggles(site: tuple[str, Path], chromium: Any) -> None:
    origin, _ = site
    page, watch = _page(chromium, origin)
    page.goto(f"{origin}/second-cat/zebra/")
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    assert page.evaluate(scheme) == "default"
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    page.wait_for_function(f"{scheme} === 'slate'")
    time.sleep(0.3)
    page.screenshot(path=str(ARTIFACTS / "example-dark.png"), full_page=True)
    assert watch.outside == [] and watch.errors == []
    page.context.close()


def test_the_player_is_fetched_only_when_a_recording_comes_into_view(
        site: tuple[str, Path], chromium: Any) -> None:
    origin, _ = site
    page, watch = _page(chromium, origin, width=1400)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{origin}/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if "asciinema-player" in url]
    page.goto(f"{origin}/second-cat/zebra/?lang=python")
    page.wait_for_load_state("networkidle")
    page.locator(".nbe-player").first.scroll_into_view_if_needed()
    page.wait_for_function("window.nbePlayers && window.nbePlayers.length === 1")
    page.wait_for_load_state("networkidle")
    assert [url for url in requested if url.endswith("asciinema-player.min.js")]
    # The Java tab is hidden: its recording is not fetched until it is shown.
    assert not [url for url in requested if url.endswith("java.cast")]
    page.get_by_text("Java", exact=True).first.click()
    java_player = page.locator('.nbe-implementation[data-language="java"] .nbe-player')
    java_player.scroll_into_view_if_needed()
    page.wait_for_function("window.nbePlayers.length === 2")
    assert [url for url in requested if url.endswith("java.cast")]
    assert watch.outside == [] and watch.errors == []
    page.context.close()
