"""Site benchmarks: page weight and build time, side by side in one run.

    .venv/bin/python bench/site_speed.py [--rounds N]

Prints:
- the weight of an example page (HTML + CSS + JS it loads + its casts,
  uncompressed), from a real build of the repository's site;
- the time of `mkdocs build` of the site, against a plain mkdocs-material
  build of as many hand-written pages of similar size (alternated, best of
  N each).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
PAGE = "messaging/request-reply/index.html"


def build(config: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "mkdocs"), "build", "-q", "-f", str(config)], check=True,
                   env=ENV, cwd=config.parent)
    return time.perf_counter() - start


def page_weight(site: Path, page: str) -> dict[str, int]:
    html = (site / page).read_text()
    base = (site / page).parent
    weights = {"html": len(html.encode())}
    for kind, pattern in (("css", r'<link[^>]+href="([^"]+\.css)"'),
                          ("js", r'<script[^>]+src="([^"]+\.js)"')):
        weights[kind] = sum((base / url).resolve().stat().st_size
                            for url in re.findall(pattern, html) if "://" not in url)
    # Loaded by nbe.js when a recording comes into view.
    weights["player"] = sum(p.stat().st_size for p in (site / "assets/nbe").glob("asciinema-*"))
    weights["cast"] = sum((base / url).stat().st_size
                          for url in re.findall(r'data-cast="([^"]+)"', html))
    return weights


def plain_site(dest: Path, pages: int, words: int) -> Path:
    """A plain mkdocs-material site of hand-written pages of similar size:
    prose paragraphs and highlighted code blocks."""
    docs = dest / "docs"
    docs.mkdir(parents=True)
    paragraph = ("NATS delivers each message to the subscribers interested in its subject, "
                 "and JetStream keeps it for those who come later. ")
    code = "```python\nasync def handler(msg):\n    await msg.respond(b'ok')\n```\n"
    for i in range(pages):
        body = [f"# Page {i}\n"]
        while sum(len(b.split()) for b in body) < words:
            body += [paragraph * 3 + "\n", code]
        (docs / f"page-{i:03d}.md").write_text("\n".join(body))
    config = dest / "mkdocs.yml"
    config.write_text("site_name: plain\ntheme:\n  name: material\n  font: false\n"
                      "  features: [content.code.copy, content.tabs.link]\n"
                      "plugins: [search]\nmarkdown_extensions: [admonition, attr_list, "
                      "md_in_html, pymdownx.highlight, pymdownx.superfences, tables]\n")
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ours = ROOT / "mkdocs.yml"
        site_dir = Path(tmp) / "ours"
        config = Path(tmp) / "ours.yml"
        config.write_text(ours.read_text().replace("docs_dir: docs", f"docs_dir: {ROOT / 'docs'}")
                          .replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
                          .replace("site_dir: site", f"site_dir: {site_dir}")
                          .replace("examples_dir: examples",
                                   f"examples_dir: {ROOT / 'examples'}\n      player_dir: "
                                   f"{ROOT / 'node_modules/asciinema-player/dist/bundle'}"))
        build(config)
        html_pages = list(site_dir.rglob("index.html"))
        weights = page_weight(site_dir, PAGE)
        text = re.sub(r"<[^>]+>", " ", (site_dir / PAGE).read_text())
        words = len(text.split())
        total = sum(weights.values())
        first = weights["html"] + weights["css"] + weights["js"]
        print(f"page weight of {PAGE}: {total / 1024:.0f} KiB uncompressed in all, "
              f"{first / 1024:.0f} KiB before a recording is scrolled into view ("
              + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in weights.items()) + ")")
        plain = plain_site(Path(tmp) / "plain", len(html_pages), words)
        times: dict[str, list[float]] = {"ours": [], "plain": []}
        for _ in range(args.rounds):
            times["ours"].append(build(config))
            times["plain"].append(build(plain))
        o, p = min(times["ours"]), min(times["plain"])
        print(f"build: our site ({len(html_pages)} pages) {o:.2f} s, plain mkdocs-material "
              f"({len(html_pages)} hand-written pages of ~{words} words) {p:.2f} s, "
              f"ratio {o / p:.2f}x (best of {args.rounds}, alternated)")


if __name__ == "__main__":
    main()
