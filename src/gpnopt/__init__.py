"""gpnopt: global production network design as a mixed-integer program.

Public API::

    import gpnopt
    inst = gpnopt.load("instances/tiny.yaml", scenario=None)
    result = gpnopt.solve(inst, objective="alliance", time_limit=60, mip_gap=1e-6)
    result.tables["production"]          # pandas DataFrames, see docs/api.md

Pyomo is imported only when a model is built (``solve``), so loading and validating
instances stays light.

Studies of many solves: :func:`explain` and :func:`alliance` (their packages sit below this
facade and are callable, so ``gpnopt.explain(...)`` works however it was reached); the sweep
(``gpnopt.sweep.run_sweep``) sits above it and is imported on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gpnopt.errors import GpnoptError, GpnoptWarning, InstanceError, SolveError
from gpnopt.io import instance_from_dict, load
from gpnopt.schema import Instance

if TYPE_CHECKING:
    from gpnopt.alliance import AllianceAnalysis
    from gpnopt.analysis.compare import Comparison
    from gpnopt.explain import Explanation
    from gpnopt.results import Result

__version__ = "0.1.0"

__all__ = [
    "GpnoptError",
    "GpnoptWarning",
    "Instance",
    "InstanceError",
    "Result",
    "SolveError",
    "__version__",
    "alliance",
    "compare",
    "explain",
    "instance_from_dict",
    "load",
    "solve",
]


def solve(
    instance: Instance,
    *,
    objective: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    scenario: str | None = None,
    participation: bool = True,
    foresight: str | None = None,
    solver: str | None = None,
) -> Result:
    """Build and solve ``instance``, evaluate its expectations and the plants' roles.

    Args:
        instance: a validated instance (:func:`load`, :func:`instance_from_dict`).
        objective: ``"alliance"`` (total profit) or ``"firm:ID"`` (that firm's
            equity-weighted profit); ``None``: the instance's own.
        time_limit: seconds HiGHS may run; ``None`` for no limit (a solve stopped by the
            limit with a solution has status ``feasible``).
        mip_gap: relative MIP gap to stop at; ``None`` for 1e-6.
        threads: HiGHS threads; ``None`` lets HiGHS choose.
        scenario: the label recorded in the result; ``None``: the scenario the instance
            was loaded with (``base`` for the file as written).
        participation: with ``firm:ID``, keep every other firm at least at its stand-alone
            value (``docs/alliance.md``); ``False``: that firm decides everything.
        foresight: a multi-period instance's solve mode (``docs/formulation.md``, Periods):
            ``"perfect"`` (one model over all periods; ``None`` too) or ``"myopic"`` (period
            by period, each period's decisions carried into the next).
        solver: ``"highs"`` (``None`` too: HiGHS, embedded), ``"scip"`` (``pip install
            gpnopt[scip]``), ``"gurobi"``, ``"cplex"`` or ``"cbc"`` where installed, through
            Pyomo's interfaces (``docs/api.md``, Solvers).

    Returns:
        A :class:`gpnopt.results.Result` with its expectations evaluated and the
        ``specialization`` table.

    Raises:
        SolveError: infeasible (``exit_code`` 3, the message holds the diagnosis), no
            solution found (4), or an unknown solver or one not installed (2).
        InstanceError: the objective names an unknown firm.

    The solver's log goes to the ``gpnopt.highs`` logger (information level) when that
    logger is enabled, e.g. ``logging.basicConfig(level=logging.INFO)``.
    """
    from gpnopt.analysis import analyse
    from gpnopt.solver import solve_instance

    result = solve_instance(
        instance,
        objective=objective,
        time_limit=time_limit,
        mip_gap=mip_gap,
        threads=threads,
        scenario=instance.scenario if scenario is None else scenario,
        participation=participation,
        foresight=foresight,
        solver=solver,
    )
    return analyse(instance, result)


def _scenario_solver(**options: Any) -> Any:
    from gpnopt.solver import ScenarioSolver

    return ScenarioSolver(**options)


def _scenario_list(path: str | Path, scenarios: Sequence[str]) -> list[str]:
    """The scenario names of a comparison, ``all`` expanded, each once, in order."""
    names = []
    for s in (s.strip() for s in scenarios):
        if s == "all":  # base and every scenario the file defines
            from gpnopt.io import scenario_names

            names += ["base", *scenario_names(path)]
        elif s:
            names.append(s)
    names = list(dict.fromkeys(names))
    if not names:
        msg = f"{path}: give at least one scenario to compare"
        raise InstanceError(msg)
    return names


def compare(
    path: str | Path,
    scenarios: Sequence[str],
    *,
    threshold: float | None = None,
    overrides: Mapping[str, Any] | None = None,
    scenario_files: Sequence[str | Path] = (),
    persistent: bool = True,
    objective: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    allow_imports_outside: bool = False,
    participation: bool = True,
    solver: str | None = None,
) -> Comparison:
    """Load, solve and compare several scenarios of one instance file.

    Args:
        path: the instance file.
        scenarios: scenario names in order; the first is the reference of the diff. ``base``
            is the instance as written; ``a+b`` applies scenarios a and b together; ``all``
            stands for ``base`` and every scenario the file defines.
        threshold: relative volume change the diff reports (default 5%).
        overrides: an extra patch applied to every scenario.
        scenario_files: YAML files with more overrides and scenarios.
        allow_imports_outside: let ``imports`` name files outside the instance's folder
            (see :func:`load`).
        persistent: re-use the model and the HiGHS object for scenarios that change only
            costs and prices (:class:`gpnopt.solver.ScenarioSolver`); the results are the same.
            Multi-period scenarios are solved afresh each (re-solving works on one period).
        objective: as for :func:`solve`, for every scenario.
        time_limit: seconds per solve, as for :func:`solve`.
        mip_gap: relative MIP gap per solve, as for :func:`solve`.
        threads: HiGHS threads, as for :func:`solve`.
        participation: as for :func:`solve`.
        solver: as for :func:`solve`; another solver than HiGHS solves each scenario afresh
            (``persistent`` applies to HiGHS only).
        progress: called as ``progress(done, total, scenario)`` before each scenario is
            solved and once at the end (``done == total``, scenario ``""``).

    Returns:
        A :class:`gpnopt.analysis.compare.Comparison` (``kpis``, ``kpis_wide``, ``diff``,
        ``results``; ``write(dir)``, ``to_markdown()``).

    Raises:
        InstanceError: a scenario is unknown or invalid (nothing is solved then).
        SolveError: no scenario could be solved (exit code 3 when every one is infeasible,
            4 otherwise).
    """
    import logging

    from gpnopt.analysis import analyse
    from gpnopt.analysis.compare import DEFAULT_THRESHOLD, compare_results

    log = logging.getLogger("gpnopt.compare")
    names = _scenario_list(path, scenarios)
    instances = {
        n: load(
            path,
            scenario=n.replace("+", ","),
            overrides=overrides,
            scenario_files=scenario_files,
            allow_imports_outside=allow_imports_outside,
        )
        for n in names
    }
    options = {"objective": objective, "time_limit": time_limit, "mip_gap": mip_gap,
               "threads": threads, "participation": participation}
    if solver not in (None, "highs"):
        from gpnopt.solver import check_solver

        options["solver"] = check_solver(solver)  # unknown or missing: exit 2
        persistent = False
    results: dict[str, Any] = {}
    failed: dict[str, str] = {}
    codes: dict[str, int] = {}
    one_period = not any(inst.periods for inst in instances.values())
    solver = _scenario_solver(**options) if persistent and one_period else None
    for k, (n, inst) in enumerate(instances.items()):
        if progress is not None:
            progress(k, len(instances), n)
        log.info("scenario %s (%d of %d)", n, k + 1, len(instances))
        try:
            if solver is None:
                results[n] = solve(inst, scenario=n, **options)
            else:
                results[n] = analyse(inst, solver.solve(inst, scenario=n))
        except SolveError as exc:
            if exc.status == "unavailable":  # the solver itself, not this scenario
                raise
            failed[n] = f"{exc.status}: {exc}"
            codes[n] = exc.exit_code
    if progress is not None:
        progress(len(instances), len(instances), "")
    if not results:  # every scenario infeasible: exit 3 (with each one's diagnosis), else 4
        code = 3 if set(codes.values()) == {3} else 4
        msg = "no scenario could be solved:\n" + "\n".join(failed.values())
        raise SolveError(msg, "infeasible" if code == 3 else "no_solution", exit_code=code)
    solved = {n: instances[n] for n in results}
    return compare_results(
        results, solved, DEFAULT_THRESHOLD if threshold is None else threshold, failed
    )


def alliance(
    instance: Instance,
    *,
    firms: Sequence[str] | None = None,
    frontier: Sequence[str] | None = None,
    points: int = 20,
    samples: int = 200,
    seed: int = 0,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    workers: int | None = None,
    progress: Any = None,
) -> AllianceAnalysis:
    """Alliance economics of ``instance``: coalition values, allocations, core, frontier.

    v(S) is the best equity-weighted profit of the members of S using only what S may use
    (``docs/alliance.md``); every coalition is solved for up to 10 firms, beyond that the
    Shapley value is sampled with a standard error (core and nucleolus are then not computed).

    Args:
        instance: a validated instance (:func:`load`).
        firms: the players (default: every firm of the instance); at least two.
        frontier: the two firms of the Pareto frontier (default: the first two players;
            ``()``: no frontier).
        points: points of the frontier (at least 2).
        samples: random orders of the sampled Shapley value (more than 10 firms).
        seed: seed of those orders.
        time_limit, mip_gap, threads: per HiGHS solve, as for :func:`solve`.
        workers: solve the coalitions in this many worker processes (spawned; each keeps its
            own model). The values do not depend on it.
        progress: a callback ``progress(done, total, label)`` after each coalition and point.

    Returns:
        A :class:`gpnopt.alliance.AllianceAnalysis` (``coalitions``, ``allocations``,
        ``core``, ``jv_shares``, ``frontier``, ``marks``; ``write(dir)``, ``to_markdown()``,
        ``summary()``).

    Raises:
        InstanceError: an unknown firm, fewer than two, a bad frontier pair or points.
        SolveError: a coalition's network is infeasible or cannot be solved.
    """
    from gpnopt.alliance import analyse_alliance

    return analyse_alliance(
        instance,
        firms=firms,
        frontier=frontier,
        points=points,
        samples=samples,
        seed=seed,
        time_limit=time_limit,
        mip_gap=mip_gap,
        threads=threads,
        workers=workers,
        progress=progress,
    )


def __getattr__(name: str) -> Any:
    if name == "Result":
        from gpnopt.results import Result

        return Result
    msg = f"module 'gpnopt' has no attribute {name!r}"
    raise AttributeError(msg)


def explain(
    instance: Instance,
    decisions: Sequence[str] | None = None,
    vary: Sequence[str] | None = None,
    result: Result | None = None,
    *,
    objective: str | None = None,
    parameters: int = 2,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Explanation:
    """Why each decision of ``instance``'s optimum was taken, and what would change it.

    For each decision: the forced alternative re-optimised (status, profit difference in
    total, by firm, by profit centre and by revenue and cost type), the limits that stand in
    the way (and LP shadow prices with the binaries fixed), the threshold of the parameters in
    ``vary`` (or of the decision's own largest costs) that flips it, and a sentence
    (``docs/explain.md``).

    Args:
        instance: a validated instance (:func:`load`).
        decisions: names such as ``line:P:I``, ``in_house:P:K``, ``plant:P``, ``channel:H``,
            ``office:O``, ``flow:K:S:D``, ``serves:P:M``, ``expectation:ID``; ``None``: every
            binary decision and every expectation.
        vary: dotted YAML paths or patterns whose thresholds are searched for every decision.
        result: a Result of ``instance`` already solved (its objective is checked).
        objective: ``alliance`` or ``firm:ID`` (default: the instance's).
        parameters: thresholds per decision without ``vary``.
        time_limit, mip_gap, threads: per solve, as for :func:`solve`.
        progress: called as ``progress(decision, done, total)`` before each decision.

    Returns:
        A :class:`gpnopt.explain.Explanation` (DataFrames in ``tables``; ``write(dir)``,
        ``to_markdown()``, ``to_dict()``).

    Raises:
        InstanceError: an unknown decision or ``vary`` name (with the closest valid names).
        SolveError: the instance itself is infeasible or unsolved.
    """
    from gpnopt.explain import explain_instance

    return explain_instance(
        instance,
        decisions,
        vary,
        result,
        objective=objective,
        parameters=parameters,
        time_limit=time_limit,
        mip_gap=mip_gap,
        threads=threads,
        progress=progress,
    )
