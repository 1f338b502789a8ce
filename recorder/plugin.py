"""The MkDocs plugin: a thin shell over loader, literate and render.

It adds a generated page per category and per example, copies the casts
and the asciinema player into the site, swaps each implementation's
placeholder for its HTML, and has `mkdocs serve` watch the examples.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from . import cast as castmod
from . import catalogue, fingerprint, literate, loader, render
from .errors import RecorderError
from .model import Example, Implementation, Tree
from .outputs import State

log = logging.getLogger("mkdocs.plugins.nbe")

ASSETS = Path(__file__).parent / "assets"
PLAYER_FILES = ("asciinema-player.min.js", "asciinema-player.css")


class NbeConfig(base.Config):
    examples_dir = c.Type(str, default="examples")
    """The examples tree, relative to mkdocs.yml."""
    player_dir = c.Type(str, default="node_modules/asciinema-player/dist/bundle")
    """Where `npm ci` put the asciinema player's bundle, relative to mkdocs.yml."""
    speed = c.Type(float, default=0.5)
    """Playback speed of the recordings."""
    idle_time_limit = c.Type(float, default=1.0)
    """Pauses longer than this many seconds are shortened to it in playback."""
    allow_stale = c.Type(bool, default=False)
    """Draft mode: stale, failed or missing recordings are warned about on the
    page but do not fail `mkdocs build --strict`."""
    source_branch = c.Type(str, default="main")
    """The branch that source links point at, when `repo_url` is set."""
    nav = c.Type(bool, default=True)
    """Build the navigation from the examples tree when mkdocs.yml has no nav."""


class NbePlugin(BasePlugin[NbeConfig]):
    def __init__(self) -> None:
        self.repo_url: str | None = None
        self.tree: Tree | None = None
        self.impls: dict[str, tuple[Example, Implementation]] = {}
        self.descriptions: dict[str, str] = {}  # page source path -> its description
        self.inline = render.Inline(self._prose_html)
        self.code = render.CodeBlocks()
        self.md: markdown.Markdown | None = None
        self.prose_md: markdown.Markdown | None = None

    # -- configuration ---------------------------------------------------

    def _root(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").parent.resolve()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.repo_url = config.repo_url
        base_dir = self._root(config)
        player = base_dir / self.config.player_dir
        for name in PLAYER_FILES:
            if not (player / name).is_file():
                raise PluginError(f"nbe: the asciinema player is not installed ({player / name} "
                                  "is missing); run 'npm ci' next to package.json")
        # The player's own files are loaded by nbe.js when a recording first
        # comes into view: pages without a visible recording never fetch them.
        config.extra_css.append("assets/nbe/nbe.css")
        config.extra_javascript.append("assets/nbe/nbe.js")
        self.md = markdown.Markdown(extensions=config.markdown_extensions,
                                    extension_configs=config.mdx_configs)
        # Comments are Markdown, but never raw HTML: a comment cannot add markup.
        self.prose_md = markdown.Markdown(
            extensions=[e for e in config.markdown_extensions if e != "md_in_html"],
            extension_configs=config.mdx_configs)
        self.prose_md.preprocessors.deregister("html_block")
        self.prose_md.inlinePatterns.deregister("html")
        self._load(config)
        if self.config.nav and config.nav is None and self.tree is not None:
            docs = Path(config.docs_dir)
            before = [{"Home": "index.md"}] if (docs / "index.md").is_file() else []
            after = [p for p in ("run.md", "contributing.md") if (docs / p).is_file()]
            config.nav = catalogue.nav(self.tree, before, after)
        return config

    def _load(self, config: MkDocsConfig) -> None:
        examples_dir = self._root(config) / self.config.examples_dir
        try:
            tree, problems = loader.load(examples_dir)
        except RecorderError as err:
            raise PluginError(f"nbe: {err}") from None
        for problem in problems:
            log.warning("%s", problem)
        self.tree = tree
        self.impls = {impl.id: (ex, impl) for ex, impl in tree.implementations()}

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(str(self._root(config) / self.config.examples_dir))
        return server

    # -- files -------------------------------------------------------------

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        tree = self.tree
        assert tree is not None
        player_dir = self._root(config) / self.config.player_dir
        for name in PLAYER_FILES:
            files.append(File.generated(config, f"assets/nbe/{name}",
                                        abs_src_path=str(player_dir / name)))
        for asset in ("nbe.css", "nbe.js"):
            files.append(File.generated(config, f"assets/nbe/{asset}",
                                        abs_src_path=str(ASSETS / asset)))
        for category in tree.categories:
            files.append(File.generated(config, f"{category.name}/index.md",
                                        content=catalogue.category_page(category,
                                                                        self.inline)))
            self.descriptions[f"{category.name}/index.md"] = category.description
            for example in category.examples:
                page = render.example_page(example, category, self.inline)
                files.append(File.generated(config, f"{example.id}/index.md", content=page))
                self.descriptions[f"{example.id}/index.md"] = example.description
                for impl in example.implementations:
                    if impl.cast_path.is_file():
                        files.append(File.generated(config, self._cast_uri(impl),
                                                    abs_src_path=str(impl.cast_path)))
                    files.append(File.generated(config, self._source_uri(impl),
                                                abs_src_path=str(impl.entry)))
        return files

    def on_page_markdown(self, markdown_text: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        if catalogue.MARKER in markdown_text and self.tree is not None:
            return markdown_text.replace(catalogue.MARKER,
                                         catalogue.home(self.tree, self.inline))
        return markdown_text

    @staticmethod
    def _cast_uri(impl: Implementation) -> str:
        return f"{impl.category}/{impl.example}/{impl.language.folder}.cast"

    @staticmethod
    def _source_uri(impl: Implementation) -> str:
        """A copy of the entry file in the site, so the source can be read
        and downloaded offline."""
        return f"{impl.category}/{impl.example}/{impl.language.folder}/{impl.language.entry}"

    # -- pages -------------------------------------------------------------

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        description = self.descriptions.get(page.file.src_uri, "")
        done = render.replace_placeholders(
            self.inline.replace(html), lambda impl_id: self._implementation(impl_id, page),
            self._description(description) if description.strip() else None)
        # Descriptions, comments and reasons are rendered after MkDocs has
        # resolved the page's links, so their links to other pages
        # (`../json/index.md`) are resolved here, the same way.
        return render.resolve_links(done, page.file.src_uri, self._page_url(files, page),
                                    lambda uri: log.warning("nbe: %s links to %s, which is not "
                                                            "a page of the site", page.file.src_uri,
                                                            uri))

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        return self.code.fill(output)

    def _implementation(self, impl_id: str, page: Page) -> str:
        example, impl = self.impls[impl_id]
        view = self._view(example, impl, page)
        if view.state is not State.FRESH:
            message = (f"nbe: the recording of {impl.id} {view.state.phrase}"
                       f"{' (' + view.detail + ')' if view.detail else ''}; "
                       f"run 'nbe record {impl.id}'")
            (log.info if self.config.allow_stale else log.warning)(message)
        try:
            sections = literate.parse(impl.entry.read_text(encoding="utf-8"), impl.language)
        except (OSError, UnicodeDecodeError) as err:
            raise PluginError(f"nbe: {impl.entry}: cannot be read as UTF-8 text ({err})") from None
        body = render.implementation_html(impl, sections, view, self.config,
                                          self._source_links(impl, page), self._prose,
                                          self.code, self._configs(example))
        lang = impl.language.folder
        return f'<div class="nbe-implementation" data-language="{lang}">{body}</div>'

    @staticmethod
    def _configs(example: Example) -> list[tuple[str, str]]:
        """The server config an example runs with, shown on its page."""
        path = example.config_path
        if path is None:
            return []
        try:
            return [(example.topology.config or path.name, path.read_text(encoding="utf-8"))]
        except (OSError, UnicodeDecodeError) as err:
            raise PluginError(f"nbe: {path}: cannot be read as UTF-8 text ({err})") from None

    def _prose(self, text: str) -> str:
        return render.sanitise(self._prose_html(text))

    def _prose_html(self, text: str) -> str:
        """Markdown whose raw HTML is text, not yet sanitised."""
        assert self.prose_md is not None
        self.prose_md.reset()
        return str(self.prose_md.convert(text))

    def _description(self, text: str) -> str:
        """A description: Markdown (raw HTML allowed), then sanitised."""
        assert self.md is not None
        self.md.reset()
        return render.sanitise(str(self.md.convert(text)))

    def _view(self, example: Example, impl: Implementation, page: Page) -> render.RecordingView:
        try:
            state = fingerprint.status(example, impl)
        except RecorderError as err:
            raise PluginError(f"nbe: {err}") from None
        output = cast_url = None
        duration, cols, rows = 0.0, 80, 24
        if impl.text_path.is_file():
            output = castmod.strip_ansi(impl.text_path.read_text(encoding="utf-8",
                                                                 errors="replace"))
        recorded = None
        if impl.cast_path.is_file():
            try:
                recorded = castmod.read(impl.cast_path)
            except RecorderError as err:
                # A corrupt cast is one clear message; the page builds without it.
                state = fingerprint.Status(State.MISSING, str(err), state.record)
        if recorded is not None:
            duration, cols = recorded.duration, recorded.width
            rows = max(6, min(recorded.height, recorded.lines_used() + 1))
            cast_url = posixpath.relpath(self._cast_uri(impl), self._page_dir(page))
        record = state.record
        return render.RecordingView(
            state=state.state, detail=state.detail, cast_url=cast_url, output=output,
            duration=duration, cols=cols, rows=rows,
            versions=dict(record.versions) if record else {},
            recorded_at=record.recorded_at if record else "",
            run_time=record.duration if record else 0.0)

    def _source_links(self, impl: Implementation, page: Page) -> list[tuple[str, str]]:
        """(label, url): the entry file in the repository when repo_url is
        set, and always its copy in the site."""
        links = []
        repo = self.repo_url
        if repo and self.tree is not None:
            rel = impl.entry.relative_to(self.tree.root.parent).as_posix()
            links.append((f"{impl.language.entry} in the repository",
                          f"{repo.rstrip('/')}/blob/{self.config.source_branch}/{rel}"))
        local = posixpath.relpath(self._source_uri(impl), self._page_dir(page))
        links.append((f"Download {impl.language.entry}", local))
        return links

    @staticmethod
    def _page_url(files: Files, page: Page) -> Callable[[str], str | None]:
        """uri of a source file -> its URL relative to page, or None."""
        def url(uri: str) -> str | None:
            target = files.get_file_from_path(uri)
            return target.url_relative_to(page.file) if target is not None else None
        return url

    @staticmethod
    def _page_dir(page: Page) -> str:
        url = page.file.url
        return (url.rstrip("/") if url.endswith("/") else posixpath.dirname(url)) or "."
