"""Thresholds: the smallest relative change of a parameter that flips a decision.

A parameter is a dotted YAML path of a number of the instance
(``plants.CN_FT.lines.tm_lathe_high.fixed_cost``) or a pattern of them
(``plants.*.fixed_cost``: every match is scaled by the same factor). The search scales it by
factors in ``[0.1, 10]``: first the two ends, then, on each side where the decision flips, a
bracket narrowed until its ends are within 1% of each other. For a parameter that enters
only the objective (a cost or a price) the profit is linear in the factor, so each step
solves the kept model with a cost vector moved along that line, and the next factor tried
is where the profit lines of the two bracket ends cross (else the bracket's geometric
middle); a final solve on each side of the bracket with the variant's own cost vector
verifies it. Any other parameter (a capacity, a pool, a demand) is solved on its own at each
step (:class:`gpnopt.solver.ScenarioSolver`).

A number that others restate moves with them (:data:`LINKED`): scaling a demand entry's
``quantity`` (or ``price``) scales its curve's steps (family 16), scaling a component's
``transfer_price`` scales its transfer-price levels (family 23), else the search would
either meet an invalid instance at every factor or move a number the model no longer uses.

The threshold is one parameter at a time, and it is the flip nearest to the factor 1 that
the search finds: a decision that flips back and forth within a bracket is not seen.
"""

from __future__ import annotations

import copy
import difflib
import fnmatch
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gpnopt.errors import InstanceError, SolveError
from gpnopt.explain.decisions import Decision, state
from gpnopt.results import read_solution
from gpnopt.schema import Instance
from gpnopt.solver import ForcedSolver, ScenarioSolver

LOW, HIGH = 0.1, 10.0
"""The range of factors searched."""
TOLERANCE = 0.01
"""The bracket's ends are within this relative distance when the search stops."""
_MAX_STEPS = 40


def numeric_paths(doc: Any, prefix: str = "") -> dict[str, float]:
    """Every number of a dumped instance, by dotted path (list items by position)."""
    out: dict[str, float] = {}
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for k, v in items:
        path = f"{prefix}{k}"
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, int | float):
            out[path] = float(v)
        elif isinstance(v, dict | list) and k not in ("provenance", "expectations"):
            out.update(numeric_paths(v, path + "."))
    return out


def resolve(pattern: str, paths: dict[str, float], *, source: str = "--vary") -> list[str]:
    """The paths ``pattern`` names (itself, or its ``fnmatch`` matches), nonzero first.

    Raises:
        InstanceError: nothing matches; the message lists the closest paths.
    """
    if pattern in paths:
        return [pattern]
    hits = [p for p in paths if fnmatch.fnmatchcase(p, pattern)]
    if not hits:
        close = difflib.get_close_matches(pattern, list(paths), n=5, cutoff=0.5)
        hint = f"; closest: {', '.join(close)}" if close else ""
        msg = f"{source} {pattern!r}: no number of the instance has that YAML path{hint}"
        raise InstanceError(msg)
    return hits


LINKED = (
    ("markets.*.demand.*.quantity", "curve.*.quantity"),
    ("markets.*.demand.*.price", "curve.*.price"),
    ("components.*.transfer_price", "transfer_prices.*"),
)
"""(path pattern, the numbers beside it that a scaling of it scales too, by the pattern
relative to the path's parent)."""


@dataclass
class Scaler:
    """Variants of one instance with some numbers scaled (cached dump)."""

    instance: Instance
    doc: dict[str, Any] = field(init=False)
    paths: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        self.doc = self.instance.model_dump(by_alias=True)  # the YAML names (tiers: from)
        self.paths = numeric_paths(self.doc)

    def linked(self, path: str) -> list[str]:
        """The numbers that move with ``path`` (:data:`LINKED`): a demand entry's
        ``quantity`` and ``price`` with its curve's step quantities and prices (family 16:
        they are its total and its first price), a component's ``transfer_price`` with its
        ``transfer_prices`` levels (family 23: they replace it between plants)."""
        for pattern, numbers in LINKED:
            if fnmatch.fnmatchcase(path, pattern):
                base = path.rsplit(".", 1)[0] + "." + numbers
                return [p for p in self.paths if fnmatch.fnmatchcase(p, base)]
        return []

    def variant(self, paths: list[str], factor: float) -> Instance:
        """The instance with every number at ``paths`` (and those linked to them,
        :meth:`linked`) times ``factor``.

        Raises:
            InstanceError: the scaled instance is invalid (e.g. a share above 1).
        """
        doc = copy.copy(self.doc)  # containers along each path are copied, the rest shared
        scaled = list(dict.fromkeys([*paths, *(q for p in paths for q in self.linked(p))]))
        for path in scaled:
            node: Any = doc
            parts = path.split(".")
            for depth, part in enumerate(parts):
                key: Any = int(part) if isinstance(node, list) else part
                if depth == len(parts) - 1:
                    node[key] = node[key] * factor
                else:
                    node[key] = copy.copy(node[key])
                    node = node[key]
        try:
            return Instance.model_validate(doc)
        except ValueError as exc:
            msg = f"{self.instance.name}: {', '.join(paths)} x{factor:g} is not a valid instance"
            raise InstanceError(msg) from exc


@dataclass
class Probe:
    """One solve of the search: the factor, the decision's state, profit, columns."""

    factor: float
    taken: bool | None  # None: the variant has no solution
    profit: float = math.nan
    x: Any = None


class ThresholdSearch:
    """Search the flip of ``decision`` along one parameter (module docstring).

    Args:
        solver: the kept solver of the instance.
        scaler: variants of the instance.
        rebuild: solver for variants whose rows change.
    """

    def __init__(self, solver: ForcedSolver, scaler: Scaler, rebuild: ScenarioSolver) -> None:
        self.solver = solver
        self.scaler = scaler
        self.rebuild = rebuild
        self._direction: dict[tuple[str, ...], np.ndarray | None] = {}
        self._probes: dict[tuple[Any, ...], tuple[float, Any, Any, Instance | None]] = {}

    def direction(self, paths: list[str]) -> np.ndarray | None:
        """How HiGHS's cost vector moves per unit of the factor (``None``: not cost-only)."""
        key = tuple(paths)
        if key not in self._direction:
            try:
                cost = self.solver.cost_vector(self.scaler.variant(paths, 2.0))
            except InstanceError:
                cost = None
            self._direction[key] = None if cost is None else cost - self.solver.costs
        return self._direction[key]

    def _solve(
        self, paths: list[str], factor: float, d: np.ndarray | None, *, true_costs: bool
    ) -> tuple[float, Any, Any, Instance | None]:
        """Solve the variant: (profit, columns, Solution, variant), the columns or the
        Solution ``None`` when the other says it all (both ``None``: no solution)."""
        if d is not None:
            costs = self.solver.costs + (factor - 1.0) * d
            if true_costs:
                true = self.solver.cost_vector(self.scaler.variant(paths, factor))
                costs = costs if true is None else true
            out = self.solver.solve(costs=costs, read=False)
            if out.status != "solved":
                return math.nan, None, None, None
            return out.objective, out.x, None, None
        try:
            variant = self.scaler.variant(paths, factor)
            solved = self.rebuild.solve_model(variant)
        except (SolveError, InstanceError):
            return math.nan, None, None, None
        sol = read_solution(solved.model, solved.data)
        return solved.outcome.objective, None, sol, variant

    def weight(self, paths: list[str], alternative_x: Any = None) -> float:
        """The profit the parameter accounts for at the optimum or in the alternative
        (``alternative_x``), whichever is larger (its cost share): ``|d . x|`` for a
        cost-only parameter, else 0."""
        d = self.direction(paths)
        if d is None:
            return 0.0
        xs = [self.solver.base_x] if alternative_x is None else [self.solver.base_x, alternative_x]
        return max(abs(float(d @ x)) for x in xs)

    def search(
        self,
        decision: Decision,
        paths: list[str],
        taken: bool,
        alternative_x: Any = None,
        on_step: Callable[[], None] | None = None,
    ) -> dict[str, Any]:
        """The threshold row of ``decision`` along ``paths`` (see :func:`threshold_row`)."""
        d = self.direction(paths)
        inst = self.solver.instance

        def probe(factor: float, *, true_costs: bool = False) -> Probe:
            key = (tuple(paths), factor, true_costs)
            hit = self._probes.get(key)
            if hit is None:
                if on_step is not None:
                    on_step()
                hit = self._solve(paths, factor, d, true_costs=true_costs)
                self._probes[key] = hit
            profit, x, sol, variant = hit
            if sol is None and x is None:
                return Probe(factor, None)
            if sol is None:
                sol = self.solver.state_solution(x)
            return Probe(factor, state(decision, variant or inst, sol), profit, x)

        base = Probe(1.0, taken, self.solver.base.objective, self.solver.base_x)
        sides = []
        for end in (HIGH, LOW):
            far = probe(end)
            if far.taken is None or far.taken == taken:
                continue
            sides.append(self._narrow(base, far, probe, d, taken))
        if not sides:
            return {"flips": False, "factor": math.nan, "lower": math.nan, "upper": math.nan,
                    "verified": False}
        lo, hi = min(sides, key=lambda b: abs(math.log(b[1].factor)))
        verified = True
        if d is not None:  # a final solve on each side, with the variants' own costs
            verified = (
                probe(lo.factor, true_costs=True).taken == taken
                and probe(hi.factor, true_costs=True).taken not in (None, taken)
            )
        return {"flips": True, "factor": hi.factor, "lower": min(lo.factor, hi.factor),
                "upper": max(lo.factor, hi.factor), "verified": verified}

    @staticmethod
    def _narrow(
        lo: Probe, hi: Probe, probe: Callable[..., Probe], d: np.ndarray | None, taken: bool
    ) -> tuple[Probe, Probe]:
        """Narrow ``[lo, hi]`` (``lo`` keeps the decision, ``hi`` flips it) to 1%."""
        width = math.log1p(TOLERANCE)
        for _ in range(_MAX_STEPS):
            if abs(math.log(hi.factor / lo.factor)) <= width:
                break
            guesses = []
            cross = _crossing(lo, hi, d)
            span = sorted((lo.factor, hi.factor))
            if cross is not None and span[0] < cross < span[1]:
                step = math.sqrt(1 + TOLERANCE * 0.8)
                up = hi.factor > lo.factor
                guesses = [cross / step if up else cross * step, cross * step if up else cross / step]
                guesses = [g for g in guesses if span[0] < g < span[1]]
            if not guesses:
                guesses = [math.sqrt(lo.factor * hi.factor)]
            for g in guesses:
                a, b = sorted((lo.factor, hi.factor))
                if not a < g < b:
                    continue
                p = probe(g)
                if p.taken == taken:
                    lo = p
                else:
                    hi = p
        return lo, hi


def _crossing(lo: Probe, hi: Probe, d: np.ndarray | None) -> float | None:
    """The factor where the profit lines of ``lo``'s and ``hi``'s solutions cross."""
    if d is None or lo.x is None or hi.x is None or not math.isfinite(hi.profit):
        return None
    g_lo, g_hi = -float(d @ lo.x), -float(d @ hi.x)  # profit per unit of the factor
    if abs(g_lo - g_hi) <= 1e-12:
        return None
    t = (hi.profit - lo.profit + lo.factor * g_lo - hi.factor * g_hi) / (g_lo - g_hi)
    return t if t > 0 else None


def default_parameters(decision: Decision, inst: Instance) -> list[str]:
    """Patterns of the numbers a decision is most directly about (its own costs and prices),
    candidates for the thresholds when no ``--vary`` is given."""
    k = decision.key
    if decision.kind == "plant":
        return [f"plants.{k[0]}.fixed_cost", f"plants.{k[0]}.lines.*.unit_cost"]
    if decision.kind == "line":
        return [f"plants.{k[0]}.lines.{k[1]}.fixed_cost", f"plants.{k[0]}.lines.{k[1]}.unit_cost"]
    if decision.kind == "in_house":
        return [f"plants.{k[0]}.components.{k[1]}.fixed_cost",
                f"plants.{k[0]}.components.{k[1]}.unit_cost"]
    if decision.kind in ("channel", "office"):
        group = "channels" if decision.kind == "channel" else "purchasing_offices"
        return [f"{group}.{k[0]}.fixed_cost", f"{group}.{k[0]}.unit_cost"]
    if decision.kind == "flow":
        return _source_prices(inst, k[0], k[1])
    if decision.kind == "serves":
        return [f"plants.{k[0]}.lines.*.unit_cost", f"plants.{k[0]}.fixed_cost"]
    e = next(x for x in inst.expectations if x.id == k[0])
    out: list[str] = []
    if e.kind == "binding" and e.firm:
        out.append(f"firms.{e.firm}.technicians.pool")
    if e.kind == "in_house" and e.plant and e.component:
        out += [f"plants.{e.plant}.components.{e.component}.fixed_cost",
                f"plants.{e.plant}.components.{e.component}.unit_cost"]
    elif e.plant:
        out += [f"plants.{e.plant}.lines.*.unit_cost", f"plants.{e.plant}.fixed_cost"]
    if e.source:
        out += _source_prices(inst, e.component or "*", e.source)
    if e.channel:
        out.append(f"channels.{e.channel}.unit_cost")
    return out


def _source_prices(inst: Instance, component: str, source: str) -> list[str]:
    if source in inst.plants:
        return [f"components.{component}.transfer_price"]
    return [f"suppliers.{source}.components.{component}.unit_price"]


_LIMIT_PATHS = {
    "demand_limit": "markets.{0}.demand.{1}.quantity",
    "assembly_capacity": "plants.{0}.assembly_capacity",
    "line_capacity": "plants.{0}.lines.{1}.capacity",
    "component_capacity": "plants.{0}.components.{1}.capacity",
    "supplier_capacity": "suppliers.{0}.components.{1}.capacity",
    "channel_capacity": "channels.{0}.capacity",
    "technician_pool": "firms.{0}.technicians.pool",
    "capital_budget": "firms.{0}.capital_budget",
}


def limit_parameter(family: str, index: Any) -> str | None:
    """The YAML path of the number on the right of a limit row (a capacity, a pool, a
    demand, a budget), or ``None`` for rows without one number of their own."""
    text = _LIMIT_PATHS.get(family)
    if text is None:
        return None
    idx = index if isinstance(index, tuple) else (index,)
    try:
        return text.format(*idx)
    except IndexError:
        return None
