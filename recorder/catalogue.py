"""The site's structure from the tree: navigation, the home page catalogue
(cards and the example-by-language matrix) and the category pages. Pure:
model in, Markdown or nav entries out."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import languages, render
from .model import Category, Example, Tree
from .render import text_markdown

MARKER = "<!-- nbe:catalogue -->"
# A card shows one short sentence of the description, cut to this length.
SUMMARY_LIMIT = 200
# How much of the first paragraph is read to find that sentence.
_WINDOW = 20 * SUMMARY_LIMIT


def page_uri(example: Example) -> str:
    return f"{example.category}/{example.name}/index.md"


def nav(tree: Tree, before: list[Any], after: list[Any]) -> list[Any]:
    """Categories in the tree's order, each with its overview page first."""
    sections: list[Any] = []
    for category in tree.categories:
        pages: list[Any] = [f"{category.name}/index.md"]
        pages += [{render.text_html(ex.title): page_uri(ex)} for ex in category.examples]
        # The theme writes nav titles into the page as they are: escaped here.
        sections.append({render.text_html(category.title): pages})
    return before + sections + after


def summary(description: str) -> str:
    """The first sentence of a description, as Markdown. When its text is
    longer than SUMMARY_LIMIT characters, that text cut there with an
    ellipsis, as Markdown that means just that text."""
    paragraph = description.strip().split("\n\n")[0]
    window = " ".join(paragraph[:_WINDOW].split())
    window = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", window)  # [text][reference]
    # [text](url) too: a card is a link already, and a relative url in a
    # description means something else from the page the card is on.
    window = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", window)
    match = re.match(r"(.+?[.!?])(\s|$)", window)
    sentence = match.group(1) if match else window
    text = " ".join(render.plain_text(sentence).split())
    if len(text) > SUMMARY_LIMIT or (not match and len(paragraph) > _WINDOW):
        return text_markdown(text[:SUMMARY_LIMIT - 1].rstrip() + "…")
    return sentence


# How a summary (Markdown from the tree) goes into a page's Markdown. The
# plugin passes one that renders and sanitises it and returns a placeholder;
# without it, the summary's plain text.
Inline = Callable[[str], str]


def as_text(markdown_text: str) -> str:
    return text_markdown(render.plain_text(markdown_text))


def _cards(category: Category, prefix: str, inline: Inline) -> list[str]:
    lines = ['<div class="grid cards nbe-cards" markdown>', ""]
    for ex in category.examples:
        langs = ", ".join(i.language.label for i in ex.implementations) or "not yet written"
        lines += [f"-   [**{text_markdown(ex.title)}**]({prefix}{page_uri(ex)})", "",
                  "    ---", "",
                  "    " + (inline(summary(ex.description)) if ex.description.strip()
                              else text_markdown(ex.title)), "",
                  f'    <span class="nbe-langs">{langs}</span>', ""]
    lines += ["</div>", ""]
    return lines


def used_languages(tree: Tree) -> list[languages.Language]:
    used = {impl.language.folder for _, impl in tree.implementations()}
    return [lang for lang in languages.LANGUAGES if lang.folder in used]


def matrix(tree: Tree) -> list[str]:
    """Examples against languages: which implementations exist."""
    langs = used_languages(tree)
    if not langs:
        return []
    lines = ["| Example | " + " | ".join(lang.label for lang in langs) + " |",
             "|:--|" + "|".join(":-:" for _ in langs) + "|"]
    for category in tree.categories:
        for ex in category.examples:
            have = {impl.language.folder for impl in ex.implementations}
            cells = []
            for lang in langs:
                if lang.folder in have:
                    cells.append(f'[✓]({page_uri(ex)}?lang={lang.folder} "{lang.label}")')
                else:
                    cells.append("·")
            lines.append(f"| {text_markdown(category.title)}: "
                         f"[{text_markdown(ex.title)}]({page_uri(ex)}) | "
                         + " | ".join(cells) + " |")
    others = [lang.label for lang in languages.LANGUAGES if lang not in langs]
    lines.append("")
    if others:
        lines.append(f'<p class="nbe-none">No examples yet in: {", ".join(others)}.</p>')
    return lines


def home(tree: Tree, inline: Inline = as_text) -> str:
    """The catalogue that replaces MARKER on the home page."""
    lines: list[str] = []
    for category in tree.categories:
        lines += [f"### [{text_markdown(category.title)}]({category.name}/index.md)", ""]
        if category.description.strip():
            lines += [inline(summary(category.description)), ""]
        lines += _cards(category, "", inline)
    lines += ["## Examples by language", ""] + matrix(tree)
    return "\n".join(lines) + "\n"


def category_page(category: Category, inline: Inline = as_text) -> str:
    lines = [*render.front_matter(category.title), f"# {text_markdown(category.title)}", ""]
    if category.description.strip():
        lines += [render.DESCRIPTION, ""]
    if category.examples:
        lines += _cards(category, "../", inline)
    else:
        lines += ['<p class="nbe-none">No examples in this category yet.</p>', ""]
    return "\n".join(lines)
