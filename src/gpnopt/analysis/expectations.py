"""Evaluate an instance's declarative expectations on a solution's rows.

Each expectation states a fact about the solution (see :class:`gpnopt.schema.Expectation`)
and whether it should hold. Evaluation reads only the rows of a
:class:`gpnopt.results.Solution` (a Result's tables give the same rows,
:func:`gpnopt.results.solution_of`), so calibration targets are data, not code, and
``gpnopt.solve`` and a sweep's per-draw record agree by construction. No Pyomo, no pandas.

Over periods (:mod:`gpnopt.timing`): a statement is evaluated on one period's rows with that
period's instance (:mod:`gpnopt.analysis.periods`): the expectation's ``in_period``, else the
last period; with ``first_period``, ``before`` or ``after`` it is evaluated in every period
and the first period in which it holds is what is checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gpnopt.analysis.periods import period_views
from gpnopt.economics.staffing import usable_pool
from gpnopt.results import Result, Solution, solution_of
from gpnopt.schema import Expectation, Instance
from gpnopt.timing import timed

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


def _in_range(e: Expectation, value: float, what: str) -> tuple[bool, str]:
    lo = -float("inf") if e.min is None else e.min
    hi = float("inf") if e.max is None else e.max
    rng = f"{'' if e.min is None else f'{e.min:g}'}-{'' if e.max is None else f'{e.max:g}'}"
    return lo - 1e-9 <= value <= hi + 1e-9, f"{what} {value:.3f} (range {rng})"


def _owned(inst: Instance, firm: str) -> dict[str, float]:
    """Plant -> the firm's equity in it (plants it holds a share of)."""
    return {p: pl.owners[firm] for p, pl in inst.plants.items() if pl.owners.get(firm, 0) > 0}


def _sales_share(inst: Instance, s: Solution, e: Expectation) -> tuple[bool, str]:
    """``sales_share``: the segment's share of the sales counted."""
    rows = _match(s.production, plant=e.plant, product=e.product, tier=e.tier, firm=e.firm)
    if e.source_firm is not None:
        owned = _owned(inst, e.source_firm)
        rows = [r for r in rows if r["plant"] in owned]

    def size(r: Row) -> float:
        by_value = (e.basis or "revenue") == "revenue"
        return float(r["quantity"]) * (float(r["price"]) if by_value else 1.0)

    total = sum(size(r) for r in rows)
    if total <= e.min_quantity:
        return False, "no sales at all"
    segment = set(e.markets or ())
    part = sum(size(r) for r in rows if r["market"] in segment)
    return _in_range(e, part / total, f"{e.basis or 'revenue'} share")


def _margin(inst: Instance, s: Solution, e: Expectation) -> tuple[bool, str]:
    """``margin``: profit over revenue of a plant, a channel or a firm."""
    if e.firm is not None:
        owned = _owned(inst, e.firm)
        revenue = sum(owned[r["plant"]] * float(r["quantity"]) * float(r["price"])
                      for r in s.production if r["plant"] in owned)
        profit = sum(owned.get(r["plant"], 0.0) * float(r["profit"]) for r in s.plant_profit)
        profit += sum(
            (inst.channels or {})[r["channel"]].owners.get(e.firm, 0.0) * float(r["profit"])
            for r in s.channel_profit if r["channel"] in (inst.channels or {})
        )
    else:
        rows = (_match(s.plant_profit, plant=e.plant) if e.plant is not None
                else _match(s.channel_profit, channel=e.channel))
        revenue = sum(float(r["revenue"]) for r in rows)
        profit = sum(float(r["profit"]) for r in rows)
    if revenue <= e.min_quantity:
        return False, "no revenue at all"
    return _in_range(e, profit / revenue, f"margin {profit:g}/{revenue:g} =")


def _largest(inst: Instance, s: Solution, e: Expectation) -> tuple[bool, str]:
    """``largest``: ``plant`` makes the most of the plants compared (``source_firm``'s
    group: the plants it holds more than half of; otherwise every plant)."""
    compared = set(inst.plants) if e.source_firm is None else {
        p for p, pl in inst.plants.items() if pl.owners.get(e.source_firm, 0.0) > 0.5}
    compared.add(str(e.plant))
    by_value = e.basis == "revenue"
    size = dict.fromkeys(compared, 0.0)
    for r in s.production:
        if r["plant"] in size:
            size[r["plant"]] += float(r["quantity"]) * (float(r["price"]) if by_value else 1.0)
    own = size[str(e.plant)]
    others = sorted(((v, p) for p, v in size.items() if p != e.plant), reverse=True)
    if not others:
        return own > e.min_quantity, f"{own:g} ({'revenue' if by_value else 'units'}), alone"
    nxt, name = others[0]
    what = "revenue" if by_value else "units"
    return own > e.min_quantity and own > nxt + 1e-9, f"{own:g} {what}; next {name} {nxt:g}"


def _discount(s: Solution, e: Expectation) -> tuple[bool, str]:
    """``discount``: pool ``pool`` reaches a tier with a discount of at least ``min`` (any
    above 0 without it); read from the ``discounts`` rows (family 21)."""
    rows = _match(s.families.get("discounts", ()), pool=e.pool)
    if not rows:
        return False, "no tier of the pool can be reached (it adds nothing to the model)"
    r = rows[0]
    least = 1e-9 if e.min is None else float(e.min) - 1e-9
    detail = (f"volume {float(r['volume']):g}, tier {r['tier']}, discount "
              f"{float(r['discount']):g}, saving {float(r['saving']):,.0f}")
    return float(r["discount"]) >= least, detail


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
    if e.kind == "sales_share":
        return _sales_share(inst, solution, e)
    if e.kind == "margin":
        return _margin(inst, solution, e)
    if e.kind == "largest":
        return _largest(inst, solution, e)
    if e.kind == "discount":
        return _discount(solution, e)
    if e.kind == "binding":
        rows = _match(solution.technicians, firm=e.firm)
        if not rows:
            return False, "firm has no technician limit in this model"
        row = rows[0]
        sent, pool = float(row["expatriates"]), float(row["pool"])
        policy = inst.firms[e.firm].technicians if e.firm in inst.firms else None
        limit = usable_pool(pool, policy is not None and policy.whole_persons)
        detail = f"{sent:g} expatriates abroad, pool {pool:g}"
        if float(row["available"]) > pool + 1e-9:
            detail += f" and {float(row['available']) - pool:g} hired"
        if float(row["locals"]) > 0:
            detail += f"; {float(row['locals']):g} local managers beside them"
        return sent >= limit - 1e-6, detail
    if e.kind == "open":
        if e.plant is not None:
            rows = _match(solution.plant_profit, plant=e.plant)
        else:
            rows = _match(solution.channel_profit, channel=e.channel)
        ok = any(r["open"] == 1 for r in rows)
        return ok, "open" if ok else "closed"
    msg = f"expectation {e.id!r}: unknown kind {e.kind!r}"
    raise ValueError(msg)


class _Timeline:
    """The truth of each expectation's statement in each period, evaluated when first asked."""

    def __init__(self, inst: Instance, solution: Solution) -> None:
        self.views = period_views(inst, solution)
        self.order = {t: n for n, t in enumerate(self.views)}
        self.start = {p.id: p.start for p in inst.periods}
        self.by_id = {e.id: e for e in inst.expectations}
        self.memo: dict[tuple[str, str], tuple[bool, str]] = {}

    def at(self, e: Expectation, period: str) -> tuple[bool, str]:
        key = (e.id, period)
        if key not in self.memo:
            inst, rows = self.views[period]
            self.memo[key] = evaluate(inst, rows, e)
        return self.memo[key]

    def first(self, e: Expectation) -> str | None:
        """The first period in which ``e``'s statement holds (None: never)."""
        return next((t for t in self.views if self.at(e, t)[0]), None)

    def within(self, period: str, bound: int | str, side: str) -> bool:
        """Whether ``period`` starts at or after (``at_least``) / at or before a year or
        period ``bound``."""
        if isinstance(bound, str):
            a, b = self.order[period], self.order.get(bound, -1)
        else:
            a, b = self.start.get(period), bound
            if a is None:
                return False
        return a >= b if side == "at_least" else a <= b


def _timed(tl: _Timeline, e: Expectation) -> tuple[bool, str, str]:
    """Truth, detail and period of an expectation with first_period, before or after."""
    first = tl.first(e)
    detail = "never holds" if first is None else f"first holds in {first}: {tl.at(e, first)[1]}"
    ok = first is not None
    win = e.first_period
    if ok and win is not None:
        for side in ("at_least", "at_most"):
            bound = getattr(win, side)
            if bound is not None and not tl.within(first, bound, side):
                ok = False
                detail += f" (not {side.replace('_', ' ')} {bound})"
    for side in ("before", "after"):
        other_id = getattr(e, side)
        if other_id is None or other_id not in tl.by_id:
            continue
        other = tl.first(tl.by_id[other_id])
        if side == "before":
            good = first is not None and (other is None or tl.order[first] < tl.order[other])
        else:
            good = first is not None and other is not None and tl.order[first] > tl.order[other]
        ok = ok and good
        detail += f"; {other_id} first holds in {other or 'no period'}"
    return ok, detail, first or ""


def evaluate_expectations(inst: Instance, result: Result | Solution) -> list[dict[str, Any]]:
    """Evaluate every expectation of ``inst`` on ``result`` (a Result, read through its
    tables, or a :class:`gpnopt.results.Solution`).

    Returns:
        One dict per expectation: id, description, kind, expected, holds, detail, period
        (the period evaluated: ``in_period`` or the last; for a timed expectation the first
        period in which its statement holds, ``""`` if none). ``holds`` is true when the
        statement's truth equals the expected truth. A multi-period detail names the period.
    """
    solution = result if isinstance(result, Solution) else solution_of(result)
    tl = _Timeline(inst, solution)
    last = next(reversed(tl.views))
    out = []
    for e in inst.expectations:
        if timed(e):
            actual, detail, period = _timed(tl, e)
        else:
            period = e.in_period if e.in_period in tl.views else last
            actual, detail = tl.at(e, period)
            if not solution.single:
                detail = f"{period}: {detail}"
        out.append(
            {
                "id": e.id,
                "description": e.description,
                "kind": e.kind,
                "expected": e.holds,
                "holds": actual == e.holds,
                "detail": detail,
                "period": period,
            }
        )
    return out
