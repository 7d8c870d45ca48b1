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
from collections.abc import Mapping, Sequence
from typing import Any

from gpnopt.errors import cut, show
from gpnopt.hints import did_you_mean
from gpnopt.timeseries import is_growth, is_period_map, period_ids, period_key

__all__ = [
    "deep_merge", "override_clashes", "refused_patch_keys", "restated", "scenario_overrides",
]

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
                problems.append(f"{path}: removes nothing (no such key)")
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
