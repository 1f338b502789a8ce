"""Rendering pieces that need no build: fences and prose normalisation."""

from __future__ import annotations

from recorder import render


def test_a_fence_is_longer_than_any_backtick_run_inside() -> None:
    text = "a ``` b ```` c"
    fenced = render.fence(text, "text")
    assert fenced.startswith("`````text\n") and fenced.endswith("\n`````")


def test_a_list_right_under_a_sentence_becomes_a_list() -> None:
    prose = "Consumer info says:\n- `delivered`: handed out\n- `ack_floor`: acknowledged"
    assert render.prose_markdown(prose) == (
        "Consumer info says:\n\n- `delivered`: handed out\n- `ack_floor`: acknowledged")


def test_prose_without_lists_is_unchanged() -> None:
    prose = "One line.\nAnother line with 3 - 2 in it.\n\n    indented code"
    assert render.prose_markdown(prose) == prose
