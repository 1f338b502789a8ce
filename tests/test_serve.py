"""`mkdocs serve` watches examples/: an edit re-renders the page."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from pathlib import Path

from recorder import procs

import sitetree
from conftest import BIN, build_site


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return str(resp.read().decode())
    except OSError:
        return ""


def _wait_for(url: str, text: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        page = _get(url)
        if text in page:
            return page
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear at {url} within {seconds} s:\n{page[-2000:]}")


def test_editing_an_example_re_renders_its_page(tmp_path: Path) -> None:
    root = sitetree.build(tmp_path / "examples")
    assert build_site(tmp_path, root).returncode == 0  # writes tmp_path/mkdocs.yml
    port = procs.free_port()
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}",
         "-f", str(tmp_path / "mkdocs.yml")], cwd=tmp_path,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/second-cat/zebra/"
        _wait_for(url, "Python prints a greeting.", 60)
        main = root / "second-cat/zebra/python/main.py"
        main.write_text(main.read_text().replace("prints a greeting", "prints a warm greeting"))
        page = _wait_for(url, "Python prints a warm greeting.", 20)
        # The edit made the recording stale, and the preview says so.
        assert "The recording is stale" in page
        meta = root / "second-cat/zebra/meta.yaml"
        meta.write_text(meta.read_text().replace("title: Zebra", "title: Striped Zebra"))
        _wait_for(url, "Striped Zebra", 20)
    finally:
        server.terminate()
        server.wait(timeout=10)
