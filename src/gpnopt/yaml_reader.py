"""Reading a YAML file safely: the first stage of :mod:`gpnopt.io`'s pipeline.

Only regular files are read (no pipes, devices or directories), at most
:data:`MAX_FILE_BYTES`, through PyYAML's safe loader (libyaml's where PyYAML has it), with
duplicate keys and keys that are lists or mappings refused. The document's values are
counted while it is parsed and again with its aliases expanded, before anything is built,
so that an alias-expansion bomb or a nesting too deep is refused in words, not in a
traceback or a hang. Every problem is an :class:`~gpnopt.errors.InstanceError` naming the
file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from gpnopt.errors import InstanceError, cut, show

__all__ = ["MAX_ALIASES", "MAX_DEPTH", "MAX_FILE_BYTES", "MAX_NODES", "read_yaml"]

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest instance file read (bytes)."""

MAX_ALIASES = 1000
"""Most YAML alias uses in one file (guards against alias-expansion bombs)."""

MAX_NODES = 2_000_000
"""Most values (keys, items and scalars) in a document, as written and once aliases are
expanded (alias-expansion bombs)."""

MAX_DEPTH = 100
"""Deepest nesting of mappings and lists in a document."""


_FastLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's C loader where PyYAML was built with it, else the pure-Python one."""

_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class _UniqueKeyLoader(_FastLoader):  # type: ignore[misc, valid-type]
    """A safe loader that refuses duplicate keys and keys that are lists or mappings."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:  # noqa: D102, FBT001, FBT002
        seen: set[tuple[type, Any]] = set()
        for key_node, _ in node.value:
            mark = key_node.start_mark
            if not isinstance(key_node, yaml.ScalarNode):
                kind = "list" if isinstance(key_node, yaml.SequenceNode) else "mapping"
                msg = (
                    f"a key is a {kind} (line {mark.line + 1}); keys must be plain "
                    "names (a stray '?' or '[' before a key makes it one)"
                )
                raise yaml.YAMLError(msg)
            key = self.construct_object(key_node, deep=deep)
            if (type(key), key) in seen:
                msg = f"duplicate key {show(key)} (line {mark.line + 1})"
                raise yaml.YAMLError(msg)
            seen.add((type(key), key))
        return super().construct_mapping(node, deep=deep)


def _kind_of(mode: int) -> str | None:
    """What a non-regular file is (``None`` for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    return next((word for test, word in _FILE_KINDS if test(mode)), "not a file")


def _read_bytes(path: Path, name: str) -> bytes:
    """The bytes of a regular file, read at most to the size limit (plus one byte)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: opening a FIFO does not wait for a writer
    except OSError as exc:
        msg = f"{name}: cannot read the file: {exc.strerror or exc}"
        raise InstanceError(msg) from None
    try:
        info = os.fstat(fd)
        kind = _kind_of(info.st_mode)
        if kind is not None:
            msg = f"{name}: not a regular file ({kind}); give a YAML file"
            raise InstanceError(msg)
        if info.st_size > MAX_FILE_BYTES:
            msg = f"{name}: file is {info.st_size} bytes, larger than the limit of {MAX_FILE_BYTES}"
            raise InstanceError(msg)
        chunks, left = [], MAX_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        msg = f"{name}: cannot read the file: {exc.strerror or exc}"
        raise InstanceError(msg) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_FILE_BYTES:
        msg = f"{name}: file is larger than the limit of {MAX_FILE_BYTES} bytes"
        raise InstanceError(msg)
    return data


def _yaml_problem(text: str, exc: yaml.YAMLError) -> str:
    """A YAML error in words, with its line and column but without the source line."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return cut(" ".join(str(exc).split()), 200)
    parts = [p for p in (exc.context, exc.problem) if p]
    detail = cut("; ".join(" ".join(p.split()) for p in parts), 200)
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return detail
    where = f" (line {mark.line + 1}, column {mark.column + 1})"
    lines = text.splitlines()
    if mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        where += "; the line holds a tab: YAML indents with spaces only"
    return detail + where


def _check_events(text: str) -> None:
    """Count values, aliases and nesting while streaming the parse (nothing is built).

    Raises:
        InstanceError: (without the file name) a limit is passed.
    """
    values = aliases = depth = 0
    for event in yaml.parse(text, Loader=_FastLoader):
        if isinstance(event, yaml.ScalarEvent):
            values += 1
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            values += 1
            depth += 1
            if depth > MAX_DEPTH:
                msg = f"nested too deeply (more than {MAX_DEPTH} levels of mappings and lists)"
                raise InstanceError(msg)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                msg = f"invalid YAML: more than {MAX_ALIASES} aliases (anchors used with *)"
                raise InstanceError(msg)
        if values > MAX_NODES:
            msg = (
                f"the document has more than {MAX_NODES} values (keys, items and numbers), "
                "more than an instance may hold"
            )
            raise InstanceError(msg)


def _expanded_size(root: yaml.Node) -> int:
    """Number of values under ``root`` with aliased nodes counted at every use.

    Linear in the number of distinct nodes (each is sized once); an alias to an enclosing
    anchor (a loop) counts as too large.
    """
    memo: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in memo:
            if memo[key] < 0:  # still being sized: the alias points at its own ancestor
                raise RecursionError
            return memo[key]
        if isinstance(node, yaml.MappingNode):
            memo[key] = -1
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            memo[key] = -1
            total = 1 + sum(size(v) for v in node.value)
        else:
            total = 1
        memo[key] = min(total, MAX_NODES + 1)
        return memo[key]

    try:
        return size(root)
    except RecursionError:
        return MAX_NODES + 1


def _parse(text: str) -> Any:
    """The document of ``text`` (limits checked before anything is built)."""
    _check_events(text)
    loader = _UniqueKeyLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        if _expanded_size(root) > MAX_NODES:
            msg = (
                f"the document expands to more than {MAX_NODES} values through its "
                "aliases (anchors used with *); write the values out"
            )
            raise InstanceError(msg)
        return loader.construct_document(root)
    finally:
        loader.dispose()


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping from ``path`` safely.

    Only regular files are read (no pipes, devices or directories), at most
    :data:`MAX_FILE_BYTES`; the document may hold at most :data:`MAX_NODES` values (also once
    aliases are expanded), :data:`MAX_ALIASES` aliases and :data:`MAX_DEPTH` levels.

    Raises:
        InstanceError: the file is missing, not a regular file, too large, not UTF-8, not
            valid YAML, or not a mapping at the top.
    """
    path = Path(path)
    name = str(path)
    try:
        text = _read_bytes(path, name).decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{name}: not UTF-8 text (byte {exc.start}: {exc.reason})"
        raise InstanceError(msg) from None
    try:
        data = _parse(text)
    except InstanceError as exc:
        raise InstanceError([f"{name}: {p}" for p in exc.problems]) from None
    except yaml.YAMLError as exc:
        msg = f"{name}: invalid YAML: {_yaml_problem(text, exc)}"
        raise InstanceError(msg) from None
    except RecursionError:
        msg = f"{name}: invalid YAML: nested too deeply"
        raise InstanceError(msg) from None
    if data is None:
        msg = f"{name}: the file is empty; an instance is a YAML mapping"
        raise InstanceError(msg)
    if not isinstance(data, dict):
        msg = f"{name}: the top level must be a mapping of sections, not a {type(data).__name__}"
        raise InstanceError(msg)
    return data
