"""Sweeps: Monte Carlo draws and grids over an instance, solved many times.

A sweep answers "how robust is the solution to numbers nobody knows exactly?" and "at which
value does a decision flip?". Its pieces, in order:

* **Specs.** A :class:`Perturbation` (``PATTERN:DIST:SCALE[:shared]``) multiplies every
  number of the instance whose dotted YAML path matches ``PATTERN`` (:func:`fnmatch.fnmatchcase`
  over paths such as ``plants.JP_TM.lines.tm_lathe_high.unit_cost``; ``*`` also crosses
  dots) by a random factor: ``uniform:a`` draws U[1-a, 1+a], ``normal:s`` 1 + s*z truncated at
  zero, ``lognormal:s`` exp(s*z). Independent factors per number, or one factor per spec and
  draw with ``shared``. A :class:`GridAxis` (``PATH=v1,v2,...``) sets the matched numbers to
  each value in turn (``x1.2`` scales them instead). A :class:`SweepSpec` holds the instance,
  scenario, objective, specs, samples and seed.
* **Draws.** Grid points form a cartesian product (the last axis varies fastest); each point
  gets ``samples`` noisy draws (one plain draw without samples). Draw ``d`` is sample
  ``d % n`` of point ``d // n``; its random numbers come from a seed derived from
  ``(seed, sample, spec)`` only, so they are the same whichever worker runs the draw, and the
  same at every grid point (common random numbers: a flip along an axis is the axis's doing).
  Draw -> raw mapping (scenario applied) -> :func:`gpnopt.instance_from_dict` -> solve.
* **Execution.** Each worker holds one :class:`gpnopt.solver.ScenarioSolver` (HiGHS limited
  to one thread) that builds the model once and re-solves draws that change only costs and
  prices on it; a draw that changes rows (capacities, minimum quantities) rebuilds. A re-solve
  starts HiGHS from scratch, so a draw's result does not depend on what the worker solved
  before: one worker, several local processes (``workers``) or a Dask cluster (``scheduler``)
  give the same table. Each draw yields a light record read straight from the solved model
  (:func:`draw_record`); :func:`result_record` gives the same record from a full
  :class:`gpnopt.results.Result` (the ``rebuild`` mode and the tests).
* **Storage and resume.** Draws are solved in chunks; each chunk is written as one Parquet
  part (``parts/part-NNNNNN.parquet``, temp file and rename) next to ``manifest.json`` (the
  spec and a digest of the instance). Re-running the same spec on the folder skips the parts
  already there; a different spec in the folder is an error. At the end ``draws.parquet``
  (and ``draws.csv`` on request) holds every draw sorted by draw, ``summary.json`` the
  summary and ``flips.csv`` the grid flips.
* **Summary.** :func:`summarize`: share of solved draws in which each expectation, the whole
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

import copy
import fnmatch
import hashlib
import itertools
import json
import math
import os
import random
import re
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from gpnopt.analysis.roles import classify, herfindahl, share
from gpnopt.errors import GpnoptError, GpnoptWarning, InstanceError, SolveError
from gpnopt.schema import Instance

if TYPE_CHECKING:
    import pandas as pd

    from gpnopt.results import Result
    from gpnopt.solver import Solved

__all__ = [
    "DISTRIBUTIONS",
    "GridAxis",
    "Perturbation",
    "SweepError",
    "SweepPlan",
    "SweepRun",
    "SweepSpec",
    "draw_record",
    "grid_flips",
    "load_sweep",
    "make_plan",
    "result_record",
    "run_sweep",
    "summarize",
]

DISTRIBUTIONS = ("uniform", "normal", "lognormal")
"""Noise distributions of a perturbation (multiplicative factors)."""

DEFAULT_PERTURBATIONS = ("*cost*:uniform:0.2", "*price*:uniform:0.2")
"""Perturbations of ``--samples`` without ``--perturb``: every cost and price +-20%, each
number on its own (the convention of ``benchmarks/robustness.py``)."""

SKIPPED_SECTIONS = frozenset(
    {"name", "description", "units", "objective", "expectations", "overrides", "scenarios",
     "imports"}
)
"""Top-level sections whose numbers are never perturbed (they are not parameters)."""

SKIPPED_KEYS = frozenset({"provenance", "name", "description"})
"""Keys whose subtrees are never perturbed anywhere (texts)."""

MANIFEST = "manifest.json"
PARTS = "parts"
TABLE = "draws.parquet"
SUMMARY = "summary.json"
FLIPS = "flips.csv"
FORMAT_VERSION = 1
"""Version of the folder layout written in the manifest."""

MODES = ("persistent", "fresh", "rebuild")
"""How a worker solves a draw (see :func:`run_sweep`)."""

SOLVED = ("optimal", "feasible")

SOLVE_ERRORS = {
    "infeasible": "the draw is infeasible",
    "no_solution": "no feasible solution within the limits",
}
"""The ``error`` text of draws the solver could not solve, by status."""
"""Statuses of draws with a solution."""

ZERO = 1e-6
"""Quantities at or below this are zero (as in :mod:`gpnopt.results`)."""

EPS = 1e-9
"""Money at or below this is zero (as in :mod:`gpnopt.analysis.specialization`)."""

DECISION_PREFIXES = ("line.", "in_house.", "open.", "role.", "holds.")
"""Column prefixes of decisions and outcomes whose flips along a grid are reported."""


class SweepError(GpnoptError, ValueError):
    """A sweep specification is wrong (bad perturbation or grid text, a pattern matching
    nothing, a folder holding another sweep). The CLI exits with code 2."""


# --- specs ------------------------------------------------------------------------------------


def _number(text: str, what: str) -> float:
    try:
        x = float(text)
    except ValueError:
        msg = f"{what}: {text!r} is not a number"
        raise SweepError(msg) from None
    if not math.isfinite(x):
        msg = f"{what}: {text!r} is not a finite number"
        raise SweepError(msg)
    return x


@dataclass(frozen=True)
class Perturbation:
    """Multiplicative noise on the numbers whose dotted path matches ``pattern``.

    Attributes:
        pattern: fnmatch pattern over dotted YAML paths (``*`` crosses dots).
        distribution: ``uniform`` (factor U[1-scale, 1+scale], scale < 1), ``normal``
            (1 + scale*z, truncated at 0) or ``lognormal`` (exp(scale*z)).
        scale: the noise's half-width (uniform) or standard deviation.
        shared: one factor per draw for every matched number (a common level), instead of
            one per number.
    """

    pattern: str
    distribution: str
    scale: float
    shared: bool = False

    @classmethod
    def parse(cls, text: str) -> Perturbation:
        """Read ``PATTERN:DIST:SCALE[:shared]`` (e.g. ``*cost*:uniform:0.2``).

        Raises:
            SweepError: the text does not have that form, or the scale is out of range.
        """
        parts = text.strip().split(":")
        shared = False
        if parts and parts[-1] in ("shared", "independent"):
            shared = parts.pop() == "shared"
        where = f"--perturb {text!r}"
        if len(parts) < 3 or not parts[0]:
            msg = (
                f"{where}: write PATTERN:DISTRIBUTION:SCALE[:shared], e.g. "
                "'*cost*:uniform:0.2' or 'plants.*.lines.*.unit_cost:normal:0.1:shared'"
            )
            raise SweepError(msg)
        pattern, dist, scale_text = ":".join(parts[:-2]), parts[-2], parts[-1]
        if dist not in DISTRIBUTIONS:
            msg = f"{where}: unknown distribution {dist!r} (use {', '.join(DISTRIBUTIONS)})"
            raise SweepError(msg)
        scale = _number(scale_text, where)
        if scale < 0:
            msg = f"{where}: the scale must not be negative"
            raise SweepError(msg)
        if dist == "uniform" and scale >= 1:
            msg = f"{where}: a uniform scale must be below 1 (factors in [1-a, 1+a] stay positive)"
            raise SweepError(msg)
        return cls(pattern, dist, scale, shared)

    @property
    def text(self) -> str:
        """The spec as written (canonical form)."""
        tail = ":shared" if self.shared else ""
        return f"{self.pattern}:{self.distribution}:{self.scale:g}{tail}"

    def factor(self, rng: random.Random) -> float:
        """One multiplicative factor."""
        if self.distribution == "uniform":
            return 1.0 + self.scale * (2.0 * rng.random() - 1.0)
        z = rng.normalvariate(0.0, 1.0)
        if self.distribution == "normal":
            return max(0.0, 1.0 + self.scale * z)
        return math.exp(self.scale * z)


_WILDCARD = re.compile(r"[*?\[]")
_SCALE = re.compile(r"^x([0-9.eE+-]+)$")


@dataclass(frozen=True)
class GridAxis:
    """One grid parameter: the numbers matching ``pattern`` take each value in turn.

    Attributes:
        pattern: a dotted path (``plants.CN_FFG.components.casting.min_quantity``) or an
            fnmatch pattern over paths; an exact path may name a key the file leaves out
            (its parent must exist).
        values: the values, in order (YAML scalars: numbers, true/false, words).
        scale: the values are factors on the instance's numbers (written ``x0.8,x1.2``).
    """

    pattern: str
    values: tuple[Any, ...]
    scale: bool = False

    @classmethod
    def parse(cls, text: str) -> GridAxis:
        """Read ``PATH=v1,v2,...`` (or ``PATH=x0.8,x1,x1.2`` for factors).

        Raises:
            SweepError: no ``=``, no values, mixed factors and values, a repeated value.
        """
        where = f"--grid {text!r}"
        if "=" not in text:
            msg = f"{where}: write PATH=VALUE,VALUE,... e.g. 'plants.CN_FFG.components.casting.min_quantity=500,1000'"
            raise SweepError(msg)
        pattern, _, rest = text.partition("=")
        pattern = pattern.strip()
        tokens = [t.strip() for t in rest.split(",")]
        if not pattern or not tokens or any(not t for t in tokens):
            msg = f"{where}: give a path and at least one value, separated by commas"
            raise SweepError(msg)
        scaled = [bool(_SCALE.match(t)) for t in tokens]
        if any(scaled) and not all(scaled):
            msg = f"{where}: either every value is a factor (x1.2) or none is"
            raise SweepError(msg)
        if all(scaled):
            values: list[Any] = [_number(_SCALE.match(t).group(1), where) for t in tokens]  # type: ignore[union-attr]
        else:
            values = []
            for t in tokens:
                v = _scalar(t)
                if isinstance(v, dict | list) or v is None:
                    msg = f"{where}: {t!r} is not a single value"
                    raise SweepError(msg)
                values.append(v)
        if len(set(map(repr, values))) != len(values):
            msg = f"{where}: a value is repeated"
            raise SweepError(msg)
        return cls(pattern, tuple(values), all(scaled))

    @property
    def text(self) -> str:
        """The axis as written (canonical form)."""
        vals = ",".join(("x" if self.scale else "") + _scalar_text(v) for v in self.values)
        return f"{self.pattern}={vals}"

    @property
    def column(self) -> str:
        """The axis's column in the table."""
        return f"grid.{self.pattern}"

    @property
    def numeric(self) -> bool:
        """Whether every value is a number (the column is float)."""
        return all(isinstance(v, int | float) and not isinstance(v, bool) for v in self.values)


def _scalar(text: str) -> Any:
    """A grid value: an int, a float (``1e6`` too), else a YAML scalar, else the text."""
    for kind in (int, float):
        try:
            x = kind(text)
        except ValueError:
            continue
        if isinstance(x, float) and not math.isfinite(x):
            break
        return x
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _scalar_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)  # reads back as the same float (YAML needs the dot of 1e+06 -> 1000000.0)
    return str(v)


@dataclass(frozen=True)
class SweepSpec:
    """Everything that determines a sweep's table (and so its folder).

    Attributes:
        instance: the instance file.
        scenario: scenario or override names (comma-separated) applied first.
        scenario_files: files with more overrides and scenarios.
        objective: ``alliance`` or ``firm:ID`` (default the instance's).
        samples: noisy draws per grid point; 0 gives one plain draw per point.
        perturb: the noise (default :data:`DEFAULT_PERTURBATIONS` when ``samples`` > 0).
        grid: grid axes.
        seed: the random seed.
        mip_gap: relative MIP gap per solve (default that of :mod:`gpnopt.solver`).
        time_limit: seconds per solve.
        chunk: draws per Parquet part (default from the number of draws).
    """

    instance: str
    scenario: str | None = None
    scenario_files: tuple[str, ...] = ()
    objective: str | None = None
    samples: int = 0
    perturb: tuple[Perturbation, ...] = ()
    grid: tuple[GridAxis, ...] = ()
    seed: int = 0
    mip_gap: float | None = None
    time_limit: float | None = None
    chunk: int | None = None

    @classmethod
    def build(
        cls,
        instance: str | Path,
        *,
        samples: int = 0,
        perturb: Iterable[str | Perturbation] = (),
        grid: Iterable[str | GridAxis] = (),
        scenario: str | None = None,
        scenario_files: Iterable[str | Path] = (),
        objective: str | None = None,
        seed: int = 0,
        mip_gap: float | None = None,
        time_limit: float | None = None,
        chunk: int | None = None,
    ) -> SweepSpec:
        """A spec from command-line-like texts, checked.

        Raises:
            SweepError: a text is malformed, nothing is swept, a number is out of range.
        """
        if samples < 0:
            msg = f"--samples {samples}: must be 0 or more"
            raise SweepError(msg)
        specs = tuple(p if isinstance(p, Perturbation) else Perturbation.parse(p) for p in perturb)
        axes = tuple(a if isinstance(a, GridAxis) else GridAxis.parse(a) for a in grid)
        if specs and samples == 0:
            msg = "--perturb needs --samples N (the number of noisy draws per grid point)"
            raise SweepError(msg)
        if samples > 0 and not specs:
            specs = tuple(Perturbation.parse(p) for p in DEFAULT_PERTURBATIONS)
        if samples == 0 and not axes:
            msg = "nothing to sweep: give --samples N (Monte Carlo) and/or --grid PATH=VALUES"
            raise SweepError(msg)
        seen = set()
        for a in axes:
            if a.pattern in seen:
                msg = f"--grid {a.pattern!r} is given twice; list every value in one --grid"
                raise SweepError(msg)
            seen.add(a.pattern)
        if objective is not None and objective != "alliance" and not objective.startswith("firm:"):
            msg = f"--objective {objective!r}: use alliance or firm:ID"
            raise SweepError(msg)
        if chunk is not None and chunk < 1:
            msg = f"--chunk {chunk}: must be at least 1"
            raise SweepError(msg)
        if mip_gap is not None and mip_gap < 0:
            msg = "--mip-gap must not be negative"
            raise SweepError(msg)
        if time_limit is not None and time_limit <= 0:
            msg = "--time-limit must be positive"
            raise SweepError(msg)
        return cls(
            instance=os.path.normpath(str(instance)),
            scenario=scenario or None,
            scenario_files=tuple(str(f) for f in scenario_files),
            objective=objective,
            samples=int(samples),
            perturb=specs,
            grid=axes,
            seed=int(seed),
            mip_gap=mip_gap,
            time_limit=time_limit,
            chunk=chunk,
        )

    def as_dict(self) -> dict[str, Any]:
        """The spec as plain data (the manifest's ``spec``)."""
        d = asdict(self)
        d["scenario_files"] = list(self.scenario_files)
        d["perturb"] = [p.text for p in self.perturb]
        d["grid"] = [a.text for a in self.grid]
        return d


# --- paths of the raw mapping -----------------------------------------------------------------

Path_ = tuple[Any, ...]
"""A place in the raw mapping: keys (str) and list positions (int)."""


def _dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path)


def numeric_leaves(raw: Mapping[str, Any]) -> list[Path_]:
    """Every number of an instance mapping that a perturbation may touch, in file order.

    Numbers under :data:`SKIPPED_SECTIONS` and under :data:`SKIPPED_KEYS` (texts) are left
    out; booleans are not numbers.
    """
    out: list[Path_] = []

    def walk(node: Any, path: Path_) -> None:
        if isinstance(node, Mapping):
            for k, v in node.items():
                if (not path and k in SKIPPED_SECTIONS) or k in SKIPPED_KEYS:
                    continue
                walk(v, (*path, k))
        elif isinstance(node, list):
            for j, v in enumerate(node):
                walk(v, (*path, j))
        elif isinstance(node, int | float) and not isinstance(node, bool):
            out.append(path)

    walk(raw, ())
    return out


def _get(raw: Any, path: Path_) -> Any:
    node = raw
    for p in path:
        node = node[p]
    return node


def _resolve_place(raw: Mapping[str, Any], dotted: str) -> Path_ | None:
    """The place an exact dotted path names (its parent must exist), or None."""
    parts = dotted.split(".")
    node: Any = raw
    path: list[Any] = []
    for j, part in enumerate(parts):
        last = j == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return None
            key: Any = int(part)
        elif isinstance(node, Mapping):
            key = part
            if key not in node and not last:
                return None
        else:
            return None
        path.append(key)
        if not last:
            node = node[key]
    return tuple(path)


def _seed_of(seed: int, *keys: int) -> int:
    """A 64-bit seed from the sweep's seed and integer keys (stable across processes)."""
    text = ":".join(str(k) for k in (seed, *keys)).encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "little")


# --- the plan ---------------------------------------------------------------------------------


@dataclass
class SweepPlan:
    """A checked spec with what the workers need: the resolved mapping and the places.

    Attributes:
        spec: the spec.
        raw: the instance mapping with the scenario applied (no overrides, scenarios).
        name: the instance's name in messages (the file).
        digest: SHA-256 of ``raw`` (a changed instance file is another sweep).
        perturb_places: for each perturbation, the places it multiplies.
        grid_places: for each grid axis, the places it sets.
        n_points, per_point, total, chunk: grid points, draws per point, draws, draws per
            part.
        firms, plants, lines, make, entities, expectations: the record's entities (from the
            base instance), ``expectations`` as (id, description) pairs.
        columns: the table's columns with their dtypes, in order.
    """

    spec: SweepSpec
    raw: dict[str, Any]
    name: str
    digest: str
    perturb_places: list[list[Path_]]
    grid_places: list[list[Path_]]
    n_points: int
    per_point: int
    total: int
    chunk: int
    firms: list[str]
    plants: list[str]
    lines: list[tuple[str, str]]
    make: list[tuple[str, str]]
    entities: list[str]
    expectations: list[tuple[str, str]]
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def n_chunks(self) -> int:
        """Number of parts."""
        return -(-self.total // self.chunk)

    def chunk_draws(self, c: int) -> range:
        """The draws of chunk ``c``."""
        return range(c * self.chunk, min(self.total, (c + 1) * self.chunk))

    def point_values(self, point: int) -> list[Any]:
        """The grid values of a point (mixed radix, last axis fastest)."""
        vals = []
        for axis in reversed(self.spec.grid):
            point, j = divmod(point, len(axis.values))
            vals.append(axis.values[j])
        return vals[::-1]

    def manifest(self) -> dict[str, Any]:
        """The content of ``manifest.json``."""
        from gpnopt import __version__

        return {
            "format": FORMAT_VERSION,
            "gpnopt": __version__,
            "spec": self.spec.as_dict(),
            "instance_digest": self.digest,
            "draws": self.total,
            "chunk": self.chunk,
            "points": self.n_points,
            "per_point": self.per_point,
            "numbers": {p.text: len(pl) for p, pl in zip(self.spec.perturb, self.perturb_places, strict=True)},
            "expectations": [{"id": i, "description": d} for i, d in self.expectations],
            "grid_columns": [a.column for a in self.spec.grid],
            "firms": self.firms,
            "plants": self.plants,
        }


def _scenario_raw(spec: SweepSpec) -> tuple[dict[str, Any], Instance]:
    """The instance mapping of ``spec`` with its scenario applied, and the base instance.

    Uses :func:`gpnopt.io.resolve_raw`, so every error is the InstanceError ``load`` would
    raise.
    """
    from gpnopt import io

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GpnoptWarning)
        data = io.resolve_raw(
            spec.instance, scenario=spec.scenario, scenario_files=spec.scenario_files
        )
        base = io.instance_from_dict(data, name=spec.instance)
    return data, base


def _default_chunk(total: int) -> int:
    """Draws per part: about 40 parts, 5 to 50 draws each."""
    return max(5, min(50, -(-total // 40)))


def make_plan(spec: SweepSpec) -> SweepPlan:
    """Check ``spec`` against its instance and resolve every pattern.

    Raises:
        InstanceError: the instance or scenario is invalid (CLI exit 1).
        SweepError: a pattern matches no number, a grid path names no place, an expectation
            id is unknown (CLI exit 2).
    """
    raw, base = _scenario_raw(spec)
    if spec.objective and spec.objective.startswith("firm:") and spec.objective[5:] not in base.firms:
        msg = f"--objective {spec.objective!r}: no firm {spec.objective[5:]!r} (firms: {', '.join(base.firms)})"
        raise SweepError(msg)
    leaves = numeric_leaves(raw)
    dotted = [_dotted(p) for p in leaves]
    perturb_places = []
    for p in spec.perturb:
        places = [leaf for leaf, d in zip(leaves, dotted, strict=True) if fnmatch.fnmatchcase(d, p.pattern)]
        if not places:
            msg = (
                f"--perturb {p.text!r}: the pattern matches no number of {spec.instance} "
                "(patterns match whole dotted paths such as "
                "plants.JP_TM.lines.tm_lathe_high.unit_cost; use '*unit_cost' for a key anywhere)"
            )
            raise SweepError(msg)
        perturb_places.append(places)
    grid_places = []
    for a in spec.grid:
        if _WILDCARD.search(a.pattern):
            places = [leaf for leaf, d in zip(leaves, dotted, strict=True) if fnmatch.fnmatchcase(d, a.pattern)]
        else:
            place = _resolve_place(raw, a.pattern)
            places = [place] if place is not None else []
            if place is not None and a.scale:
                try:
                    v = _get(raw, place)
                except (KeyError, IndexError):
                    v = None
                if not (isinstance(v, int | float) and not isinstance(v, bool)):
                    places = []
        if not places:
            msg = (
                f"--grid {a.text!r}: {a.pattern!r} names no "
                + ("number" if a.scale or _WILDCARD.search(a.pattern) else "place")
                + f" of {spec.instance} (a dotted path such as "
                "plants.CN_FFG.components.casting.min_quantity, whose parent exists)"
            )
            raise SweepError(msg)
        grid_places.append(places)
    n_points = math.prod(len(a.values) for a in spec.grid) if spec.grid else 1
    per_point = max(1, spec.samples)
    total = n_points * per_point
    chunk = spec.chunk or _default_chunk(total)
    digest = hashlib.sha256(
        json.dumps(raw, sort_keys=True, default=str).encode()
    ).hexdigest()
    from gpnopt.data import build_data

    data = build_data(base)
    plan = SweepPlan(
        spec=spec,
        raw=raw,
        name=spec.instance,
        digest=digest,
        perturb_places=perturb_places,
        grid_places=grid_places,
        n_points=n_points,
        per_point=per_point,
        total=total,
        chunk=chunk,
        firms=list(base.firms),
        plants=list(base.plants),
        lines=list(data.lines),
        make=list(data.make),
        entities=[e for e, k in data.entity_kind.items() if k != "plant"],
        expectations=[(e.id, e.description) for e in base.expectations],
    )
    plan.columns = _columns(plan)
    return plan


def _columns(plan: SweepPlan) -> dict[str, str]:
    """Column -> pandas dtype of the table."""
    cols: dict[str, str] = {"draw": "int64", "point": "int64", "sample": "int64"}
    for a in plan.spec.grid:
        cols[a.column] = "float64" if a.numeric else "object"
    cols.update({"status": "object", "error": "object", "objective": "float64",
                 "bound": "float64", "mip_gap": "float64", "pattern": "boolean"})
    for f in plan.firms:
        cols[f"profit.{f}"] = "float64"
    for eid, _ in plan.expectations:
        cols[f"holds.{eid}"] = "boolean"
    for p in plan.plants:
        cols[f"role.{p}"] = "object"
    for key in ("h", "supply_share", "vs_share", "export_share", "plant_profit"):
        for p in plan.plants:
            cols[f"{key}.{p}"] = "float64"
    for p, i in plan.lines:
        cols[f"line.{p}.{i}"] = "Int8"
    for p, i in plan.lines:
        cols[f"production.{p}.{i}"] = "float64"
    for p, k in plan.make:
        cols[f"in_house.{p}.{k}"] = "Int8"
    for e in plan.entities:
        cols[f"open.{e}"] = "Int8"
    return cols


# --- records ----------------------------------------------------------------------------------


def _clean(x: float, digits: int = 6) -> float:
    """As :func:`gpnopt.results._clean`: round for stable output; tiny values become 0."""
    if abs(x) <= ZERO:
        return 0.0
    return round(float(x), digits)


@dataclass
class _Tables:
    """The rows a record needs, as plain Python (the Result tables' columns)."""

    production: list[dict[str, Any]]
    make_or_buy: list[dict[str, Any]]
    component_flows: list[dict[str, Any]]
    plant_open: dict[str, int]
    plant_profit: dict[str, float]
    entity_open: dict[str, int]
    firm_profit: dict[str, float]
    technicians: dict[str, tuple[float, float]]  # firm -> (used, pool)
    lines: dict[tuple[str, str], tuple[int, float]]  # (p, i) -> (open, quantity)


def _model_tables(model: Any, data: Any) -> _Tables:
    """Read the solved model into :class:`_Tables` (the reading of
    :func:`gpnopt.results.make_result`, without DataFrames)."""
    import pyomo.environ as pyo

    inst = data.instance
    val = pyo.value
    production = []
    v_sales = model.v_sales
    qty: dict[tuple[str, str], float] = {}
    for a, arc in data.sales.items():
        q = v_sales[a].value or 0.0
        p, i, h, mk = a
        qty[p, i] = qty.get((p, i), 0.0) + (v_sales[a].value or 0.0)
        if q <= ZERO:
            continue
        production.append(
            {"plant": p, "country": inst.plants[p].country, "product": i, "market": mk,
             "channel": h, "quantity": _clean(q), "tier": inst.products[i].tier,
             "firm": inst.products[i].firm or "", "price": arc.price}
        )
    lines = {
        (p, i): (int(round(model.v_line_open[p, i].value or 0.0)), _clean(qty.get((p, i), 0.0)))
        for p, i in data.lines
    }
    make = [
        {"plant": p, "component": k, "in_house": int(round(model.v_in_house[p, k].value or 0.0)),
         "quantity": _clean(model.v_output[p, k].value or 0.0)}
        for p, k in data.make
    ]
    flows = []
    v_flow = model.v_flow
    for a in data.flows:
        q = v_flow[a].value or 0.0
        if q <= ZERO:
            continue
        k, s, d = a
        is_plant = s in inst.plants
        flows.append(
            {"component": k, "source": s, "source_type": "plant" if is_plant else "supplier",
             "source_country": inst.plants[s].country if is_plant else inst.suppliers[s].country,
             "destination": d, "destination_country": inst.plants[d].country,
             "quantity": _clean(q),
             "unit_value": inst.components[k].transfer_price if is_plant
             else inst.suppliers[s].components[k].unit_price}
        )
    profits: dict[str, float] = {}
    plant_open: dict[str, int] = {}
    plant_profit: dict[str, float] = {}
    entity_open: dict[str, int] = {}
    for e, kind in data.entity_kind.items():
        rev, cost = val(model.revenue[e]), val(model.cost[e])
        profits[e] = rev - cost
        if kind == "plant":
            plant_open[e] = int(round(model.v_is_open[e].value or 0.0))
            plant_profit[e] = _clean(rev - cost)
        elif kind == "channel":
            entity_open[e] = int(round(model.v_channel_open[e].value or 0.0))
        else:
            entity_open[e] = int(round(model.v_office_open[e].value or 0.0))
    firm_profit = {
        f: _clean(sum(own.get(f, 0.0) * profits[e] for e, own in data.owners.items()))
        for f in inst.firms
    }
    techs = {
        f: (_clean(val(model.technicians[f]) if rows else 0.0), inst.firms[f].technicians.pool)
        for f, rows in data.tech_lines.items()
    }
    return _Tables(production, make, flows, plant_open, plant_profit, entity_open, firm_profit,
                   techs, lines)


def _result_tables(result: Result) -> _Tables:
    """The same rows from a full Result's DataFrames."""
    t = result.tables
    pp = t["plant_profit"]
    ch = t["channel_profit"]
    lines = {
        (r.plant, r.product): (int(r.open), float(r.quantity))
        for r in t["lines"].itertuples(index=False)
    }
    return _Tables(
        production=t["production"].to_dict("records"),
        make_or_buy=t["make_or_buy"].to_dict("records"),
        component_flows=t["component_flows"].to_dict("records"),
        plant_open={str(p): int(o) for p, o in zip(pp["plant"], pp["open"], strict=True)},
        plant_profit={str(p): float(v) for p, v in zip(pp["plant"], pp["profit"], strict=True)},
        entity_open={str(c): int(o) for c, o in zip(ch["channel"], ch["open"], strict=True)},
        firm_profit=dict(result.firm_profit),
        technicians={
            str(r.firm): (float(r.used), float(r.pool))
            for r in t["technicians"].itertuples(index=False)
        },
        lines=lines,
    )


def _holds(inst: Instance, t: _Tables) -> dict[str, bool]:
    """Whether each expectation holds (the semantics of
    :func:`gpnopt.analysis.expectations.evaluate`, on plain rows)."""
    out = {}
    for e in inst.expectations:
        out[e.id] = _statement(inst, t, e) == e.holds
    return out


def _match(rows: list[dict[str, Any]], **conds: Any) -> list[dict[str, Any]]:
    conds = {k: v for k, v in conds.items() if v is not None}
    return [r for r in rows if all(r[k] == v for k, v in conds.items())]


def _from_source(inst: Instance, r: dict[str, Any], e: Any) -> bool:
    if e.source is not None and r["source"] != e.source:
        return False
    if e.source_country is not None and r["source_country"] != e.source_country:
        return False
    if e.source_firm is not None:
        pl = inst.plants.get(r["source"])
        if pl is None or not pl.owners.get(e.source_firm, 0) > 0:
            return False
    return True


def _statement(inst: Instance, t: _Tables, e: Any) -> bool:  # noqa: PLR0911
    eps = e.min_quantity
    if e.kind in ("makes", "sells"):
        rows = _match(t.production, plant=e.plant, product=e.product, tier=e.tier, market=e.market)
        if e.firm is not None:
            rows = [r for r in rows if r["firm"] == e.firm]
        total = sum(r["quantity"] for r in rows)
        if e.kind == "sells" and e.only_channel and e.channel is not None:
            through = sum(r["quantity"] for r in rows if r["channel"] == e.channel)
            return total > eps and through >= total - eps
        if e.channel is not None:
            total = sum(r["quantity"] for r in rows if r["channel"] == e.channel)
        return total > eps
    if e.kind == "in_house":
        rows = _match(t.make_or_buy, plant=e.plant, component=e.component)
        q = sum(r["quantity"] for r in rows)
        return any(r["in_house"] == 1 for r in rows) and q > eps
    if e.kind == "flow":
        rows = _match(t.component_flows, component=e.component, destination=e.destination)
        return sum(r["quantity"] for r in rows if _from_source(inst, r, e)) > eps
    if e.kind == "share":
        rows = _match(t.component_flows, destination=e.destination)
        if e.components:
            rows = [r for r in rows if r["component"] in e.components]
        total = sum(r["quantity"] for r in rows)
        part = sum(r["quantity"] for r in rows if _from_source(inst, r, e))
        if total <= eps:
            return False
        fraction = part / total
        lo = 0.0 if e.min is None else e.min
        hi = 1.0 if e.max is None else e.max
        return lo - 1e-9 <= fraction <= hi + 1e-9
    if e.kind == "binding":
        if e.firm not in t.technicians:
            return False
        used, pool = t.technicians[e.firm]
        return used >= pool - 1e-6
    if e.plant is not None:  # open
        return t.plant_open.get(e.plant) == 1
    return t.entity_open.get(e.channel) == 1


def _roles(inst: Instance, t: _Tables) -> dict[str, dict[str, Any]]:
    """Role type and indices of every plant (the rules of
    :func:`gpnopt.analysis.specialization.plant_roles`; closed plants: role ``closed``)."""
    out: dict[str, dict[str, Any]] = {}
    between = [r for r in t.component_flows if r["source"] != r["destination"]]
    for p in inst.plants:
        if t.plant_open.get(p) != 1:
            out[p] = {"role": "closed", "h": math.nan, "supply_share": math.nan,
                      "vs_share": math.nan, "export_share": math.nan}
            continue
        country = inst.plants[p].country
        final = exports = comp = inputs = imported = 0.0
        cells: dict[tuple[str, str], float] = {}
        for r in t.production:
            if r["plant"] != p:
                continue
            v = float(r["quantity"]) * float(r["price"])
            mc = inst.markets[r["market"]].country
            final += v
            if mc != country:
                exports += v
            cells[r["tier"], mc] = cells.get((r["tier"], mc), 0.0) + v
        for r in between:
            cross = r["source_country"] != r["destination_country"]
            if r["source"] == p:
                v = float(r["quantity"]) * float(r["unit_value"])
                comp += v
                if cross:
                    exports += v
            if r["destination"] == p:
                v = float(r["quantity"]) * float(r["unit_value"])
                inputs += v
                if cross:
                    imported += v
        output = final + comp
        vs = imported / output * exports if output > EPS else 0.0
        h = herfindahl(cells.values())
        supply = share(comp, output)
        final_share = share(final, output)
        role = classify(
            0.0 if math.isnan(final_share) else final_share,
            0.0 if math.isnan(supply) else supply,
            h,
        )
        out[p] = {"role": role, "h": h, "supply_share": supply, "vs_share": share(vs, exports),
                  "export_share": share(exports, output)}
    return out


def _record(inst: Instance, t: _Tables, outcome: Mapping[str, Any],
            holds: Mapping[str, bool], roles: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "status": outcome["status"],
        "error": "",
        "objective": float(outcome["objective"]),
        "bound": float(outcome["bound"]),
        "mip_gap": float(outcome["mip_gap"]),
        "pattern": all(holds.values()),
    }
    for f, v in t.firm_profit.items():
        rec[f"profit.{f}"] = float(v)
    for eid, ok in holds.items():
        rec[f"holds.{eid}"] = bool(ok)
    for p, r in roles.items():
        rec[f"role.{p}"] = r["role"]
        for key in ("h", "supply_share", "vs_share", "export_share"):
            rec[f"{key}.{p}"] = r[key]
        rec[f"plant_profit.{p}"] = t.plant_profit.get(p, math.nan)
    for (p, i), (o, q) in t.lines.items():
        rec[f"line.{p}.{i}"] = o
        rec[f"production.{p}.{i}"] = q
    for r in t.make_or_buy:
        rec[f"in_house.{r['plant']}.{r['component']}"] = int(r["in_house"])
    for e, o in t.entity_open.items():
        rec[f"open.{e}"] = o
    return rec


def draw_record(instance: Instance, solved: Solved) -> dict[str, Any]:
    """The per-draw record of a solved model (:meth:`ScenarioSolver.solve_model`), read
    straight from its variables: no DataFrames, no full tables."""
    t = _model_tables(solved.model, solved.data)
    o = solved.outcome
    outcome = {"status": o.status, "objective": o.objective, "bound": o.bound,
               "mip_gap": o.mip_gap}
    return _record(instance, t, outcome, _holds(instance, t), _roles(instance, t))


def result_record(instance: Instance, result: Result) -> dict[str, Any]:
    """The per-draw record of a full Result (``gpnopt.solve``): the same as
    :func:`draw_record` up to rounding, from the Result's tables, expectations and
    specialization table."""
    t = _result_tables(result)
    outcome = {"status": result.status, "objective": result.objective, "bound": result.bound,
               "mip_gap": result.mip_gap}
    holds = {e["id"]: bool(e["holds"]) for e in result.expectations}
    spec = result.tables["specialization"]
    roles = {}
    for r in spec.to_dict("records"):
        closed = int(r["open"]) != 1
        roles[r["plant"]] = {
            "role": "closed" if closed else r["role_type"],
            "h": float(r["horizontal_index"]),
            "supply_share": float(r["supply_share"]),
            "vs_share": float(r["vs_share"]),
            "export_share": float(r["export_share"]),
        }
    return _record(instance, t, outcome, holds, roles)


# --- the worker -------------------------------------------------------------------------------


class _Worker:
    """One solver process's state: a private copy of the mapping and a ScenarioSolver."""

    def __init__(self, plan: SweepPlan, mode: str = "persistent") -> None:
        from gpnopt.solver import ScenarioSolver

        self.plan = plan
        self.mode = mode
        self.raw = copy.deepcopy(plan.raw)
        spec = plan.spec
        self.options = {"objective": spec.objective, "time_limit": spec.time_limit,
                        "mip_gap": spec.mip_gap, "threads": 1}
        self.solver = ScenarioSolver(**self.options, diagnose=False)
        if mode == "persistent":  # build the model once, on the instance as written
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", GpnoptWarning)
                    self.solver.solve_model(self._instance())
            except GpnoptError:
                pass  # the draws will rebuild

    def _instance(self) -> Instance:
        from gpnopt.io import instance_from_dict

        return instance_from_dict(self.raw, name=self.plan.name)

    def _apply(self, draw: int) -> list[tuple[Path_, bool, Any]]:
        """Set draw ``draw``'s numbers in ``self.raw``; return what to restore."""
        plan, spec = self.plan, self.plan.spec
        point, sample = divmod(draw, plan.per_point)
        undo: list[tuple[Path_, bool, Any]] = []
        done: set[Path_] = set()

        def put(place: Path_, value: Any) -> None:
            parent = _get(self.raw, place[:-1])
            key = place[-1]
            if place not in done:
                had = isinstance(parent, list) or key in parent
                undo.append((place, had, parent[key] if had else None))
                done.add(place)
            parent[key] = value

        for axis, places, v in zip(spec.grid, plan.grid_places, plan.point_values(point), strict=True):
            for place in places:
                put(place, _get(self.raw, place) * v if axis.scale else v)
        if spec.samples > 0:
            for j, (p, places) in enumerate(zip(spec.perturb, plan.perturb_places, strict=True)):
                rng = random.Random(_seed_of(spec.seed, sample, j))
                shared = p.factor(rng) if p.shared else None
                for place in places:
                    x = _get(self.raw, place)
                    if isinstance(x, int | float) and not isinstance(x, bool):
                        put(place, x * (shared if shared is not None else p.factor(rng)))
        return undo

    def _restore(self, undo: list[tuple[Path_, bool, Any]]) -> None:
        for place, had, old in reversed(undo):
            parent = _get(self.raw, place[:-1])
            if had:
                parent[place[-1]] = old
            else:
                del parent[place[-1]]

    def run(self, draw: int) -> dict[str, Any]:
        """Solve one draw; return its record (with ``draw``, ``point``, ``sample``, grid)."""
        import gpnopt

        plan = self.plan
        point, sample = divmod(draw, plan.per_point)
        head: dict[str, Any] = {"draw": draw, "point": point, "sample": sample}
        for axis, v in zip(plan.spec.grid, plan.point_values(point), strict=True):
            head[axis.column] = float(v) if axis.numeric else _scalar_text(v)
        undo = self._apply(draw)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", GpnoptWarning)
                try:
                    inst = self._instance()
                except InstanceError as exc:
                    return {**head, "status": "invalid", "error": exc.problems[0]}
        finally:
            self._restore(undo)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", GpnoptWarning)
                if self.mode == "rebuild":
                    from gpnopt.solver import solve_instance

                    res = solve_instance(inst, **self.options)
                    rec = result_record(inst, gpnopt._analyse(inst, res))  # noqa: SLF001
                else:
                    if self.mode == "fresh":  # forget the model: build it again
                        self.solver._state = None  # noqa: SLF001
                    rec = draw_record(inst, self.solver.solve_model(inst))
        except SolveError as exc:
            # A fixed text: the solver's own words depend on whether the model was re-used.
            return {**head, "status": exc.status, "error": SOLVE_ERRORS.get(exc.status, exc.status)}
        except InstanceError as exc:
            return {**head, "status": "invalid", "error": exc.problems[0]}
        return {**head, **rec}

    def run_chunk(self, c: int) -> list[dict[str, Any]]:
        """Solve the draws of chunk ``c``."""
        return [self.run(d) for d in self.plan.chunk_draws(c)]


_local = threading.local()


def _worker_for(plan: SweepPlan, mode: str) -> _Worker:
    """This thread's worker for ``plan`` (built on first use, kept for the next chunks)."""
    key = (plan.digest, json.dumps(plan.spec.as_dict(), sort_keys=True), mode)
    w = getattr(_local, "worker", None)
    if w is None or getattr(_local, "key", None) != key:
        w = _Worker(plan, mode)
        _local.worker, _local.key = w, key
    return w


def _init_process(plan: SweepPlan, mode: str) -> None:
    """ProcessPoolExecutor initializer: build the worker (and its model) once.

    Workers ignore Ctrl-C: the main process stops handing out chunks, keeps what is done
    and shuts the pool down.
    """
    import gc
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_for(plan, mode)
    gc.freeze()  # imports and the model: out of the collector's way (a dedicated process)


def _process_chunk(plan: SweepPlan | None, mode: str, c: int) -> tuple[int, list[dict[str, Any]]]:
    """Solve chunk ``c`` in a worker process (``plan`` None: the initializer's)."""
    w = _local.worker if plan is None else _worker_for(plan, mode)
    return c, w.run_chunk(c)


# --- storage ----------------------------------------------------------------------------------


def _frame(plan: SweepPlan, records: list[dict[str, Any]]) -> pd.DataFrame:
    """Records as a DataFrame with the plan's columns and dtypes (missing values NA)."""
    import pandas as pd

    cols = plan.columns
    data = {c: [r.get(c) for r in records] for c in cols}
    df = pd.DataFrame(data, columns=list(cols))
    for c, dtype in cols.items():
        if dtype == "object":
            df[c] = df[c].astype(object)
        else:
            df[c] = df[c].astype(dtype)
    return df


def _atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _atomic_text(path: Path, text: str) -> None:
    from gpnopt.results import atomic_write_text

    atomic_write_text(path, text)


def _part_path(out: Path, c: int) -> Path:
    return out / PARTS / f"part-{c:06d}.parquet"


def _done_chunks(out: Path) -> set[int]:
    found = set()
    for p in (out / PARTS).glob("part-*.parquet"):
        m = re.fullmatch(r"part-(\d+)\.parquet", p.name)
        if m:
            found.add(int(m.group(1)))
    return found


def _prepare_folder(plan: SweepPlan, out: Path, overwrite: bool) -> set[int]:
    """Create or check the folder; return the chunks already done."""
    manifest = plan.manifest()
    mpath = out / MANIFEST
    if mpath.exists():
        try:
            old = json.loads(mpath.read_text())
        except (OSError, ValueError):
            old = None
        same = (
            isinstance(old, dict)
            and old.get("spec") == manifest["spec"]
            and old.get("instance_digest") == manifest["instance_digest"]
            and old.get("chunk") == manifest["chunk"]
            and old.get("format") == manifest["format"]
        )
        if not same and not overwrite:
            what = _spec_difference(old, manifest)
            msg = (
                f"{out} holds another sweep ({what}); use another output folder, or "
                "--overwrite to replace it"
            )
            raise SweepError(msg)
        if not same or overwrite:
            for p in (out / PARTS).glob("*.parquet"):
                p.unlink()
            for name in (TABLE, SUMMARY, FLIPS, "draws.csv"):
                (out / name).unlink(missing_ok=True)
    (out / PARTS).mkdir(parents=True, exist_ok=True)
    _atomic_text(mpath, json.dumps(manifest, indent=2) + "\n")
    done = _done_chunks(out)
    return {c for c in done if c < plan.n_chunks}


def _spec_difference(old: Any, new: Mapping[str, Any]) -> str:
    if not isinstance(old, dict) or "spec" not in old:
        return "its manifest.json is not a sweep manifest"
    diffs = []
    for k, v in new["spec"].items():
        if old["spec"].get(k) != v:
            diffs.append(f"{k}: {old['spec'].get(k)!r} there, {v!r} here")
    if old.get("instance_digest") != new["instance_digest"]:
        diffs.append("the instance (after its scenario) changed")
    if old.get("chunk") != new["chunk"]:
        diffs.append(f"chunk: {old.get('chunk')} there, {new['chunk']} here")
    return "; ".join(diffs) or "another format"


def read_parts(out: str | Path) -> pd.DataFrame:
    """Every part in ``out`` as one table, sorted by draw."""
    import pandas as pd

    out = Path(out)
    paths = sorted((out / PARTS).glob("part-*.parquet"))
    if not paths:
        return pd.DataFrame()
    df = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
    return df.sort_values("draw", kind="stable").reset_index(drop=True)


def load_sweep(out: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The table (``draws.parquet``, else the parts) and the manifest of a sweep folder."""
    import pandas as pd

    out = Path(out)
    manifest = json.loads((out / MANIFEST).read_text())
    table = pd.read_parquet(out / TABLE) if (out / TABLE).exists() else read_parts(out)
    return table, manifest


# --- running ----------------------------------------------------------------------------------


@dataclass
class SweepRun:
    """What :func:`run_sweep` did.

    Attributes:
        out: the folder.
        table: every draw, sorted by draw (read back from the Parquet parts).
        summary: :func:`summarize` of the table.
        flips: :func:`grid_flips` of the table (empty without a grid).
        total: draws in the sweep.
        computed: draws solved by this run (the others were already in the folder).
        seconds: wall-clock seconds of this run's solving.
        workers: worker processes used (0 for a Dask cluster).
        files: the files written at the end.
        interrupted: the run stopped early (KeyboardInterrupt); re-run to resume.
        steady: draws per second from the first finished part to the last (worker
            start-up left out; NaN with fewer than two parts).
    """

    out: Path
    table: pd.DataFrame
    summary: dict[str, Any]
    flips: pd.DataFrame
    total: int
    computed: int
    seconds: float
    workers: int
    files: list[Path]
    interrupted: bool = False
    steady: float = math.nan

    @property
    def draws_per_second(self) -> float:
        """Draws solved per wall-clock second by this run."""
        return self.computed / self.seconds if self.seconds > 0 else math.nan


def default_out(spec: SweepSpec) -> Path:
    """Default folder of a sweep: ``out/sweep-<instance>-<hash of the spec>``."""
    h = hashlib.sha256(json.dumps(spec.as_dict(), sort_keys=True).encode()).hexdigest()[:8]
    return Path("out") / f"sweep-{Path(spec.instance).stem}-{h}"


def auto_workers(todo_draws: int) -> int:
    """Worker processes when none are asked for: the CPUs, or 1 for small sweeps."""
    if todo_draws < 40:
        return 1
    return max(1, os.cpu_count() or 1)


def run_sweep(
    spec: SweepSpec | SweepPlan,
    out: str | Path | None = None,
    *,
    workers: int | None = None,
    scheduler: Any = None,
    mode: str = "persistent",
    overwrite: bool = False,
    csv: bool = False,
    pattern: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_start: Callable[[SweepPlan, int, int], None] | None = None,
) -> SweepRun:
    """Run (or resume) a sweep and write its folder.

    Args:
        spec: the sweep (or a plan made by :func:`make_plan`).
        out: the folder; default :func:`default_out`.
        workers: local worker processes; 1 solves in this process; ``None``:
            :func:`auto_workers`.
        scheduler: a Dask scheduler address (``tcp://host:8786``) or a
            ``distributed.Client``: the chunks run on that cluster instead.
        mode: ``persistent`` (ScenarioSolver re-solves and light records), ``fresh`` (the
            model built anew per draw, light records) or ``rebuild`` (a full
            ``gpnopt.solve`` per draw with every table). The table is the same; the other
            modes are for benchmarks and checks.
        overwrite: replace a folder holding another sweep (else that is a SweepError).
        csv: also write ``draws.csv``.
        pattern: expectation ids of a core pattern to report besides every expectation.
        progress: called with (draws done, total) after each chunk (and once at the start).
        on_start: called with (plan, draws already done, worker count) before solving.

    Returns:
        A :class:`SweepRun`. An interrupted run (KeyboardInterrupt) returns with
        ``interrupted`` set after writing the parts it finished; re-running resumes.

    Raises:
        SweepError: bad spec or folder; InstanceError: bad instance or scenario.
    """
    import pandas as pd

    if mode not in MODES:
        msg = f"mode {mode!r}: use {', '.join(MODES)}"
        raise SweepError(msg)
    plan = spec if isinstance(spec, SweepPlan) else make_plan(spec)
    core = _check_pattern(plan, pattern)
    out_dir = Path(out) if out is not None else default_out(plan.spec)
    done = _prepare_folder(plan, out_dir, overwrite)
    todo = [c for c in range(plan.n_chunks) if c not in done]
    todo_draws = sum(len(plan.chunk_draws(c)) for c in todo)
    n_done = plan.total - todo_draws
    if scheduler is not None:
        n_workers = 0
    else:
        n_workers = auto_workers(todo_draws) if workers is None else max(1, int(workers))
        n_workers = max(1, min(n_workers, len(todo) or 1))
    if on_start is not None:
        on_start(plan, n_done, n_workers)
    if progress is not None:
        progress(n_done, plan.total)

    counter = {"done": n_done, "computed": 0}
    stamps: list[tuple[float, int]] = []  # (time, draws computed) after each part

    def store(c: int, records: list[dict[str, Any]]) -> None:
        _atomic_parquet(_frame(plan, records), _part_path(out_dir, c))
        counter["done"] += len(records)
        counter["computed"] += len(records)
        stamps.append((time.perf_counter(), counter["computed"]))
        if progress is not None:
            progress(counter["done"], plan.total)

    started = time.perf_counter()
    interrupted = False
    try:
        if not todo:
            pass
        elif scheduler is not None:
            _run_dask(plan, mode, todo, scheduler, store)
        elif n_workers == 1:
            w = _worker_for(plan, mode)
            for c in todo:
                store(c, w.run_chunk(c))
        else:
            _run_processes(plan, mode, todo, n_workers, store)
    except KeyboardInterrupt:
        interrupted = True
    seconds = time.perf_counter() - started

    table = read_parts(out_dir)
    files: list[Path] = []
    summary: dict[str, Any] = {}
    flips = pd.DataFrame()
    if not interrupted:
        table_path = out_dir / TABLE
        _atomic_parquet(table, table_path)
        files.append(table_path)
        if csv:
            files.append(_atomic_csv(table, out_dir / "draws.csv"))
        flips = grid_flips(table, [a.column for a in plan.spec.grid])
        summary = summarize(table, plan.manifest(), pattern=core, flips=flips)
        summary["run"] = {
            "computed": counter["computed"],
            "seconds": round(seconds, 3),
            "workers": n_workers,
            "scheduler": None if scheduler is None else str(_address(scheduler)),
        }
        files.append(out_dir / SUMMARY)
        _atomic_text(out_dir / SUMMARY, json.dumps(_jsonable(summary), indent=2) + "\n")
        if plan.spec.grid:
            files.append(_atomic_csv(flips, out_dir / FLIPS))
    return SweepRun(
        out=out_dir,
        table=table,
        summary=summary,
        flips=flips,
        total=plan.total,
        computed=counter["computed"],
        seconds=seconds,
        workers=n_workers,
        files=files,
        interrupted=interrupted,
        steady=_steady_rate(stamps),
    )


def _steady_rate(stamps: list[tuple[float, int]]) -> float:
    """Draws per second after the first part (worker start-up left out)."""
    if len(stamps) < 2:
        return math.nan
    (t0, n0), (t1, n1) = stamps[0], stamps[-1]
    return (n1 - n0) / (t1 - t0) if t1 > t0 else math.nan


def _atomic_csv(df: pd.DataFrame, path: Path) -> Path:
    _atomic_text(path, df.to_csv(index=False, lineterminator="\n"))
    return path


def _address(scheduler: Any) -> Any:
    return getattr(scheduler, "scheduler_address", None) or getattr(
        getattr(scheduler, "scheduler", None), "address", None
    ) or scheduler


def _check_pattern(plan: SweepPlan, pattern: Sequence[str] | None) -> list[str] | None:
    if not pattern:
        return None
    known = [i for i, _ in plan.expectations]
    ids = [p.strip() for p in pattern if p.strip()]
    unknown = [i for i in ids if i not in known]
    if unknown:
        msg = (
            f"--pattern: unknown expectation {', '.join(map(repr, unknown))} "
            f"(known: {', '.join(known) or 'none'})"
        )
        raise SweepError(msg)
    return ids


def _run_processes(
    plan: SweepPlan,
    mode: str,
    todo: list[int],
    n_workers: int,
    store: Callable[[int, list[dict[str, Any]]], None],
) -> None:
    """Chunks on local worker processes (spawned; each builds its model once).

    Until the first worker has finished a chunk (they need a second or two to start: a new
    interpreter, imports, the first build), this process solves chunks from the end of the
    queue itself. Which process solves a draw does not change its result.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=n_workers, mp_context=ctx, initializer=_init_process, initargs=(plan, mode)
    )
    try:
        # Keep a few chunks queued per worker (not all: an interrupt then loses little).
        queue = list(todo)
        running: set[Any] = set()
        helping = True
        while queue or running:
            while queue and len(running) < 2 * n_workers:
                running.add(pool.submit(_process_chunk, None, mode, queue.pop(0)))
            if helping and queue and not wait(running, timeout=0).done:
                c = queue.pop()
                store(c, _worker_for(plan, mode).run_chunk(c))
                continue
            helping = False
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                try:
                    c, records = fut.result()
                except BrokenProcessPool as exc:
                    msg = (
                        f"a sweep worker process died ({exc}); a script that runs a sweep on "
                        "worker processes needs the  if __name__ == '__main__':  guard"
                    )
                    raise GpnoptError(msg) from exc
                store(c, records)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _run_dask(
    plan: SweepPlan,
    mode: str,
    todo: list[int],
    scheduler: Any,
    store: Callable[[int, list[dict[str, Any]]], None],
) -> None:
    """Chunks on a Dask distributed cluster (``scheduler``: an address or a Client)."""
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - a declared dependency
        msg = "--scheduler needs the distributed package (pip install 'dask[distributed]')"
        raise SweepError(msg) from None
    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, set_as_default=False, timeout="20s") if own else scheduler
    except (OSError, TimeoutError, ValueError) as exc:
        msg = f"--scheduler {scheduler}: cannot connect ({exc})"
        raise GpnoptError(msg) from None
    try:
        plan_f = client.scatter(plan, broadcast=True, hash=False)
        tag = plan.digest[:12]
        futures = [
            client.submit(
                _process_chunk, plan_f, mode, c, key=f"gpnopt-sweep-{tag}-{c}-{uuid.uuid4().hex[:8]}"
            )
            for c in todo
        ]
        try:
            for fut in as_completed(futures, loop=client.loop):
                try:
                    c, records = fut.result()
                except Exception as exc:
                    msg = (
                        f"a sweep task failed on the Dask cluster: {exc!r} (do the workers "
                        "have gpnopt and its dependencies installed?)"
                    )
                    raise GpnoptError(msg) from exc
                store(c, records)
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        if own:
            client.close()


# --- summary ----------------------------------------------------------------------------------


def _stats(values: pd.Series) -> dict[str, float]:
    v = values.dropna().astype(float)
    if v.empty:
        return {"mean": math.nan, "std": math.nan, "min": math.nan, "p5": math.nan,
                "p50": math.nan, "p95": math.nan, "max": math.nan}
    return {
        "mean": float(v.mean()),
        "std": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
        "min": float(v.min()),
        "p5": float(v.quantile(0.05)),
        "p50": float(v.quantile(0.5)),
        "p95": float(v.quantile(0.95)),
        "max": float(v.max()),
    }


def summarize(
    table: pd.DataFrame,
    manifest: Mapping[str, Any],
    *,
    pattern: Sequence[str] | None = None,
    flips: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Shares and distributions over the solved draws of a sweep table.

    Returns a dict: ``draws``, ``solved``, ``status`` (count by status), ``pattern``
    (share of solved draws in which every expectation holds), ``core_pattern`` (the ids of
    ``pattern`` and their joint share, when given), ``expectations`` (id, description,
    share), ``roles`` (plant -> role -> share), ``profits`` (objective and each firm: mean,
    std, min, p5, p50, p95, max), ``decisions`` (line, in-house and open columns that are
    not the same in every solved draw, with the share in which they are 1), and for grids
    ``points`` (each point's values, draws and pattern share) and ``flips`` (counted by
    parameter, interval, column and change).
    """
    import pandas as pd

    n = len(table)
    solved = table[table["status"].isin(SOLVED)] if n else table
    ns = len(solved)

    def share(col: str) -> float:
        if ns == 0 or col not in solved:
            return math.nan
        return float(solved[col].astype("boolean").fillna(False).astype(bool).mean())

    out: dict[str, Any] = {
        "instance": manifest["spec"]["instance"],
        "scenario": manifest["spec"].get("scenario") or "base",
        "draws": n,
        "solved": ns,
        "status": {str(k): int(v) for k, v in table["status"].value_counts().sort_index().items()} if n else {},
        "pattern": share("pattern"),
    }
    if pattern:
        if ns:
            joint = solved[[f"holds.{i}" for i in pattern]].astype("boolean").fillna(False).all(axis=1)
            out["core_pattern"] = {"ids": list(pattern), "share": float(joint.mean())}
        else:
            out["core_pattern"] = {"ids": list(pattern), "share": math.nan}
    out["expectations"] = [
        {"id": e["id"], "description": e["description"], "share": share(f"holds.{e['id']}")}
        for e in manifest.get("expectations", [])
    ]
    roles: dict[str, dict[str, float]] = {}
    for p in manifest.get("plants", []):
        col = f"role.{p}"
        if col in solved and ns:
            counts = solved[col].value_counts()
            roles[p] = {str(k): float(v) / ns for k, v in counts.items()}
    out["roles"] = roles
    profits = {"objective": _stats(solved["objective"]) if ns else _stats(pd.Series(dtype=float))}
    for f in manifest.get("firms", []):
        col = f"profit.{f}"
        profits[f] = _stats(solved[col]) if col in solved else _stats(pd.Series(dtype=float))
    out["profits"] = profits
    decisions = []
    for col in table.columns:
        if not col.startswith(("line.", "in_house.", "open.")) or not ns:
            continue
        s = float(solved[col].astype(float).mean())
        if 0.0 < s < 1.0:
            decisions.append({"column": col, "share": s})
    out["decisions"] = decisions
    grid_cols = list(manifest.get("grid_columns", []))
    if grid_cols and n:
        pts = []
        for point, g in table.groupby("point", sort=True):
            gs = g[g["status"].isin(SOLVED)]
            pts.append({
                "point": int(point),
                **{c: _plain(g[c].iloc[0]) for c in grid_cols},
                "draws": len(g),
                "solved": len(gs),
                "pattern": float(gs["pattern"].astype("boolean").fillna(False).astype(bool).mean()) if len(gs) else math.nan,
            })
        out["points"] = pts
        if flips is None:
            flips = grid_flips(table, grid_cols)
        if flips.empty:
            out["flips"] = []
        else:
            keys = ["parameter", "from_value", "to_value", "column", "before", "after"]
            agg = flips.groupby(keys, sort=False, dropna=False).size().reset_index(name="count")
            # by axis, then along the axis (the order of its values), then most frequent first
            position = {
                (a.column, _plain(float(v) if a.numeric else _scalar_text(v))): j
                for a in (GridAxis.parse(t) for t in manifest["spec"]["grid"])
                for j, v in enumerate(a.values)
            }
            agg["_axis"] = agg["parameter"].map({c: j for j, c in enumerate(grid_cols)})
            agg["_at"] = [position.get((p, _plain(v)), 0)
                          for p, v in zip(agg["parameter"], agg["from_value"], strict=True)]
            agg = agg.sort_values(["_axis", "_at", "count"], ascending=[True, True, False],
                                  kind="stable").drop(columns=["_axis", "_at"])
            out["flips"] = [{k: _plain(v) for k, v in r.items()} for r in agg.to_dict("records")]
    return out


def _plain(v: Any) -> Any:
    """A JSON-friendly scalar."""
    if v is None or repr(v) == "<NA>":
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    return _plain(x)


def grid_flips(table: pd.DataFrame, grid_columns: Sequence[str]) -> pd.DataFrame:
    """Where decisions change between neighbouring values of a grid axis.

    For each axis, the draws that differ only in that axis's value (same sample, same values
    of the other axes) are walked in the axis's order; every column of a decision or
    outcome (``status``, ``pattern``, and those starting with :data:`DECISION_PREFIXES`) whose
    value differs between two neighbouring values is a flip.

    Returns:
        One row per flip: parameter (the axis's column), from_value, to_value (the values
        between which it flips), column, before, after, sample, at (the other axes' values,
        ``;``-joined).
    """
    import pandas as pd

    cols = ["parameter", "from_value", "to_value", "column", "before", "after", "sample", "at"]
    if not grid_columns or table.empty:
        return pd.DataFrame(columns=cols)
    watch = ["status", "pattern"] + [c for c in table.columns if c.startswith(DECISION_PREFIXES)]
    rows = []
    ordered = table.sort_values("draw", kind="stable")
    for axis in grid_columns:
        others = [c for c in grid_columns if c != axis]
        keys = ["sample", *others]
        for key, g in ordered.groupby(keys, sort=True, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            g = g.sort_values("point", kind="stable")  # the axis's order (mixed radix)
            at = ";".join(f"{c}={_plain(v)}" for c, v in zip(others, key[1:], strict=True))
            recs = g[[axis, *watch]].to_dict("records")
            for a, b in itertools.pairwise(recs):
                for c in watch:
                    va, vb = _text(a[c]), _text(b[c])
                    if va != vb:
                        rows.append({
                            "parameter": axis, "from_value": _plain(a[axis]),
                            "to_value": _plain(b[axis]), "column": c, "before": va,
                            "after": vb, "sample": int(key[0]), "at": at,
                        })
    df = pd.DataFrame(rows, columns=cols)
    for c in ("from_value", "to_value"):
        df[c] = df[c].astype(object)
    return df


def _text(v: Any) -> str:
    """A decision's value as text (``""`` when missing), so 1 and True stay apart."""
    v = _plain(v)
    return "" if v is None else str(v)
