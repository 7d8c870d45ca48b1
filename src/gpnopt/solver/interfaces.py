"""Solvers besides HiGHS, through Pyomo's own interfaces: SCIP, Gurobi, CPLEX, CBC.

HiGHS stays the embedded default (:mod:`gpnopt.solver.highs`, one ``passModel`` call). The
others are reached through the interface Pyomo 6.10 offers for each, and nothing else of
gpnopt knows them:

=======  =========================================  ===========================================
solver   Pyomo interface                            what must be installed
=======  =========================================  ===========================================
scip     ``scip_direct`` (``pyomo.contrib.solver``)  ``pyscipopt`` (``pip install gpnopt[scip]``)
gurobi   ``gurobi_direct`` (``pyomo.contrib.solver``) ``gurobipy`` and a Gurobi licence
cplex    ``cplex_direct`` (``pyomo.opt``)             IBM's ``cplex`` Python package and a licence
cbc      ``cbc`` (``pyomo.opt``, a shell call)          the ``cbc`` program on the ``PATH``
=======  =========================================  ===========================================

:func:`run_model` is the one entry the pipeline calls: HiGHS goes to
:func:`gpnopt.solver.highs.run_highs` unchanged, every other name to :func:`run_other`, which
solves the Pyomo model, loads the solution into its variables (as HiGHS's path does, so that
:func:`gpnopt.results.read_solution` reads it alike) and maps the end to the same words:

==================================================  =============  =========
the interface reports                               gpnopt status  CLI exit
==================================================  =============  =========
optimal (``convergenceCriteriaSatisfied``)          optimal        0
another stop with a solution within the gap         optimal        0
another stop with a solution (time limit, ...)      feasible       0
proven infeasible; infeasible or unbounded, no sol  infeasible     3
any stop without a solution                         no_solution    4
an unknown name, or a solver that is not installed  unavailable    2
==================================================  =============  =========

What degrades with another solver, and how (``docs/performance.md``, Solver choice):

* ``highs_status`` holds ``<solver>: <termination>`` (e.g. ``scip: maxTimeLimit``); the gap
  is computed from the incumbent and the interface's bound as HiGHS does,
  ``|objective - bound| / |objective|``, and is ``inf`` where an interface gives no bound
  (CBC and CPLEX through ``pyomo.opt`` report one only when they do);
* nothing is kept for re-solves: ``gpnopt compare`` and sweeps solve each scenario afresh;
  ``explain`` and ``alliance``, which change one kept HiGHS model in place (bounds, rows,
  LP duals), take ``highs`` only and refuse another name with exit 2 (:func:`require_highs`);
* the solver's log (``-v``) goes to the ``gpnopt.<solver>`` logger once the solve has ended
  (SCIP, Gurobi), not while it runs as HiGHS's does; CPLEX's and CBC's are not shown;
* helper solves stay on HiGHS: the stand-alone values v({g}) behind a ``firm:F`` objective's
  participation floors and the elastic diagnosis of an infeasible instance.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import shutil
import time
from dataclasses import dataclass
from typing import Any

import pyomo.core as pyo

from gpnopt.errors import SolveError
from gpnopt.solver.highs import DEFAULT_MIP_GAP, SolveOutcome, check_threads, run_highs

log = logging.getLogger(__name__)

SOLVERS = ("highs", "scip", "gurobi", "cplex", "cbc")
"""The names ``solver=`` and ``--solver`` take; ``highs`` is the default."""

EXIT_UNAVAILABLE = 2
"""Exit code of an unknown solver or one that is not installed (a usage error)."""


@dataclass(frozen=True)
class Interface:
    """How gpnopt reaches one solver through Pyomo.

    Attributes:
        pyomo_name: the name in Pyomo's solver factory.
        factory: ``contrib`` (``pyomo.contrib.solver``) or ``legacy`` (``pyomo.opt``).
        needs: a Python module (``module:x``) or a program on the PATH (``program:x``) whose
            absence says the solver is not installed, without importing it.
        install: what the user installs to get it.
    """

    pyomo_name: str
    factory: str
    needs: str
    install: str


INTERFACES = {
    "scip": Interface("scip_direct", "contrib", "module:pyscipopt",
                      "pip install 'gpnopt[scip]' (pyscipopt)"),
    "gurobi": Interface("gurobi_direct", "contrib", "module:gurobipy",
                        "pip install gurobipy, and a Gurobi licence"),
    "cplex": Interface("cplex_direct", "legacy", "module:cplex",
                       "IBM's cplex Python package, and a CPLEX licence"),
    "cbc": Interface("cbc", "legacy", "program:cbc",
                     "the cbc program on the PATH (e.g. apt install coinor-cbc)"),
}
"""The solvers besides HiGHS (module docstring)."""

LEGACY_OPTIONS = {
    "cplex": {"time_limit": "timelimit", "mip_gap": "mip_tolerances_mipgap", "threads": "threads"},
    "cbc": {"time_limit": "sec", "mip_gap": "ratio", "threads": "threads"},
}
"""Option names of the ``pyomo.opt`` interfaces (the contrib ones share theirs)."""


def unavailable(message: str) -> SolveError:
    """The error of a solver that cannot be used (exit 2, status ``unavailable``)."""
    return SolveError(message, "unavailable", exit_code=EXIT_UNAVAILABLE)


def check_solver(solver: str | None) -> str:
    """``solver`` checked: a known name whose solver is installed (``None``: ``highs``).

    Only the presence of the solver's Python module or program is looked at here; Pyomo's
    own ``available()`` is asked when the solver is built (a missing licence shows there).

    Raises:
        SolveError: status ``unavailable``, exit code 2: an unknown name, or a solver that is
            not installed (the message says what to install).
    """
    name = "highs" if solver is None else str(solver).strip().lower()
    if name not in SOLVERS:
        msg = f"unknown solver {solver!r}: use one of {', '.join(SOLVERS)}"
        raise unavailable(msg)
    if name == "highs":
        return name
    kind, what = INTERFACES[name].needs.split(":")
    present = importlib.util.find_spec(what) is not None if kind == "module" else bool(
        shutil.which(what)
    )
    if not present:
        msg = f"solver {name} is not installed: {INTERFACES[name].install}"
        raise unavailable(msg)
    return name


def require_highs(solver: str | None, what: str) -> None:
    """Refuse a solver other than HiGHS for ``what`` (a study that re-solves one kept HiGHS
    model in place).

    Raises:
        SolveError: status ``unavailable``, exit code 2.
    """
    name = check_solver(solver)
    if name != "highs":
        msg = (
            f"{what} re-solves one kept HiGHS model in place (bounds, rows, LP duals): it "
            f"runs on highs only, not on {name} (use --solver highs, the default)"
        )
        raise unavailable(msg)


def run_model(
    model: pyo.ConcreteModel,
    *,
    solver: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    name: str = "",
) -> SolveOutcome:
    """Solve ``model`` with ``solver`` (default HiGHS) and store the solution in its
    variables (``seconds``: handover, solve).

    Raises:
        SolveError: infeasible (exit 3), no solution (4), solver unavailable (2).
    """
    options = {"time_limit": time_limit, "mip_gap": mip_gap, "threads": threads, "name": name}
    if solver is None or solver == "highs":
        return run_highs(model, **options)
    return run_other(model, check_solver(solver), **options)


def run_other(
    model: pyo.ConcreteModel,
    solver: str,
    *,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    name: str = "",
) -> SolveOutcome:
    """Solve ``model`` with a solver of :data:`INTERFACES` through Pyomo's interface.

    ``seconds``: ``handover`` is zero (the interfaces build their own copy inside
    ``solve``), ``solve`` the whole call.

    Raises:
        SolveError: infeasible (exit 3), no solution (4), solver unavailable (2).
    """
    gap_limit = DEFAULT_MIP_GAP if mip_gap is None else float(mip_gap)
    if threads is not None:
        threads = check_threads(threads)
    spec = INTERFACES[solver]
    t0 = time.perf_counter()
    log.info("%s: %s (%s) with gap %g", name or "model", solver, spec.pyomo_name, gap_limit)
    constant = constant_rows(model, name)
    try:
        if spec.factory == "contrib":
            end = _run_contrib(model, solver, spec, time_limit, gap_limit, threads)
        else:
            end = _run_legacy(model, solver, spec, time_limit, gap_limit, threads)
    finally:
        for con in constant:
            con.activate()
    seconds = time.perf_counter() - t0
    status = classify_end(end, gap_limit, name=name, solver=solver, time_limit=time_limit)
    _fill_unused(model)
    n_vars = sum(1 for _ in model.component_data_objects(pyo.Var, active=True))
    n_cons = sum(1 for _ in model.component_data_objects(pyo.Constraint, active=True))
    log.info("%s: %s, objective %g, gap %g", solver, end["text"], end["objective"], end["gap"])
    return SolveOutcome(
        status=status,
        highs_status=f"{solver}: {end['text']}",
        objective=end["objective"],
        bound=end["bound"],
        mip_gap=end["gap"],
        time_limit=time_limit,
        mip_gap_limit=gap_limit,
        seconds={"handover": 0.0, "solve": seconds},
        n_vars=n_vars,
        n_cons=n_cons,
    )


def constant_rows(model: pyo.ConcreteModel, name: str) -> list[Any]:
    """Deactivate the active rows without a free variable (``0 >= 0`` of an empty sum) and
    return them, for the caller to activate again. Pyomo's standard-form compiler drops such
    rows for HiGHS; SCIP's direct interface cannot take them.

    Raises:
        SolveError: such a row does not hold (infeasible, exit 3).
    """
    rows = []
    for con in model.component_data_objects(pyo.Constraint, active=True, descend_into=True):
        if con.body.__class__ in (int, float) or con.body.is_fixed():
            value = pyo.value(con.body)
            lower, upper = con.lb, con.ub
            if (lower is not None and value < lower - 1e-9) or (
                upper is not None and value > upper + 1e-9
            ):
                for row in rows:
                    row.activate()
                msg = f"{name}: infeasible: the row {con.name} reads {value:g} outside its bounds"
                raise SolveError(msg, "infeasible", exit_code=3)
            con.deactivate()
            rows.append(con)
    return rows


def relative_gap(objective: float | None, bound: float | None) -> float:
    """HiGHS's gap: ``|objective - bound| / |objective|`` (0 when equal; ``inf`` without a
    finite bound or with a zero objective and another bound)."""
    if objective is None or bound is None or not math.isfinite(bound):
        return math.inf
    if bound == objective:
        return 0.0
    return abs(bound - objective) / abs(objective) if objective else math.inf


def classify_end(
    end: dict[str, Any], gap_limit: float, *, name: str, solver: str, time_limit: float | None
) -> str:
    """Map an interface's end (:func:`_run_contrib`, :func:`_run_legacy`) to ``optimal`` or
    ``feasible``, or raise (module docstring).

    Raises:
        SolveError: ``infeasible`` (exit 3) or ``no_solution`` (exit 4).
    """
    text = end["text"]
    if end["infeasible"] and not end["has_solution"]:
        msg = f"{name}: the instance is infeasible ({solver}: {text})"
        raise SolveError(msg, "infeasible", exit_code=3)
    if not end["has_solution"]:
        limit = f", time limit {time_limit:g} s" if time_limit is not None else ""
        msg = f"{name}: no feasible solution found ({solver}: {text}{limit})"
        raise SolveError(msg, "no_solution", exit_code=4)
    if end["optimal"] or end["gap"] <= gap_limit:
        return "optimal"
    return "feasible"


def _send_log(solver: str, text: str | None) -> None:
    """The solver's log, once it has ended, line by line to the ``gpnopt.<solver>`` logger
    (information level: ``-v``). Not live: a logger as Pyomo's ``tee`` would write into the
    very standard error Pyomo captures while the solver runs."""
    logger = logging.getLogger(f"gpnopt.{solver}")
    if text and logger.isEnabledFor(logging.INFO):
        for line in text.splitlines():
            if line.strip():
                logger.info("%s", line.rstrip())


def _build(spec: Interface, solver: str) -> Any:
    """The Pyomo solver object of ``spec``, checked with Pyomo's own ``available()``.

    Raises:
        SolveError: unavailable (exit 2): Pyomo cannot use it (version, licence).
    """
    # Pyomo registers its solver interfaces when ``pyomo.environ`` loads its plugins; the
    # model and the HiGHS path need only ``pyomo.core``, so the plugins load here, when
    # another solver is asked for
    import pyomo.environ

    if spec.factory == "contrib":
        from pyomo.contrib.solver.common.factory import SolverFactory

        opt = SolverFactory(spec.pyomo_name)
    else:
        opt = pyomo.environ.SolverFactory(spec.pyomo_name)
    try:
        ok = opt.available() if spec.factory == "contrib" else opt.available(False)
        why = str(ok)
    except Exception as exc:  # noqa: BLE001 (a licence check may raise anything)
        ok, why = False, f"{type(exc).__name__}: {exc}"
    if not ok:
        msg = f"solver {solver} cannot be used through Pyomo ({why}): {spec.install}"
        raise unavailable(msg)
    return opt


def _run_contrib(
    model: pyo.ConcreteModel,
    solver: str,
    spec: Interface,
    time_limit: float | None,
    gap_limit: float,
    threads: int | None,
) -> dict[str, Any]:
    """Solve through ``pyomo.contrib.solver`` and load the solution; the end as a dict."""
    from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

    opt = _build(spec, solver)
    results = opt.solve(
        model,
        load_solutions=False,
        raise_exception_on_nonoptimal_result=False,
        time_limit=time_limit,
        rel_gap=gap_limit,
        threads=threads,
    )
    _send_log(solver, getattr(results, "solver_log", None))
    tc = results.termination_condition
    has_solution = results.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
    if has_solution:
        results.solution_loader.load_vars()
    objective = results.incumbent_objective if has_solution else None
    bound = results.objective_bound
    infeasible = tc in (
        TerminationCondition.provenInfeasible,
        TerminationCondition.infeasibleOrUnbounded,
        TerminationCondition.unbounded,
    )
    return {
        "text": "optimal" if tc == TerminationCondition.convergenceCriteriaSatisfied else tc.name,
        "has_solution": has_solution,
        "optimal": tc == TerminationCondition.convergenceCriteriaSatisfied,
        "infeasible": infeasible,
        "objective": math.nan if objective is None else float(objective),
        "bound": math.inf if bound is None else float(bound),
        "gap": relative_gap(objective, bound),
    }


def _run_legacy(
    model: pyo.ConcreteModel,
    solver: str,
    spec: Interface,
    time_limit: float | None,
    gap_limit: float,
    threads: int | None,
) -> dict[str, Any]:
    """Solve through ``pyomo.opt`` (CPLEX, CBC) and load the solution; the end as a dict."""
    from pyomo.opt import SolutionStatus, TerminationCondition

    opt = _build(spec, solver)
    names = LEGACY_OPTIONS[solver]
    for key, value in (("time_limit", time_limit), ("mip_gap", gap_limit), ("threads", threads)):
        if value is not None:
            opt.options[names[key]] = value
    results = opt.solve(model, load_solutions=False)  # its log is not shown (stdout)
    tc = results.solver.termination_condition
    has_solution = len(results.solution) > 0 and results.solution(0).status in (
        SolutionStatus.optimal, SolutionStatus.feasible, SolutionStatus.stoppedByLimit,
        SolutionStatus.bestSoFar, SolutionStatus.other,
    )
    objective = None
    if has_solution:
        model.solutions.load_from(results)
        objective = float(pyo.value(next(model.component_data_objects(pyo.Objective,
                                                                      active=True))))
    upper, lower = results.problem.upper_bound, results.problem.lower_bound
    bound = upper if next(model.component_data_objects(
        pyo.Objective, active=True)).sense == pyo.maximize else lower
    bound = float(bound) if bound is not None and math.isfinite(float(bound)) else None
    return {
        "text": str(tc),
        "has_solution": has_solution,
        "optimal": tc == TerminationCondition.optimal,
        "infeasible": tc in (TerminationCondition.infeasible,
                             TerminationCondition.infeasibleOrUnbounded,
                             TerminationCondition.unbounded),
        "objective": math.nan if objective is None else objective,
        "bound": math.inf if bound is None else bound,
        "gap": relative_gap(objective, bound),
    }


def _fill_unused(model: pyo.ConcreteModel) -> None:
    """Give variables no solver saw (in no row, without cost) a value, as HiGHS's path does:
    0, or their lower bound when it is positive; round the integer ones."""
    for v in model.component_data_objects(pyo.Var, descend_into=True):
        if v.value is None:
            v.set_value(0.0 if v.lb is None or v.lb <= 0 else v.lb, skip_validation=True)
        elif v.is_integer() or v.is_binary():
            v.set_value(round(v.value), skip_validation=True)
