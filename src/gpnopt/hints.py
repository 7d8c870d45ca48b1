""""Did you mean ...?" for unknown keys and ids.

:func:`did_you_mean` picks the closest known names (``difflib``); :func:`keys_at` finds the
keys the schema allows at a YAML path, by walking the pydantic models' field types (so a
misspelt key gets the right suggestions at any depth). No Pyomo here.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel

from gpnopt.errors import cut, show


def did_you_mean(word: object, known: Iterable[object], *, n: int = 3) -> str:
    """`` (did you mean 'x'?)`` for the known names closest to ``word``, or ``""``.

    Args:
        word: the unknown key or id as written.
        known: the names allowed there.
        n: most suggestions.

    Returns:
        The hint with a leading space, or an empty string when nothing is close.
    """
    if not isinstance(word, str):
        return ""
    names = sorted({str(k) for k in known})
    close = difflib.get_close_matches(word, names, n=n, cutoff=0.6)
    if not close:  # a difference of case only, or a prefix, still deserves a hint
        low = word.lower()
        close = [k for k in names if k.lower() == low or (len(low) > 2 and k.lower().startswith(low))][:n]
    if not close:
        return ""
    return " (did you mean " + " or ".join(show(c) for c in close) + "?)"


def _unwrap(tp: Any) -> list[Any]:
    """The concrete types behind ``Annotated``, ``Optional`` and unions."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [t for a in typing.get_args(tp) for t in _unwrap(a) if t is not type(None)]
    return [tp]


def _step(tp: Any, part: object) -> list[Any]:
    """The types one level below ``tp`` at ``part`` (a field name, a mapping key, an index)."""
    found: list[Any] = []
    for t in _unwrap(tp):
        origin = typing.get_origin(t)
        if isinstance(t, type) and issubclass(t, BaseModel):
            field = t.model_fields.get(str(part))
            if field is not None:
                found.append(field.annotation)
        elif origin is dict:
            found.append(typing.get_args(t)[1])
        elif origin is list and isinstance(part, int):
            found.append(typing.get_args(t)[0])
    return found


def keys_at(root: type[BaseModel], loc: Sequence[object]) -> list[str]:
    """The keys the schema allows in the mapping at ``loc`` under the model ``root``.

    Args:
        root: the model of the whole document (:class:`~gpnopt.schema.InstanceFile`).
        loc: the YAML path of the mapping (pydantic's ``loc`` without the unknown key).

    Returns:
        The field names of the model(s) found there (empty when the path leads nowhere).
    """
    current: list[Any] = [root]
    for part in loc:
        current = [t for tp in current for t in _step(tp, part)]
    keys: set[str] = set()
    for tp in current:
        for t in _unwrap(tp):
            if isinstance(t, type) and issubclass(t, BaseModel):
                keys |= set(t.model_fields)
    return sorted(keys)


def value_at(raw: Any, loc: tuple) -> Any:
    """The value at pydantic path ``loc`` in the raw document (``None`` if not found)."""
    for part in loc:
        if isinstance(raw, dict):
            raw = raw.get(part)
        elif isinstance(raw, list) and isinstance(part, int) and 0 <= part < len(raw):
            raw = raw[part]
        else:
            return None
    return raw


def comma_hint(key: object, parent: Any) -> str:
    """Why YAML made a key with no value (``key: null``) and how to quote: an unquoted comma
    inside ``{...}`` or ``[...]`` ends a text, and the text after it becomes a key."""
    shown = show(str(key))
    msg = (f"YAML read {shown} as a key with no value: inside {{...}} or [...] an unquoted "
           "comma ends a text, and the text after it becomes a key of its own")
    if isinstance(parent, dict):
        keys = list(parent)
        written = ", ".join(
            f"{k}: {cut(repr(v), 40) if v is not None else '(no value)'}" for k, v in parent.items()
        )
        msg += f"; the mapping holds {cut(written, 240)}"
        n = keys.index(key) if key in keys else -1
        before = keys[n - 1] if n > 0 else None
        if before is not None and isinstance(parent[before], str):
            whole = f"{parent[before]}, {key}"
            return (f"{msg}. If {shown} belongs to {before}, quote the whole text: "
                    f"{before}: '{cut(whole, 80)}'")
    return f"{msg}. If it belongs to the text before it, quote that whole text ('..., {key}')"
