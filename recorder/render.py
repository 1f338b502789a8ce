"""Markdown and HTML for the example pages. Pure: model in, text out.

A page is Markdown (title, description, one content tab per language) in
which each tab holds a placeholder paragraph; the plugin swaps it for the
implementation's HTML after Markdown has run, so the program's text never
passes through Markdown where it is not meant to.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from . import languages
from .model import Category, Example, Implementation, Section
from .outputs import State

PLACEHOLDER = "NBE-IMPLEMENTATION-{id}"
_PLACEHOLDER_HTML = re.compile(r"<p>NBE-IMPLEMENTATION-([\w./-]+)</p>")


@dataclass(frozen=True)
class RecordingView:
    """What the page shows of one recording."""

    state: State
    detail: str
    cast_url: str | None
    output: str | None
    duration: float
    cols: int
    rows: int
    versions: dict[str, str]
    recorded_at: str
    run_time: float = 0.0  # seconds the program ran, from output.json


def fence(text: str, lang: str = "") -> str:
    """A fenced block that no backtick run inside text can close."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{text}\n{ticks}"


def slug(impl: Implementation) -> str:
    return impl.language.folder


def example_page(example: Example, category: Category) -> str:
    """The Markdown of an example page, with one placeholder per language."""
    lines = ["---", "hide:", "  - toc", "---", "", f"# {example.title}", ""]
    lines.append(f'<p class="nbe-category">{html.escape(category.title)}</p>\n')
    if example.description:
        lines += [example.description.strip(), ""]
    if example.aliases:
        lines += ['<p class="nbe-aliases">Also known as: '
                  + html.escape(", ".join(example.aliases)) + "</p>", ""]
    present = [impl.language for impl in example.implementations]
    for impl in example.implementations:
        label = languages.tab_label(impl.language, present)
        lines += [f'=== "{label}"', "",
                  "    " + PLACEHOLDER.format(id=impl.id), ""]
    labels = {lang.label for lang in present}
    missing = list(dict.fromkeys(lang.label for lang in languages.LANGUAGES
                                 if lang.label not in labels))
    if missing:
        lines += ['<p class="nbe-missing">Not yet available in: '
                  + ", ".join(missing) + ".</p>", ""]
    return "\n".join(lines)


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def prose_markdown(prose: str) -> str:
    """Comment prose as Markdown, forgiving one habit of comments: a list
    that starts right under a sentence, with no blank line before it."""
    out: list[str] = []
    for line in prose.split("\n"):
        if (_LIST_ITEM.match(line) and out and out[-1].strip()
                and not _LIST_ITEM.match(out[-1]) and not out[-1].startswith(" ")):
            out.append("")
        out.append(line)
    return "\n".join(out)


def sections_markdown(sections: list[Section], lexer: str,
                      prose_html: Callable[[str], str]) -> str:
    """Prose next to code. The prose arrives as HTML already (Markdown with
    raw HTML escaped, so a comment cannot inject markup); the code is a
    fenced block for the site's highlighter."""
    parts = ['<div class="nbe-sections" markdown>']
    for section in sections:
        parts.append('<div class="nbe-section" markdown>')
        parts.append(f'<div class="nbe-prose">\n{prose_html(prose_markdown(section.prose))}'
                     "\n</div>")
        parts.append('<div class="nbe-code" markdown>\n')
        if section.code:
            parts.append(fence(section.code, lexer))
        parts.append("\n</div>\n</div>")
    parts.append("</div>")
    return "\n".join(parts)


def implementation_markdown(impl: Implementation, sections: list[Section],
                            view: RecordingView, playback: Any,
                            sources: list[tuple[str, str]],
                            prose_html: Callable[[str], str],
                            configs: Sequence[tuple[str, str]] = ()) -> str:
    """Everything in one language tab, as Markdown with HTML blocks."""
    key = slug(impl)
    out = ['<div class="nbe-run" markdown>\n', fence(f"$ nbe run {impl.id}", "console"), ""]
    links = [f"[Jump to the output](#output-{key})", f"[Jump to the recording](#recording-{key})"]
    links += [f"[{label}]({url})" for label, url in sources]
    out += [" · ".join(links), "\n</div>\n"]
    if view.state is not State.FRESH:
        out += [warning(impl, view), ""]
    for name, text in configs:
        out += [f'<details class="note nbe-config" open markdown>\n<summary>The server '
                f"configuration: {html.escape(name)}</summary>\n",
                fence(text.rstrip("\n"), "text"), "",
                '<p class="nbe-note">The recorder fills in the <code>{{...}}</code> '
                "placeholders, and makes the server listen on 127.0.0.1 on ports it "
                "chooses.</p>\n</details>", ""]
    out += [sections_markdown(sections, impl.language.lexer, prose_html), ""]
    out += [f'<h3 id="output-{key}">Output</h3>', ""]
    if view.output is not None:
        out += [fence(view.output.rstrip("\n") or "(no output)", "text"), ""]
    else:
        out += ['<p class="nbe-none">Not recorded yet.</p>', ""]
    out += [f'<h3 id="recording-{key}">Recording</h3>', ""]
    out += [player(view, playback.speed, playback.idle_time_limit), ""]
    return "\n".join(out)


def warning(impl: Implementation, view: RecordingView) -> str:
    what = view.state.phrase
    detail = f" ({html.escape(view.detail)})" if view.detail else ""
    return (f'<div class="admonition warning nbe-warning" markdown>\n'
            f'<p class="admonition-title">The recording {what}</p>\n\n'
            f'<p>The output and recording below do not match this program{detail}. '
            f'Regenerate them with <code>nbe record {html.escape(impl.id)}</code>.</p>\n</div>')


def player(view: RecordingView, speed: float, idle: float) -> str:
    if not view.cast_url:
        return '<p class="nbe-none">No recording yet.</p>'
    attrs = {
        "class": "nbe-player",
        "data-cast": view.cast_url,
        "data-speed": f"{speed:g}",
        "data-cols": str(view.cols),
        "data-rows": str(view.rows),
        "data-duration": f"{view.duration:.3f}",
        "data-idle": f"{idle:g}",
        "role": "region",
        "aria-label": "Terminal recording",
    }
    div = "<div " + " ".join(f'{k}="{html.escape(v)}"' for k, v in attrs.items()) + "></div>"
    note = (f"Played at {_speed_words(speed)}; pauses longer than {idle:g} s are shortened."
            + (f" The program ran for {view.run_time:.1f} s." if view.run_time else ""))
    versions = ", ".join(f"{name} {ver}" for name, ver in view.versions.items())
    when = view.recorded_at[:10]
    line = f"Recorded on {when} with {versions}." if when and versions else ""
    return (f'{div}\n<p class="nbe-note">{html.escape(note)}</p>\n'
            + (f'<p class="nbe-versions">{html.escape(line)}</p>' if line else ""))


def _speed_words(speed: float) -> str:
    return "half speed" if speed == 0.5 else f"{speed:g}× speed"


def replace_placeholders(page_html: str, render: Callable[[str], str]) -> str:
    """Swap each placeholder paragraph for render(implementation id)."""
    return _PLACEHOLDER_HTML.sub(lambda m: render(m.group(1)), page_html)
