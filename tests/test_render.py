"""Rendering pieces that need no build: fences and prose normalisation."""

from __future__ import annotations

from recorder import render


def test_code_is_highlighted_as_the_site_would_and_filled_in_last() -> None:
    code = render.CodeBlocks()
    slot = code('echo "<b>" # ``` fence', "bash")
    # Until the page is finished: the plain text, escaped, for the search index.
    assert '<pre><code>echo "&lt;b&gt;" # ``` fence\n</code></pre>' in slot
    page = code.fill(f"<p>before</p>{slot}<p>after</p>")
    assert page.startswith('<p>before</p><div class="highlight"><pre><span></span><code>')
    assert '<span class="nb">echo</span>' in page and "&lt;b&gt;" in page
    assert page.endswith("</code></pre></div><p>after</p>")


def test_a_list_right_under_a_sentence_becomes_a_list() -> None:
    prose = "Consumer info says:\n- `delivered`: handed out\n- `ack_floor`: acknowledged"
    assert render.prose_markdown(prose) == (
        "Consumer info says:\n\n- `delivered`: handed out\n- `ack_floor`: acknowledged")


def test_prose_without_lists_is_unchanged() -> None:
    prose = "One line.\nAnother line with 3 - 2 in it.\n\n    indented code"
    assert render.prose_markdown(prose) == prose
