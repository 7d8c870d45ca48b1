"""Result: the solved network as tidy pandas tables, and writing them atomically.

Tables (``Result.tables``; the same as CSV files in ``--out DIR``; the first columns are
the contract of ``PRODUCT.md``, the rest are extras):

=================  ==================================================================
table              columns
=================  ==================================================================
lines              plant, product, open, tier, quantity
production         plant, country, product, market, channel, quantity, tier, firm, price
make_or_buy        plant, component, in_house, quantity
component_flows    component, source, source_type, source_country, destination,
                   destination_country, quantity, quality, unit_value
plant_profit       plant, revenue, cost, profit, country, open
channel_profit     channel, revenue, cost, profit, open, quantity
firm_profit        firm, profit
technicians        firm, pool, used
=================  ==================================================================

``gpnopt.solve`` adds ``specialization`` (each plant's role and indices, see
``docs/specialization.md``); :meth:`Result.write` writes every table it holds.

Values below ``ZERO`` are dropped (quantities) or set to zero (money). Tables are sorted
by their key columns, so the same input gives the same bytes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from gpnopt.atomic import write_text as atomic_write_text

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from gpnopt.data import ModelData
    from gpnopt.solver import SolveOutcome

ZERO = 1e-6
"""Quantities at or below this are treated as zero."""

TABLE_NAMES = (
    "lines",
    "production",
    "make_or_buy",
    "component_flows",
    "plant_profit",
    "channel_profit",
    "firm_profit",
    "technicians",
)
"""Every table a Result carries, in file order."""


def _clean(x: float, digits: int = 6) -> float:
    """Round for stable output; tiny values become 0."""
    if abs(x) <= ZERO:
        return 0.0
    return round(float(x), digits)


@dataclass
class Result:
    """A solved instance.

    Attributes:
        instance: instance name.
        scenario: scenario name (``base`` for the instance as written).
        objective_mode: ``alliance`` or ``firm:ID``.
        status: ``optimal`` or ``feasible`` (stopped at a limit with a solution).
        objective: objective value (money/year).
        bound: best bound on the objective.
        mip_gap: relative gap between objective and bound.
        seconds: build, solve, results and total wall-clock seconds.
        tables: the result tables by name (see the module docstring).
        firm_profit: equity-weighted profit by firm.
        expectations: the instance's expectations, each with whether it holds.
        size: variables, constraints and nonzeros of the model.
    """

    instance: str
    scenario: str
    objective_mode: str
    status: str
    objective: float
    bound: float
    mip_gap: float
    seconds: dict[str, float]
    tables: dict[str, pd.DataFrame]
    firm_profit: dict[str, float]
    expectations: list[dict[str, Any]] = field(default_factory=list)
    size: dict[str, int] = field(default_factory=dict)
    highs_status: str = ""
    time_limit: float | None = None

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        msg = f"'Result' object has no attribute {name!r}"
        raise AttributeError(msg)

    def summary(self) -> dict[str, Any]:
        """The ``summary.json`` content."""
        gap = self.mip_gap if math.isfinite(self.mip_gap) else None
        return {
            "instance": self.instance,
            "scenario": self.scenario,
            "objective_mode": self.objective_mode,
            "status": self.status,
            "highs_status": self.highs_status,
            "objective": _clean(self.objective),
            "bound": _clean(self.bound) if math.isfinite(self.bound) else None,
            "mip_gap": gap,
            "time_limit": self.time_limit,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "firm_profit": {k: _clean(v) for k, v in self.firm_profit.items()},
            "expectations": self.expectations,
            "size": self.size,
        }

    def write(self, out_dir: str | Path, *, timings: bool = True) -> list[Path]:
        """Write ``summary.json`` and every table as CSV into ``out_dir``, atomically.

        Each file is written to a temporary file in the same folder and renamed into
        place, so an interrupted run never leaves a half-written table.

        Args:
            out_dir: the folder (created if missing).
            timings: include wall-clock seconds in summary.json (``False`` makes the
                output byte-identical across runs).

        Returns:
            The paths written.
        """
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        summary = self.summary()
        if not timings:
            summary["seconds"] = {}
        written = [atomic_write_text(out / "summary.json", json.dumps(summary, indent=2) + "\n")]
        extra = sorted(n for n in self.tables if n not in TABLE_NAMES)
        for name in [*TABLE_NAMES, *extra]:
            text = self.tables[name].to_csv(index=False, lineterminator="\n")
            written.append(atomic_write_text(out / f"{name}.csv", text))
        return written


def _evaluator() -> Any:
    """A function giving the value of a solved model's expression, as ``pyomo.value`` does.

    It walks variables, monomials, sums, products, negations and named expressions in
    Python and adds a sum's terms in the order Pyomo does (``sum(it, start=first)``), so every
    value is Pyomo's, bit for bit, at a fraction of the cost of Pyomo's generic evaluator
    (which dominated result extraction on large models); anything else goes to
    ``pyomo.value``.
    """
    import pyomo.environ as pyo
    from pyomo.core.base.expression import ExpressionData, ScalarExpression
    from pyomo.core.base.var import ScalarVar, VarData
    from pyomo.core.expr.numeric_expr import (
        LinearExpression,
        MonomialTermExpression,
        NegationExpression,
        ProductExpression,
        SumExpression,
    )

    native = (int, float)

    def ev(e: Any) -> Any:
        cls = e.__class__
        if cls is float or cls is int:
            return e
        if cls is VarData or cls is ScalarVar:
            v = e._value  # noqa: SLF001 - read as Pyomo's own value() does
            return pyo.value(e) if v is None else v
        if cls is MonomialTermExpression:
            c, x = e._args_  # noqa: SLF001
            v = x._value  # noqa: SLF001
            if v is None or c.__class__ not in native:
                return pyo.value(e)
            return c * v
        if cls is LinearExpression or cls is SumExpression:
            args = e.args
            if not args:
                return 0
            it = map(ev, args)
            return sum(it, start=next(it))
        if cls is ExpressionData or cls is ScalarExpression:
            return ev(e.expr)
        if cls is ProductExpression:
            a, b = e._args_  # noqa: SLF001
            return ev(a) * ev(b)
        if cls is NegationExpression:
            return -ev(e._args_[0])  # noqa: SLF001
        return pyo.value(e)

    return ev


def make_result(
    model: pyo.ConcreteModel, data: ModelData, outcome: SolveOutcome, scenario: str = "base"
) -> Result:
    """Read the solved ``model`` into a :class:`Result` (expectations are left to
    :func:`gpnopt.analysis.expectations.evaluate_expectations`)."""
    from gpnopt.model.variables import var_tables

    inst = data.instance
    val = _evaluator()
    v = var_tables(model)
    line_open, sales_var, in_house, output, flow_var = (
        v.line_open,
        v.sales,
        v.in_house,
        v.output,
        v.flow,
    )
    production_expr = model.production

    lines = [
        {
            "plant": p,
            "product": i,
            "open": int(round(val(line_open[p, i]))),
            "tier": inst.products[i].tier,
            "quantity": _clean(val(production_expr[p, i])),
        }
        for p, i in data.lines
    ]
    production = []
    for a, arc in data.sales.items():
        q = sales_var[a].value or 0.0
        if q <= ZERO:
            continue
        p, i, h, mk = a
        production.append(
            {
                "plant": p,
                "country": inst.plants[p].country,
                "product": i,
                "market": mk,
                "channel": h,
                "quantity": _clean(q),
                "tier": inst.products[i].tier,
                "firm": inst.products[i].firm or "",
                "price": arc.price,
            }
        )
    make = [
        {
            "plant": p,
            "component": k,
            "in_house": int(round(val(in_house[p, k]))),
            "quantity": _clean(output[p, k].value or 0.0),
        }
        for p, k in data.make
    ]
    flows = []
    for a, arc in data.flows.items():
        q = flow_var[a].value or 0.0
        if q <= ZERO:
            continue
        k, s, d = a
        is_plant = s in inst.plants
        src_country = inst.plants[s].country if is_plant else inst.suppliers[s].country
        value = (
            inst.components[k].transfer_price
            if is_plant
            else inst.suppliers[s].components[k].unit_price
        )
        flows.append(
            {
                "component": k,
                "source": s,
                "source_type": "plant" if is_plant else "supplier",
                "source_country": src_country,
                "destination": d,
                "destination_country": inst.plants[d].country,
                "quantity": _clean(q),
                "quality": ("low", "medium", "high")[arc.quality],
                "unit_value": value,
            }
        )
    plant_profit = []
    channel_profit = []
    sold_via: dict[str, float] = {}
    for row in production:
        sold_via[row["channel"]] = sold_via.get(row["channel"], 0.0) + row["quantity"]
    profits: dict[str, float] = {}
    for e, kind in data.entity_kind.items():
        rev, cost = val(model.revenue[e]), val(model.cost[e])
        profits[e] = rev - cost
        row = {"revenue": _clean(rev), "cost": _clean(cost), "profit": _clean(rev - cost)}
        if kind == "plant":
            plant_profit.append(
                {
                    "plant": e,
                    **row,
                    "country": inst.plants[e].country,
                    "open": int(round(val(v.is_open[e]))),
                }
            )
        elif kind == "channel":
            channel_profit.append(
                {
                    "channel": e,
                    **row,
                    "open": int(round(val(v.channel_open[e]))),
                    "quantity": _clean(sold_via.get(e, 0.0)),
                }
            )
        else:
            channel_profit.append(
                {
                    "channel": e,
                    **row,
                    "open": int(round(val(v.office_open[e]))),
                    "quantity": 0.0,
                }
            )
    # firm_profit[f] = sum_e share[f,e] * profit[e] (family 11), from the profits just read
    firm_profit = {
        f: _clean(sum(own.get(f, 0.0) * profits[e] for e, own in data.owners.items()))
        for f in inst.firms
    }
    techs = []
    for f, rows in data.tech_lines.items():
        used = val(model.technicians[f]) if rows else 0.0
        techs.append({"firm": f, "pool": inst.firms[f].technicians.pool, "used": _clean(used)})

    def frame(rows: list[dict[str, Any]], columns: list[str], keys: list[str]) -> pd.DataFrame:
        rows = sorted(rows, key=lambda r: tuple(r[k] for k in keys))
        return pd.DataFrame({c: [r[c] for r in rows] for c in columns}, columns=columns)

    tables = {
        "lines": frame(lines, ["plant", "product", "open", "tier", "quantity"], ["plant", "product"]),
        "production": frame(
            production,
            ["plant", "country", "product", "market", "channel", "quantity", "tier", "firm", "price"],
            ["plant", "product", "market", "channel"],
        ),
        "make_or_buy": frame(make, ["plant", "component", "in_house", "quantity"], ["plant", "component"]),
        "component_flows": frame(
            flows,
            [
                "component", "source", "source_type", "source_country", "destination",
                "destination_country", "quantity", "quality", "unit_value",
            ],
            ["component", "source", "destination"],
        ),
        "plant_profit": frame(
            plant_profit, ["plant", "revenue", "cost", "profit", "country", "open"], ["plant"]
        ),
        "channel_profit": frame(
            channel_profit, ["channel", "revenue", "cost", "profit", "open", "quantity"], ["channel"]
        ),
        "firm_profit": frame(
            [{"firm": f, "profit": v} for f, v in firm_profit.items()], ["firm", "profit"], ["firm"]
        ),
        "technicians": frame(techs, ["firm", "pool", "used"], ["firm"]),
    }
    result = Result(
        instance=inst.name,
        scenario=scenario,
        objective_mode=model.objective_mode,
        status=outcome.status,
        objective=outcome.objective,
        bound=outcome.bound,
        mip_gap=outcome.mip_gap,
        seconds=dict(outcome.seconds),
        tables=tables,
        firm_profit=firm_profit,
        size={"variables": outcome.n_vars, "constraints": outcome.n_cons, "nonzeros": outcome.n_nonzeros},
        highs_status=outcome.highs_status,
        time_limit=outcome.time_limit,
    )
    return result
