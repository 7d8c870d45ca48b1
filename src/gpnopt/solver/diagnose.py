"""Explain an infeasible instance in its own terms (elastic mode, two phases).

Only two kinds of rows force activity: ``demand_minimum`` (demand that must be served) and
``participation`` (a firm's reservation profit). Every other row is a limit that the
all-closed network satisfies. So an infeasible instance is one whose forced activity
collides with limits. The elastic copy of the model gives every forcing row and every
limiting row a named, non-negative slack, and is solved twice:

1. limits hard, forcing rows elastic, ``min sum slack(forcing)``: what cannot be met, and by
   how much (units of demand, money of profit);
2. the participation slacks of phase 1 kept, demand slacks weighted 1000 and limit slacks 1,
   ``min sum slack``: the smallest relaxation of the limits that would serve the compulsory
   demand; each limit with positive slack is a culprit, by how much it falls short, in its
   own unit (units, technicians, money).

A minimum served demand that has no sales arc at all is reported directly from the data.
"""

from __future__ import annotations

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.errors import SolveError
from gpnopt.model import DERIVED_ROWS, build_model
from gpnopt.solver.conditions import Condition, add_conditions
from gpnopt.solver.highs import run_highs

FORCING = ("demand_minimum", "participation")
"""Rows that force activity."""

LIMITS = (
    "assembly_capacity",
    "line_capacity",
    "component_capacity",
    "supplier_capacity",
    "channel_capacity",
    "technician_pool",
    "quality_cover",
    "sourcing_share_lower",
    "sourcing_share_upper",
    "sourcing_customer_min",
    "entry_mode_exclusive",
    "capital_budget",
    "minimum_quantity",
)
"""Limiting rows that may be relaxed to explain an infeasibility."""

FORCING_WEIGHT = 1000.0

_WORDS = {
    "demand_minimum": "market {0} must get at least its minimum of product {1}: "
    "{s:g} units cannot be delivered",
    "participation": "firm {0} cannot reach its reservation profit: {s:g} short",
    "assembly_capacity": "plant {0}: assembly capacity is {s:g} capacity units short",
    "line_capacity": "plant {0}, line {1}: line capacity is {s:g} units short",
    "component_capacity": "plant {0}: capacity for component {1} is {s:g} units short",
    "supplier_capacity": "supplier {0}: capacity for component {1} is {s:g} units short",
    "channel_capacity": "channel {0}: capacity is {s:g} units short",
    "technician_pool": "firm {0}: the technician pool is {s:g} technicians short",
    "quality_cover": "plant {0}, component {1}: {s:g} units of quality rank >= {2} are "
    "missing (no allowed source of that quality has enough)",
    "sourcing_share_lower": "sourcing rule {0}: the minimum share is missed by {s:g} "
    "(units or value)",
    "sourcing_share_upper": "sourcing rule {0}: the maximum share is exceeded by {s:g} "
    "(units or value)",
    "sourcing_customer_min": "sourcing rule {0}: the minimum share of its customers' "
    "requirement is missed by {s:g} units",
    "entry_mode_exclusive": "exclusive group {0}: {s:g} more plant(s) would have to open",
    "capital_budget": "firm {0}: the capital budget is {s:g} short",
    "minimum_quantity": "plant {0}, component {1}: the minimum production quantity is "
    "missed by {s:g} units",
}


def _words(family: str, index: object, slack: float, data: ModelData | None = None) -> str:
    idx = index if isinstance(index, tuple) else (index,)
    text = _WORDS.get(family, family + " {0}: short by {s:g}")
    named = idx
    if family.startswith(("sourcing_share", "sourcing_customer")) and data is not None:
        rule = data.instance.sourcing_rules[idx[0]]  # rows are indexed by the rule's position
        named = (f"{rule.id} (sourcing_rules.{idx[0]})",)
    words = text.format(*named, s=round(slack, 6))
    if family == "technician_pool" and data is not None:
        pool = data.instance.firms[idx[0]].technicians.pool
        words += f" ({idx[0]}'s lines need {round(pool + slack, 6):g}, {pool:g} are available)"
    return f"{family}[{','.join(map(str, idx))}]: " + words


def infeasible_error(name: str, lines: list[str]) -> SolveError:
    """A SolveError (exit 3) whose message lists the diagnosis (also as ``diagnosis``)."""
    text = "\n".join(f"  - {line}" for line in lines) or "  (no single culprit found)"
    msg = (
        f"{name}: the instance is infeasible. What cannot be met, and the smallest "
        f"relaxation of the limits that would make it feasible:\n{text}"
    )
    return SolveError(msg, "infeasible", exit_code=3, diagnosis=list(lines))


def unreachable_minimums(data: ModelData) -> list[str]:
    """Demands that must be served but that no plant's line reaches through any channel."""
    reached = {(a[3], a[1]) for a in data.sales}
    return [
        f"demand_minimum[{mk},{i}]: market {mk} must get at least "
        f"{data.min_served[mk, i] * data.demand[mk, i]:g} units of product {i}, but no open-able "
        "line of any plant reaches it through any channel"
        for (mk, i), share in data.min_served.items()
        if share > 0 and (mk, i) not in reached
    ]


def diagnose(
    data: ModelData,
    objective: str | None = None,
    threads: int | None = None,
    *,
    conditions: tuple[Condition, ...] = (),
) -> list[str]:
    """Lines naming what cannot be met and the limits that conflict, by how much.

    ``conditions`` are imposed as hard rows (a decision forced by ``gpnopt explain``): the
    diagnosis then says what would have to give for them to hold.
    """
    lines = unreachable_minimums(data)
    m = build_model(data, objective)
    for derived in m.component_objects(pyo.Constraint, descend_into=True):
        if derived.local_name in DERIVED_ROWS:  # implied by limits that become elastic
            derived.deactivate()
    add_conditions(m, conditions)
    m.objective.deactivate()
    m.elastic = pyo.VarList(domain=pyo.NonNegativeReals)
    forcing: list[tuple[str, object, pyo.Var]] = []
    limits: list[tuple[str, object, pyo.Var]] = []
    for family in (*FORCING, *LIMITS):
        comp = getattr(m, family, None)
        if comp is None:
            continue
        for index, con in comp.items():
            s = m.elastic.add()
            body, lb, ub = con.body, con.lower, con.upper
            if ub is not None:
                con.set_value((None, body - s, ub))
            else:
                con.set_value((lb, body + s, None))
            (forcing if family in FORCING else limits).append((family, index, s))

    def run(expr) -> bool:
        if hasattr(m, "objective"):
            m.del_component(m.objective)
        m.objective = pyo.Objective(expr=-expr, sense=pyo.maximize)  # run_highs maximises
        try:
            run_highs(m, threads=threads, name="elastic")
        except SolveError:
            return False
        return True

    # Phase 1: what cannot be met with every limit as it is (with imposed conditions, which
    # may themselves collide with the limits, the limits are elastic from the start).
    for _f, _i, s in limits:
        if not conditions:
            s.fix(0)
    if not run(sum(s for _f, _i, s in forcing)):
        return lines or ["the elastic model found no relaxation either"]
    short = {id(s): s.value or 0.0 for _f, _i, s in forcing}
    lines += [_words(f, i, short[id(s)], data) for f, i, s in forcing if short[id(s)] > 1e-6]

    # Phase 2: the smallest relaxation of the limits that serves the compulsory demand.
    for _f, _i, s in limits:
        s.unfix()
    for f, _i, s in forcing:
        if f == "participation":
            s.fix(short[id(s)])
    expr = sum(s for _f, _i, s in limits) + FORCING_WEIGHT * sum(
        s for f, _i, s in forcing if f == "demand_minimum"
    )
    if isinstance(expr, int | float) or not run(expr):
        return lines
    lines += [_words(f, i, s.value, data) for f, i, s in limits if (s.value or 0.0) > 1e-6]
    return lines
