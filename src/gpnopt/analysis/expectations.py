"""Evaluate an instance's declarative expectations on a solution's rows.

Each expectation states a fact about the solution (see :class:`gpnopt.schema.Expectation`)
and whether it should hold. Evaluation reads only the rows of a
:class:`gpnopt.results.Solution` (a Result's tables give the same rows,
:func:`gpnopt.results.solution_of`), so calibration targets are data, not code, and
``gpnopt.solve`` and a sweep's per-draw record agree by construction. No Pyomo, no pandas.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gpnopt.results import Result, Solution, solution_of
from gpnopt.schema import Expectation, Instance

Row = dict[str, Any]


def _match(rows: Iterable[Row], **conds: Any) -> list[Row]:
    """The rows whose columns equal every condition that is not None."""
    wanted = [(k, v) for k, v in conds.items() if v is not None]
    return [r for r in rows if all(r[k] == v for k, v in wanted)]


def _from_source(inst: Instance, e: Expectation) -> Any:
    """A test of a flow row against the expectation's source, source_country, source_firm."""
    owned = None
    if e.source_firm is not None:
        owned = {p for p, pl in inst.plants.items() if pl.owners.get(e.source_firm, 0) > 0}

    def ok(r: Row) -> bool:
        return (
            (e.source is None or r["source"] == e.source)
            and (e.source_country is None or r["source_country"] == e.source_country)
            and (owned is None or r["source"] in owned)
        )

    return ok


def _quantity(rows: Iterable[Row]) -> float:
    return float(sum(r["quantity"] for r in rows))


def _sales(s: Solution, e: Expectation) -> tuple[bool, str]:
    """``makes`` and ``sells``."""
    eps = e.min_quantity
    rows = _match(s.production, plant=e.plant, product=e.product, tier=e.tier, market=e.market,
                  firm=e.firm)
    total = _quantity(rows)
    if e.kind == "sells" and e.only_channel and e.channel is not None:
        through = _quantity(r for r in rows if r["channel"] == e.channel)
        ok = total > eps and through >= total - eps
        return ok, f"{through:g} of {total:g} units through {e.channel}"
    if e.channel is not None:
        total = _quantity(r for r in rows if r["channel"] == e.channel)
    return total > eps, f"{total:g} units"


def _share(inst: Instance, s: Solution, e: Expectation) -> tuple[bool, str]:
    rows = _match(s.component_flows, destination=e.destination)
    if e.components:
        rows = [r for r in rows if r["component"] in e.components]
    total = _quantity(rows)
    part = _quantity(filter(_from_source(inst, e), rows))
    if total <= e.min_quantity:
        return False, "no supply at all"
    fraction = part / total
    lo = 0.0 if e.min is None else e.min
    hi = 1.0 if e.max is None else e.max
    return lo - 1e-9 <= fraction <= hi + 1e-9, f"share {fraction:.3f} (range {lo:g}-{hi:g})"


def evaluate(inst: Instance, solution: Solution, e: Expectation) -> tuple[bool, str]:
    """Whether the statement of ``e`` is true in ``solution``, and a short detail."""
    eps = e.min_quantity
    if e.kind in ("makes", "sells"):
        return _sales(solution, e)
    if e.kind == "in_house":
        rows = _match(solution.make_or_buy, plant=e.plant, component=e.component)
        q = _quantity(rows)
        ok = any(r["in_house"] == 1 for r in rows) and q > eps
        return ok, f"in-house {q:g} units"
    if e.kind == "flow":
        rows = _match(solution.component_flows, component=e.component, destination=e.destination)
        q = _quantity(filter(_from_source(inst, e), rows))
        return q > eps, f"{q:g} units"
    if e.kind == "share":
        return _share(inst, solution, e)
    if e.kind == "binding":
        rows = _match(solution.technicians, firm=e.firm)
        if not rows:
            return False, "firm has no technician limit in this model"
        used, pool = float(rows[0]["used"]), float(rows[0]["pool"])
        return used >= pool - 1e-6, f"{used:g} of {pool:g} technicians used"
    if e.kind == "open":
        if e.plant is not None:
            rows = _match(solution.plant_profit, plant=e.plant)
        else:
            rows = _match(solution.channel_profit, channel=e.channel)
        ok = any(r["open"] == 1 for r in rows)
        return ok, "open" if ok else "closed"
    msg = f"expectation {e.id!r}: unknown kind {e.kind!r}"
    raise ValueError(msg)


def evaluate_expectations(inst: Instance, result: Result | Solution) -> list[dict[str, Any]]:
    """Evaluate every expectation of ``inst`` on ``result`` (a Result, read through its
    tables, or a :class:`gpnopt.results.Solution`).

    Returns:
        One dict per expectation: id, description, kind, expected, holds, detail. ``holds``
        is true when the statement's truth equals the expected truth.
    """
    solution = result if isinstance(result, Solution) else solution_of(result)
    out = []
    for e in inst.expectations:
        actual, detail = evaluate(inst, solution, e)
        out.append(
            {
                "id": e.id,
                "description": e.description,
                "kind": e.kind,
                "expected": e.holds,
                "holds": actual == e.holds,
                "detail": detail,
            }
        )
    return out
