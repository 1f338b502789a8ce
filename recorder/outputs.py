"""The files a recording leaves beside its program, as typed records.

`output.json` says what a recording was made from (its inputs and their
fingerprint), what it was made with (versions) and which `output.cast` and
`output.txt` belong to it (their hashes), so a set torn apart by a crash or
a hand edit is never taken for a good one. `output.failure.json` notes a run
that failed. The recorder writes these, and `nbe check` and the plugin read
them; nobody else parses the JSON.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import TreeError

# Bumped when what a recording holds changes, so every one is made again.
FORMAT_VERSION = "3"


class State(enum.Enum):
    FRESH = "fresh"
    STALE = "stale"
    MISSING = "missing"
    FAILED = "failed"

    @property
    def phrase(self) -> str:
        """How a sentence says it: 'the recording is stale'."""
        return {"fresh": "is fresh", "stale": "is stale", "missing": "is missing",
                "failed": "failed"}[self.value]


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _load(path: Path, what: str, fix: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise TreeError(path, f"is not valid JSON; {fix}") from None
    if not isinstance(data, dict):
        raise TreeError(path, f"is not {what}; {fix}")
    return data


def _str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise TypeError("not a mapping")
    return {str(k): str(v) for k, v in value.items()}


@dataclass(frozen=True)
class RecordFile:
    """output.json."""

    fingerprint: str
    inputs: dict[str, str]
    versions: dict[str, str]
    recorded_at: str
    duration: float  # seconds the program ran
    exit_status: int
    cast_sha: str  # hash of the output.cast this record belongs to
    text_sha: str  # hash of the output.txt this record belongs to
    format: str = FORMAT_VERSION

    @classmethod
    def load(cls, path: Path, impl_id: str) -> RecordFile:
        fix = f"delete it and run 'nbe record {impl_id}'"
        data = _load(path, "a recording record", fix)
        try:
            return cls(fingerprint=str(data["fingerprint"]), inputs=_str_map(data["inputs"]),
                       versions=_str_map(data.get("versions", {})),
                       recorded_at=str(data.get("recorded_at", "")),
                       duration=float(data.get("duration", 0.0)),
                       exit_status=int(data.get("exit_status", 0)),
                       cast_sha=str(data.get("cast_sha", "")),
                       text_sha=str(data.get("text_sha", "")),
                       format=str(data.get("format", "")))
        except (KeyError, TypeError, ValueError):
            raise TreeError(path, f"is not a recording record of this recorder; {fix}") from None

    def dumps(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class FailureNote:
    """output.failure.json: the last run failed; the recording was kept."""

    fingerprint: str
    reason: str
    at: str

    @classmethod
    def load(cls, path: Path) -> FailureNote | None:
        """The note, or None when there is none or it cannot be read (a
        broken note only means the failure is not reported)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(fingerprint=str(data["fingerprint"]), reason=str(data["reason"]),
                       at=str(data.get("at", "")))
        except (OSError, ValueError, UnicodeDecodeError, KeyError, TypeError):
            return None

    def dumps(self) -> str:
        data = {"fingerprint": self.fingerprint, "reason": self.reason, "at": self.at}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
