"""The only module that talks to HiGHS.

Hand-over: Pyomo's ``LinearStandardFormCompiler`` (mixed form) turns the model into sparse
matrices, which go to ``highspy`` in one ``passModel`` call. Measured on a 1.6M-nonzero
model this takes about a third of the time of the persistent interfaces' ``set_instance``
(see ``docs/performance.md``). The solution is written back into the Pyomo variables, so
that results are read from the model's own expressions.

Termination is mapped honestly:

=====================================  =============  =========
HiGHS                                  gpnopt status  CLI exit
=====================================  =============  =========
optimal                                optimal        0
unknown, solution within the gap       optimal        0
time/iteration/solution limit, unknown
with a feasible solution               feasible       0
infeasible                             infeasible     3
any stop without a feasible solution   no_solution    4
=====================================  =============  =========
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from gpnopt.data import ModelData, build_data
from gpnopt.diagnose import diagnose, unreachable_minimums
from gpnopt.errors import SolveError
from gpnopt.model import build_model
from gpnopt.schema import Instance

log = logging.getLogger(__name__)

DEFAULT_MIP_GAP = 1e-6
"""Relative MIP gap at which HiGHS stops by default."""


@dataclass
class SolveOutcome:
    """What the solver reported."""

    status: str  # optimal | feasible
    highs_status: str
    objective: float
    bound: float
    mip_gap: float
    time_limit: float | None
    mip_gap_limit: float
    seconds: dict[str, float] = field(default_factory=dict)
    n_vars: int = 0
    n_cons: int = 0
    n_nonzeros: int = 0


def _highs_model(info: Any) -> tuple[highspy.HighsLp, int]:
    """Build a HighsLp from the compiler's standard form; return it and its nonzeros."""
    a = info.A.tocsc()
    a.sort_indices()
    n_rows, n_cols = a.shape
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    c = info.c.toarray().ravel() if info.c.shape[0] else np.zeros(n_cols)
    lp.col_cost_ = np.asarray(c, dtype=float)
    lp.offset_ = float(info.c_offset[0]) if len(info.c_offset) else 0.0
    lower = np.empty(n_cols)
    upper = np.empty(n_cols)
    integrality = []
    any_int = False
    for j, v in enumerate(info.columns):
        lb, ub = v.bounds
        lower[j] = -highspy.kHighsInf if lb is None else lb
        upper[j] = highspy.kHighsInf if ub is None else ub
        if v.is_integer() or v.is_binary():
            integrality.append(highspy.HighsVarType.kInteger)
            any_int = True
        else:
            integrality.append(highspy.HighsVarType.kContinuous)
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    rhs = np.asarray(info.rhs, dtype=float)
    row_lower = np.full(n_rows, -highspy.kHighsInf)
    row_upper = np.full(n_rows, highspy.kHighsInf)
    for r, (_con, kind) in enumerate(info.rows):
        if kind == 0:
            row_lower[r] = row_upper[r] = rhs[r]
        elif kind == 1:
            row_upper[r] = rhs[r]
        else:
            row_lower[r] = rhs[r]
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(float)
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    if any_int:
        lp.integrality_ = integrality
    return lp, int(a.nnz)


def classify_termination(
    status: highspy.HighsModelStatus,
    has_solution: bool,
    gap: float,
    gap_limit: float,
    *,
    name: str = "",
    time_limit: float | None = None,
) -> str:
    """Map HiGHS's model status to ``optimal`` or ``feasible``, or raise.

    Raises:
        SolveError: ``infeasible`` (exit 3) or ``no_solution`` (exit 4).
    """
    ms = highspy.HighsModelStatus
    text = highspy.Highs().modelStatusToString(status)
    if status == ms.kInfeasible:
        msg = f"{name}: the instance is infeasible (HiGHS: {text})"
        raise SolveError(msg, "infeasible", exit_code=3)
    if status in (ms.kUnboundedOrInfeasible, ms.kUnbounded) and not has_solution:
        msg = f"{name}: HiGHS reports the model {text.lower()}"
        raise SolveError(msg, "infeasible", exit_code=3)
    if not has_solution:
        limit = f", time limit {time_limit:g} s" if time_limit is not None else ""
        msg = f"{name}: no feasible solution found (HiGHS: {text}{limit})"
        raise SolveError(msg, "no_solution", exit_code=4)
    if status == ms.kOptimal:
        return "optimal"
    if status == ms.kUnknown and math.isfinite(gap) and gap <= gap_limit:
        return "optimal"  # HiGHS sometimes ends a finished solve with "unknown"
    return "feasible"


def run_highs(
    model: pyo.ConcreteModel,
    *,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    name: str = "",
) -> SolveOutcome:
    """Solve ``model`` with HiGHS and write the solution into its variables.

    Raises:
        SolveError: infeasible (exit 3) or no solution found (exit 4).
    """
    t0 = time.perf_counter()
    info, lp, nnz = _compile(model, name)
    t1 = time.perf_counter()
    gap_limit = DEFAULT_MIP_GAP if mip_gap is None else float(mip_gap)
    h = _new_highs(gap_limit, time_limit, threads)
    h.passModel(lp)
    h.run()
    t2 = time.perf_counter()
    outcome = _read_solution(h, model, info, gap_limit, time_limit, name)
    outcome.seconds = {"handover": t1 - t0, "solve": t2 - t1}
    outcome.n_nonzeros = nnz
    return outcome


def _compile(model: pyo.ConcreteModel, name: str) -> tuple[Any, highspy.HighsLp, int]:
    """Standard form of ``model`` and the HighsLp built from it."""
    try:
        info = LinearStandardFormCompiler().write(model, mixed_form=True)
    except InfeasibleConstraintException as exc:
        msg = f"{name}: infeasible: {exc}"
        raise SolveError(msg, "infeasible", exit_code=3) from None
    lp, nnz = _highs_model(info)
    return info, lp, nnz


def _new_highs(gap_limit: float, time_limit: float | None, threads: int | None) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("mip_rel_gap", gap_limit)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    return h


def _read_solution(
    h: highspy.Highs,
    model: pyo.ConcreteModel,
    info: Any,
    gap_limit: float,
    time_limit: float | None,
    name: str,
    layout: dict[str, Any] | None = None,
) -> SolveOutcome:
    """Classify HiGHS's termination and write its solution into the model's variables.

    ``layout`` (from :func:`_layout`, kept by a :class:`ScenarioSolver`) says which columns
    are integer; with it, variables HiGHS never saw are not looked for again (they kept the
    value the first solve of the model gave them).
    """
    status = h.getModelStatus()
    hinfo = h.getInfo()
    has_solution = hinfo.primal_solution_status == 2  # kSolutionStatusFeasible
    fresh = layout is None
    if layout is None:
        layout = _layout(info)
    is_mip = layout["is_mip"]
    gap = float(hinfo.mip_gap) if is_mip else 0.0
    word = classify_termination(
        status, has_solution, gap, gap_limit, name=name, time_limit=time_limit
    )
    status_text = h.modelStatusToString(status)

    x = list(h.getSolution().col_value)
    for j in layout["integer"]:
        x[j] = round(x[j])
    for v, val in zip(info.columns, x, strict=True):
        v.set_value(val, skip_validation=True)
    for v, expr in info.eliminated_vars:
        v.set_value(pyo.value(expr), skip_validation=True)
    if fresh:
        # Variables in no row and with no cost are not handed to HiGHS: any value is optimal.
        for v in model.component_data_objects(pyo.Var, descend_into=True):
            if v.value is None:
                v.set_value(0.0 if v.lb is None or v.lb <= 0 else v.lb, skip_validation=True)

    # HiGHS minimises -profit (the compiler negates a maximised objective and its constant)
    objective = -float(hinfo.objective_function_value)
    # HiGHS minimises -profit: its dual bound is the negated upper bound on profit.
    bound = -float(hinfo.mip_dual_bound) if is_mip else objective
    log.info("HiGHS: %s, objective %g, gap %g", status_text, objective, gap)
    return SolveOutcome(
        status=word,
        highs_status=status_text,
        objective=objective,
        bound=bound,
        mip_gap=max(gap, 0.0) if math.isfinite(gap) else math.inf,
        time_limit=time_limit,
        mip_gap_limit=gap_limit,
        n_vars=len(info.columns),
        n_cons=len(info.rows),
    )


def _layout(info: Any) -> dict[str, Any]:
    """Which columns of a standard form are integer (positions), and whether any is."""
    integer = [j for j, v in enumerate(info.columns) if v.is_integer() or v.is_binary()]
    return {"integer": integer, "is_mip": bool(integer)}


def _run_and_keep(model: pyo.ConcreteModel, keep: ScenarioSolver, name: str) -> SolveOutcome:
    """run_highs, keeping the model, its standard form and the HiGHS object in ``keep``."""
    t0 = time.perf_counter()
    info, lp, nnz = _compile(model, name)
    layout = _layout(info)
    t1 = time.perf_counter()
    h = _new_highs(keep.gap_limit, keep.time_limit, keep.threads)
    h.passModel(lp)
    h.run()
    t2 = time.perf_counter()
    outcome = _read_solution(h, model, info, keep.gap_limit, keep.time_limit, name)
    outcome.seconds = {"handover": t1 - t0, "solve": t2 - t1}
    outcome.n_nonzeros = nnz
    keep._state = {  # noqa: SLF001 - the solver and its keeper work together
        "model": model,
        "highs": h,
        "info": info,
        "nnz": nnz,
        "column": {id(v): j for j, v in enumerate(info.columns)},
        "layout": layout,
        "mode": model.objective_mode,
    }
    return outcome


def _objective_vector(
    model: pyo.ConcreteModel, column: dict[int, int], n_cols: int
) -> tuple[np.ndarray, float] | None:
    """HiGHS's cost vector and offset of ``model.objective`` (maximised: both negated).

    The objective is read with the same visitor the standard-form compiler uses, so the
    numbers are bit for bit those a fresh build would hand to HiGHS. ``None`` when the
    objective holds a variable that is not a column (the model must be rebuilt).
    """
    from pyomo.repn.linear import LinearRepnVisitor, VarRecorder

    repn = LinearRepnVisitor({}, var_recorder=VarRecorder({}, None)).walk_expression(
        model.objective.expr
    )
    try:
        idx = np.fromiter((column[v] for v in repn.linear), dtype=np.int64, count=len(repn.linear))
    except KeyError:
        return None
    cost = np.zeros(n_cols)
    cost[idx] = np.fromiter(repn.linear.values(), dtype=float, count=len(repn.linear))
    sign = -1.0 if model.objective.sense == pyo.maximize else 1.0
    return sign * cost, sign * float(repn.constant)


def _infeasible(name: str, lines: list[str]) -> SolveError:
    """A SolveError (exit 3) whose message lists the diagnosis."""
    text = "\n".join(f"  - {line}" for line in lines) or "  (no single culprit found)"
    msg = (
        f"{name}: the instance is infeasible. What cannot be met, and the smallest "
        f"relaxation of the limits that would make it feasible:\n{text}"
    )
    return SolveError(msg, "infeasible", exit_code=3)


def solve_instance(
    instance: Instance,
    objective: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    scenario: str | None = None,
    keep: ScenarioSolver | None = None,
) -> Any:
    """Build, solve and tabulate ``instance``.

    Args:
        instance: a validated instance (:func:`gpnopt.load`).
        objective: ``alliance`` or ``firm:ID``; default the instance's own.
        time_limit: seconds HiGHS may run; ``None`` for no limit.
        mip_gap: relative MIP gap to stop at (default 1e-6).
        threads: HiGHS threads; ``None`` lets HiGHS choose.
        scenario: the scenario's name, recorded in the result.
        keep: a :class:`ScenarioSolver` that keeps the model and the HiGHS object for
            re-solves.

    Returns:
        A :class:`gpnopt.results.Result`.

    Raises:
        SolveError: infeasible (``exit_code`` 3) or no solution (4).
        InstanceError: the objective names an unknown firm.
    """
    from gpnopt.results import make_result

    t0 = time.perf_counter()
    model, data, outcome = _build_and_run(
        instance, objective, time_limit, mip_gap, threads, keep, diagnose_infeasible=True
    )
    t2 = time.perf_counter()
    result = make_result(model, data, outcome, scenario=scenario or "base")
    result.seconds["total"] = time.perf_counter() - t0
    result.seconds["results"] = time.perf_counter() - t2
    return result


def _build_and_run(
    instance: Instance,
    objective: str | None,
    time_limit: float | None,
    mip_gap: float | None,
    threads: int | None,
    keep: ScenarioSolver | None,
    *,
    diagnose_infeasible: bool,
) -> tuple[pyo.ConcreteModel, ModelData, SolveOutcome]:
    """Build ``instance``'s model and solve it (``seconds``: build, solve).

    With ``diagnose_infeasible`` an infeasible model is diagnosed (elastic re-solves) and
    the diagnosis is the error's message; without, the plain SolveError is raised.
    """
    t0 = time.perf_counter()
    data: ModelData = build_data(instance)
    unreachable = unreachable_minimums(data)
    if unreachable:
        raise _infeasible(instance.name, unreachable)
    model = build_model(data, objective)
    t1 = time.perf_counter()
    firm_mode = model.objective_mode.startswith("firm:")
    try:
        if keep is None or firm_mode:  # a firm's objective is solved twice: never kept
            outcome = run_highs(
                model, time_limit=time_limit, mip_gap=mip_gap, threads=threads, name=instance.name
            )
        else:
            outcome = _run_and_keep(model, keep, instance.name)
    except SolveError as exc:
        if exc.status != "infeasible" or not diagnose_infeasible:
            raise
        raise _infeasible(instance.name, diagnose(data, objective, threads)) from None
    if firm_mode:
        outcome = _break_ties_for_the_alliance(model, outcome, time_limit, mip_gap, threads)
    outcome.seconds = {
        "build": (t1 - t0) + outcome.seconds["handover"],
        "solve": outcome.seconds["solve"],
    }
    return model, data, outcome


def _break_ties_for_the_alliance(
    model: pyo.ConcreteModel,
    first: SolveOutcome,
    time_limit: float | None,
    mip_gap: float | None,
    threads: int | None,
) -> SolveOutcome:
    """Second stage of a ``firm:F`` objective: among the solutions that give F its optimum,
    the one best for the alliance.

    F's objective leaves every decision that does not touch F's profit free, so without this
    stage other firms' plants would do arbitrary things. The stage keeps
    ``firm_profit[F] >= optimum`` and maximises the sum of all profits (should HiGHS find
    that row infeasible by rounding, the first stage's solution stands); the
    result still reports F's profit as the objective, with the first stage's bound and gap.
    """
    firm = model.objective_mode[5:]
    floor = first.objective  # HiGHS's feasibility tolerance (1e-7) is the only slack
    model.firm_optimum = pyo.Constraint(expr=model.firm_profit[firm] >= floor)
    primary = model.objective
    primary.deactivate()
    model.alliance_objective = pyo.Objective(
        expr=sum(model.profit[e] for e in model.entities), sense=pyo.maximize
    )
    try:
        second = run_highs(
            model, time_limit=time_limit, mip_gap=mip_gap, threads=threads, name="tie-break"
        )
    except SolveError:  # cannot happen in exact arithmetic: keep the first stage's solution
        log.warning("the alliance tie-break of %s failed; decisions may be arbitrary", firm)
        second = None
    finally:
        model.del_component(model.alliance_objective)
        model.del_component(model.firm_optimum)
        primary.activate()
    if second is None:
        return first
    second.objective = float(pyo.value(model.firm_profit[firm]))
    second.bound, second.mip_gap = first.bound, first.mip_gap
    if first.status != "optimal":
        second.status, second.highs_status = first.status, first.highs_status
    second.seconds = {
        "handover": first.seconds["handover"] + second.seconds["handover"],
        "solve": first.seconds["solve"] + second.seconds["solve"],
    }
    return second


_STRUCTURE_FREE_KEYS = frozenset(
    {"name", "description", "provenance", "expectations", "notes", "units", "objective"}
)
"""Keys that never change the rows of the model."""


def _objective_only(key: str) -> bool:
    """Whether a schema key's numbers enter only the objective (costs, prices, rates)."""
    if key == "investment_cost":  # capital budgets are rows
        return False
    return "cost" in key or "price" in key or key in ("margin_rate", "rate")


def structure_signature(instance: Instance) -> Any:
    """The instance with every number that enters only the objective blanked out.

    Two instances with equal signatures (and neither with participation constraints or
    value-based sourcing rules, whose rows hold profits or prices) have the same rows and
    columns: only the objective differs.
    """

    def strip(x: Any) -> Any:
        if isinstance(x, dict):
            return {
                k: ("*" if _objective_only(k) else strip(v))
                for k, v in x.items()
                if k not in _STRUCTURE_FREE_KEYS
            }
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x

    return strip(instance.model_dump())


def _prices_in_rows(instance: Instance) -> bool:
    """Whether costs or prices appear in rows (participation, value-based sourcing)."""
    return any(f.reservation_profit is not None for f in instance.firms.values()) or any(
        r.basis == "value" for r in instance.sourcing_rules
    )


_OBJECTIVE_COMPONENTS = (
    "transport_cost",
    "tariff_cost",
    "entities",
    "firms",
    "revenue",
    "cost",
    "profit",
    "firm_profit",
    "participation",
    "capital_budget",
    "objective",
)


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
    ) -> None:
        self.objective = objective
        self.time_limit = time_limit
        self.gap_limit = DEFAULT_MIP_GAP if mip_gap is None else float(mip_gap)
        self.threads = threads
        self.diagnose = diagnose
        self.persistent = 0
        self.rebuilt = 0
        self._state: dict[str, Any] | None = None

    def solve(self, instance: Instance, scenario: str | None = None) -> Any:
        """Solve ``instance`` (a Result, without expectations evaluated)."""
        from gpnopt.results import make_result

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
        """
        t0 = time.perf_counter()
        sig = structure_signature(instance)
        st = self._state
        reuse = (
            st is not None
            and st["signature"] == sig
            and not _prices_in_rows(instance)
            and (self.objective or instance.objective.mode) == st["mode"]
        )
        if not reuse:
            return self._rebuild(instance, sig)
        assert st is not None
        data = build_data(instance)
        m, h, info = st["model"], st["highs"], st["info"]
        for name in _OBJECTIVE_COMPONENTS:
            for n in (name, f"{name}_index"):
                if hasattr(m, n):
                    m.del_component(n)
        from gpnopt.model.ownership import add_ownership_and_objective
        from gpnopt.model.trade import add_trade

        add_trade(m, data)
        add_ownership_and_objective(m, data, self.objective)
        vector = _objective_vector(m, st["column"], len(info.columns))
        if vector is None:  # a variable the first build left out: rebuild
            return self._rebuild(instance, sig)
        cost, offset = vector
        h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        h.changeObjectiveOffset(offset)
        h.clearSolver()
        t1 = time.perf_counter()
        h.run()
        t2 = time.perf_counter()
        outcome = _read_solution(
            h, m, info, self.gap_limit, self.time_limit, instance.name, layout=st["layout"]
        )
        outcome.seconds = {"build": t1 - t0, "solve": t2 - t1}
        outcome.n_nonzeros = st["nnz"]
        self.persistent += 1
        return Solved(m, data, outcome, reused=True)

    def _rebuild(self, instance: Instance, sig: Any) -> Solved:
        """Build ``instance``'s model, solve it and keep it for the next scenarios."""
        self._state = None
        model, data, outcome = _build_and_run(
            instance,
            self.objective,
            self.time_limit,
            self.gap_limit,
            self.threads,
            self,
            diagnose_infeasible=self.diagnose,
        )
        if self._state is not None:
            self._state["signature"] = sig
        self.rebuilt += 1
        return Solved(model, data, outcome, reused=False)
