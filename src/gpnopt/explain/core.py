"""Explain decisions: the forced alternative, what stands in the way, thresholds, a sentence.

For each decision (:mod:`gpnopt.explain.decisions`), :func:`explain_instance`

1. solves the instance with the opposite decision imposed (the best feasible form of it)
   on the kept model (:class:`gpnopt.solver.ForcedSolver`) and splits the profit
   difference by firm (equity-weighted), by profit centre and by revenue and cost type
   (:func:`gpnopt.results.profit_parts`); an infeasible alternative is explained by the
   elastic diagnosis with the opposite decision imposed;
2. names the limits that bind in the alternative and not in the optimum, and the shadow
   prices of the optimum's LP (binaries fixed) that concern the decision's entities;
3. searches the thresholds (:mod:`gpnopt.explain.thresholds`) along the ``vary``
   parameters, or the decision's own costs whose share of the profit is largest;
4. says it in a sentence (:mod:`gpnopt.explain.text`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gpnopt.errors import InstanceError
from gpnopt.explain.decisions import (
    Decision,
    alternatives,
    binary_names,
    describe,
    parse,
    state,
    unstated_reason,
)
from gpnopt.explain.text import limit_words, sentence
from gpnopt.explain.thresholds import (
    Scaler,
    ThresholdSearch,
    default_parameters,
    limit_parameter,
    resolve,
)
from gpnopt.results import PROFIT_TYPES
from gpnopt.schema import Instance
from gpnopt.solver import (
    Condition,
    ForcedOutcome,
    ForcedSolver,
    ScenarioSolver,
    TwoStageSolver,
)

PRICED = (
    "demand_limit",
    "demand_minimum",
    "assembly_capacity",
    "line_capacity",
    "component_capacity",
    "supplier_capacity",
    "channel_capacity",
    "technician_pool",
    "capital_budget",
    "quality_cover",
    "sourcing_share_lower",
    "sourcing_share_upper",
    "sourcing_customer_min",
    "minimum_quantity",
    "entry_mode_exclusive",
)
"""Row families whose shadow prices and binding state are reported (the limits)."""

_ROW = re.compile(r"^(\w+)\[([^\]]*)\]")
"""The ``family[index]`` a diagnosis line starts with (:func:`gpnopt.solver.diagnose`)."""

DEFAULT_PARAMETERS = 2
"""Thresholds searched per decision without ``vary`` (the largest cost shares)."""


@dataclass
class DecisionReport:
    """Everything explained about one decision (rows of the Explanation's tables)."""

    name: str
    chosen: bool
    words: str
    alternative: str
    status: str
    objective_difference: float = math.nan
    profit_difference: float = math.nan
    by_firm: dict[str, float] = field(default_factory=dict)
    by_entity: dict[str, float] = field(default_factory=dict)
    by_type: dict[str, float] = field(default_factory=dict)
    limits: list[str] = field(default_factory=list)
    prices: list[dict[str, Any]] = field(default_factory=list)
    thresholds: list[dict[str, Any]] = field(default_factory=list)
    sentence: str = ""


def _totals(parts: Any, key: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for r in parts:
        out[r[key]] = out.get(r[key], 0.0) + r["amount"]
    return out


def _difference(base: dict[str, float], alt: dict[str, float]) -> dict[str, float]:
    return {k: alt.get(k, 0.0) - base.get(k, 0.0) for k in dict.fromkeys([*base, *alt])}


def _new_limits(base: ForcedOutcome, alt: ForcedOutcome) -> list[dict[str, Any]]:
    """Limit rows binding in ``alt`` and not in ``base``."""
    before = {(r["family"], r["index"]): r for r in base.rows or ()}
    out = []
    for r in alt.rows or ():
        if r["family"] not in PRICED or not r["binding"]:
            continue
        if abs(r["activity"]) <= 1e-9 and abs(r["bound"]) <= 1e-9:
            continue  # a closed entity's row (0 <= 0) binds trivially
        b = before.get((r["family"], r["index"]))
        if b is None or not b["binding"]:
            out.append({**r, "base_activity": None if b is None else b["activity"]})
    return out


def _mentions(index: Any, names: set[str]) -> bool:
    idx = index if isinstance(index, tuple) else (index,)
    return any(str(i) in names for i in idx)


def _entities(d: Decision, inst: Instance) -> set[str]:
    if d.kind != "expectation":
        return set(d.key)
    e = next(x for x in inst.expectations if x.id == d.key[0])
    return {
        str(v) for v in (e.plant, e.channel, e.market, e.firm, e.source, e.destination,
                         e.component, e.product) if v is not None
    }


class Explainer:
    """Explain decisions of one instance (module docstring); a kept solver for all of them.

    Args:
        instance: a validated instance.
        objective, time_limit, mip_gap, threads: as for :func:`gpnopt.solve`.
    """

    def __init__(
        self,
        instance: Instance,
        *,
        objective: str | None = None,
        time_limit: float | None = None,
        mip_gap: float | None = None,
        threads: int | None = None,
    ) -> None:
        self.instance = instance
        mode = objective or instance.objective.mode
        if mode == "alliance":
            self.solver: Any = ForcedSolver(instance, objective, time_limit, mip_gap, threads)
        else:  # a firm's objective: two stages, each solve built afresh
            if not mode.startswith("firm:") or mode[5:] not in instance.firms:
                msg = f"objective {mode!r}: use alliance or firm:ID with a firm of the instance"
                raise InstanceError(msg)
            self.solver = TwoStageSolver(instance, mode, time_limit, mip_gap, threads)
        self.data = self.solver.data
        self.scaler = Scaler(instance)
        rebuild = ScenarioSolver(objective, time_limit, mip_gap, threads, diagnose=False)
        self.search = ThresholdSearch(self.solver, self.scaler, rebuild)
        self.shadow_prices = [r for r in self.solver.lp_duals() if r["family"] in PRICED]

    def names(self, decisions: Sequence[str] | None) -> list[Decision]:
        """The decisions named (``None``: every binary decision and expectation).

        Raises:
            InstanceError: an unknown name (with the closest valid ones).
        """
        names = binary_names(self.data) if decisions is None else list(decisions)
        return [parse(n, self.data) for n in dict.fromkeys(names)]

    def check_vary(self, vary: Sequence[str]) -> list[tuple[str, list[str]]]:
        """``(pattern, paths)`` for each ``vary`` pattern.

        Raises:
            InstanceError: a pattern that names no number of the instance.
        """
        return [(v, resolve(v, self.scaler.paths)) for v in vary]

    def explain(
        self,
        d: Decision,
        vary: list[tuple[str, list[str]]],
        *,
        parameters: int = DEFAULT_PARAMETERS,
        on_step: Callable[[], None] | None = None,
    ) -> DecisionReport:
        """Explain one decision."""
        inst, base = self.instance, self.solver.base
        chosen = state(d, inst, base.solution)
        cands = alternatives(d, self.data, chosen)
        rep = DecisionReport(d.name, chosen, describe(d, inst, chosen), describe(d, inst, not chosen),
                             "impossible")
        best: tuple[str, ForcedOutcome] | None = None
        for label, conds in cands:
            out = self.solver.solve(tuple(conds))
            if out.status == "solved" and (best is None or out.objective > best[1].objective):
                best = (label, out)
        if best is not None:
            alt = best[1]
            rep.status = "feasible"
            rep.objective_difference = alt.objective - base.objective
            rep.by_type = _difference(_totals(base.parts, "type"), _totals(alt.parts, "type"))
            rep.by_type = {t: rep.by_type.get(t, 0.0) for t in PROFIT_TYPES if t in rep.by_type}
            rep.by_entity = _difference(_totals(base.parts, "entity"), _totals(alt.parts, "entity"))
            rep.profit_difference = math.fsum(rep.by_type.values())
            rep.by_firm = _difference(base.solution.firm_profit, alt.solution.firm_profit)
            rep.limits = [limit_words(r, self.data) for r in _new_limits(base, alt)]
            if state(d, inst, alt.solution) == chosen:
                rep.limits.append("(the forced alternative does not change the decision's state)")
        elif cands:
            rep.status = "infeasible"
            conds: tuple[Condition, ...] = tuple(cands[0][1])
            rep.limits = self.solver.diagnose(conds) or ["(no single culprit found)"]
        else:
            reason = unstated_reason(d, self.data)
            rep.limits = [] if reason is None else [reason]
        names = _entities(d, inst)
        rep.prices = sorted(
            (r for r in self.shadow_prices if _mentions(r["index"], names)),
            key=lambda r: -abs(r["value"]),
        )[:5]
        diagnosed = [] if rep.status != "infeasible" else [
            {"family": m.group(1), "index": tuple(m.group(2).split(","))}
            for m in (_ROW.match(line) for line in rep.limits) if m
        ]
        rep.thresholds = self._thresholds(
            d, vary, chosen, best, parameters, rep.prices, on_step, diagnosed
        )
        rep.sentence = sentence(rep)
        return rep

    def _thresholds(
        self,
        d: Decision,
        vary: list[tuple[str, list[str]]],
        chosen: bool,
        best: tuple[str, ForcedOutcome] | None,
        parameters: int,
        prices: list[dict[str, Any]],
        on_step: Callable[[], None] | None,
        diagnosed: Sequence[dict[str, Any]] = (),
    ) -> list[dict[str, Any]]:
        if vary:
            todo = vary
        elif parameters <= 0:
            return []
        else:
            alt_x = None if best is None else best[1].x
            todo = []
            for pattern in default_parameters(d, self.instance):
                try:
                    paths = resolve(pattern, self.scaler.paths)
                except Exception:  # noqa: BLE001 - a default that this instance lacks
                    continue
                paths = [p for p in paths if self.scaler.paths[p] != 0]
                # a cost or price counts if it carries profit at the optimum; a number in
                # the rows (a pool, a capacity) is kept, after the costs
                if paths and (self.search.direction(paths) is None
                              or self.search.weight(paths, alt_x)):
                    todo.append((pattern, paths))
            todo.sort(key=lambda t: (self.search.direction(t[1]) is None,
                                     -self.search.weight(t[1], alt_x)))
            # the limits the elastic diagnosis names (an infeasible alternative) first; the
            # limits of the decision's entities with the largest shadow prices last
            limits = [
                (path, [path]) for path in dict.fromkeys(
                    limit_parameter(row["family"], row["index"]) for row in [*diagnosed, *prices]
                )
                if path and self.scaler.paths.get(path)
            ]
            named = {limit_parameter(row["family"], row["index"]) for row in diagnosed}
            first = [t for t in limits if t[0] in named]
            todo = [*first, *todo, *(t for t in limits if t not in first)]
            todo = todo[:parameters]
        rows = []
        for pattern, paths in todo:
            found = self.search.search(d, paths, chosen, None if best is None else best[1].x,
                                       on_step)
            rows.append({"decision": d.name, "parameter": pattern, "paths": len(paths),
                         "base": self.scaler.paths[paths[0]] if len(paths) == 1 else math.nan,
                         **found})
        return rows
