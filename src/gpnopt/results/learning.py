"""The learning table of a solution: cumulative output, the cost and quality it has earned,
and training programmes, period by period (family 15, ``docs/formulation.md``).

:func:`learning_rows` reads a :class:`gpnopt.results.Solution`'s rows (each line's and make
option's output per period), each period's instance (the learning steps and requirements)
and the period lengths, and lists one row per option that learns or has a requirement and
per period, the ``learning`` table (``learning.csv``):

===========  ===============================================================================
column       meaning
===========  ===============================================================================
kind         ``line`` or ``make``
entity       ``PLANT/PRODUCT`` (a line) or ``PLANT/COMPONENT`` (a make option)
period       the period
output       units made per year in the period
cumulative   units made before the period (earlier periods' output times their years), of
             the option itself or of the option its ``learning_from`` names
step         learning steps passed by ``cumulative`` (0: none)
unit_cost    the unit cost in force in the period (the last passed step's, else the option's)
quality      the quality of a make option's output in force (empty for a line)
trained      1 if the option's training programme starts in the period
===========  ===============================================================================

:func:`learning_events` turns the rows into timeline events: ``learned`` (a step passed at
the start of a period: ``unit cost 10 -> 8 after 500 units``) and ``training started``
(``cost 50, usable from T3``). Output before the first period counts as zero (as in the
model). Plain Python, no Pyomo.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gpnopt.schema import Instance

Rows = tuple[dict[str, Any], ...]

LEARNING_COLUMNS = [
    "kind", "entity", "period", "output", "cumulative", "step", "unit_cost", "quality", "trained",
]
"""Columns of the ``learning`` table."""


def _options(inst: Instance) -> list[tuple[str, str, str, Any]]:
    """(kind, plant, item, spec) of every line and make option that learns or requires."""
    out = []
    for p, plant in inst.plants.items():
        for i, line in plant.lines.items():
            if line.learning or line.requires is not None:
                out.append(("line", p, i, line))
        for k, opt in plant.components.items():
            if opt.learning or opt.requires is not None:
                out.append(("make", p, k, opt))
    return out


def _in_force(spec: Any, kind: str, cumulative: float) -> tuple[int, float, str]:
    """(steps passed, unit cost, quality) of ``spec`` after ``cumulative`` units."""
    step, cost = 0, float(spec.unit_cost)
    quality = spec.quality if kind == "make" else ""
    for s, st in enumerate(spec.learning, start=1):
        if cumulative + 1e-9 < st.after:
            break
        step = s
        if st.unit_cost is not None:
            cost = float(st.unit_cost)
        if st.quality is not None:
            quality = st.quality
    return step, cost, quality


def learning_rows(
    solution: Any,
    instances: Mapping[str, Instance],
    lengths: Mapping[str, int],
    trained: Mapping[tuple[str, str, str, str], int],
) -> Rows:
    """The learning table (module docstring).

    Args:
        solution: the rows of every period.
        instances: period id -> that period's instance.
        lengths: period id -> years in the period.
        trained: (kind, plant, item, period) -> 1 where the option's training programme
            starts (the model's ``v_train``), read by :func:`gpnopt.results.read_solution`.
    """
    periods = [t for t in solution.periods if t in instances]
    if not periods:
        return ()
    made: dict[tuple[str, str, str, str], float] = {}
    for r in solution.lines:
        made["line", r["plant"], r["product"], r["period"]] = float(r["quantity"])
    for r in solution.make_or_buy:
        made["make", r["plant"], r["component"], r["period"]] = float(r["quantity"])
    rows: list[dict[str, Any]] = []
    for kind, p, item, first in _options(instances[periods[0]]):
        counted = _source(first, (kind, p, item))
        cumulative = 0.0
        for t in periods:
            spec = _spec_in(instances[t], kind, p, item)
            out = made.get((kind, p, item, t), 0.0)
            if spec is not None:
                step, cost, quality = _in_force(spec, kind, cumulative)
                rows.append({
                    "kind": kind, "entity": f"{p}/{item}", "period": t, "output": out,
                    "cumulative": cumulative, "step": step, "unit_cost": cost,
                    "quality": quality, "trained": int(trained.get((kind, p, item, t), 0)),
                })
            cumulative += made.get((*counted, t), 0.0) * lengths.get(t, 1)
    return tuple(rows)


def _source(spec: Any, own: tuple[str, str, str]) -> tuple[str, str, str]:
    """(kind, plant, item) whose output the steps of ``spec`` count: its ``learning_from``,
    else the option itself."""
    src = getattr(spec, "learning_from", None)
    if src is None:
        return own
    return ("line", src.plant, src.product) if src.product is not None else (
        "make", src.plant, src.component)


def _spec_in(inst: Instance, kind: str, p: str, item: str) -> Any:
    plant = inst.plants.get(p)
    if plant is None:
        return None
    return (plant.lines if kind == "line" else plant.components).get(item)


def learning_events(rows: Rows, instances: Mapping[str, Instance]) -> list[dict[str, Any]]:
    """Timeline events of the learning rows: ``learned`` and ``training started``."""
    events: list[dict[str, Any]] = []
    order = list(instances)
    last: dict[str, dict[str, Any]] = {}
    for r in rows:
        before = last.get(r["entity"])
        if r["step"] > (before["step"] if before else 0):
            was = before["unit_cost"] if before else None
            parts = []
            if was is not None and r["unit_cost"] != was:
                parts.append(f"unit cost {was:g} -> {r['unit_cost']:g}")
            if before and r["quality"] != before["quality"]:
                parts.append(f"quality {before['quality']} -> {r['quality']}")
            detail = ", ".join(parts) + (" " if parts else "") + f"after {r['cumulative']:g} units"
            events.append({"period": r["period"], "event": "learned", "kind": r["kind"],
                           "entity": r["entity"], "detail": detail})
        if r["trained"]:
            p, _, item = r["entity"].partition("/")
            spec = _spec_in(instances[r["period"]], r["kind"], p, item)
            tr = spec.requires.training
            pos = order.index(r["period"]) + tr.lag
            usable = order[pos] if pos < len(order) else "after the horizon"
            events.append({"period": r["period"], "event": "training started",
                           "kind": r["kind"], "entity": r["entity"],
                           "detail": f"cost {tr.cost:g}, usable from {usable}"})
        last[r["entity"]] = r
    return events


__all__ = ["LEARNING_COLUMNS", "learning_events", "learning_rows"]
