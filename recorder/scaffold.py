"""`nbe new`: the folders and files of a new example, from a commented
template. Never overwrites a file; lists the new example and category in
their meta.yaml so they appear in the navigation."""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

from . import languages, loader, meta
from .errors import RecorderError

META = """\
title: {title}
description: |-
  What this example shows, in Markdown: the idea, when a reader would use it,
  and a link to the concept in the [NATS documentation][docs].

  [docs]: https://docs.nats.io/
# Words a reader might search for to find this page.
aliases: []
# The servers it needs: single (default), cluster, leafnode, supercluster,
# or {{kind: config, config: server.conf}}. See the contributor guide.
topology: single
# Regular expressions the output must match for a recording to be kept.
expect:
  - "done"
"""



def _generic(lang: languages.Language) -> str:
    marker = lang.line_comment or "#"
    return (f"{marker} Say what this program shows and why it matters. Each comment\n"
            f"{marker} block becomes prose on the page, beside the code that follows.\n"
            f"{marker} Read the server address from NATS_URL; print \"done\" at the end.\n")


TEMPLATES = Path(__file__).parent / "templates"


def _language_files(folder: Path, lang: languages.Language, crate: str) -> list[Path]:
    """The language folder from its template (every file of
    templates/<language>/, `{{crate}}` filled in), or a commented stub."""
    folder.mkdir(parents=True, exist_ok=True)
    template = TEMPLATES / lang.folder
    sources = sorted(p for p in template.rglob("*") if p.is_file()) if template.is_dir() else []
    if not sources:
        (folder / lang.entry).write_text(_generic(lang), encoding="utf-8")
        return [folder / lang.entry]
    written = []
    for source in sources:
        target = folder / source.relative_to(template)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.read_text(encoding="utf-8").replace("{{crate}}", crate),
                          encoding="utf-8")
        written.append(target)
    return written


def _yaml() -> Any:
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.width = 4096  # never re-wrap a description
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)  # lists as '  - name', as the template writes
    return rt


def _append_to_list(path: Path, key: str, name: str) -> None:
    """Add name to the list `key:` in a meta.yaml (block or flow), keeping the
    rest of the file, comments and order included, through a round-trip YAML
    library. The file was validated by meta.* before: plain data, one key."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    text = path.read_text(encoding="utf-8") if path.exists() else ""
    rt = _yaml()
    data = rt.load(text)
    if data is None:  # empty, or only comments: keep them, add the key below
        path.write_text(text + ("" if text.endswith("\n") or not text else "\n")
                        + f"{key}:\n  - {name}\n", encoding="utf-8")
        return
    assert isinstance(data, CommentedMap)
    items = data.get(key)
    if not isinstance(items, CommentedSeq) or not items:
        data[key] = CommentedSeq([*(items or []), name])
    else:
        items.append(name)
        _keep_trailing_comments(items)
    out = io.StringIO()
    rt.dump(data, out)
    path.write_text(out.getvalue(), encoding="utf-8")


def _keep_trailing_comments(items: Any) -> None:
    """ruamel keeps the comment lines after a block list's last item on that
    item; move them to the new last item, so they stay below the list."""
    last = len(items) - 2
    tokens = items.ca.items.get(last)
    if not tokens or tokens[0] is None or "\n" not in tokens[0].value:
        return
    own, rest = tokens[0].value.split("\n", 1)
    if not rest:
        return
    moved = copy.copy(tokens[0])
    moved.value = "\n" + rest
    tokens[0].value = own + "\n"
    items.ca.items[last + 1] = [moved, None, None, None]


def new(root: Path, target: str) -> list[Path]:
    """Create <category>/<example>/<language>; returns the files written."""
    parts = target.strip("/").split("/")
    if len(parts) != 3:
        raise RecorderError(f"{target!r}: name the new example as "
                            "<category>/<example>/<language>, e.g. kv/ttl/python")
    category, example, folder = parts
    for part in (category, example):
        if not loader.NAME.match(part):
            raise RecorderError(f"{part!r}: {loader.NAME_RULE}")
    if category in loader.RESERVED:
        raise RecorderError(f"{category!r}: a category cannot be named so, the site uses it "
                            f"for {loader.RESERVED[category]}; choose another name")
    lang = languages.get(folder)
    if lang is None:
        raise RecorderError(f"{folder!r} is not a language folder; use one of: "
                            + ", ".join(lang.folder for lang in languages.LANGUAGES))
    written: list[Path] = []
    example_dir = root / category / example
    entry = example_dir / folder / lang.entry
    if entry.exists():
        raise RecorderError(f"{entry} already exists; nothing was changed")
    # Read (and so validate) the meta.yaml files before writing anything.
    category_meta, root_meta = root / category / "meta.yaml", root / "meta.yaml"
    listed = meta.category(category_meta)[2] if category_meta.exists() else []
    categories = meta.root(root_meta) if root_meta.exists() else []
    written += _language_files(entry.parent, lang, f"{category}-{example}")
    meta_path = example_dir / "meta.yaml"
    if not meta_path.exists():
        meta_path.write_text(META.format(title=example.replace("-", " ").title()),
                             encoding="utf-8")
        written.append(meta_path)
    if example not in listed:
        if not category_meta.exists():
            category_meta.write_text(f"title: {category.replace('-', ' ').title()}\n",
                                     encoding="utf-8")
        _append_to_list(category_meta, "examples", example)
        written.append(category_meta)
    if category not in categories:
        _append_to_list(root_meta, "categories", category)
        written.append(root_meta)
    return written
