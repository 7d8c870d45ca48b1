"""Persistent re-solves: :class:`ScenarioSolver` re-uses the model when only costs change.

A scenario whose :func:`structure_signature` equals the kept model's changes only the
objective: its profit expressions are rebuilt on the same Pyomo model and the new cost
vector goes to the same HiGHS object (:func:`gpnopt.solver.highs.replace_objective`). With
taxes (family 22) or participation rows, which hold prices, the rows are rebuilt too and
their coefficients handed to the same HiGHS object (:mod:`gpnopt.solver.row_updates`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyomo.core as pyo

from gpnopt.data import ModelData, build_data
from gpnopt.horizon_data import refuse_periods
from gpnopt.model.base_plants import add_base_closure, add_base_parts
from gpnopt.model.demand import add_demand_revenue
from gpnopt.model.discounts import add_volume_discount
from gpnopt.model.expansion import add_expansion_cost
from gpnopt.model.learning import add_learning_cost
from gpnopt.model.ownership import add_ownership_and_objective
from gpnopt.model.staffing import add_staffing_cost
from gpnopt.model.taxes import rebuild_taxes, taxed_entities_kept
from gpnopt.model.trade import add_trade
from gpnopt.results import make_result
from gpnopt.schema import Instance
from gpnopt.solver.highs import (
    DEFAULT_MIP_GAP,
    KeptHighs,
    SolveOutcome,
    replace_objective,
    run_solver,
    store_solution,
)
from gpnopt.solver.linear import linear_columns
from gpnopt.solver.pipeline import build_and_run
from gpnopt.solver.row_updates import holds_updated_rows, kept_rows, update_rows

_STRUCTURE_FREE_KEYS = frozenset(
    {"name", "description", "provenance", "expectations", "notes", "units", "objective"}
)
"""Keys that never change the rows of the model."""


def _objective_only(key: str, budgets: bool = True) -> bool:
    """Whether a schema key's numbers enter only the objective (costs, prices, rates).

    Investments enter the capital budgets' rows; without any budget (``budgets`` false) they
    enter only the capital charge, i.e. the objective.
    """
    if key == "transfer_prices":  # the number of transfer price levels is the number of columns
        return False
    if key == "investment_cost":
        return not budgets
    # family 22's ``taxes.rates`` (per country) and an incentive's ``rate`` enter only the
    # tax part rate * v_taxable; a rate that becomes 0, or stops being 0, adds or removes
    # columns, which ScenarioSolver checks (gpnopt.model.taxes.taxed_entities_kept)
    return "cost" in key or "price" in key or key in ("margin_rate", "rate", "rates")


def structure_signature(instance: Instance) -> Any:
    """The instance with every number that enters only the objective blanked out (a cost
    left out stays ``None``: stating it may add rows, as family 18's ``technicians.cost``;
    a demand curve is kept whole: its price drops are in family 16's rows).

    Two instances with equal signatures (and neither with participation constraints,
    value-based sourcing rules or taxes, whose rows hold profits or prices:
    :func:`prices_in_rows`) have the same rows and columns: only the objective differs.
    """

    budgets = any(f.capital_budget is not None for f in instance.firms.values())
    only: dict[str, bool] = {}  # each key's _objective_only, asked once per key
    nested = (dict, list)

    def strip(x: Any) -> Any:  # scalars are kept as they are, without a call each
        if isinstance(x, list):
            return [strip(v) if isinstance(v, nested) else v for v in x]
        out = {}
        for k, v in x.items():
            if k in _STRUCTURE_FREE_KEYS:
                continue
            if k == "curve":  # family 16: the step prices are in the rows
                out[k] = v
                continue
            o = only.get(k)
            if o is None:
                o = only[k] = _objective_only(k, budgets)
            out[k] = "*" if o and v is not None else strip(v) if isinstance(v, nested) else v
        return out

    return strip(instance.model_dump())


def prices_in_rows(instance: Instance, *, updated: bool = False) -> bool:
    """Whether costs or prices appear in rows (participation, value-based sourcing, the
    bounds of a funded plant's profit: family 17, the tax base: family 22), so that a change
    of them is not an objective-only update. Purchasing pools (family 21) hold units in their
    rows and their prices in the objective only.

    ``updated``: leave out the rows a :class:`ScenarioSolver` updates in place
    (:data:`gpnopt.solver.row_updates.UPDATED_ROWS`: the tax base, participation)."""
    return (
        (not updated and holds_updated_rows(instance))
        or any(r.basis == "value" for r in instance.sourcing_rules)
        or bool(instance.acquisitions)  # family 26: the price is in the capital budgets
        or any(p.expansion is not None and p.expansion.funding is not None
               for p in instance.plants.values())
    )


OBJECTIVE_COMPONENTS = (
    "learning_cost",
    "base_support_cost",
    "base_support_fee",
    "base_closure_cost",
    "expansion_cost",
    "technician_cost",
    "demand_curve",
    "volume_discount",  # family 21: the pools' prices
    "transport_cost",
    "tariff_cost",
    "entities",
    "firms",
    "revenue",
    "cost",
    "profit",
    "firm_profit",
    "funded_profit_cap_hi",  # family 17: rows on profit[p], rebuilt with it (same numbers:
    "funded_profit_cap_lo",  # a scenario that changes them is never re-used, see
    "funded_profit_hi",      # _prices_in_rows)
    "funded_profit_lo",
    "participation",
    "capital_budget",
    "capital_budget_cover",  # derived from the budgets (gpnopt.model.budget_covers)
    "objective",
)
"""Components rebuilt for a new objective (learning, technician and trade costs, the demand
curves' price corrections, profits, budgets, objective)."""


def rebuild_objective(m: pyo.ConcreteModel, data: ModelData, objective: str | None) -> None:
    """Replace the :data:`OBJECTIVE_COMPONENTS` of one-period model ``m`` by those of
    ``data``'s numbers (same rows and columns): trade and learning costs, profits, budgets,
    the objective."""
    for name in OBJECTIVE_COMPONENTS:
        for n in (name, f"{name}_index"):
            if hasattr(m, n):
                m.del_component(n)
    if data.instance.taxes is not None:  # family 22: its rows hold prices (row_updates)
        rebuild_taxes(m, data)
    add_trade(m, data)
    add_learning_cost(m, data, annuity_training=True)  # nothing unless the model learns
    add_base_parts(m, data)  # nothing unless a firm has a base plant
    add_base_closure(m, data)
    add_expansion_cost(m, data)  # nothing unless the model has expansions (family 17)
    add_staffing_cost(m, data, annuity_hiring=True)  # nothing without family 18
    add_demand_revenue(m, data)  # nothing without demand curves (family 16)
    add_volume_discount(m, data)  # nothing without purchasing pools (family 21)
    add_ownership_and_objective(m, data, objective)


def objective_vector(
    model: pyo.ConcreteModel, column: dict[int, int], n_cols: int
) -> tuple[np.ndarray, float] | None:
    """HiGHS's cost vector and offset of ``model.objective`` (maximised: both negated).

    The objective is read with the same visitor the standard-form compiler uses, so the
    numbers are bit for bit those a fresh build would hand to HiGHS. ``None`` when the
    objective holds a variable that is not a column (the model must be rebuilt).
    """
    read = linear_columns(model.objective.expr, column)
    if read is None:
        return None
    idx, coefs, constant = read
    cost = np.zeros(n_cols)
    cost[idx] = coefs
    sign = -1.0 if model.objective.sense == pyo.maximize else 1.0
    return sign * cost, sign * constant


@dataclass
class Solved:
    """A solved model before its tables are read (:meth:`ScenarioSolver.solve_model`).

    Attributes:
        model: the Pyomo model, its variables holding the solution.
        data: the derived data the model was built from.
        outcome: what HiGHS reported (status, objective, bound, gap, seconds).
        reused: whether the model was re-used (only the objective changed).
    """

    model: Any
    data: ModelData
    outcome: SolveOutcome
    reused: bool


class ScenarioSolver:
    """Solve a sequence of scenarios, re-using the model when only costs and prices change.

    The first instance is built and handed to HiGHS as usual. A later instance whose
    :func:`structure_signature` equals the current one changes only the objective: its profit
    expressions are rebuilt on the same Pyomo model, the new cost vector goes to the same
    HiGHS object (``changeColsCost``) and HiGHS solves again from scratch (``clearSolver``:
    no basis or solution of an earlier scenario is re-used, so a scenario's result does not
    depend on the scenarios solved before it, and equals a fresh build's). Any other change
    rebuilds the model, which then serves the next scenarios.

    Args:
        objective, time_limit, mip_gap, threads: as for :func:`solve_instance`.
        diagnose: diagnose an infeasible rebuilt instance (elastic re-solves, slow) for the
            error message; ``False`` raises the plain SolveError (sweeps).
        participation: with a ``firm:F`` objective, keep every other firm at least at its
            stand-alone value (:func:`solve_instance`); ``False``: F decides everything.

    Attributes:
        persistent: number of solves that re-used the model.
        rebuilt: number of solves that built it.
    """

    def __init__(
        self,
        objective: str | None = None,
        time_limit: float | None = None,
        mip_gap: float | None = None,
        threads: int | None = None,
        *,
        diagnose: bool = True,
        participation: bool = True,
    ) -> None:
        self.objective = objective
        self.time_limit = time_limit
        self.gap_limit = DEFAULT_MIP_GAP if mip_gap is None else float(mip_gap)
        self.threads = threads
        self.diagnose = diagnose
        self.participation = participation
        self.persistent = 0
        self.rebuilt = 0
        self._state: dict[str, Any] | None = None

    def reset(self) -> None:
        """Drop the kept model and HiGHS object: the next solve builds afresh."""
        self._state = None

    @property
    def highs(self) -> Any:
        """The kept ``highspy.Highs`` object (``None`` before a solve or after :meth:`reset`),
        for inspection: its LP and solution are those of the last solve."""
        return None if self._state is None else self._state["highs"]

    def adopt(
        self,
        instance: Instance,
        model: pyo.ConcreteModel,
        kept: KeptHighs,
        signature: Any = None,
    ) -> None:
        """Keep ``model``, just solved for ``instance``, and its HiGHS object for re-solves.

        ``signature`` is ``instance``'s :func:`structure_signature`, if already known.
        """
        if signature is None:
            signature = structure_signature(instance)
        self._state = {
            "model": model,
            "highs": kept.highs,
            "info": kept.info,
            "nnz": kept.nnz,
            "column": kept.column,
            "layout": kept.layout,
            "mode": model.objective_mode,
            "signature": signature,
        }

    def solve(self, instance: Instance, scenario: str | None = None) -> Any:
        """Solve ``instance`` (a Result, without expectations evaluated)."""
        t0 = time.perf_counter()
        solved = self.solve_model(instance)
        t2 = time.perf_counter()
        result = make_result(
            solved.model, solved.data, solved.outcome, scenario=scenario or "base"
        )
        result.seconds["total"] = time.perf_counter() - t0
        if not solved.reused:
            result.seconds["results"] = time.perf_counter() - t2
        return result

    def solve_model(self, instance: Instance) -> Solved:
        """Solve ``instance`` and return the solved model without reading its tables.

        The model belongs to the solver: read what is needed before the next solve, which
        may overwrite its values.

        Raises:
            SolveError: infeasible (``exit_code`` 3) or no solution (4).
            InstanceError: a multi-period instance (one-period instances only for now).
        """
        refuse_periods(instance, "re-solving scenarios (ScenarioSolver)")
        t0 = time.perf_counter()
        sig = structure_signature(instance)
        st = self._state
        reuse = (
            st is not None
            and st["signature"] == sig
            and not prices_in_rows(instance, updated=True)
            and (self.objective or instance.objective.mode) == st["mode"]
        )
        if not reuse:
            return self._rebuild(instance, sig)
        assert st is not None
        data = build_data(instance)
        m, h, info = st["model"], st["highs"], st["info"]
        if instance.taxes is not None and not taxed_entities_kept(m, data):  # a rate 0, or not
            return self._rebuild(instance, sig)
        rows = holds_updated_rows(instance)
        if rows and st.get("rows") is None:  # read before the rows are rebuilt
            st["rows"] = kept_rows(info)
        rebuild_objective(m, data, self.objective)
        if rows:
            if not update_rows(m, h, st["rows"], st["column"]):
                return self._rebuild(instance, sig)
        vector = objective_vector(m, st["column"], len(info.columns))
        if vector is None:  # a variable the first build left out: rebuild
            return self._rebuild(instance, sig)
        replace_objective(h, *vector)
        t1 = time.perf_counter()
        run_solver(h)
        t2 = time.perf_counter()
        outcome = store_solution(
            h, m, info, self.gap_limit, self.time_limit, instance.name, layout=st["layout"]
        )
        outcome.seconds = {"build": t1 - t0, "solve": t2 - t1}
        outcome.n_nonzeros = st["nnz"]
        self.persistent += 1
        return Solved(m, data, outcome, reused=True)

    def _rebuild(self, instance: Instance, sig: Any) -> Solved:
        """Build ``instance``'s model, solve it and keep it for the next scenarios."""
        self._state = None
        model, data, outcome, kept = build_and_run(
            instance,
            self.objective,
            self.time_limit,
            self.gap_limit,
            self.threads,
            keep=True,
            diagnose_infeasible=self.diagnose,
            participation=self.participation,
        )
        if kept is not None:
            self.adopt(instance, model, kept, sig)
        self.rebuilt += 1
        return Solved(model, data, outcome, reused=False)
