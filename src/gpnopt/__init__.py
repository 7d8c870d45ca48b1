"""gpnopt: global production network design as a mixed-integer program.

Public API::

    import gpnopt
    inst = gpnopt.load("instances/tiny.yaml", scenario=None)
    result = gpnopt.solve(inst, objective="alliance", time_limit=60, mip_gap=1e-6)
    result.tables["production"]          # pandas DataFrames, see docs/api.md

Pyomo is imported only when a model is built (``solve``), so loading and validating
instances stays light.

Studies of many solves sit above this facade and are imported on their own:
``gpnopt.sweep.run_sweep`` and ``gpnopt.explain`` (``import gpnopt.explain`` or ``from
gpnopt import explain``; the package is then callable:
``gpnopt.explain(instance, decisions=None, vary=None, result=None)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gpnopt.errors import GpnoptError, GpnoptWarning, InstanceError, SolveError
from gpnopt.io import instance_from_dict, load
from gpnopt.schema import Instance

if TYPE_CHECKING:
    from gpnopt.analysis.compare import Comparison
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
    "compare",
    "instance_from_dict",
    "load",
    "solve",
]


def solve(instance: Instance, **options: Any) -> Result:
    """Build and solve ``instance``, evaluate its expectations and the plants' roles.

    Keyword options are those of :func:`gpnopt.solver.solve_instance`: ``objective``
    (``alliance`` or ``firm:ID``), ``time_limit`` (s), ``mip_gap`` (relative), ``threads``,
    ``scenario`` (a label recorded in the result; default: the scenario the instance was
    loaded with).

    Raises:
        SolveError: infeasible (``exit_code`` 3) or no solution found (4).
    """
    from gpnopt.analysis import analyse
    from gpnopt.solver import solve_instance

    if options.get("scenario") is None:
        options["scenario"] = instance.scenario
    return analyse(instance, solve_instance(instance, **options))


def _scenario_solver(**options: Any) -> Any:
    from gpnopt.solver import ScenarioSolver

    return ScenarioSolver(**options)


def compare(
    path: str | Path,
    scenarios: Sequence[str],
    *,
    threshold: float | None = None,
    overrides: Mapping[str, Any] | None = None,
    scenario_files: Sequence[str | Path] = (),
    persistent: bool = True,
    **options: Any,
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
        persistent: re-use the model and the HiGHS object for scenarios that change only
            costs and prices (:class:`gpnopt.solver.ScenarioSolver`); the results are the same.
        **options: passed to :func:`solve` (objective, time_limit, mip_gap, threads).

    Returns:
        A :class:`gpnopt.analysis.compare.Comparison` (``kpis``, ``kpis_wide``, ``diff``,
        ``results``; ``write(dir)``, ``to_markdown()``).

    Raises:
        InstanceError: a scenario is unknown or invalid (nothing is solved then).
    """
    from gpnopt.analysis import analyse
    from gpnopt.analysis.compare import DEFAULT_THRESHOLD, compare_results

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
    instances = {
        n: load(path, scenario=n.replace("+", ","), overrides=overrides, scenario_files=scenario_files)
        for n in names
    }
    results: dict[str, Any] = {}
    failed: dict[str, str] = {}
    solver = _scenario_solver(**options) if persistent else None
    for n, inst in instances.items():
        try:
            if solver is None:
                results[n] = solve(inst, scenario=n, **options)
            else:
                results[n] = analyse(inst, solver.solve(inst, scenario=n))
        except SolveError as exc:
            failed[n] = f"{exc.status}: {exc}"
    if not results:
        msg = "no scenario could be solved:\n" + "\n".join(failed.values())
        raise SolveError(msg, "no_solution", exit_code=4)
    solved = {n: instances[n] for n in results}
    return compare_results(
        results, solved, DEFAULT_THRESHOLD if threshold is None else threshold, failed
    )


def __getattr__(name: str) -> Any:
    if name == "Result":
        from gpnopt.results import Result

        return Result
    msg = f"module 'gpnopt' has no attribute {name!r}"
    raise AttributeError(msg)
