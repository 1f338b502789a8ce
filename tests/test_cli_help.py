"""Every `nbe` command explains itself with an example, as its docstring."""

from __future__ import annotations

import pytest

from recorder.cli import cli

from conftest import nbe


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = nbe(command, "--help")
    assert result.returncode == 0
    assert "Example" in result.stdout
    assert f"nbe {command}" in result.stdout
