"""Markdown and HTML for the example pages. Pure: model in, text out.

A page is Markdown (title, description, one content tab per language) in
which each tab holds a placeholder paragraph; the plugin swaps it for the
implementation's HTML after Markdown has run, so the program's text never
passes through Markdown where it is not meant to.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import markdown
import nh3
import yaml

from . import languages
from .model import Category, Example, Implementation, Section
from .outputs import State

PLACEHOLDER = "NBE-IMPLEMENTATION-{id}"
_PLACEHOLDER_HTML = re.compile(r"<p>NBE-IMPLEMENTATION-([\w./-]+)</p>")
# Where the description goes: it is rendered and sanitised on its own, and
# never passes through the page's Markdown (which allows raw HTML).
DESCRIPTION = "NBE-DESCRIPTION"
_DESCRIPTION_HTML = f"<p>{DESCRIPTION}</p>"

# Text from the tree is untrusted. What Markdown may produce from it is cut
# down to this allow-list: no scripts, iframes, images (the site loads
# nothing from outside), forms, styles or event handlers, and links only to
# http(s), mailto or a relative address.
_HEADINGS = {f"h{n}" for n in range(1, 7)}
_CLEANER = nh3.Cleaner(
    tags={"a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl",
          "dt", "em", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
          "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
          "tfoot", "th", "thead", "tr", "ul", *_HEADINGS},
    clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript",
                        "template", "textarea", "select"},
    attributes={"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"},
                "code": {"class"}, "span": {"class"}, "div": {"class"}, "pre": {"class"},
                "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"},
                **{h: {"id"} for h in _HEADINGS}},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer",
)
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


def sanitise(fragment: str) -> str:
    """HTML that Markdown made from text in the tree, cleaned by nh3
    (ammonia) to the allow-list above."""
    return _CLEANER.clean(fragment)


def plain_text(markdown_text: str) -> str:
    """What a piece of Markdown reads as, without any markup."""
    return html.unescape(nh3.clean(markdown.markdown(markdown_text), tags=set()))


def text_html(text: str) -> str:
    """A title as HTML text: on one line, escaped for element content (the
    theme escapes it again where it puts it in an attribute)."""
    return html.escape(" ".join(text.split()), quote=False)


def text_markdown(text: str) -> str:
    """A title as Markdown source that means exactly its text: every ASCII
    punctuation character becomes a character reference, so none of it is
    Markdown syntax (emphasis, links, table cells, attribute lists) or HTML."""
    return _PUNCTUATION.sub(lambda m: f"&#{ord(m.group())};", " ".join(text.split()))


def front_matter(title: str, hide: Sequence[str] = ()) -> list[str]:
    """The page's title for the theme (window title, header, search), as
    escaped HTML: the theme writes it into the page unescaped."""
    meta: dict[str, object] = {"title": text_html(title)}
    if hide:
        meta["hide"] = list(hide)
    data = yaml.safe_dump(meta, allow_unicode=True, width=1 << 20, sort_keys=False)
    return ["---", *data.splitlines(), "---", ""]


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


def slug(impl: Implementation) -> str:
    return impl.language.folder


def example_page(example: Example, category: Category,
                 inline: Callable[[str], str] = lambda text: html.escape(text)) -> str:
    """The Markdown of an example page, with one placeholder per language;
    inline renders the tree's short Markdown (why a language is missing)."""
    lines = [*front_matter(example.title, ["toc"]), f"# {text_markdown(example.title)}", ""]
    lines.append(f'<p class="nbe-category">{text_html(category.title)}</p>\n')
    if example.description.strip():
        lines += [DESCRIPTION, ""]
    if example.aliases:
        lines += ['<p class="nbe-aliases">Also known as: '
                  + html.escape(", ".join(example.aliases)) + "</p>", ""]
    if example.steps:
        lines += [steps_note(example), ""]
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
    reasons = [(languages.BY_FOLDER[folder].label, reason)
               for folder, reason in example.not_available
               if languages.BY_FOLDER[folder].label not in labels]
    if reasons:
        lines += ['<ul class="nbe-missing-why">']
        lines += [f"<li><strong>{html.escape(label)}</strong>: {inline(reason)}</li>"
                  for label, reason in reasons]
        lines += ["</ul>", ""]
    return "\n".join(lines)


_DOING = {"stop": "stops {}", "start": "starts {}", "restart": "restarts {}",
          "lame-duck": "puts {} into lame-duck mode"}


def steps_note(example: Example) -> str:
    """What the recorder does to the servers during the run (meta.yaml's
    steps), so a reader knows what made the output, and can do it by hand."""
    from .topology import cluster_names

    clusters = cluster_names(example.topology)
    items = []
    for step in example.steps:
        name = f"<code>{html.escape(step.server or '')}</code>"
        target = ("every server" if not step.server
                  else f"the servers of cluster {name}" if step.server in clusters
                  else f"server {name}")
        items.append(f"<li>when the program prints a line matching "
                     f"<code>{html.escape(step.when)}</code>, the recorder "
                     f"{_DOING[step.do].format(target)};</li>")
    return ('<div class="admonition info nbe-steps">\n<p class="admonition-title">What happens '
            "to the servers during the run</p>\n<ul>\n" + "\n".join(items) + "\n</ul>\n"
            "<p>Against a server of your own, do the same by hand at that moment.</p>\n</div>")


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


def sections_html(sections: list[Section], lexer: str, prose_html: Callable[[str], str],
                  code_html: Callable[[str, str], str]) -> str:
    """Prose next to code. The prose arrives as HTML already (Markdown with
    raw HTML escaped, so a comment cannot inject markup); the code is
    code_html(code, lexer) (see CodeBlocks)."""
    parts = ['<div class="nbe-sections">']
    for section in sections:
        parts.append('<div class="nbe-section">')
        parts.append(f'<div class="nbe-prose">\n{prose_html(prose_markdown(section.prose))}'
                     "\n</div>")
        code = code_html(section.code, lexer) if section.code else ""
        parts.append(f'<div class="nbe-code">{code}</div>\n</div>')
    parts.append("</div>")
    return "\n".join(parts)


class CodeBlocks:
    """The programs' code, highlighted once with Pygments (as the site's
    highlighter would: same markup and classes). Until a page is finished,
    its code stands there as plain text, and the highlighted version takes
    its place only then: the search index, built in between, gets the same
    words from one text node per block instead of a tag per token (indexing
    those tags took most of the build's time)."""

    _SLOT = re.compile(r"<!-- nbe-code ([0-9a-f]{16}) -->.*?<!-- /nbe-code -->", re.S)

    def __init__(self) -> None:
        from pygments.formatters import HtmlFormatter

        self.blocks: dict[str, str] = {}
        self.formatter = HtmlFormatter(nowrap=True)
        self.lexers: dict[str, Any] = {}

    def _lexer(self, name: str) -> Any:
        if name not in self.lexers:
            from pygments.lexers import get_lexer_by_name
            from pygments.util import ClassNotFound

            try:
                self.lexers[name] = get_lexer_by_name(name)
            except ClassNotFound:
                self.lexers[name] = get_lexer_by_name("text")
        return self.lexers[name]

    def __call__(self, code: str, lexer: str) -> str:
        from pygments import highlight

        key = hashlib.sha256(f"{lexer}\0{code}".encode()).hexdigest()[:16]
        if key not in self.blocks:
            body = highlight(code, self._lexer(lexer), self.formatter)
            self.blocks[key] = ('<div class="highlight"><pre><span></span><code>'
                                f"{body}</code></pre></div>")
        plain = f"<pre><code>{html.escape(code, quote=False)}\n</code></pre>"
        return f"<!-- nbe-code {key} -->{plain}<!-- /nbe-code -->"

    def fill(self, page_html: str) -> str:
        return self._SLOT.sub(lambda m: self.blocks.get(m.group(1), ""), page_html)


def implementation_html(impl: Implementation, sections: list[Section], view: RecordingView,
                        playback: Any, sources: list[tuple[str, str]],
                        prose_html: Callable[[str], str], code_html: Callable[[str, str], str],
                        configs: Sequence[tuple[str, str]] = ()) -> str:
    """Everything in one language tab, as HTML. Nothing here goes through
    Markdown: the prose arrives rendered and sanitised, every text from the
    tree is escaped, and every block of code, console or output is
    code_html(text, lexer)."""
    key = slug(impl)
    links = [("Jump to the output", f"#output-{key}"),
             ("Jump to the recording", f"#recording-{key}"), *sources]
    out = ['<div class="nbe-run">', code_html(f"$ nbe run {impl.id}", "console"),
           "<p>" + " · ".join(f'<a href="{html.escape(url)}">{html.escape(label)}</a>'
                             for label, url in links) + "</p>", "</div>"]
    if view.state is not State.FRESH:
        out.append(warning(impl, view))
    for name, text in configs:
        out += [f'<details class="note nbe-config" open><summary>The server configuration: '
                f"{html.escape(name)}</summary>", code_html(text.rstrip("\n"), "text"),
                '<p class="nbe-note">The recorder fills in the <code>{{...}}</code> '
                "placeholders, and makes the server listen on 127.0.0.1 on ports it "
                "chooses.</p></details>"]
    out.append(sections_html(sections, impl.language.lexer, prose_html, code_html))
    out.append(f'<h3 id="output-{key}">Output</h3>')
    if view.output is not None:
        out.append(code_html(view.output.rstrip("\n") or "(no output)", "text"))
    else:
        out.append('<p class="nbe-none">Not recorded yet.</p>')
    out += [f'<h3 id="recording-{key}">Recording</h3>',
            player(view, playback.speed, playback.idle_time_limit)]
    return "\n".join(out)


def warning(impl: Implementation, view: RecordingView) -> str:
    what = view.state.phrase
    detail = f" ({html.escape(view.detail)})" if view.detail else ""
    return (f'<div class="admonition warning nbe-warning">\n'
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


class Inline:
    """Short Markdown from the tree (a card's sentence) rendered on its own
    and sanitised; the page's Markdown holds a placeholder for it."""

    _TOKEN = re.compile(r"NBE-INLINE-([0-9a-f]{16})")

    def __init__(self, to_html: Callable[[str], str]) -> None:
        self.to_html = to_html
        self.fragments: dict[str, str] = {}

    def __call__(self, markdown_text: str) -> str:
        key = hashlib.sha256(markdown_text.encode()).hexdigest()[:16]
        if key not in self.fragments:
            fragment = sanitise(self.to_html(markdown_text)).strip()
            if fragment.startswith("<p>") and fragment.endswith("</p>"):
                fragment = fragment[3:-4]
            self.fragments[key] = fragment
        return f"NBE-INLINE-{key}"

    def replace(self, page_html: str) -> str:
        return self._TOKEN.sub(lambda m: self.fragments.get(m.group(1), ""), page_html)


def replace_placeholders(page_html: str, render: Callable[[str], str],
                         description: str | None = None) -> str:
    """Swap each placeholder paragraph for render(implementation id), and
    the description's for its (sanitised) HTML."""
    if description is not None:
        page_html = page_html.replace(_DESCRIPTION_HTML,
                                      f'<div class="nbe-description">{description}</div>', 1)
    return _PLACEHOLDER_HTML.sub(lambda m: render(m.group(1)), page_html)


_MD_LINK = re.compile(r'href="(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"#?]+\.md)(#[^"]*)?"')


def resolve_links(page_html: str, page_uri: str, url_of: Callable[[str], str | None],
                  missing: Callable[[str], None]) -> str:
    """Relative links to Markdown files (`../json/index.md#x`) in HTML made
    outside MkDocs' own pass, pointed at the pages' URLs as MkDocs would;
    a link to no page is reported through missing and left as it was."""
    def swap(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page_uri),
                                                   html.unescape(match.group(1))))
        url = url_of(target)
        if url is None:
            missing(target)
            return match.group(0)
        return f'href="{html.escape(url)}{match.group(2) or ""}"'
    return _MD_LINK.sub(swap, page_html)
