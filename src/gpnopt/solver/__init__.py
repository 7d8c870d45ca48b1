"""Solving: the hand-over to HiGHS, build-and-solve, persistent re-solves, the diagnosis.

* :mod:`gpnopt.solver.highs`: the hand-over and options, the termination mapping (the only
  module that imports ``highspy``);
* :mod:`gpnopt.solver.pipeline`: build and solve one instance (:func:`solve_instance`), with
  the tie-breaking second stage of a ``firm:F`` objective;
* :mod:`gpnopt.solver.persistent`: :class:`ScenarioSolver`, re-solves that re-use the model
  when only costs and prices change;
* :mod:`gpnopt.solver.diagnose`: the elastic diagnosis of an infeasible instance;
* :mod:`gpnopt.solver.coalition`: :class:`CoalitionSolver`, one kept model re-solved for
  coalitions, firm objectives and profit floors (alliance analysis, participation).

* :mod:`gpnopt.solver.interfaces`: SCIP, Gurobi, CPLEX and CBC through Pyomo's own
  interfaces (``solver=``), and :func:`run_model`, the dispatch the pipeline calls.

* :mod:`gpnopt.solver.stochastic`: the extensive form of a two-stage stochastic program
  (``gpnopt robust``) and designs evaluated on scenarios.
* :mod:`gpnopt.solver.forced`: :class:`ForcedSolver`, re-solves of a kept model with
  decisions forced (:class:`Condition`), costs changed, and LP duals (``gpnopt explain``).


Imports run one way: ``forced`` -> ``persistent`` -> ``pipeline`` -> ``coalition`` ->
``diagnose`` -> ``conditions``, ``interfaces`` -> ``highs``.
"""

from __future__ import annotations

from gpnopt.solver.coalition import CoalitionSolve, CoalitionSolver, stand_alone_values
from gpnopt.solver.conditions import Condition
from gpnopt.solver.diagnose import diagnose, infeasible_error, unreachable_minimums
from gpnopt.solver.forced import ForcedOutcome, ForcedSolver, TwoStageSolver
from gpnopt.solver.highs import (
    DEFAULT_MIP_GAP,
    KeptHighs,
    SolveOutcome,
    classify_termination,
    column_layout,
    compile_model,
    highs_lp,
    new_highs,
    replace_objective,
    run_and_keep,
    run_highs,
    store_solution,
)
from gpnopt.solver.interfaces import SOLVERS, check_solver, require_highs, run_model
from gpnopt.solver.persistent import ScenarioSolver, Solved, objective_vector, structure_signature
from gpnopt.solver.pipeline import (
    break_ties_for_the_alliance,
    build_and_run,
    solve_instance,
)
from gpnopt.solver.stochastic import (
    DesignSolver,
    StochasticSolve,
    solve_design,
    solve_extensive_form,
)

__all__ = [
    "Condition",
    "ForcedOutcome",
    "ForcedSolver",
    "DEFAULT_MIP_GAP",
    "DesignSolver",
    "CoalitionSolve",
    "CoalitionSolver",
    "KeptHighs",
    "ScenarioSolver",
    "SOLVERS",
    "SolveOutcome",
    "TwoStageSolver",
    "Solved",
    "StochasticSolve",
    "break_ties_for_the_alliance",
    "build_and_run",
    "check_solver",
    "classify_termination",
    "column_layout",
    "compile_model",
    "diagnose",
    "highs_lp",
    "infeasible_error",
    "new_highs",
    "objective_vector",
    "store_solution",
    "replace_objective",
    "require_highs",
    "run_and_keep",
    "run_highs",
    "run_model",

    "solve_design",
    "solve_extensive_form",
    "solve_instance",
    "stand_alone_values",
    "structure_signature",
    "unreachable_minimums",
]
