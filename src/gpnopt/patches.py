"""Deep-merge patches (overrides, a file built on a base) and the scenarios that select them.

A patch merges into an instance mapping key by key (Calliope's overrides): a mapping merges
into a mapping, any other value replaces, ``null`` removes the key. Per-period values
(:mod:`gpnopt.timeseries`) merge by period:

- a per-period mapping onto a plain value keeps the plain value for the periods before the
  first one the patch lists (``quantity: {P2008: 700}`` onto ``quantity: 500``);
- onto a per-period mapping it merges period by period;
- a plain mapping onto a per-period mapping patches the value of every period;
- ``{growth: g}`` onto a number grows that number (``{value: number, growth: g}``).

:func:`scenario_overrides` turns a scenario string into the overrides it applies and
:func:`override_clashes` finds selected overrides that disagree. No Pyomo here.
"""

from __future__ import annotations

import copy
import re
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from gpnopt.errors import cut, show
from gpnopt.fields import ID_PATTERN
from gpnopt.hints import did_you_mean
from gpnopt.schema import Instance
from gpnopt.timeseries import is_growth, is_period_map, period_ids, period_key

__all__ = [
    "ADD_MARK", "RESERVED_NAMES", "deep_merge", "override_clashes", "patch_adds",
    "refused_patch_keys", "reserved_names", "restated", "scenario_overrides",
]

ADD_MARK = "+"
"""Prefix of an override key that adds a record (``plants: {+VN_TM: {...}}``)."""

PATCH_REFUSED = ("imports", "overrides", "scenarios")
"""File-only keys a patch may not hold."""


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _onto_plain(old: Any, patch: Mapping[str, Any], ids: Sequence[str]) -> dict[Any, Any]:
    """A per-period mapping merged onto a plain value: the old value holds before it."""
    new = copy.deepcopy(dict(patch))
    if not any(period_key(k, ids) == ids[0] for k in new):
        new = {ids[0]: copy.deepcopy(old), **new}
    return new


def _merge_value(
    base: dict[str, Any], key: Any, value: Any, path: str, ids: Sequence[str]
) -> list[str]:
    """Merge one patch entry into ``base`` (``base[key]`` exists or not)."""
    old = base.get(key)
    if isinstance(value, Mapping) and ids and is_period_map(dict(value), ids):
        if isinstance(old, dict) and is_period_map(old, ids):
            return _merge(old, value, path, ids)
        base[key] = _onto_plain(old, value, ids) if key in base else copy.deepcopy(dict(value))
        return []
    if isinstance(value, Mapping) and set(value) == {"growth"} and _number(old):
        base[key] = {"value": old, "growth": value["growth"]}
        return []
    if isinstance(value, Mapping) and not is_growth(value) and is_period_map(old, ids):
        # every period patched; a part that addresses nothing is wrong only if it does so in
        # every period (a key removed that some periods never had is fine)
        found = [_merge_value(old, t, value, path, ids) for t, v in list(old.items()) if v is not None]
        return [p for p in found[0] if all(p in f for f in found)] if found else []
    if isinstance(value, Mapping) and isinstance(old, dict):
        return _merge(old, value, path, ids)
    base[key] = copy.deepcopy(value)
    return []


def _comma(patch: Mapping[str, Any], key: object) -> str:
    """For a removal (``key: null``) of a key that is no id: how YAML made it of text after an
    unquoted comma inside ``{...}``, and how to quote it; else ``""``."""
    if not isinstance(key, str) or re.fullmatch(ID_PATTERN, key):
        return ""
    keys = list(patch)
    n = keys.index(key)
    before = keys[n - 1] if n > 0 else None
    msg = ("; YAML read it as a key with no value (which removes a key): inside {...} or "
           "[...] an unquoted comma ends a text, and the text after it becomes a key of its own")
    if before is not None and isinstance(patch[before], str):
        return f"{msg}. If it belongs to {before}, quote the whole text: {before}: " \
               f"'{cut(patch[before] + ', ' + key, 80)}'"
    return msg


def _merge(
    base: dict[str, Any], patch: Mapping[str, Any], where: str, ids: Sequence[str]
) -> list[str]:
    problems = []
    for key, value in patch.items():
        path = f"{where}.{cut(str(key))}" if where else cut(str(key))
        if value is None:
            if key in base:
                del base[key]
            else:
                problems.append(f"{path}: removes nothing (no such key){_comma(patch, key)}")
        else:
            problems += _merge_value(base, key, value, path, ids)
    return problems


def deep_merge(
    base: dict[str, Any],
    patch: Mapping[str, Any],
    where: str = "",
    *,
    periods: Sequence[str] | None = None,
) -> list[str]:
    """Merge ``patch`` into ``base`` in place; return paths the patch addressed wrongly.

    Mappings merge key by key; any other value replaces. A ``null`` value removes the key;
    removing a key that does not exist is reported (the patch addresses nothing). Per-period
    values merge by period (the module's docstring).

    Args:
        base: the mapping patched in place (an instance, or a part of one).
        patch: the patch.
        where: the YAML path of ``base`` (for messages).
        periods: the period ids; omitted = those of ``patch["periods"]`` or else
            ``base["periods"]`` (a whole instance).
    """
    if periods is None:
        periods = period_ids(patch.get("periods")) or period_ids(base.get("periods"))
    return _merge(base, patch, where, tuple(periods))


RESERVED_NAMES = {
    "base": "--scenario base means the file as written, so such a scenario would never run",
    "all": "gpnopt compare --scenarios all means the base and every scenario of the file",
}
"""Names an override or a scenario may not have, with what each means on the command line."""


def reserved_names(name: str, raw: Mapping[str, Any]) -> list[str]:
    """Problems (``file: key.name: ...``) of the overrides and scenarios of ``raw`` that have
    a reserved name (:data:`RESERVED_NAMES`)."""
    return [
        f"{name}: {key}.{n}: the name {show(n)} is reserved ({why}); choose another name"
        for key in ("overrides", "scenarios") if isinstance(raw.get(key), Mapping)
        for n in raw[key] if isinstance(n, str) and (why := RESERVED_NAMES.get(n))
    ]


def scenario_overrides(
    name: str, raw: Mapping[str, Any], scenario: str
) -> tuple[list[tuple[str, Mapping[str, Any]]], list[str]]:
    """The (override name, patch) pairs a comma-separated scenario string selects.

    Args:
        name: the file name (for messages).
        raw: the instance mapping with its ``overrides`` and ``scenarios``.
        scenario: scenario or override names joined by commas (``base`` selects nothing).

    Returns:
        The pairs in order, and the problems (lines ``file: ...``) of names not found.
    """
    overrides = raw.get("overrides") or {}
    scenarios = raw.get("scenarios") or {}
    patches: list[tuple[str, Mapping[str, Any]]] = []
    problems: list[str] = []
    for part in [s.strip() for s in scenario.split(",") if s.strip()]:
        if part == "base":
            continue
        if part in scenarios:
            spec = scenarios[part]
            names = spec.get("overrides", []) if isinstance(spec, dict) else spec
            if not isinstance(names or [], list) or not all(isinstance(o, str) for o in names or []):
                problems.append(
                    f"{name}: scenarios.{cut(part)}.overrides: must be a list of override names"
                )
                continue
            for o in names or []:
                if o in overrides:
                    patches.append((o, overrides[o]))
                else:
                    problems.append(f"{name}: scenarios.{cut(part)}: unknown override {show(o)}")
        elif part in overrides:
            patches.append((part, overrides[part]))
        else:
            known = sorted(str(k) for k in {*scenarios, *overrides})
            listed = ", ".join(cut(k) for k in known[:20]) + (", ..." if len(known) > 20 else "")
            problems.append(
                f"{name}: scenario {show(part)} is neither a scenario nor an override"
                f"{did_you_mean(part, known)} (known: {listed or 'none'})"
            )
    return patches, problems


def _leaves(patch: Mapping[str, Any], where: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Every leaf path of a patch with its value (a mapping value is not a leaf)."""
    out: dict[tuple[str, ...], Any] = {}
    for key, value in patch.items():
        path = (*where, str(key))
        if isinstance(value, Mapping) and value:
            out.update(_leaves(value, path))
        else:
            out[path] = value
    return out


def override_clashes(name: str, patches: list[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """Pairs of selected overrides that set the same key to different values, or where one
    replaces or removes what the other sets inside."""
    problems = []
    seen: list[tuple[str, dict[tuple[str, ...], Any]]] = []
    for oname, patch in patches:
        leaves = _leaves(patch) if isinstance(patch, Mapping) else {}
        for other, other_leaves in seen:
            if other == oname:
                continue
            for path, value in leaves.items():
                for opath, ovalue in other_leaves.items():
                    n = min(len(path), len(opath))
                    if path[:n] != opath[:n]:
                        continue
                    if (len(path) == len(opath) and value != ovalue) or len(path) != len(opath):
                        where = ".".join(cut(p) for p in (path if len(path) <= len(opath) else opath))
                        problems.append(
                            f"{name}: overrides {show(other)} and {show(oname)} clash at {where}"
                        )
                        break
                else:
                    continue
                break
        seen.append((oname, leaves))
    return problems


def refused_patch_keys(where: str, patch: Mapping[str, Any]) -> list[str]:
    """Problems of file-only keys (imports, overrides, scenarios) inside a patch."""
    return [
        f"{where}.{key}: an override cannot hold {key} (it patches the instance's sections only)"
        for key in PATCH_REFUSED
        if key in patch
    ]


def restated(base: Mapping[str, Any], patch: Mapping[str, Any]) -> list[str]:
    """Paths where ``patch`` sets the value ``base`` already has (a number written twice)."""
    out = []
    for path, value in _leaves(patch).items():
        node: Any = base
        for part in path:
            node = node.get(part, _MISSING) if isinstance(node, Mapping) else _MISSING
        if value is not None and node is not _MISSING and node == value:
            out.append(".".join(cut(p) for p in path))
    return out


_MISSING = object()


def _unwrap(t: Any) -> Any:
    """A type without ``Annotated`` and ``| None``."""
    while True:
        origin = typing.get_origin(t)
        if origin is typing.Annotated:
            t = typing.get_args(t)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(t) if a is not type(None)]
            if len(args) != 1:
                return t
            t = args[0]
        else:
            return t


def _child(t: Any, key: str) -> Any:
    """The type of ``key`` inside a value of type ``t`` (None when unknown)."""
    t = _unwrap(t)
    if isinstance(t, type) and issubclass(t, BaseModel):
        field = t.model_fields.get(key)
        return None if field is None else field.annotation
    if typing.get_origin(t) is dict:
        return typing.get_args(t)[1]
    return None


def _records_by_id(t: Any) -> type[BaseModel] | None:
    """The record type when ``t`` is a mapping of records by id (``dict[str, Model]``:
    plants, markets, a plant's lines, a market's demand...), else None."""
    t = _unwrap(t)
    if typing.get_origin(t) is not dict:
        return None
    value = _unwrap(typing.get_args(t)[1])
    return value if isinstance(value, type) and issubclass(value, BaseModel) else None


def _missing(record: type[BaseModel], value: Any) -> list[str] | None:
    """The required fields of ``record`` that ``value`` leaves out (None: it has no required
    field, so a whole record cannot be told from a patch of one)."""
    required = [n for n, f in record.model_fields.items() if f.is_required()]
    if not required:
        return None
    given = set(value) if isinstance(value, Mapping) else set()
    return [n for n in required if n not in given]


def _unmarked(value: Any) -> Any:
    """``value`` with the add marks of its keys removed (everything under an add is new)."""
    if not isinstance(value, Mapping):
        return copy.deepcopy(value)
    return {
        (k[1:] if isinstance(k, str) and k.startswith(ADD_MARK) else k): _unmarked(v)
        for k, v in value.items()
    }


def patch_adds(
    base: Mapping[str, Any],
    patch: Mapping[str, Any],
    where: str = "",
    *,
    periods: Sequence[str] = (),
    root: Any = None,
) -> tuple[dict[str, Any], list[str]]:
    """Check that an override adds records only where it says so; return it unmarked.

    A key of ``patch`` that the mapping of records it lands in (``plants``, ``markets``, a
    plant's ``lines``, a market's ``demand``: every ``id -> record`` mapping of the schema)
    lacks would create a new record, most often by a typo: it is refused with the closest
    existing key, unless it is written with the :data:`ADD_MARK` (``+VN_TM``), which states
    that the override adds it. A new record given whole (every required field of its kind,
    ``country`` and ``owners`` of a plant...) is taken as meant and needs no mark; records of
    kinds without required fields (countries, components, lines...) always need it. An add
    mark on a key that exists is refused too. New keys elsewhere (an optional field not
    written in the base) need no mark.

    Args:
        base: the instance mapping the override will be merged into (not changed).
        patch: the override.
        where: the YAML path of ``patch`` (for messages).
        periods: the period ids (their keys in per-period values are never refused).
        root: the schema type of ``base``; None = the instance (:class:`gpnopt.schema.Instance`).

    Returns:
        The override with its add marks removed (for :func:`deep_merge`), and the problems
        (``path: message``).
    """
    out: dict[str, Any] = {}
    problems: list[str] = []
    root = Instance if root is None else root
    by_id = _records_by_id(root)
    for key, value in patch.items():
        add = isinstance(key, str) and key.startswith(ADD_MARK) and len(key) > 1
        name = key[1:] if add else key
        path = f"{where}.{cut(str(name))}" if where else cut(str(name))
        exists = name in base
        old = base.get(name)
        if add and exists:
            problems.append(f"{path}: adds {show(name)}, which exists already (patch it "
                            f"without the {ADD_MARK})")
        elif add:
            out[name] = _unmarked(value)
        elif (
            not exists
            and value is not None
            and by_id is not None
            and str(name) not in periods
            and (missing := _missing(by_id, value)) != []
        ):
            whole = f" (or give it whole: it lacks {', '.join(missing)})" if missing else ""
            problems.append(
                f"{path}: there is no {show(name)} to patch{did_you_mean(str(name), base)}; "
                f"to add it, write {show(ADD_MARK + str(name))}{whole}"
            )
        elif (
            isinstance(value, Mapping)
            and isinstance(old, Mapping)
            and not is_period_map(dict(value), periods)
            and not is_period_map(dict(old), periods)
        ):
            out[name], found = patch_adds(
                old, value, path, periods=periods, root=_child(root, str(name))
            )
            problems += found
        else:  # a value, or what the base does not write: everything under it is new
            out[name] = copy.deepcopy(value) if exists else _unmarked(value)
    return out, problems
