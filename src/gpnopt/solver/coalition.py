"""Many coalitions, one model: :class:`CoalitionSolver` re-solves one kept HiGHS object.

A coalition's value, a profit floor and a firm's objective change only column bounds (the
coalition restriction, :mod:`gpnopt.model.coalition`), row bounds (the floors,
:mod:`gpnopt.model.profit_floors`) and the cost vector. The model is therefore built and handed
to HiGHS once, with a floor row for every firm (no bound until a floor is set), and each solve
sets the bounds and costs it needs and solves from scratch (``clearSolver``: the answer does
not depend on the solves before it).
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np

from gpnopt.data import build_data
from gpnopt.errors import InstanceError, SolveError
from gpnopt.horizon_data import refuse_periods
from gpnopt.model import build_model
from gpnopt.model.coalition import closed_for
from gpnopt.model.profit_floors import add_profit_floors
from gpnopt.schema import MAX_MAGNITUDE, Instance, Objective
from gpnopt.solver.diagnose import diagnose, infeasible_error, unreachable_minimums
from gpnopt.solver.highs import (
    DEFAULT_MIP_GAP,
    change_bounds,
    column_layout,
    compile_model,
    new_highs,
    replace_objective,
    solution_values,
    solve_status,
)
from gpnopt.solver.linear import linear_columns


@dataclass
class CoalitionSolve:
    """One solve of a :class:`CoalitionSolver`.

    Attributes:
        members: the coalition (firms whose entities may run).
        objective: the maximised sum of the objective firms' equity-weighted profits.
        firm_profit: every firm's equity-weighted profit in the solution.
        entity_profit: every profit centre's profit in the solution.
        status, bound, mip_gap: as HiGHS reported them (``optimal`` or ``feasible``).
        seconds: wall time of the solve.
    """

    members: frozenset[str]
    objective: float
    firm_profit: dict[str, float]
    entity_profit: dict[str, float] = field(default_factory=dict)
    status: str = "optimal"
    bound: float = math.nan
    mip_gap: float = 0.0
    seconds: float = 0.0


def _linear(expr: object, column: dict[int, int], n: int) -> tuple[np.ndarray, float]:
    """Coefficients by column and the constant of a linear expression (read as the
    standard-form compiler reads it)."""
    read = linear_columns(expr, column)
    if read is None:
        msg = "a profit holds a variable HiGHS was not given"
        raise SolveError(msg, "no_solution", exit_code=4)
    cols, coefs, constant = read
    vec = np.zeros(n)
    vec[cols] = coefs
    return vec, constant


class CoalitionSolver:
    """Solve ``instance`` for many coalitions, objectives and profit floors.

    The model is built once for the whole instance (objective: the alliance), with a floor row
    ``firm_profit[f] >= floor[f]`` for every firm, left unbounded until a solve sets it. The
    firms' reservation profits are left out: they are conditions for joining the whole
    network, not limits of a coalition's own; so are the markets' minimums (``min_served``)
    for a coalition without every firm of the instance.

    Args:
        instance: a validated instance.
        time_limit, mip_gap, threads: as for :func:`gpnopt.solver.solve_instance`, per solve.

    Attributes:
        firms: the instance's firm ids, in order.
        solves: number of solves so far.
        seconds: wall time of the build and hand-over.

    Raises:
        SolveError: the instance cannot be built (a market minimum no plant can reach).
    """

    def __init__(
        self,
        instance: Instance,
        *,
        time_limit: float | None = None,
        mip_gap: float | None = None,
        threads: int | None = None,
    ) -> None:
        refuse_periods(instance, "CoalitionSolver (gpnopt alliance)")
        t0 = time.perf_counter()
        # reservation profits are conditions for joining the whole network, not rows of a
        # coalition's own network: they are left out (capital budgets stay)
        firms = {
            f: fd.model_copy(update={"reservation_profit": None})
            for f, fd in instance.firms.items()
        }
        inst = instance.model_copy(
            update={"objective": Objective(mode="alliance"), "firms": firms}
        )
        self.name = instance.name
        self.firms = list(inst.firms)
        self.time_limit = time_limit
        self.threads = threads
        self.gap_limit = DEFAULT_MIP_GAP if mip_gap is None else float(mip_gap)
        self.data = build_data(inst)
        unreachable = unreachable_minimums(self.data)
        if unreachable:
            msg = f"{instance.name}: infeasible: " + "; ".join(unreachable)
            raise SolveError(msg, "infeasible", exit_code=3)
        m = build_model(self.data, "alliance")
        add_profit_floors(m, dict.fromkeys(self.firms, -MAX_MAGNITUDE))
        info, lp, _nnz = compile_model(m, instance.name)
        self.model, self.info = m, info
        self.h = new_highs(self.gap_limit, time_limit, threads)
        self.h.passModel(lp)
        self.is_mip = column_layout(info)["is_mip"]
        self.column = {id(v): j for j, v in enumerate(info.columns)}
        n = len(info.columns)
        self.lower = np.array(lp.col_lower_, dtype=float)
        self.upper = np.array(lp.col_upper_, dtype=float)
        self.firm_vec = {f: _linear(m.firm_profit[f].expr, self.column, n) for f in self.firms}
        self.entity_vec = {e: _linear(m.profit[e].expr, self.column, n) for e in m.entities}
        self.floor_row: dict[str, tuple[int, float]] = {}
        minimum = getattr(m, "demand_minimum", None)
        minimum_rows = []
        for r, (con, kind) in enumerate(info.rows):
            if minimum is not None and con.parent_component() is minimum:
                minimum_rows.append(r)
            if con.parent_component() is m.profit_floor:
                f = con.index()
                # the row reads  a.x >= rhs  (kind -1) with rhs = floor - constant
                sign = -1.0 if kind == 1 else 1.0
                self.floor_row[f] = (r, sign)
        self.minimum_rows = np.array(minimum_rows, dtype=np.int64)
        self.minimum_bounds = (
            np.array(lp.row_lower_, dtype=float)[self.minimum_rows],
            np.array(lp.row_upper_, dtype=float)[self.minimum_rows],
        )
        self._minimums_on = True
        self._closed: np.ndarray = np.zeros(0, dtype=np.int64)
        self.solves = 0
        self.seconds = time.perf_counter() - t0

    def closed_columns(self, members: Collection[str]) -> np.ndarray:
        """Positions of the columns coalition ``members`` may not use."""
        out = []
        for name, idx in closed_for(self.data, members).items():
            j = self.column.get(id(getattr(self.model, name)[idx]))
            if j is not None:  # a variable in no row and no cost is no decision
                out.append(j)
        return np.array(sorted(out), dtype=np.int64)

    def solve(
        self,
        members: Collection[str],
        *,
        objective_firms: Collection[str] | None = None,
        floors: Mapping[str, float] | None = None,
    ) -> CoalitionSolve:
        """Maximise the objective firms' equity-weighted profits (default: the members')
        using only what ``members`` may use, with ``firm_profit[f] >= floors[f]``.

        Raises:
            InstanceError: a firm id is unknown.
            SolveError: infeasible (exit 3) or no solution (4).
        """
        t0 = time.perf_counter()
        members = frozenset(members)
        targets = list(members if objective_firms is None else objective_firms)
        floors = dict(floors or {})
        unknown = sorted((set(members) | set(targets) | set(floors)) - set(self.firms))
        if unknown:
            msg = f"{self.name}: unknown firm(s) {', '.join(unknown)} (firms: {', '.join(self.firms)})"
            raise InstanceError(msg)
        self._set_columns(self.closed_columns(members))
        self._set_minimums(members >= set(self.firms))
        self._set_floors(floors)
        n = len(self.lower)
        cost, offset = np.zeros(n), 0.0
        for f in targets:
            vec, const = self.firm_vec[f]
            cost += vec
            offset += const
        replace_objective(self.h, -cost, -offset)
        label = f"{self.name} coalition {{{', '.join(sorted(members))}}}"
        try:
            status, objective, bound, gap = solve_status(
                self.h, self.gap_limit, self.time_limit, label, is_mip=self.is_mip
            )
        except SolveError as exc:  # the whole network infeasible: say why, as solve does
            if exc.status != "infeasible" or members != set(self.firms) or floors:
                raise
            lines = diagnose(self.data, "alliance", self.threads)
            raise infeasible_error(self.name, lines) from None
        x = solution_values(self.h)
        self.solves += 1
        return CoalitionSolve(
            members=members,
            objective=objective,
            firm_profit={f: float(v @ x + c) for f, (v, c) in self.firm_vec.items()},
            entity_profit={e: float(v @ x + c) for e, (v, c) in self.entity_vec.items()},
            status=status,
            bound=bound,
            mip_gap=gap,
            seconds=time.perf_counter() - t0,
        )

    def _set_columns(self, closed: np.ndarray) -> None:
        """Restore the columns closed by the last solve, then close ``closed``."""
        reopen = np.setdiff1d(self._closed, closed)
        if len(reopen):
            change_bounds(self.h, columns=(reopen, self.lower[reopen], self.upper[reopen]))
        if len(closed):
            zero = np.zeros(len(closed))
            change_bounds(self.h, columns=(closed, np.minimum(self.lower[closed], 0), zero))
        self._closed = closed

    def _set_minimums(self, on: bool) -> None:
        """Market minimums (``demand_minimum``) hold for the whole network only: a coalition
        without every firm is not held to them (the firms outside would serve the rest)."""
        if on == self._minimums_on or not len(self.minimum_rows):
            return
        lower, upper = self.minimum_bounds
        if not on:
            lower, upper = np.full(len(lower), -math.inf), np.full(len(upper), math.inf)
        change_bounds(self.h, rows=(self.minimum_rows, lower, upper))
        self._minimums_on = on

    def _set_floors(self, floors: Mapping[str, float]) -> None:
        """Row bounds of the floor rows: ``floors[f]`` minus the row's constant, or none."""
        idx, lower, upper = [], [], []
        for f, (r, sign) in self.floor_row.items():
            const = self.firm_vec[f][1]
            value = floors.get(f)
            bound = -math.inf if value is None else float(value) - const
            idx.append(r)
            if sign > 0:
                lower.append(bound)
                upper.append(math.inf)
            else:  # stored as -a.x <= -rhs
                lower.append(-math.inf)
                upper.append(-bound)
        change_bounds(self.h, rows=(np.array(idx), np.array(lower), np.array(upper)))


def stand_alone_values(
    instance: Instance,
    firms: Collection[str],
    *,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
) -> dict[str, float]:
    """v({g}) of each firm g of ``firms``: its best equity-weighted profit alone, using only
    the entities it may run without the other firms (:mod:`gpnopt.model.coalition`).

    Raises:
        InstanceError: a firm id is unknown.
        SolveError: a stand-alone network cannot be solved.
    """
    solver = CoalitionSolver(instance, time_limit=time_limit, mip_gap=mip_gap, threads=threads)
    return {g: solver.solve([g]).objective for g in firms}
