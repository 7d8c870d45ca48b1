"""Where each number comes from: the provenance of every number of an instance mapping.

Every ``provenance`` text of a number begins with its **kind**, one of :data:`KINDS`:

* ``case``: the case text states the number (``case 1.10: 2 expatriates at FT-China``);
* ``source``: a public statistic, or ``docs/calibration-sources.md`` (``source cs 7.5: ...``);
* ``assumed``: the modeller chose it, with the reason (``assumed: a small shop because ...``).

A number built from several kinds takes the weakest (``assumed`` below ``source`` below
``case``): a price from a statistic times an assumed share is ``assumed``. A number with no
provenance at all is of kind :data:`UNSTATED`.

Where a text applies (the rules the readers of ``instances/tm_ffg.yaml`` have always used):

* a ``provenance`` text on a record applies to every number in that record, its sub-records
  and lists included, unless a deeper ``provenance`` says otherwise;
* a ``provenance`` mapping gives a text per key: the key names a key anywhere on the path from
  the record to the number (``lines`` covers ``lines.tm_lathe_high.unit_cost``, ``quantity``
  covers ``demand.tm_lathe_high.quantity``, ``casting`` covers ``components.casting.unit_price``)
  or a dotted run of keys (``lines.tm_lathe_high``); the key nearest the record wins (a
  plant's ``lines`` text, not its ``fixed_cost`` text, covers ``lines.X.fixed_cost``), and of
  two runs starting there the longer; a number no key names takes the provenance of the
  records above.

``expectations`` are skipped everywhere (their provenances are free text: ``SF-H1``,
``CF-4``), and ``overrides`` are read one patch at a time (:func:`number_provenance` of
each). No pandas, no Pyomo: a plain walk of the mapping.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

KINDS = ("case", "source", "assumed")
"""The kind words a provenance text of a number begins with, strongest first."""

UNSTATED = "unstated"
"""The kind of a number without any provenance."""

SKIPPED = frozenset({"provenance", "expectations", "name", "description"})
"""Keys whose subtrees hold no number to trace (texts, or expectations with free provenance)."""

FILE_KEYS = frozenset({"overrides", "scenarios", "imports"})
"""Top-level keys that are not part of the instance itself (overrides are patches)."""

_KIND = re.compile(r"\s*(case|source|assumed)(?![a-z])", re.IGNORECASE)

Place = tuple[Any, ...]
"""A place in a mapping: keys (str) and list positions (int), as in :mod:`gpnopt.sweep`."""


@dataclass(frozen=True)
class Origin:
    """The provenance of one number.

    Attributes:
        text: the provenance text that applies.
        where: the place of that text (``("plants", "JP_TM", "provenance", "lines")``).
        kind: the text's kind (:data:`KINDS`), or None when it begins with none of them.
    """

    text: str
    where: Place
    kind: str | None


@functools.lru_cache(maxsize=4096)
def kind_of(text: str) -> str | None:
    """The kind word a provenance text begins with (case-insensitive), or None."""
    m = _KIND.match(text)
    return m.group(1).lower() if m else None


def _key_start(key: str, rel: tuple[str, ...]) -> int | None:
    """Where ``key`` (a key or a dotted run of keys) first occurs on the relative path
    ``rel`` (the leaf's own key included), or None."""
    parts = tuple(key.split("."))
    n = len(parts)
    for j in range(len(rel) - n + 1):
        if rel[j:j + n] == parts:
            return j
    return None


def _resolve(contexts: list[tuple[Place, Any, Place]], path: Place) -> Origin | None:
    """The innermost provenance that applies to the number at ``path``."""
    for anchor, prov, where in reversed(contexts):
        if isinstance(prov, str):
            return Origin(prov, where, kind_of(prov))
        rel = tuple(str(p) for p in path[len(anchor):])
        found = []
        for key, text in prov.items():
            j = _key_start(str(key), rel)
            if j is not None and isinstance(text, str):
                found.append((j, -len(str(key)), str(key), text))
        if found:
            _, _, key, text = min(found)
            return Origin(text, (*where, key), kind_of(text))
    return None


def number_provenance(
    raw: Mapping[str, Any], prefix: Place = (), *, kindless_only: bool = False
) -> dict[Place, Origin | None]:
    """Every number of an instance mapping with the provenance that applies to it.

    Numbers under :data:`SKIPPED` keys and the file keys (:data:`FILE_KEYS`) are left out;
    booleans are not numbers. ``prefix`` is prepended to every place (an override patch:
    ``("overrides", NAME)``). Numbers without provenance map to None. ``kindless_only``
    traces only the numbers a text without a kind may cover (the check's fast path).
    """
    out: dict[Place, Origin | None] = {}
    contexts: list[tuple[Place, Any, Place]] = []
    kindless = [0]  # contexts on the stack holding a text without a kind

    def walk(node: Any, path: Place) -> None:
        if isinstance(node, Mapping):
            prov = node.get("provenance")
            pushed = isinstance(prov, str) or (isinstance(prov, Mapping) and bool(prov))
            weak = pushed and any(
                isinstance(t, str) and kind_of(t) is None
                for t in ((prov,) if isinstance(prov, str) else prov.values()))
            if pushed:
                contexts.append((path, prov, (*path, "provenance")))
                kindless[0] += weak
            for k, v in node.items():
                if k in SKIPPED or (path == prefix and k in FILE_KEYS):
                    continue
                walk(v, (*path, k))
            if pushed:
                contexts.pop()
                kindless[0] -= weak
        elif isinstance(node, list):
            for j, v in enumerate(node):
                walk(v, (*path, j))
        elif isinstance(node, int | float) and not isinstance(node, bool):
            if not kindless_only or kindless[0]:
                out[path] = _resolve(contexts, path)

    walk(raw, prefix)
    return out


def override_provenance(
    raw: Mapping[str, Any], *, kindless_only: bool = False
) -> dict[Place, Origin | None]:
    """The numbers of every override patch of a file mapping (``overrides.NAME....``)."""
    out: dict[Place, Origin | None] = {}
    overrides = raw.get("overrides")
    if isinstance(overrides, Mapping):
        for name, patch in overrides.items():
            if isinstance(patch, Mapping):
                out.update(number_provenance(patch, ("overrides", name),
                                             kindless_only=kindless_only))
    return out


def number_kinds(raw: Mapping[str, Any]) -> dict[Place, str]:
    """Every number of an instance mapping (scenario applied) with its kind: one of
    :data:`KINDS`, or :data:`UNSTATED` (no provenance, or one that names no kind)."""
    return {p: (o.kind if o is not None and o.kind else UNSTATED)
            for p, o in number_provenance(raw).items()}


def dotted(path: Place) -> str:
    """``plants.JP_TM.fixed_cost`` (list positions as numbers)."""
    return ".".join(str(p) for p in path)


__all__ = [
    "FILE_KEYS",
    "KINDS",
    "SKIPPED",
    "UNSTATED",
    "Origin",
    "Place",
    "dotted",
    "kind_of",
    "number_kinds",
    "number_provenance",
    "override_provenance",
]
