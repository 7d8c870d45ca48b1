"""The one message for a reference to an unknown id, shared by every check module."""

from __future__ import annotations

from collections.abc import Iterable

from gpnopt.errors import show
from gpnopt.hints import did_you_mean


def unknown(where: str, kind: str, values: Iterable[str | None], known: Iterable[str]) -> list[str]:
    """``where: unknown <kind> 'x' (did you mean 'y'?)`` for each value not in ``known``
    (``None`` values are skipped)."""
    known_set = set(known)
    return [
        f"{where}: unknown {kind} {show(v)}{did_you_mean(v, known_set)}"
        for v in values
        if v is not None and v not in known_set
    ]
