"""gpnopt: global production network design as a mixed-integer program.

Public API::

    import gpnopt
    inst = gpnopt.load("instances/tiny.yaml", scenario=None)
    result = gpnopt.solve(inst, objective="alliance", time_limit=60, mip_gap=1e-6)
    result.tables["production"]          # pandas DataFrames, see docs/api.md

Pyomo is imported only when a model is built (``solve``), so loading and validating
instances stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gpnopt.errors import GpnoptError, GpnoptWarning, InstanceError, SolveError
from gpnopt.io import instance_from_dict, load
from gpnopt.schema import Instance

if TYPE_CHECKING:
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
    "instance_from_dict",
    "load",
    "solve",
]


def solve(instance: Instance, **options: Any) -> Result:
    """Build and solve ``instance``, then evaluate its expectations.

    Keyword options are those of :func:`gpnopt.solver.solve_instance`: ``objective``
    (``alliance`` or ``firm:ID``), ``time_limit`` (s), ``mip_gap`` (relative), ``threads``,
    ``scenario`` (a label recorded in the result).

    Raises:
        SolveError: infeasible (``exit_code`` 3) or no solution found (4).
    """
    from gpnopt.analysis.expectations import evaluate_expectations
    from gpnopt.solver import solve_instance

    result = solve_instance(instance, **options)
    result.expectations = evaluate_expectations(instance, result)
    return result


def __getattr__(name: str) -> Any:
    if name == "Result":
        from gpnopt.results import Result

        return Result
    msg = f"module 'gpnopt' has no attribute {name!r}"
    raise AttributeError(msg)
