"""`nbe new`: the folders and files of a new example, from a commented
template. Never overwrites a file; lists the new example and category in
their meta.yaml so they appear in the navigation."""

from __future__ import annotations

import re
from pathlib import Path

from . import languages, meta
from .errors import RecorderError

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")

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


def _append_to_list(path: Path, key: str, name: str) -> None:
    """Add name to the block or flow list `key:` in a meta.yaml, keeping the
    rest of the file (comments included) as it was."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    flow = re.search(rf"^{key}:\s*\[(.*)\]\s*$", text, re.MULTILINE)
    if flow:
        items = [i.strip() for i in flow.group(1).split(",") if i.strip()]
        new = f"{key}: [{', '.join([*items, name])}]"
        text = text[:flow.start()] + new + text[flow.end():]
    else:
        lines = text.splitlines()
        at = next((i for i, line in enumerate(lines) if re.match(rf"^{key}:\s*$", line)), None)
        if at is None:
            lines += [f"{key}:", f"  - {name}"]
        else:
            end = at + 1
            while end < len(lines) and re.match(r"^\s+(-|#)|^\s*$", lines[end]):
                end += 1
            while end > at + 1 and not lines[end - 1].strip():
                end -= 1
            lines.insert(end, f"  - {name}")
        text = "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")


def new(root: Path, target: str) -> list[Path]:
    """Create <category>/<example>/<language>; returns the files written."""
    parts = target.strip("/").split("/")
    if len(parts) != 3:
        raise RecorderError(f"{target!r}: name the new example as "
                            "<category>/<example>/<language>, e.g. kv/ttl/python")
    category, example, folder = parts
    for part in (category, example):
        if not _NAME.match(part):
            raise RecorderError(f"{part!r}: use lower-case letters, digits and dashes, "
                                "e.g. pull-consumer")
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
