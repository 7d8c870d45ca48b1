"""The provenance vocabulary: every provenance text of a number begins with its kind.

The kinds are ``case``, ``source`` and ``assumed`` (:data:`gpnopt.provenance.KINDS`; what each
means, and which text applies to which number, is in :mod:`gpnopt.provenance`). A text that
applies to at least one number and begins with none of them is a problem, reported once at
the text's own YAML path. Texts that apply to no number (an entity's rule, a list of plants),
the expectations' provenances (``SF-H1``, ``CF-4``) and numbers without provenance are not
checked here.

Unlike the other checks of this package, this one reads the file's mapping, not the
validated :class:`~gpnopt.schema.Instance`: the Instance fills defaults (numbers nobody
wrote) and no longer holds the ``overrides``, whose patches are checked too, each on its own
(``overrides.NAME.plants.X.provenance``): a scenario's numbers are numbers like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gpnopt.errors import show
from gpnopt.provenance import dotted, number_provenance, override_provenance

HOW = (
    "must begin with its kind: case (the case states the number), source (a public "
    "statistic: 'source cs 7.5: ...') or assumed ('assumed: ... because ...')"
)
"""The advice of every message."""


def check_provenance(raw: Mapping[str, Any]) -> list[str]:
    """``yaml.path: ...`` for each provenance text of a number that names no kind.

    ``raw`` is an instance mapping as read (with its ``overrides``), or an override patch.
    """
    if not isinstance(raw, Mapping):
        return []  # the shape check reports it
    found = {**number_provenance(raw, kindless_only=True),
             **override_provenance(raw, kindless_only=True)}
    bad: dict[str, tuple[str, int, str]] = {}
    for place, origin in found.items():
        if origin is None or origin.kind is not None:
            continue
        where = dotted(origin.where)
        text, n, first = bad.get(where, (origin.text, 0, dotted(place)))
        bad[where] = (text, n + 1, first)
    out = []
    for where, (text, n, first) in bad.items():
        numbers = f"{first}" + (f" and {n - 1} more" if n > 1 else "")
        out.append(
            f"{where}: the provenance {show(text, 40)} of a number ({numbers}) {HOW}"
        )
    return out


__all__ = ["HOW", "check_provenance"]
