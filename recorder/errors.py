"""One exception family. The CLI turns these into a one-line message and a
non-zero exit; the plugin turns them into a PluginError."""

from __future__ import annotations

from pathlib import Path


class RecorderError(Exception):
    """Something the user can fix; the message says what and where."""


class TreeError(RecorderError):
    """A bad file in the examples tree."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class ServerError(RecorderError):
    """A nats-server could not be found, started or reached."""


class RunFailed(RecorderError):
    """An example ran but did not succeed; nothing was replaced."""

    def __init__(self, example: str, reason: str, tail: str = "") -> None:
        self.example = example
        self.reason = reason
        self.tail = tail
        message = f"{example}: {reason}"
        if tail:
            message += "\n--- last lines of its output ---\n" + tail
        super().__init__(message)
