"""Read and validate the meta.yaml files of the examples tree.

Each level has a fixed set of keys. An unknown key, a value of the wrong type
or broken YAML is a TreeError naming the file and the key, with the form the
key should take.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import TreeError
from .model import Topology

# libyaml's loader when PyYAML was built with it: ten times faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

TOPOLOGY_KINDS = ("single", "config", "cluster", "leafnode", "supercluster")

# key -> what a good value looks like, quoted in errors.
ROOT_KEYS = {"categories": "a list of category folder names, e.g. [messaging, jetstream]"}
CATEGORY_KEYS = {
    "title": "a short string, e.g. Messaging",
    "description": "Markdown text",
    "examples": "a list of example folder names, in page order",
}
EXAMPLE_KEYS = {
    "title": "a short string, e.g. Request-Reply",
    "description": "Markdown text",
    "aliases": "a list of search words, e.g. [rpc, micro]",
    "topology": f"one of {', '.join(TOPOLOGY_KINDS)}, or a mapping {{kind: ..., config: ...}}",
    "timeout": "seconds, a positive number (default 30)",
    "expect": "a list of regular expressions the output must match",
    "expect_by_language": "a mapping of language folder to a list of regular expressions "
                          "that replace 'expect' for that language, e.g. {go: ['^done$']}",
}


def read_yaml(path: Path) -> dict[str, Any]:
    """The mapping in a meta.yaml; an empty file is an empty mapping."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise TreeError(path, f"is not valid YAML{where}: {problem}") from None
    except UnicodeDecodeError:
        raise TreeError(path, "is not UTF-8 text") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TreeError(path, "must be a mapping of keys to values, e.g. 'title: Request-Reply'")
    return data


def _check_keys(path: Path, data: Mapping[str, Any], allowed: Mapping[str, str]) -> None:
    for key in data:
        if key not in allowed:
            known = ", ".join(allowed)
            raise TreeError(path, f"unknown key {key!r}; the keys allowed here are: {known}")


def _string(path: Path, data: Mapping[str, Any], key: str, allowed: Mapping[str, str]) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise TreeError(path, f"{key!r} must be {allowed[key]}, not {value!r}")
    return value


def _names(path: Path, data: Mapping[str, Any], key: str, allowed: Mapping[str, str]) -> list[str]:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TreeError(path, f"{key!r} must be {allowed[key]}, not {value!r}")
    return list(value)


def root(path: Path) -> list[str]:
    data = read_yaml(path)
    _check_keys(path, data, ROOT_KEYS)
    return _names(path, data, "categories", ROOT_KEYS)


def category(path: Path) -> tuple[str, str, list[str]]:
    """(title, description, example order)"""
    data = read_yaml(path)
    _check_keys(path, data, CATEGORY_KEYS)
    return (
        _string(path, data, "title", CATEGORY_KEYS),
        _string(path, data, "description", CATEGORY_KEYS),
        _names(path, data, "examples", CATEGORY_KEYS),
    )


def _topology(path: Path, value: Any) -> Topology:
    form = EXAMPLE_KEYS["topology"]
    if value is None:
        return Topology()
    if isinstance(value, str):
        value = {"kind": value}
    if not isinstance(value, dict):
        raise TreeError(path, f"'topology' must be {form}, not {value!r}")
    unknown = set(value) - {"kind", "config", "size"}
    if unknown:
        raise TreeError(path, f"'topology' has unknown key {sorted(unknown)[0]!r}; "
                              "it takes kind, config and size")
    kind = value.get("kind", "config" if "config" in value else "single")
    if kind not in TOPOLOGY_KINDS:
        raise TreeError(path, f"'topology' kind {kind!r} is not one of {', '.join(TOPOLOGY_KINDS)}")
    config = value.get("config")
    if config is not None and not isinstance(config, str):
        raise TreeError(path, "'topology' config must be a file name in the example folder")
    if kind == "config" and not config:
        raise TreeError(path, "'topology' of kind config needs 'config: <file>', "
                              "e.g. {kind: config, config: server.conf}")
    size = value.get("size", 3)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 7:
        raise TreeError(path, f"'topology' size must be a whole number from 1 to 7, not {size!r}")
    return Topology(kind=kind, config=config, size=size)


def _timeout(path: Path, value: Any) -> float:
    if value is None:
        return 30.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise TreeError(path, f"'timeout' must be {EXAMPLE_KEYS['timeout']}, not {value!r}")
    return float(value)


def _patterns(path: Path, value: list[str]) -> tuple[str, ...]:
    import re

    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as err:
            raise TreeError(path, f"'expect' pattern {pattern!r} is not a valid "
                                  f"regular expression: {err}") from None
    return tuple(value)


def _per_language(path: Path, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if value is None:
        return ()
    form = EXAMPLE_KEYS["expect_by_language"]
    if not isinstance(value, dict):
        raise TreeError(path, f"'expect_by_language' must be {form}, not {value!r}")
    from . import languages

    found = []
    for folder, patterns in value.items():
        if not isinstance(folder, str) or languages.get(folder) is None:
            raise TreeError(path, f"'expect_by_language' names {folder!r}, which is not a "
                                  "language folder")
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise TreeError(path, f"'expect_by_language' {folder}: must be a list of regular "
                                  f"expressions, not {patterns!r}")
        found.append((folder, _patterns(path, patterns)))
    return tuple(found)


def example(path: Path) -> dict[str, Any]:
    """The validated fields of an example's meta.yaml, ready for Example()."""
    data = read_yaml(path)
    _check_keys(path, data, EXAMPLE_KEYS)
    readers: dict[str, Callable[[], Any]] = {
        "title": lambda: _string(path, data, "title", EXAMPLE_KEYS),
        "description": lambda: _string(path, data, "description", EXAMPLE_KEYS),
        "aliases": lambda: tuple(_names(path, data, "aliases", EXAMPLE_KEYS)),
        "topology": lambda: _topology(path, data.get("topology")),
        "timeout": lambda: _timeout(path, data.get("timeout")),
        "expect": lambda: _patterns(path, _names(path, data, "expect", EXAMPLE_KEYS)),
        "expect_by_language": lambda: _per_language(path, data.get("expect_by_language")),
    }
    return {key: read() for key, read in readers.items()}
