"""Messages for pydantic validation errors: the YAML path of an error and a sentence a user
can act on (what YAML made of an unquoted value, the closest valid key, the unit of a number
beyond the bound). :func:`gpnopt.io.validation_problems` puts them together per file.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from gpnopt.errors import cut, show
from gpnopt.hints import comma_hint, did_you_mean, keys_at, value_at
from gpnopt.schema import ID_RULE, MAX_MAGNITUDE

__all__ = ["format_loc", "problem_line"]


def format_loc(loc: Iterable[Any]) -> str:
    """Turn a pydantic ``loc`` into a YAML path (``plants.CN_FT.owners``).

    Parts longer than any valid id (64 characters) are cut."""
    parts = [cut(str(p), 70) for p in loc if not (isinstance(p, str) and p.startswith("function-"))]
    return ".".join(parts) if parts else "(top level)"


def _yaml_type_hint(value: Any) -> str | None:
    """Why YAML gave a non-text where text (an id, a name) is expected, and the fix."""
    if isinstance(value, bool):
        word, spelled = ("true", "yes, on or true") if value else ("false", "no, off or false")
        example = "YES" if value else "NO"
        return (
            f"was read by YAML as the boolean {word} (an unquoted {spelled} in any case, "
            f"such as {example}), not as text; write it in quotes, e.g. '{example}'"
        )
    if isinstance(value, int | float):
        return (
            f"was read by YAML as the number {value:g} (unquoted digits, such as 01 or 1.5, "
            "are numbers), not as text; write it in quotes, e.g. '01'"
        )
    if isinstance(value, datetime.date):
        return (
            f"was read by YAML as the date {value.isoformat()}, not as text; write it in "
            f"quotes: '{value.isoformat()}'"
        )
    return None


def _beyond_bound(err: Mapping[str, Any]) -> bool:
    """Whether a pydantic error is :data:`~gpnopt.schema.MAX_MAGNITUDE` being exceeded."""
    ctx = err.get("ctx") or {}
    return (err["type"] == "less_than_equal" and ctx.get("le") == MAX_MAGNITUDE) or (
        err["type"] == "greater_than_equal" and ctx.get("ge") == -MAX_MAGNITUDE
    )


def problem_line(
    err: Mapping[str, Any], root: type[BaseModel] | None, raw: Any = None
) -> tuple[str, str]:
    """The YAML path and message of one pydantic error (``root``: the document's model,
    ``raw``: the document, to say what YAML made of an unquoted comma)."""
    loc = tuple(err["loc"])
    key = None
    if len(loc) >= 2 and loc[-1] == "[key]":  # the error is about a mapping key
        key, loc = loc[-2], loc[:-2]
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "extra_forbidden":
        hint = did_you_mean(loc[-1], keys_at(root, loc[:-1])) if root and loc else ""
        msg = f"unknown key (not part of the schema; check its spelling){hint}"
        if err.get("input") is None and loc and not hint:
            msg = f"unknown key: {comma_hint(loc[-1], value_at(raw, loc[:-1]))}"
    elif err["type"] == "string_pattern_mismatch":
        msg = f"String should match pattern (an id is {ID_RULE})"
    elif _beyond_bound(err):
        msg = (
            f"{err['input']:g} is beyond the bound of {MAX_MAGNITUDE:g} for any number of an "
            "instance (check its unit)"
        )
    hint = _yaml_type_hint(err.get("input")) if err["type"] == "string_type" else None
    if hint:
        msg = f"{'a key' if key is not None else 'the value'} {hint}"
    elif key is not None:
        msg = f"key {show(key)}: {msg}"
    return format_loc(loc), msg
