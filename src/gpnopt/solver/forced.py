"""Re-solves of one kept model with decisions forced, costs changed, and LP duals.

:class:`ForcedSolver` builds and solves an instance once and keeps the HiGHS object. Each
later solve changes only numbers on it and puts them back afterwards:

* :meth:`ForcedSolver.solve` imposes :class:`~gpnopt.solver.conditions.Condition` s (a
  condition on one column becomes a column bound, any other an added row, deleted after)
  and optionally a different cost vector, and solves from scratch (``clearSolver``);
* :meth:`ForcedSolver.lp_duals` fixes every integer column at the optimum, relaxes
  integrality and reads the row duals of that LP, mapped back to the model's constraint
  names through the standard form's row map, in money per unit of the row's bound;
* :meth:`ForcedSolver.cost_vector` gives HiGHS's cost vector of a variant of the instance
  that changes only objective numbers (costs, prices), computed on the same model.

:class:`ForcedSolver` takes the ``alliance`` objective (with or without a firm subset). A
``firm:F`` objective is solved in two stages (:func:`gpnopt.solver.break_ties_for_the_alliance`),
which a single kept HiGHS object does not reproduce: :class:`TwoStageSolver` offers the same
interface, building the model afresh for each solve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyomo.core as pyo

from gpnopt.data import build_data
from gpnopt.errors import InstanceError, SolveError
from gpnopt.horizon_data import refuse_periods
from gpnopt.model import DERIVED_ROWS, build_model
from gpnopt.results import profit_parts, read_solution
from gpnopt.schema import Instance
from gpnopt.solver.conditions import Condition, add_conditions, condition_body
from gpnopt.solver.diagnose import diagnose
from gpnopt.solver.highs import (
    add_row,
    col_bounds,
    col_costs,
    delete_rows_from,
    replace_objective,
    row_bounds,
    run_highs,
    run_status,
    set_col_bounds,
    set_integrality,
    set_row_bounds,
    solution_arrays,
    store_solution,
)
from gpnopt.solver.linear import linear_columns
from gpnopt.solver.persistent import (
    objective_vector,
    prices_in_rows,
    rebuild_objective,
    structure_signature,
)
from gpnopt.solver.pipeline import break_ties_for_the_alliance, build_and_run

TOL = 1e-6
"""A row whose activity is within this (relative to its bound, at least absolute) is binding."""


@dataclass
class ForcedOutcome:
    """One solve of :meth:`ForcedSolver.solve`.

    Attributes:
        status: ``solved``, ``infeasible`` or ``no_solution``.
        objective: the objective (profit) when solved, else ``None``.
        solution: :func:`gpnopt.results.read_solution`'s rows when solved and read.
        parts: :func:`gpnopt.results.profit_parts` rows when solved and read.
        rows: each limit row's activity (:meth:`ForcedSolver.row_table`) when solved.
        x: the column values (a numpy array, HiGHS's column order) when solved.
    """

    status: str
    objective: float | None = None
    solution: Any = None
    parts: Any = None
    rows: list[dict[str, Any]] | None = None
    x: Any = None


class ForcedSolver:
    """Solve ``instance`` once and keep it for forced re-solves (module docstring).

    Args:
        instance: a validated instance.
        objective: ``alliance`` (default: the instance's own, which must be an alliance).
        time_limit, mip_gap, threads: as for :func:`gpnopt.solver.solve_instance`.

    Attributes:
        data: the derived data.
        model: the Pyomo model (its variables hold the last solve read).
        base: the :class:`ForcedOutcome` of the optimum (solution, parts and rows read).
        solves: number of HiGHS solves so far.

    Raises:
        SolveError: the instance itself is infeasible (with the diagnosis) or unsolved.
        InstanceError: a ``firm:`` objective.
    """

    def __init__(
        self,
        instance: Instance,
        objective: str | None = None,
        time_limit: float | None = None,
        mip_gap: float | None = None,
        threads: int | None = None,
    ) -> None:
        refuse_periods(instance, "ForcedSolver (gpnopt explain)")
        mode = objective or instance.objective.mode
        if mode != "alliance":
            msg = f"objective {mode!r}: a firm's objective is solved by TwoStageSolver"
            raise InstanceError(msg)
        self.instance = instance
        self.objective = objective
        self.threads = threads
        self.time_limit = time_limit
        model, data, outcome, kept = build_and_run(
            instance, objective, time_limit, mip_gap, threads, keep=True, diagnose_infeasible=True
        )
        assert kept is not None
        self.model, self.data, self.kept = model, data, kept
        self.gap_limit = outcome.mip_gap_limit
        self.highs = kept.highs
        self.n_rows = len(kept.info.rows)
        self.lower, self.upper = col_bounds(self.highs)
        self.costs = col_costs(self.highs)
        self.offset = float(self.highs.getLp().offset_)
        self.signature = structure_signature(instance)
        self._names = [_row_name(con) for con, _kind in kept.info.rows]
        self.solves = 1
        self.base_x = solution_arrays(self.highs)["col_value"]
        self._expressions_of: Instance = instance
        self.base = self._outcome(outcome.objective, read=True)

    # --- solving -------------------------------------------------------------------------

    def solve(
        self,
        conditions: tuple[Condition, ...] = (),
        *,
        costs: np.ndarray | None = None,
        read: bool = True,
    ) -> ForcedOutcome:
        """Solve with ``conditions`` imposed (and HiGHS cost vector ``costs``), then put the
        kept model back as it was.

        With ``read`` the solution, its profit parts and the limit rows are read (the model's
        profit expressions are those of the instance given to the solver).

        Raises:
            KeyError: a condition names a component or index the model lacks.
            ValueError: a condition holds a variable the model never handed to HiGHS.
        """
        h = self.highs
        bound_cols: list[int] = []
        try:
            for cond in conditions:
                bound_cols += self._impose(cond)
            if costs is not None:
                replace_objective(h, costs, self.offset)
            status = run_status(h)
            self.solves += 1
            if status != "solved":
                return ForcedOutcome(status)
            objective = -float(h.getInfo().objective_function_value)
            if not read:
                arrays = solution_arrays(h)
                return ForcedOutcome(status, objective, x=arrays["col_value"])
            return self._outcome(objective, read=True)
        finally:
            delete_rows_from(h, self.n_rows)
            if bound_cols:
                cols = np.asarray(sorted(set(bound_cols)))
                set_col_bounds(h, cols, self.lower[cols], self.upper[cols])
            if costs is not None:
                replace_objective(h, self.costs, self.offset)

    def _impose(self, cond: Condition) -> list[int]:
        """Impose ``cond`` on the HiGHS object; return the columns whose bounds changed."""
        cols, coefs, const = self._linear(cond)
        rhs = cond.rhs - const
        if len(cols) == 1 and coefs[0] != 0:
            j, a = int(cols[0]), float(coefs[0])
            bound = rhs / a
            upper_side = (cond.sense == "<=") == (a > 0)
            lo, up = col_bounds(self.highs)
            new_lo, new_up = lo[j], up[j]
            if upper_side:
                new_up = min(new_up, bound)
            else:
                new_lo = max(new_lo, bound)
            set_col_bounds(self.highs, np.array([j]), np.array([new_lo]), np.array([new_up]))
            return [j]
        if not len(cols):
            return []
        lower, upper = (-math.inf, rhs) if cond.sense == "<=" else (rhs, math.inf)
        add_row(self.highs, lower, upper, cols, coefs)
        return []

    def _linear(self, cond: Condition) -> tuple[np.ndarray, np.ndarray, float]:
        """Columns, coefficients and constant of ``cond``'s body."""
        read = linear_columns(condition_body(self.model, cond), self.kept.column)
        if read is None:
            msg = "a condition holds variables HiGHS was never given"
            raise ValueError(msg)
        return read

    def _outcome(self, objective: float, *, read: bool) -> ForcedOutcome:
        """Store HiGHS's solution in the model and read it."""
        store_solution(
            self.highs, self.model, self.kept.info, self.gap_limit, self.time_limit,
            self.instance.name, layout=self.kept.layout,
        )
        if self._expressions_of is not self.instance:
            self._rebuild_objective(self.instance)
        arrays = solution_arrays(self.highs)
        return ForcedOutcome(
            "solved",
            objective,
            solution=read_solution(self.model, self.data),
            parts=profit_parts(self.model, self.data),
            rows=self.row_table(arrays),
            x=arrays["col_value"],
        )

    # --- rows and duals ------------------------------------------------------------------

    def row_table(self, arrays: dict[str, np.ndarray]) -> list[dict[str, Any]]:
        """Each inequality row of the model: family, index, activity, bound, binding."""
        lo, up = row_bounds(self.highs)
        act = arrays["row_value"][: self.n_rows]
        rows = []
        for r, (family, index) in enumerate(self._names):
            if math.isfinite(lo[r]) and math.isfinite(up[r]) and lo[r] == up[r]:
                continue  # equalities always "bind"
            side = up[r] if math.isfinite(up[r]) else lo[r]
            binding = abs(act[r] - side) <= TOL * max(1.0, abs(side))
            rows.append(
                {"family": family, "index": index, "activity": float(act[r]),
                 "bound": float(side), "upper": bool(math.isfinite(up[r])),
                 "binding": bool(binding)}
            )
        return rows

    def state_solution(self, x: np.ndarray) -> Any:
        """:func:`gpnopt.results.read_solution` of the column values ``x`` (stored into the
        model first), for deciding a decision's state after a ``read=False`` solve.

        Its quantities, open flags and technicians are those of ``x``; its profits may be
        those of the last variant given to :meth:`cost_vector` (the profit expressions are
        rebuilt for the instance only when a full outcome is read)."""
        for v, val in zip(self.kept.info.columns, x, strict=True):
            v.set_value(float(val), skip_validation=True)
        for j in self.kept.layout["integer"]:
            self.kept.info.columns[j].set_value(round(float(x[j])), skip_validation=True)
        return read_solution(self.model, self.data)

    def lp_duals(self) -> list[dict[str, Any]]:
        """Shadow prices of the LP with every integer column fixed at the optimum.

        Returns:
            One row per model row with a nonzero dual: family, index, activity, bound,
            ``value``: the change of the profit per unit increase of the row's bound (one
            more unit of capacity, one more technician, one more unit of demand), and
            ``binding``. Local: valid while the LP's basis stays optimal.
        """
        h = self.highs
        integer = list(self.kept.layout["integer"])
        cols = np.asarray(integer, dtype=np.int64)
        fixed = np.round(self.base_x[cols])
        set_col_bounds(h, cols, fixed, fixed)
        set_integrality(h, integer, integer=False)
        lo, up = row_bounds(h)
        # derived rows (gpnopt.model.DERIVED_ROWS) are implied once the binaries are fixed:
        # free for this LP, so that no shadow price lands on them
        derived = np.asarray([r for r, (family, _i) in enumerate(self._names)
                              if family in DERIVED_ROWS], dtype=np.int64)
        free = np.full(len(derived), np.inf)
        set_row_bounds(h, derived, -free, free)
        try:
            status = run_status(h)
            self.solves += 1
            if status != "solved":
                return []
            arrays = solution_arrays(h)
        finally:
            set_integrality(h, integer, integer=True)
            set_col_bounds(h, cols, self.lower[cols], self.upper[cols])
            set_row_bounds(h, derived, lo[derived], up[derived])
        dual = arrays["row_dual"][: self.n_rows]
        out = []
        for r, (family, index) in enumerate(self._names):
            if abs(dual[r]) <= 1e-9:
                continue
            side = up[r] if math.isfinite(up[r]) else lo[r]
            out.append(
                {"family": family, "index": index, "activity": float(arrays["row_value"][r]),
                 "bound": float(side), "value": -float(dual[r])}
            )
        return out

    # --- costs of variants ----------------------------------------------------------------

    def cost_vector(self, variant: Instance) -> np.ndarray | None:
        """HiGHS's cost vector for ``variant``, an instance that differs from the solver's
        only in objective numbers (costs, prices); ``None`` when it differs in more (then it
        must be solved on its own)."""
        if structure_signature(variant) != self.signature:
            return None
        if prices_in_rows(variant):
            return None
        vector = self._rebuild_objective(variant)
        if vector is None:
            return None
        cost, offset = vector
        if abs(offset - self.offset) > 1e-9 * max(1.0, abs(self.offset)):
            return None  # a constant that changes cannot go through a cost vector
        return cost

    def _rebuild_objective(self, instance: Instance) -> tuple[np.ndarray, float] | None:
        m = self.model
        data = self.data if instance is self.instance else build_data(instance)
        rebuild_objective(m, data, self.objective)
        self._expressions_of = instance
        return objective_vector(m, self.kept.column, len(self.kept.info.columns))

    def diagnose(self, conditions: tuple[Condition, ...]) -> list[str]:
        """The elastic diagnosis of the instance with ``conditions`` imposed."""
        return diagnose(self.data, self.objective, self.threads, conditions=conditions)


def _row_name(con: Any) -> tuple[str, Any]:
    """The family (constraint component's name) and index of a row's constraint."""
    return con.parent_component().name, con.index()


class TwoStageSolver:
    """:class:`ForcedSolver`'s interface for a ``firm:F`` objective: every solve builds the
    model afresh and runs both stages (:func:`gpnopt.solver.break_ties_for_the_alliance`),
    as :func:`gpnopt.solve` does, with the conditions added as rows.

    Slower than the kept model (a build per solve); no shadow prices (the second stage's
    duals are not those of F's objective) and no cost vectors (a threshold solves each
    variant on its own).

    Raises:
        SolveError: the instance itself is infeasible (with the diagnosis) or unsolved.
    """

    def __init__(
        self,
        instance: Instance,
        objective: str,
        time_limit: float | None = None,
        mip_gap: float | None = None,
        threads: int | None = None,
    ) -> None:
        refuse_periods(instance, "TwoStageSolver (gpnopt explain)")
        self.instance = instance
        self.objective = objective
        self.time_limit, self.mip_gap, self.threads = time_limit, mip_gap, threads
        model, data, outcome, _kept = build_and_run(
            instance, objective, time_limit, mip_gap, threads, keep=False,
            diagnose_infeasible=True,
        )
        self.data = data
        self.solves = 1
        self.costs = None
        self.base_x = None
        self.base = ForcedOutcome(
            "solved", outcome.objective, read_solution(model, data), profit_parts(model, data),
            limit_rows(model),
        )

    def solve(
        self, conditions: tuple[Condition, ...] = (), *, costs: Any = None, read: bool = True
    ) -> ForcedOutcome:
        """Solve with ``conditions`` imposed (``costs`` is not supported: ``None``)."""
        if costs is not None:
            msg = "a firm objective's solves take no cost vector"
            raise ValueError(msg)
        m = build_model(self.data, self.objective)
        add_conditions(m, conditions)
        options = {"time_limit": self.time_limit, "mip_gap": self.mip_gap, "threads": self.threads}
        self.solves += 1
        try:
            first = run_highs(m, name=self.instance.name, **options)
        except SolveError as exc:
            return ForcedOutcome("infeasible" if exc.status == "infeasible" else "no_solution")
        outcome = break_ties_for_the_alliance(m, first, **options)
        return ForcedOutcome(
            "solved", outcome.objective, read_solution(m, self.data),
            profit_parts(m, self.data), limit_rows(m),
        )

    def lp_duals(self) -> list[dict[str, Any]]:
        """None (see the class docstring)."""
        return []

    def cost_vector(self, variant: Instance) -> None:
        """None: every variant is solved on its own."""
        return None

    def diagnose(self, conditions: tuple[Condition, ...]) -> list[str]:
        """The elastic diagnosis of the instance with ``conditions`` imposed."""
        return diagnose(self.data, self.objective, self.threads, conditions=conditions)


def limit_rows(m: Any) -> list[dict[str, Any]]:
    """Each inequality row of a solved Pyomo model, as :meth:`ForcedSolver.row_table` gives
    them (family, index, activity, bound, upper, binding)."""
    rows = []
    for con in m.component_data_objects(pyo.Constraint, active=True, descend_into=True):
        lo, up = con.lower, con.upper
        if con.equality or (lo is None and up is None):
            continue
        act = float(pyo.value(con.body))
        side = float(pyo.value(up if up is not None else lo))
        rows.append({
            "family": con.parent_component().name, "index": con.index(), "activity": act,
            "bound": side, "upper": up is not None,
            "binding": abs(act - side) <= TOL * max(1.0, abs(side)),
        })
    return rows
