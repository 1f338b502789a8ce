"""Read and validate the meta.yaml files of the examples tree.

Each level has a fixed set of keys. An unknown key, a value of the wrong type
or broken YAML is a TreeError naming the file and the key, with the form the
key should take.

meta.yaml is contributed, untrusted input, so it must be plain data: a file
over MAX_BYTES, YAML anchors and aliases (a few hundred bytes of nested
aliases expand to billions of values), duplicate keys (the last would win
silently) and nesting deeper than MAX_DEPTH (composing recurses) are each
refused with one error naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer

from .errors import TreeError
from .model import Step, Topology

try:  # libyaml's parser, when PyYAML was built with it: several times faster.
    from yaml import CSafeLoader

    class _Parser(Composer, CSafeLoader):
        """libyaml parses; PyYAML's composer builds the nodes, so that
        _PlainLoader can refuse anchors and deep nesting as it composes
        (libyaml's own composer cannot be hooked, and it crashes the
        interpreter on 30 000 nested lists)."""

        def __init__(self, stream: str) -> None:
            CSafeLoader.__init__(self, stream)
            Composer.__init__(self)
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

MAX_BYTES = 64 * 1024
MAX_DEPTH = 8
MAX_TIMEOUT = 600.0

TOPOLOGY_KINDS = ("single", "config", "cluster", "leafnode", "supercluster")

# One part of a relative path inside the example folder: no '..', no hidden
# names, nothing a shell or a URL would read differently.
_CONFIG_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*\Z")

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
    "timeout": f"seconds, a positive number up to {MAX_TIMEOUT:g} (default 30)",
    "expect": "a list of regular expressions the output must match",
    "steps": "a list of server events, e.g. [{when: '^waiting', do: restart, server: n1}] "
             "(do: stop, start, restart or lame-duck)",
    "not_available": "a mapping of language folder to one sentence (Markdown) saying why the "
                     "example has no program in that language, e.g. {c: 'nats.c has no ...'}",
    "expect_by_language": "a mapping of language folder to a list of regular expressions "
                          "that replace 'expect' for that language, e.g. {go: ['^done$']}",
}


class _Refused(yaml.YAMLError):
    """YAML that parses but is not plain data; says where."""

    def __init__(self, problem: str, advice: str, mark: Any) -> None:
        super().__init__(problem)
        self.problem = problem
        self.advice = advice
        self.problem_mark = mark


class _NoAnchors(dict[Any, Any]):
    """The composer's table of anchors, refusing the first one: without
    anchors, no alias can expand anything."""

    def __setitem__(self, anchor: Any, node: Any) -> None:
        raise _Refused(f"uses the YAML anchor '&{anchor}'", "meta.yaml takes plain data: "
                       "write the value out where it is needed", node.start_mark)


class _PlainLoader(_Parser):
    """The safe loader, refusing anchors (and so aliases), deep nesting and
    duplicate keys. The checks sit on anchors and collections only, so the
    many scalars cost nothing more."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.anchors = _NoAnchors()
        self.depth = 0

    def _deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(f"nests lists or mappings more than {MAX_DEPTH} deep",
                           "meta.yaml holds short values and lists of strings",
                           getattr(self.peek_event(), "start_mark", None))

    def compose_sequence_node(self, anchor: Any) -> Any:
        self._deeper()
        try:
            return super().compose_sequence_node(anchor)
        finally:
            self.depth -= 1

    def compose_mapping_node(self, anchor: Any) -> Any:
        self._deeper()
        try:
            return super().compose_mapping_node(anchor)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Hashable, Any]:
        mapping = super().construct_mapping(node, deep)
        if len(mapping) < len(node.value):  # two keys became one
            seen: set[Hashable] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise _Refused(f"has the key {_shown(key)} twice", "keep one of them",
                                   key_node.start_mark)
                seen.add(key)
        return mapping


def _shown(value: Any, limit: int = 60) -> str:
    """A value as quoted in an error: repr, cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "...(cut)"


def read_yaml(path: Path) -> dict[str, Any]:
    """The mapping in a meta.yaml; an empty file is an empty mapping."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except OSError as err:
        raise TreeError(path, f"cannot be read ({err.strerror or err})") from None
    if len(raw) > MAX_BYTES:
        raise TreeError(path, f"is larger than {MAX_BYTES // 1024} KiB, the limit for a "
                              "meta.yaml; keep the description to a few paragraphs and link "
                              "to the NATS documentation for the rest")
    try:
        text = raw.decode("utf-8")
        data = yaml.load(text, Loader=_PlainLoader)
    except _Refused as err:
        mark = err.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise TreeError(path, f"{err.problem}{where}; {err.advice}") from None
    except yaml.reader.ReaderError as err:
        char = chr(err.character) if isinstance(err.character, int) else err.character
        raise TreeError(path, f"has the character {char!r} (character {err.position + 1}), "
                              "which YAML does not allow") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = " ".join((getattr(err, "problem", None) or str(err)).split())
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
            raise TreeError(path, f"unknown key {_shown(key)}; the keys allowed here are: {known}")


def _string(path: Path, data: Mapping[str, Any], key: str, allowed: Mapping[str, str]) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise TreeError(path, f"{key!r} must be {allowed[key]}, not {_shown(value)}")
    return value


def _names(path: Path, data: Mapping[str, Any], key: str, allowed: Mapping[str, str]) -> list[str]:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TreeError(path, f"{key!r} must be {allowed[key]}, not {_shown(value)}")
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
        raise TreeError(path, f"'topology' must be {form}, not {_shown(value)}")
    unknown = set(value) - {"kind", "config", "size", "regions", "operator", "keys"}
    if unknown:
        raise TreeError(path, f"'topology' has unknown key {_shown(sorted(unknown, key=repr)[0])}; "
                              "it takes kind, config, size, regions, operator and keys")
    kind = value.get("kind", "config" if "config" in value else "single")
    if not isinstance(kind, str) or kind not in TOPOLOGY_KINDS:
        raise TreeError(path, f"'topology' kind {_shown(kind)} is not one of "
                              f"{', '.join(TOPOLOGY_KINDS)}")
    config = value.get("config")
    if config is not None and not isinstance(config, str):
        raise TreeError(path, "'topology' config must be a file name in the example folder")
    if config and not all(_CONFIG_PART.match(part) for part in config.split("/")):
        raise TreeError(path, f"'topology' config {_shown(config, 200)} must be a relative name "
                              "inside the example folder, e.g. server.conf (no absolute "
                              "path, no '..', no hidden names)")
    if kind == "config" and not config:
        raise TreeError(path, "'topology' of kind config needs 'config: <file>', "
                              "e.g. {kind: config, config: server.conf}")
    size = value.get("size", 3)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 7:
        raise TreeError(path, f"'topology' size must be a whole number from 1 to 7, "
                              f"not {_shown(size)}")
    regions = value.get("regions", 2)
    if not isinstance(regions, int) or isinstance(regions, bool) or regions not in (2, 3) \
            or ("regions" in value and kind != "supercluster"):
        raise TreeError(path, "'topology' regions must be 2 or 3, for kind supercluster "
                              "(clusters east, west and central)")
    operator, keys = _minted(path, value, kind)
    return Topology(kind=kind, config=config, size=size, regions=regions, operator=operator,
                    keys=keys)


_ACCOUNT = re.compile(r"^[A-Z][A-Z0-9_]{0,30}$")
_USER = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")


def _minted(path: Path, value: dict[str, Any],
            kind: str) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]]:
    """topology.operator ({ACCOUNT: [user, ...]}) and topology.keys ([name, ...])."""
    operator, keys = value.get("operator"), value.get("keys")
    if (operator is not None or keys is not None) and kind != "config":
        raise TreeError(path, "'topology' operator and keys need kind config (the server "
                              "config uses what they mint through placeholders)")
    accounts: list[tuple[str, tuple[str, ...]]] = []
    if operator is not None:
        if not isinstance(operator, dict) or not operator:
            raise TreeError(path, "'topology' operator must map account names to their users, "
                                  "e.g. {APP: [alice, bob]}")
        for account, users in operator.items():
            if not isinstance(account, str) or not _ACCOUNT.match(account) or account == "SYS":
                raise TreeError(path, f"'topology' operator account {_shown(account)} must be "
                                      "upper-case letters, digits and _ (SYS is made for you)")
            if not isinstance(users, list) or not all(isinstance(u, str) and _USER.match(u)
                                                      for u in users):
                raise TreeError(path, f"'topology' operator {account}: users must be a list of "
                                      "lower-case names, e.g. [alice, bob]")
            accounts.append((account, tuple(users)))
    names: list[str] = []
    if keys is not None:
        if not isinstance(keys, list) or not all(isinstance(k, str) and _USER.match(k)
                                                 for k in keys):
            raise TreeError(path, "'topology' keys must be a list of lower-case names, "
                                  "e.g. [issuer]")
        names = list(keys)
    return tuple(accounts), tuple(names)


def _timeout(path: Path, value: Any) -> float:
    if value is None:
        return 30.0
    # 'not 0 < value' also refuses .nan, which compares false with everything.
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or not 0 < value <= MAX_TIMEOUT:
        raise TreeError(path, f"'timeout' must be {EXAMPLE_KEYS['timeout']}, "
                              f"not {_shown(value)}")
    return float(value)


def _patterns(path: Path, value: list[str]) -> tuple[str, ...]:
    for pattern in value:
        try:
            re.compile(pattern)
        except (re.error, OverflowError, RecursionError) as err:
            raise TreeError(path, f"'expect' pattern {_shown(pattern)} is not a valid "
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


_REASON_LIMIT = 600
_ACTIONS = ("stop", "start", "restart", "lame-duck")
_SERVER = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")


def _steps(path: Path, value: Any) -> tuple[Step, ...]:
    if value is None:
        return ()
    form = EXAMPLE_KEYS["steps"]
    if not isinstance(value, list) or len(value) > 10:
        raise TreeError(path, f"'steps' must be {form}, at most 10")
    found = []
    for number, step in enumerate(value, start=1):
        if not isinstance(step, dict) or set(step) - {"when", "do", "server"} \
                or not {"when", "do"} <= set(step):
            raise TreeError(path, f"'steps' item {number} must be a mapping with when, do "
                                  "and (optionally) server")
        when, do, server = step["when"], step["do"], step.get("server")
        if not isinstance(when, str) or not when:
            raise TreeError(path, f"'steps' item {number}: when must be a regular expression")
        _patterns(path, [when])
        if do not in _ACTIONS:
            raise TreeError(path, f"'steps' item {number}: do must be one of "
                                  f"{', '.join(_ACTIONS)}, not {_shown(do)}")
        if server is not None and (not isinstance(server, str) or not _SERVER.match(server)):
            raise TreeError(path, f"'steps' item {number}: server must name a server or a "
                                  "cluster of the topology, e.g. n1 or west")
        found.append(Step(when=when, do=do, server=server))
    return tuple(found)


def _reasons(path: Path, value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    form = EXAMPLE_KEYS["not_available"]
    if not isinstance(value, dict):
        raise TreeError(path, f"'not_available' must be {form}")
    from . import languages

    found = []
    for folder, reason in value.items():
        if not isinstance(folder, str) or languages.get(folder) is None:
            raise TreeError(path, f"'not_available' names {str(folder)[:40]!r}, which is not a "
                                  "language folder")
        if not isinstance(reason, str) or not reason.strip() or len(reason) > _REASON_LIMIT:
            raise TreeError(path, f"'not_available' {folder}: must be one sentence of at most "
                                  f"{_REASON_LIMIT} characters")
        found.append((folder, reason.strip()))
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
        "not_available": lambda: _reasons(path, data.get("not_available")),
        "steps": lambda: _steps(path, data.get("steps")),
    }
    return {key: read() for key, read in readers.items()}
