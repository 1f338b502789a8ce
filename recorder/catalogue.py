"""The site's structure from the tree: navigation, the home page catalogue
(cards and the example-by-language matrix) and the category pages. Pure:
model in, Markdown or nav entries out."""

from __future__ import annotations

import re
from typing import Any

from . import languages
from .model import Category, Example, Tree

MARKER = "<!-- nbe:catalogue -->"


def page_uri(example: Example) -> str:
    return f"{example.category}/{example.name}/index.md"


def nav(tree: Tree, before: list[Any], after: list[Any]) -> list[Any]:
    """Categories in the tree's order, each with its overview page first."""
    sections: list[Any] = []
    for category in tree.categories:
        pages: list[Any] = [f"{category.name}/index.md"]
        pages += [{ex.title: page_uri(ex)} for ex in category.examples]
        sections.append({category.title: pages})
    return before + sections + after


def summary(description: str) -> str:
    """The first sentence of a description, as plain inline text."""
    text = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", description)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s*\[[^\]]+\]:.*$", "", text, flags=re.MULTILINE)
    paragraph = text.strip().split("\n\n")[0].replace("\n", " ")
    match = re.match(r"(.+?[.!?])(\s|$)", paragraph)
    return (match.group(1) if match else paragraph).strip()


def _cards(category: Category, prefix: str) -> list[str]:
    lines = ['<div class="grid cards nbe-cards" markdown>', ""]
    for ex in category.examples:
        langs = ", ".join(i.language.label for i in ex.implementations) or "not yet written"
        lines += [f"-   [**{ex.title}**]({prefix}{page_uri(ex)})", "",
                  "    ---", "",
                  f"    {summary(ex.description) or ex.title}", "",
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
            lines.append(f"| {category.title}: [{ex.title}]({page_uri(ex)}) | "
                         + " | ".join(cells) + " |")
    others = [lang.label for lang in languages.LANGUAGES if lang not in langs]
    lines.append("")
    if others:
        lines.append(f'<p class="nbe-none">No examples yet in: {", ".join(others)}.</p>')
    return lines


def home(tree: Tree) -> str:
    """The catalogue that replaces MARKER on the home page."""
    lines: list[str] = []
    for category in tree.categories:
        lines += [f"### [{category.title}]({category.name}/index.md)", ""]
        if category.description:
            lines += [summary(category.description), ""]
        lines += _cards(category, "")
    lines += ["## Examples by language", ""] + matrix(tree)
    return "\n".join(lines) + "\n"


def category_page(category: Category) -> str:
    lines = [f"# {category.title}", ""]
    if category.description:
        lines += [category.description.strip(), ""]
    if category.examples:
        lines += _cards(category, "../")
    else:
        lines += ['<p class="nbe-none">No examples in this category yet.</p>', ""]
    return "\n".join(lines)
