"""Sweeps: Monte Carlo draws and grids over an instance, solved many times.

A sweep answers "how robust is the solution to numbers nobody knows exactly?" and "at which
value does a decision flip?". Its pieces, in order:

* **Specs** (:mod:`gpnopt.sweep.spec`). A :class:`Perturbation` (``PATTERN:DIST:SCALE[:shared]``) multiplies every
  number of the instance whose dotted YAML path matches ``PATTERN`` (:func:`fnmatch.fnmatchcase`
  over paths such as ``plants.JP_TM.lines.tm_lathe_high.unit_cost``; ``*`` also crosses
  dots) by a random factor: ``uniform:a`` draws U[1-a, 1+a], ``normal:s`` 1 + s*z truncated at
  zero, ``lognormal:s`` exp(s*z). Independent factors per number, or one factor per spec and
  draw with ``shared``. A :class:`GridAxis` (``PATH=v1,v2,...``) sets the matched numbers to
  each value in turn (``x1.2`` scales them instead). A :class:`SweepSpec` holds the instance,
  scenario, objective, specs, samples and seed.
* **Draws** (:mod:`gpnopt.sweep.plan`). Grid points form a cartesian product (the last axis varies fastest); each point
  gets ``samples`` noisy draws (one plain draw without samples). Draw ``d`` is sample
  ``d % n`` of point ``d // n``; its random numbers come from a seed derived from
  ``(seed, sample, spec)`` only, so they are the same whichever worker runs the draw, and the
  same at every grid point (common random numbers: a flip along an axis is the axis's doing).
  A plan may instead carry a preset :class:`Design` (one row of multipliers per draw, such as
  SALib's sample of :mod:`gpnopt.sensitivity`), applied the same way.
  Draw -> raw mapping (scenario applied) -> :func:`gpnopt.instance_from_dict` -> solve.
* **Execution** (:mod:`gpnopt.sweep.worker`, :mod:`gpnopt.sweep.run`). Each worker holds one :class:`gpnopt.solver.ScenarioSolver` (HiGHS limited
  to one thread) that builds the model once and re-solves draws that change only costs and
  prices on it; a draw that changes rows (capacities, minimum quantities) rebuilds. A re-solve
  starts HiGHS from scratch, so a draw's result does not depend on what the worker solved
  before: one worker, several local processes (``workers``) or a Dask cluster (``scheduler``)
  give the same table. Each draw yields a light record (:mod:`gpnopt.sweep.record`,
  :func:`draw_record`) built from the solved model's :class:`gpnopt.results.Solution` (the
  rows ``make_result`` also reads) with the analysis's own expectation and role functions;
  :func:`result_record` gives the same record from a full :class:`gpnopt.results.Result`
  (the ``rebuild`` mode and the tests).
* **Storage and resume** (:mod:`gpnopt.sweep.store`). Draws are solved in chunks; each chunk is written as one Parquet
  part (``parts/part-NNNNNN.parquet``, written atomically) next to ``manifest.json`` (the
  spec and a digest of the instance). Re-running the same spec on the folder skips the parts
  already there; a different spec in the folder is an error. At the end ``draws.parquet``
  (and ``draws.csv`` on request) holds every draw sorted by draw, ``summary.json`` the
  summary and ``flips.csv`` the grid flips.
* **Summary** (:mod:`gpnopt.sweep.summary`). :func:`summarize`: share of solved draws in which each expectation, the whole
  pattern (every expectation) and each plant role hold, profit distributions, the decisions
  that vary, and for grids the values between which decisions flip (:func:`grid_flips`).

Columns of the table (one row per draw): ``draw``, ``point``, ``sample``, ``grid.<PATH>`` per
grid axis, ``status`` (optimal, feasible, infeasible, no_solution, invalid), ``error``,
``objective``, ``bound``, ``mip_gap``, ``pattern`` (every expectation holds), ``profit.<firm>``,
``holds.<expectation>``, ``role.<plant>`` (horizontal, vertical, both, none, closed),
``h.<plant>`` (horizontal index), ``supply_share.<plant>``, ``vs_share.<plant>``,
``export_share.<plant>``, ``plant_profit.<plant>``, ``line.<plant>.<product>`` (open, 0/1),
``production.<plant>.<product>`` (units), ``in_house.<plant>.<component>`` (0/1) and
``open.<channel or office>`` (0/1). Money in the instance's unit.
"""

from __future__ import annotations

from gpnopt.sweep.plan import (
    FORMAT_VERSION,
    SKIPPED_KEYS,
    SKIPPED_SECTIONS,
    Design,
    Place,
    SweepPlan,
    get_place,
    make_plan,
    numeric_leaves,
    seed_of,
)
from gpnopt.sweep.record import draw_record, result_record
from gpnopt.sweep.run import SweepRun, auto_workers, default_out, run_sweep
from gpnopt.sweep.spec import (
    DEFAULT_PERTURBATIONS,
    DISTRIBUTIONS,
    GridAxis,
    Perturbation,
    SweepError,
    SweepSpec,
)
from gpnopt.sweep.store import MANIFEST, load_sweep, read_parts
from gpnopt.sweep.summary import DECISION_PREFIXES, SOLVED, grid_flips, summarize
from gpnopt.sweep.worker import MODES, Worker

__all__ = [
    "DECISION_PREFIXES",
    "DEFAULT_PERTURBATIONS",
    "DISTRIBUTIONS",
    "Design",
    "FORMAT_VERSION",
    "MANIFEST",
    "MODES",
    "SKIPPED_KEYS",
    "SKIPPED_SECTIONS",
    "SOLVED",
    "GridAxis",
    "Perturbation",
    "Place",
    "SweepError",
    "SweepPlan",
    "SweepRun",
    "SweepSpec",
    "Worker",
    "auto_workers",
    "default_out",
    "draw_record",
    "get_place",
    "grid_flips",
    "load_sweep",
    "make_plan",
    "numeric_leaves",
    "read_parts",
    "result_record",
    "run_sweep",
    "seed_of",
    "summarize",
]
