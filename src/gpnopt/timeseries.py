"""Per-period values: an instance with ``periods:`` resolved into one plain instance per period.

In an instance with ``periods:`` any value may change over time (``README.md``, "Periods and
values over time"), written in one of two forms:

- a mapping whose every key is a period id, ``{P2005: 500, P2008: 700}``: each value holds
  from its period until the next one listed; the first period must be listed; ``null`` means
  no value in those periods (the key is left out);
- ``{value: x, growth: g}`` (exactly these keys): ``x * (1+g)^(start_t - y0)``, ``g > -1``.

The loader (:func:`gpnopt.io.load`) finds these forms after imports, overrides and the scenario
are merged (:func:`series_problems`), resolves one raw instance per period
(:func:`resolve_periods`), validates each, and returns the first period's instance with the
others attached (:func:`attach`); :func:`period_instances` returns them all and :func:`horizon`
the periods' years and discount weights. An instance without ``periods:`` is its own one
period :data:`gpnopt.dynamics.ONE_PERIOD`. No Pyomo here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ConfigDict, field_validator

from gpnopt.dynamics import ONE_PERIOD, Horizon, Period, check_periods, make_horizon
from gpnopt.errors import InstanceError, cut, show
from gpnopt.fields import Base
from gpnopt.schema import Instance

__all__ = [
    "FIXED_SECTIONS",
    "PeriodRaw",
    "attach",
    "combine",
    "horizon",
    "is_growth",
    "is_period_map",
    "period_ids",
    "period_instances",
    "period_key",
    "resolve_periods",
    "series_problems",
]

FIXED_SECTIONS = ("periods", "finance", "objective", "expectations")
"""Sections that hold for the whole horizon: no value in them may change by period."""

FREE_SECTIONS = ("notes",)
"""Sections read as written (free-form): never resolved by period."""

ID_SECTIONS = (
    "countries", "firms", "components", "products", "plants", "suppliers", "markets",
    "channels", "purchasing_offices", "exclusive_groups", "purchasing_pools",
)
"""Sections of entities by id (a period id may not be one of their ids)."""

ID_LISTS = ("sourcing_rules", "expectations")
"""Sections of records with an ``id`` (a period id may not be one of their ids)."""

GROWTH_KEYS = frozenset({"value", "growth"})
"""The keys of the growth form, exactly."""

_ABSENT = object()
"""A series value of ``null``: the key is left out in those periods."""


def horizon(instance: Instance) -> Horizon:
    """The :class:`gpnopt.dynamics.Horizon` of ``instance`` (its periods' years and weights).

    Args:
        instance: a validated instance; without ``periods`` the horizon is the one period
            :data:`~gpnopt.dynamics.ONE_PERIOD`.
    """
    return make_horizon(list(instance.periods), instance.finance)


def period_instances(instance: Instance) -> dict[str, Instance]:
    """One plain instance per period, in period order (one-period: ``{"P1": instance}``).

    Each is validated like any instance, holds no per-period value any more and keeps
    ``periods`` (so its year is known). For an instance loaded from a file (:func:`gpnopt.load`)
    the first is ``instance`` itself and the others were resolved by the loader; an instance
    built in Python with ``periods`` (or a copy of a loaded one) gives itself for every period.

    Args:
        instance: a validated instance.
    """
    if not instance.periods:
        return {ONE_PERIOD: instance}
    ids = [p.id for p in instance.periods]
    later = instance._by_period  # noqa: SLF001 - set by attach() below
    if set(later) == set(ids[1:]) and all(later[t].periods == instance.periods for t in ids[1:]):
        return {ids[0]: instance, **{t: later[t] for t in ids[1:]}}
    return dict.fromkeys(ids, instance)


def attach(first: Instance, later: Mapping[str, Instance]) -> Instance:
    """Attach the instances of the periods after the first to ``first``; return ``first``."""
    first._by_period = dict(later)  # noqa: SLF001 - read by period_instances() above
    return first


def period_ids(periods: Any) -> tuple[str, ...]:
    """The ids of a raw ``periods`` list (entries without a text id are skipped)."""
    if not isinstance(periods, list):
        return ()
    return tuple(p["id"] for p in periods if isinstance(p, dict) and isinstance(p.get("id"), str))


def period_key(key: Any, ids: Sequence[str]) -> str | None:
    """The period id a mapping key names (YAML reads ``2005:`` as a number), or ``None``."""
    if isinstance(key, bool):
        return None
    text = str(key) if isinstance(key, int) else key
    return text if isinstance(text, str) and text in ids else None


def is_period_map(value: Any, ids: Sequence[str]) -> bool:
    """Whether ``value`` is a non-empty mapping whose every key is a period id."""
    return (
        bool(ids)
        and isinstance(value, dict)
        and bool(value)
        and all(period_key(k, ids) is not None for k in value)
    )


def is_growth(value: Any) -> bool:
    """Whether ``value`` is the growth form ``{value: x, growth: g}`` (exactly those keys)."""
    return isinstance(value, dict) and set(value) == GROWTH_KEYS


def _year_like(key: Any) -> bool:
    """A key YAML read as a number of a year (``2005:``); a quoted ``'2005'`` may be an id."""
    return isinstance(key, int) and not isinstance(key, bool) and 1800 <= key <= 2300


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _listed(ids: Sequence[str]) -> str:
    shown = ", ".join(cut(t) for t in ids[:8])
    return shown + (", ..." if len(ids) > 8 else "")


class _Timing(Base):
    """The ``periods`` of a raw instance, validated before anything is resolved by period."""

    model_config = ConfigDict(extra="ignore")
    periods: list[Period] = []

    _ok = field_validator("periods")(check_periods)


# ---------------------------------------------------------------------------------------------
# Finding the series and their faults


def _growth_problems(node: dict[str, Any], where: str) -> list[str]:
    out = []
    if not _number(node["value"]):
        out.append(f"{where}.value: the value to grow must be a number, not {show(node['value'])}")
    g = node["growth"]
    if not _number(g):
        out.append(f"{where}.growth: the growth rate must be a number, not {show(g)}")
    elif g <= -1:
        out.append(
            f"{where}.growth: {g:g} is {100 * g:g}% a year; a growth rate must be above -1 "
            "(-100%: nothing left)"
        )
    elif g > 1:
        out.append(
            f"{where}.growth: {g:g} means {100 * g:g}% a year; rates are fractions "
            f"(write {g / 100:g} for {g:g}%), at most 1 (doubling every year)"
        )
    return out


def _map_problems(node: dict[str, Any], where: str, ids: Sequence[str]) -> list[str]:
    """Faults of a mapping with at least one period-id key."""
    out = []
    for k in node:
        if period_key(k, ids) is None:
            word = "a year but no period has that id" if _year_like(k) else "not a period id"
            out.append(f"{where}.{cut(str(k))}: {show(k)} is {word} (periods: {_listed(ids)})")
    if not any(period_key(k, ids) == ids[0] for k in node):
        out.append(
            f"{where}: the first period {ids[0]!r} has no value; list it (each value holds "
            "from its period until the next one listed)"
        )
    return out


def _node_problems(node: dict[str, Any], where: str, ids: Sequence[str]) -> tuple[list[str], bool]:
    """Faults of one mapping as a series, and whether it is (or was meant as) a series."""
    if not ids:
        if is_growth(node):
            return [f"{where}: a value with growth changes over the years; it needs periods:"], True
        if node and all(_year_like(k) for k in node):
            return [f"{where}: values by year need periods: (the instance has none)"], True
        return [], False
    if is_growth(node):
        return _growth_problems(node, where), True
    if any(period_key(k, ids) is not None for k in node):
        return _map_problems(node, where, ids), True
    if node and all(_year_like(k) for k in node):
        keys = ", ".join(cut(str(k)) for k in node)
        verb = "looks like a year" if len(node) == 1 else "look like years"
        return [f"{where}: {keys} {verb} but no period has such an id (periods: "
                f"{_listed(ids)}; key per-period values by period id)"], True
    return [], False


def _walk(node: Any, where: str, ids: Sequence[str], fixed: bool, out: list[str]) -> None:
    if isinstance(node, dict):
        found, series = _node_problems(node, where, ids) if where else ([], False)
        if series and fixed:
            section = where.split(".", 1)[0]
            out.append(
                f"{where}: the {section} section holds for the whole horizon; its values cannot "
                "change by period"
            )
            return
        out += found
        if series and is_growth(node):
            return
        for k, v in node.items():
            path = f"{where}.{cut(str(k))}" if where else cut(str(k))
            if not where and k in FREE_SECTIONS:
                continue
            _walk(v, path, ids, fixed or (not where and k in FIXED_SECTIONS), out)
    elif isinstance(node, list):
        for n, v in enumerate(node):
            _walk(v, f"{where}.{n}", ids, fixed, out)


def _section_ids(data: Mapping[str, Any], ids: Sequence[str]) -> dict[str, str]:
    """Every id of the raw instance's entities and records, with the path that defines it."""
    found: dict[str, str] = {}
    for section in ID_SECTIONS:
        value = data.get(section)
        parts = list(value.values()) if is_period_map(value, ids) else [value]
        for part in parts:
            for key in part if isinstance(part, dict) else ():
                found.setdefault(str(key), f"{section}.{key}")
    for section in ID_LISTS:
        value = data.get(section)
        parts = list(value.values()) if is_period_map(value, ids) else [value]
        for part in parts:
            for n, rec in enumerate(part if isinstance(part, list) else ()):
                if isinstance(rec, dict) and isinstance(rec.get("id"), str):
                    found.setdefault(rec["id"], f"{section}.{n}.id")
    return found


def series_problems(data: Mapping[str, Any]) -> list[str]:
    """Faults of the per-period values of a raw instance, as ``yaml.path: message`` lines.

    A key that is not a period id in a mapping with period-id keys, year-like keys that are
    no period, a growth rate of -100% or less (or above 100%, a likely percentage), the first
    period without a value, a series in an instance without ``periods:`` or in a section that
    holds for the whole horizon, and period ids that are also ids of entities or records.
    ``data["periods"]`` is assumed valid (:func:`resolve_periods` checks it first).
    """
    ids = period_ids(data.get("periods"))
    out: list[str] = []
    taken = _section_ids(data, ids)
    for n, t in enumerate(ids):
        if t in taken:
            out.append(
                f"periods.{n}.id: {t!r} is also the id at {taken[t]}; period ids must differ "
                "from every other id of the instance"
            )
    if out:
        return out
    _walk(dict(data), "", ids, False, out)
    return out


# ---------------------------------------------------------------------------------------------
# Resolving one period


@dataclass
class PeriodRaw:
    """The raw instance of one period, and where its resolved values were written.

    ``marks`` pairs a resolved path (as validation reports it) with the path of the value in
    the file (the series' entry that holds in the period), so that a problem found in the
    period's instance names the place to fix.
    """

    period: str
    data: dict[str, Any]
    marks: list[tuple[str, str]] = field(default_factory=list)
    ids: tuple[str, ...] = ()

    def hint(self, err: Mapping[str, Any], message: str) -> str:
        """A pydantic error's message, with a hint when a mapping stands where a number is
        expected (per-period values written wrongly)."""
        if err.get("type") not in ("float_type", "int_type") or not isinstance(err.get("input"), dict):
            return message
        if not self.ids:
            return f"{message}, not a mapping (values that change by period need periods:)"
        return (
            f"{message}, not a mapping; per-period values are a mapping keyed by period ids "
            f"(periods: {_listed(self.ids)}) or {{value: x, growth: g}}"
        )

    def loc(self, path: str) -> str:
        """The file's path of a resolved path (the longest marked prefix replaced)."""
        for resolved, written in self.marks:
            if path == resolved or path.startswith(resolved + "."):
                return written + path[len(resolved) :]
        return path

    def line(self, problem: str) -> str:
        """A ``yaml.path: message`` line with its path located in the file."""
        path, sep, message = problem.partition(": ")
        return f"{self.loc(path)}{sep}{message}" if sep else problem


@dataclass(frozen=True)
class _Clock:
    ids: tuple[str, ...]
    start: dict[str, int]

    def holding(self, node: dict[str, Any], t: str) -> Any:
        """The key of a per-period mapping whose value holds in period ``t``."""
        keys = {period_key(k, self.ids): k for k in node}
        upto = self.ids[: self.ids.index(t) + 1]
        return keys[next(p for p in reversed(upto) if p in keys)]

    def grown(self, node: dict[str, Any], t: str) -> Any:
        years = self.start[t] - self.start[self.ids[0]]
        if years == 0 or node["growth"] == 0:
            return node["value"]
        return node["value"] * (1.0 + node["growth"]) ** years


def _join(path: str, key: Any) -> str:
    return f"{path}.{cut(str(key))}" if path else cut(str(key))


def _pick(node: Any, t: str, clock: _Clock, paths: tuple[str, str], marks: list) -> Any:
    resolved, written = paths
    if isinstance(node, dict):
        if resolved and is_period_map(node, clock.ids):
            key = clock.holding(node, t)
            written = _join(written, key)
            marks.append((resolved, written))
            value = node[key]
            return _ABSENT if value is None else _pick(value, t, clock, (resolved, written), marks)
        if resolved and is_growth(node):
            marks.append((resolved, _join(written, "value")))
            return clock.grown(node, t)
        out = {}
        for k, v in node.items():
            if not resolved and k in FREE_SECTIONS:
                out[k] = v
                continue
            before = len(marks)
            value = _pick(v, t, clock, (_join(resolved, k), _join(written, k)), marks)
            if value is _ABSENT:
                del marks[before:]  # nothing of it is in the period
            else:
                out[k] = value
        return out
    if isinstance(node, list):
        items: list[Any] = []
        for n, v in enumerate(node):
            here = (_join(resolved, len(items)), _join(written, n))
            before = len(marks)
            if here[0] != here[1]:
                marks.append(here)
            value = _pick(v, t, clock, here, marks)
            if value is _ABSENT:
                del marks[before:]  # a later item takes its place
            else:
                items.append(value)
        return items
    return node


def resolve_periods(data: Mapping[str, Any], *, series: bool = True) -> list[PeriodRaw]:
    """One raw instance per period of ``data`` (an instance mapping, scenario applied).

    Without ``periods:`` the list holds ``data`` itself as the one period (after checking that
    it gives no per-period value). ``series`` false skips :func:`series_problems` (a mapping
    checked before whose numbers alone changed: a sweep's draw).

    Raises:
        pydantic.ValidationError: ``periods`` is malformed (checked before anything else).
        InstanceError: :func:`series_problems` found faults (lines without the file name).
    """
    timing = _Timing.model_validate({"periods": data.get("periods") or []})
    problems = series_problems(data) if series else []
    if problems:
        raise InstanceError(problems)
    if not timing.periods:
        return [PeriodRaw(ONE_PERIOD, dict(data))]
    ids = tuple(p.id for p in timing.periods)
    clock = _Clock(ids, {p.id: p.start for p in timing.periods})
    out = []
    for t in ids:
        marks: list[tuple[str, str]] = []
        resolved = _pick(dict(data), t, clock, ("", ""), marks)
        marks = [m for m in marks if m[0] != m[1]]
        marks.sort(key=lambda m: -len(m[0]))
        out.append(PeriodRaw(t, resolved, marks, ids))
    return out


def combine(checked: Sequence[tuple[PeriodRaw, Instance | list[str]]]) -> Instance:
    """The first period's instance with the others attached, or every period's problems.

    Args:
        checked: each period's raw instance with its validated instance or its problems
            (lines ``file: yaml.path: message`` located in the file).

    Raises:
        InstanceError: the problems of every period, each once; a problem that shows only in
            some periods of several names them.
    """
    where: dict[str, list[str]] = {}
    for raw, outcome in checked:
        if isinstance(outcome, list):
            for line in outcome:
                where.setdefault(line, []).append(raw.period)
    if where:
        every = len(checked)
        problems = [
            line if len(periods) == every else f"{line} (in {_periods_word(periods)})"
            for line, periods in where.items()
        ]
        raise InstanceError(problems)
    first = checked[0][1]
    assert isinstance(first, Instance)
    if len(checked) == 1:
        return first
    later = {raw.period: inst for raw, inst in checked[1:]}
    return attach(first, later)  # type: ignore[arg-type] - no problems: each is an Instance


def _periods_word(periods: Sequence[str]) -> str:
    return ("period " if len(periods) == 1 else "periods ") + ", ".join(periods)
