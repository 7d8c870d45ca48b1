"""The hand-over to HiGHS: the only module of gpnopt that imports ``highspy``.

Pyomo's ``LinearStandardFormCompiler`` (mixed form) turns the model into sparse matrices,
which go to ``highspy`` in one ``passModel`` call. Measured on a 1.6M-nonzero model this
takes about a third of the time of the persistent interfaces' ``set_instance`` (see
``docs/performance.md``). The solution is written back into the Pyomo variables, so that
results are read from the model's own expressions.

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
import os
import time
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import pyomo.core as pyo
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.common.gc_manager import PauseGC
from pyomo.repn.linear import LinearRepnVisitor
from pyomo.repn.plugins import standard_form
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from gpnopt.errors import GpnoptError, SolveError
from gpnopt.solver.heuristic import warm_start
from gpnopt.solver.sparse import CscMatrix, CsrMatrix

log = logging.getLogger(__name__)
solver_log = logging.getLogger("gpnopt.highs")
"""HiGHS's own log, line by line (see :func:`new_highs`)."""

DEFAULT_MIP_GAP = 1e-6
"""Relative MIP gap at which HiGHS stops by default."""

START_HEURISTIC = {"min_integers": 500, "share": 0.5, "seconds": 60.0}
"""When :func:`run_highs` starts HiGHS from :mod:`gpnopt.solver.heuristic`'s solution: with
``start_heuristic=None``, on solves with a time limit of models with at least
``min_integers`` integer columns; it gets ``share`` of the time limit (``seconds`` without
one, when asked for with ``start_heuristic=True``). Measured in ``docs/performance.md``
(Solve time at scale); a benchmark may change the entries."""


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


@dataclass
class KeptHighs:
    """A solved HiGHS object with the standard form it was given, for re-solves.

    Attributes:
        highs: the ``highspy.Highs`` object, holding the model.
        info: the compiler's standard form (``columns``, ``rows``, ``eliminated_vars``).
        nnz: nonzeros of the matrix.
        column: ``id`` of each column's variable -> its position.
        layout: :func:`column_layout` of ``info``.
    """

    highs: Any
    info: Any
    nnz: int
    column: dict[int, int]
    layout: dict[str, Any]


def highs_lp(info: Any) -> tuple[highspy.HighsLp, int]:
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
    start_heuristic: bool | None = None,
) -> SolveOutcome:
    """Solve ``model`` with HiGHS and write the solution into its variables.

    ``start_heuristic``: start HiGHS from :mod:`gpnopt.solver.heuristic`'s solution
    (``None``: on large MIPs with a time limit, :data:`START_HEURISTIC`).

    Raises:
        SolveError: infeasible (exit 3) or no solution found (exit 4).
    """
    outcome, _kept = _run(
        model, time_limit, mip_gap, threads, name, keep=False, start=start_heuristic
    )
    return outcome


def run_and_keep(
    model: pyo.ConcreteModel,
    *,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    name: str = "",
) -> tuple[SolveOutcome, KeptHighs]:
    """:func:`run_highs`, also returning the HiGHS object and its standard form for
    re-solves.

    Raises:
        SolveError: infeasible (exit 3) or no solution found (exit 4).
    """
    outcome, kept = _run(model, time_limit, mip_gap, threads, name, keep=True)
    assert kept is not None
    return outcome, kept


def _run(
    model: pyo.ConcreteModel,
    time_limit: float | None,
    mip_gap: float | None,
    threads: int | None,
    name: str,
    *,
    keep: bool,
    start: bool | None = None,
) -> tuple[SolveOutcome, KeptHighs | None]:
    """Hand ``model`` over, solve it, read the solution (``seconds``: handover, solve)."""
    t0 = time.perf_counter()
    info, lp, nnz = compile_model(model, name)
    t1 = time.perf_counter()
    gap_limit = DEFAULT_MIP_GAP if mip_gap is None else float(mip_gap)
    h = new_highs(gap_limit, time_limit, threads)
    h.passModel(lp)
    limit = "no time limit" if time_limit is None else f"time limit {time_limit:g} s"
    log.info(
        "%s: HiGHS on %d variables, %d rows, %d nonzeros (gap %g, %s)",
        name or "model", lp.num_col_, lp.num_row_, nnz, gap_limit, limit,
    )
    start_from_heuristic(h, lp, gap_limit, time_limit, threads, start)
    run_solver(h)
    if time_limit is not None:  # the heuristic's seconds came off it: re-solves get it whole
        h.setOptionValue("time_limit", float(time_limit))
    t2 = time.perf_counter()
    outcome = store_solution(h, model, info, gap_limit, time_limit, name)
    outcome.seconds = {"handover": t1 - t0, "solve": t2 - t1}
    outcome.n_nonzeros = nnz
    if not keep:
        return outcome, None
    column = {id(v): j for j, v in enumerate(info.columns)}
    return outcome, KeptHighs(h, info, nnz, column, column_layout(info))


def start_from_heuristic(
    h: highspy.Highs,
    lp: highspy.HighsLp,
    gap_limit: float,
    time_limit: float | None,
    threads: int | None,
    wanted: bool | None,
) -> None:
    """Give ``h`` (holding ``lp``) a start from :func:`gpnopt.solver.heuristic.warm_start`
    when ``wanted`` (``None``: when a time limit is given and ``lp`` has
    :data:`START_HEURISTIC`'s ``min_integers``), and take the heuristic's seconds off ``h``'s
    time limit."""
    n_int = sum(1 for k in lp.integrality_ if k != highspy.HighsVarType.kContinuous)
    if wanted is False or n_int == 0:
        return
    if wanted is None and (time_limit is None or n_int < START_HEURISTIC["min_integers"]):
        return
    budget = START_HEURISTIC["seconds"] if time_limit is None else START_HEURISTIC["share"] * time_limit

    def quiet(limit: float | None) -> highspy.Highs:
        sub = new_highs(gap_limit, limit, threads)
        sub.setOptionValue("output_flag", False)
        return sub

    start = warm_start(h, lp, quiet, budget)
    if time_limit is not None:
        h.setOptionValue("time_limit", max(1.0, time_limit - start.seconds))


def compile_model(model: pyo.ConcreteModel, name: str = "") -> tuple[Any, highspy.HighsLp, int]:
    """Standard form of ``model`` (``info``) and the HighsLp built from it, and its nonzeros.

    Pyomo's ``LinearStandardFormCompiler`` (mixed form) through :class:`NumpyStandardForm`.

    Raises:
        SolveError: a row is infeasible on its own (exit 3).
    """
    config = LinearStandardFormCompiler().config({"mixed_form": True})
    try:
        with PauseGC():  # as LinearStandardFormCompiler.write
            info = NumpyStandardForm(config).write(model)
    except InfeasibleConstraintException as exc:
        msg = f"{name}: infeasible: {exc}"
        raise SolveError(msg, "infeasible", exit_code=3) from None
    lp, nnz = highs_lp(info)
    return info, lp, nnz


class RowTerms:
    """A row's linear part as the compiler reads it, in two tuples instead of a dict.

    Pyomo's compiler keeps each row's ``repn.linear`` (variable id -> coefficient) until it
    forms the matrix at the end, and reads it only three ways: ``len``, iteration over the
    ids and ``values()`` (``pyomo/repn/plugins/standard_form.py``, 6.10). Two tuples of the
    same objects, in the same order, give it the same numbers, bit for bit, in about a
    quarter less memory at the compiler's peak (``docs/performance.md``, item 3).
    """

    __slots__ = ("coefs", "ids")

    def __init__(self, linear: dict[int, Any]) -> None:
        self.ids = tuple(linear)
        self.coefs = tuple(linear.values())

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Any:
        return iter(self.ids)

    def values(self) -> tuple[Any, ...]:
        """The coefficients, in the order of the ids."""
        return self.coefs


class RowTermsVisitor(LinearRepnVisitor):
    """Pyomo's linear visitor, handing each walked row's linear part over as
    :class:`RowTerms`.

    Only the result of a walk is changed: the repn of a named expression that the visitor
    caches for later rows is a duplicate of what it returns (``_handle_named_ANY``), so the
    cache keeps its dicts.
    """

    def walk_expression(self, expr: Any) -> Any:
        """The repn of ``expr``, its linear part as :class:`RowTerms`."""
        repn = super().walk_expression(expr)
        if repn.nonlinear is None and repn.linear.__class__ is dict:
            repn.linear = RowTerms(repn.linear)
        return repn


class NumpyStandardForm(standard_form._LinearStandardFormCompiler_impl):
    """Pyomo's standard-form compiler with numpy-only matrices as its hooks.

    Left alone, the compiler's first use sets its hooks to ``scipy.sparse``'s arrays through
    Pyomo's deferred ``scipy`` module, whose callback imports ``scipy.stats``,
    ``scipy.spatial`` and ``scipy.integrate`` too: about 0.6 s on an idle machine, a third
    of ``gpnopt solve`` of the case, for nothing the compiler uses. Pyomo keeps the hooks as
    class attributes "so that others can change the hooks"
    (``pyomo/repn/plugins/standard_form.py``); this subclass gives them ``numpy.fromiter``
    and the matrices of :mod:`gpnopt.solver.sparse` (the same arrays as ``scipy.sparse``'s,
    bit for bit), so that the hand-over imports no scipy. Its visitor is
    :class:`RowTermsVisitor` (the ``_get_visitor`` hook), which keeps each row's terms in
    tuples until the matrix is formed. The compiler's own class is left as it is, for
    Pyomo's other users of it (its Gurobi interface hands the matrices to ``gurobipy``).
    """

    _get_visitor = RowTermsVisitor
    _to_vector = np.fromiter
    _csc_matrix = CscMatrix
    _csr_matrix = CsrMatrix

    def __init__(self, config: Any) -> None:  # the base sets the scipy hooks
        self.config = config


class LogLines:
    """HiGHS's log callback: whole lines to the ``gpnopt.highs`` logger (information level).

    HiGHS hands its log over in pieces; a line is sent once its newline arrives.
    """

    def __init__(self) -> None:
        self.pending = ""

    def __call__(self, event: Any) -> None:
        """Take one piece of HiGHS's log (``event.message``)."""
        text = self.pending + str(event.message)
        *lines, self.pending = text.split("\n")
        for line in lines:
            if line.strip():
                solver_log.info("%s", line.rstrip())


def new_highs(gap_limit: float, time_limit: float | None, threads: int | None) -> highspy.Highs:
    """A HiGHS object with gpnopt's options (seed 0, the gap, limits, threads).

    It is silent unless the ``gpnopt.highs`` logger is enabled for information messages
    (``gpnopt -v``, ``--log-file``, or ``logging.getLogger("gpnopt.highs").setLevel(INFO)``
    with a handler): then HiGHS's log (presolve, the branch-and-bound table with incumbent,
    bound, gap and time) goes to that logger, never to standard output.
    """
    h = highspy.Highs()
    if solver_log.isEnabledFor(logging.INFO):
        h.setOptionValue("output_flag", True)
        h.setOptionValue("log_to_console", False)
        h.cbLogging.subscribe(LogLines())
    else:
        h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("mip_rel_gap", gap_limit)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    if threads is not None:
        h.setOptionValue("threads", check_threads(threads))
    return h


_SCHEDULER: dict[str, int | None] = {"threads": None}
"""The thread count HiGHS's process-wide task scheduler was last started with."""


def run_solver(h: highspy.Highs) -> None:
    """``h.run()``, after restarting HiGHS's process-wide task scheduler when ``h`` asks for
    another thread count than the one it was started with (HiGHS would otherwise stop at
    once with no solution, status "Not Set": a solve with ``threads=2`` after one with
    ``threads=1`` in the same process)."""
    _status, value = h.getOptionValue("threads")
    wanted = int(value)  # 0: HiGHS's own default
    started = _SCHEDULER["threads"]
    if started is not None and wanted != started:
        h.resetGlobalScheduler(True)
    _SCHEDULER["threads"] = wanted
    h.run()


def max_threads() -> int:
    """The most threads HiGHS is given: four per CPU of this machine."""
    return 4 * (os.cpu_count() or 1)


def check_threads(threads: int) -> int:
    """``threads`` as an int, checked against the machine (HiGHS aborts the process on a
    thread count it cannot start).

    Raises:
        GpnoptError: fewer than 1, or more than :func:`max_threads`.
    """
    n = int(threads)
    if not 1 <= n <= max_threads():
        msg = (
            f"threads {threads}: use 1 to {max_threads()} on this machine "
            f"({os.cpu_count() or 1} CPUs, at most four threads each)"
        )
        raise GpnoptError(msg)
    return n


def replace_objective(h: highspy.Highs, cost: np.ndarray, offset: float) -> None:
    """Give ``h`` a new cost vector and offset and forget its basis and solution."""
    h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
    h.changeObjectiveOffset(offset)
    h.clearSolver()


def change_bounds(
    h: highspy.Highs,
    *,
    columns: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    rows: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> None:
    """Set column and row bounds of ``h`` (each ``(positions, lower, upper)``; infinite
    bounds as ``math.inf``, which is HiGHS's ``kHighsInf``) and forget its basis and
    solution."""
    for part, change in ((columns, h.changeColsBounds), (rows, h.changeRowsBounds)):
        if part is not None and len(part[0]):
            idx, lower, upper = part
            lower = np.clip(np.asarray(lower, dtype=float), -highspy.kHighsInf, highspy.kHighsInf)
            upper = np.clip(np.asarray(upper, dtype=float), -highspy.kHighsInf, highspy.kHighsInf)
            change(len(idx), np.asarray(idx, dtype=np.int32), lower, upper)
    h.clearSolver()


def solution_values(h: highspy.Highs) -> np.ndarray:
    """The column values of ``h``'s last solve."""
    return np.asarray(h.getSolution().col_value, dtype=float)


def solve_status(
    h: highspy.Highs, gap_limit: float, time_limit: float | None, name: str, *, is_mip: bool
) -> tuple[str, float, float, float]:
    """Run ``h`` (a maximisation handed over negated) and classify the end: (status,
    objective, bound, gap), objective and bound as maximised.

    Raises:
        SolveError: infeasible (exit 3) or no solution found (exit 4).
    """
    run_solver(h)
    hinfo = h.getInfo()
    has_solution = hinfo.primal_solution_status == 2
    gap = float(hinfo.mip_gap) if is_mip else 0.0
    word = classify_termination(
        h.getModelStatus(), has_solution, gap, gap_limit, name=name, time_limit=time_limit
    )
    objective = 0.0 - float(hinfo.objective_function_value)  # 0.0 -: no "-0.0"
    bound = 0.0 - float(hinfo.mip_dual_bound) if is_mip else objective
    return word, objective, bound, max(gap, 0.0) if math.isfinite(gap) else math.inf


def store_solution(
    h: highspy.Highs,
    model: pyo.ConcreteModel,
    info: Any,
    gap_limit: float,
    time_limit: float | None,
    name: str,
    layout: dict[str, Any] | None = None,
) -> SolveOutcome:
    """Classify HiGHS's termination and store its solution in the model's variables
    (:func:`gpnopt.results.read_solution` reads them from there).

    ``layout`` (from :func:`column_layout`, kept for re-solves) says which columns are
    integer; with it, variables HiGHS never saw are not looked for again (they kept the
    value the first solve of the model gave them).

    Raises:
        SolveError: infeasible (exit 3) or no solution found (exit 4).
    """
    status = h.getModelStatus()
    hinfo = h.getInfo()
    has_solution = hinfo.primal_solution_status == 2  # kSolutionStatusFeasible
    fresh = layout is None
    if layout is None:
        layout = column_layout(info)
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
    objective = 0.0 - float(hinfo.objective_function_value)  # 0.0 -: no "-0.0"
    # HiGHS minimises -profit: its dual bound is the negated upper bound on profit.
    bound = 0.0 - float(hinfo.mip_dual_bound) if is_mip else objective
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


def column_layout(info: Any) -> dict[str, Any]:
    """Which columns of a standard form are integer (positions), and whether any is."""
    integer = [j for j, v in enumerate(info.columns) if v.is_integer() or v.is_binary()]
    return {"integer": integer, "is_mip": bool(integer)}


# --- edits of a kept HiGHS object (re-solves with conditions, LP duals) ----------------------


def set_col_bounds(h: highspy.Highs, cols: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
    """Give the columns ``cols`` new bounds (``±inf`` as HiGHS's infinity)."""
    if len(cols):
        lo = np.where(np.isinf(lower), -highspy.kHighsInf, lower).astype(float)
        up = np.where(np.isinf(upper), highspy.kHighsInf, upper).astype(float)
        h.changeColsBounds(len(cols), np.asarray(cols, dtype=np.int32), lo, up)


def set_row_bounds(h: highspy.Highs, rows: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
    """Give the rows ``rows`` new bounds (``±inf`` as HiGHS's infinity)."""
    if len(rows):
        lo = np.where(np.isinf(lower), -highspy.kHighsInf, lower).astype(float)
        up = np.where(np.isinf(upper), highspy.kHighsInf, upper).astype(float)
        h.changeRowsBounds(len(rows), np.asarray(rows, dtype=np.int32), lo, up)


def add_row(h: highspy.Highs, lower: float, upper: float, cols: np.ndarray, coefs: np.ndarray) -> int:
    """Add the row ``lower <= sum coefs * x[cols] <= upper``; return its position."""
    lo = -highspy.kHighsInf if math.isinf(lower) else float(lower)
    up = highspy.kHighsInf if math.isinf(upper) else float(upper)
    h.addRow(lo, up, len(cols), np.asarray(cols, dtype=np.int32), np.asarray(coefs, dtype=float))
    return int(h.getNumRow()) - 1


def delete_rows_from(h: highspy.Highs, first: int) -> None:
    """Delete the rows from position ``first`` on (those :func:`add_row` added)."""
    n = int(h.getNumRow())
    if n > first:
        h.deleteRows(n - first, np.arange(first, n, dtype=np.int32))


def set_integrality(h: highspy.Highs, cols: list[int], integer: bool) -> None:
    """Make the columns ``cols`` integer or continuous."""
    if cols:
        kind = highspy.HighsVarType.kInteger if integer else highspy.HighsVarType.kContinuous
        h.changeColsIntegrality(
            len(cols), np.asarray(cols, dtype=np.int32), np.full(len(cols), int(kind), np.uint8)
        )


def run_status(h: highspy.Highs) -> str:
    """Solve ``h`` from scratch and say how it ended: ``solved`` (a feasible solution),
    ``infeasible`` or ``no_solution``."""
    h.clearSolver()
    run_solver(h)
    status = h.getModelStatus()
    if status in (highspy.HighsModelStatus.kInfeasible,):
        return "infeasible"
    if h.getInfo().primal_solution_status != 2:
        if status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
            return "infeasible"
        return "no_solution"
    return "solved"


def solution_arrays(h: highspy.Highs) -> dict[str, np.ndarray]:
    """Column values and row activities and duals of ``h``'s last solve (HiGHS's signs: it
    minimises the negated profit)."""
    sol = h.getSolution()
    return {
        "col_value": np.asarray(sol.col_value, dtype=float),
        "row_value": np.asarray(sol.row_value, dtype=float),
        "row_dual": np.asarray(sol.row_dual, dtype=float),
    }


def col_bounds(h: highspy.Highs) -> tuple[np.ndarray, np.ndarray]:
    """The columns' lower and upper bounds as HiGHS holds them (infinity as ``±inf``)."""
    lp = h.getLp()
    lo = np.asarray(lp.col_lower_, dtype=float)
    up = np.asarray(lp.col_upper_, dtype=float)
    lo[lo <= -highspy.kHighsInf] = -np.inf
    up[up >= highspy.kHighsInf] = np.inf
    return lo, up


def row_bounds(h: highspy.Highs) -> tuple[np.ndarray, np.ndarray]:
    """The rows' lower and upper bounds (infinity as ``±inf``)."""
    lp = h.getLp()
    lo = np.asarray(lp.row_lower_, dtype=float)
    up = np.asarray(lp.row_upper_, dtype=float)
    lo[lo <= -highspy.kHighsInf] = -np.inf
    up[up >= highspy.kHighsInf] = np.inf
    return lo, up


def col_costs(h: highspy.Highs) -> np.ndarray:
    """The cost vector HiGHS holds (the negated profit coefficients)."""
    return np.asarray(h.getLp().col_cost_, dtype=float)
