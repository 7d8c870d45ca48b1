"""Sweep specifications: perturbations, grid axes and the whole spec, parsed and checked.

A :class:`Perturbation` (``PATTERN:DIST:SCALE[:shared]``) multiplies the numbers whose dotted
YAML path matches a pattern by random factors; a :class:`GridAxis` (``PATH=v1,v2,...``) sets
them to each value in turn; a :class:`SweepSpec` holds everything that determines a sweep's
table. Bad texts raise :class:`SweepError`. No pandas, no Pyomo.
"""

from __future__ import annotations

import math
import os
import random
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from gpnopt.errors import GpnoptError

DISTRIBUTIONS = ("uniform", "normal", "lognormal")
"""Noise distributions of a perturbation (multiplicative factors)."""

FORESIGHTS = ("perfect", "myopic")
"""The values of ``foresight`` (those of :mod:`gpnopt.solver.horizon`; the spec imports no
solver)."""

SOLVERS = ("highs", "scip", "gurobi", "cplex", "cbc")
"""The values of ``solver`` (those of :mod:`gpnopt.solver.interfaces`, which says whether one
is installed when the sweep starts)."""

DEFAULT_PERTURBATIONS = ("*cost*:uniform:0.2", "*price*:uniform:0.2")
"""Perturbations of ``--samples`` without ``--perturb``: every cost and price +-20%, each
number on its own (the convention of ``benchmarks/robustness.py``)."""


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


WILDCARD = re.compile(r"[*?\[]")
"""A pattern character of fnmatch: the path is a pattern, not an exact place."""
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
        vals = ",".join(("x" if self.scale else "") + scalar_text(v) for v in self.values)
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


def scalar_text(v: Any) -> str:
    """A grid value as text that reads back as the same value (the canonical form)."""
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
        allow_imports_outside: let ``imports`` name files outside the instance's folder
            (:func:`gpnopt.load`); recorded in the manifest only when true, so that older
            sweep folders keep their names.
        foresight: ``perfect`` or ``myopic`` for a multi-period instance (``None``: the
            solver's default, perfect); recorded in the manifest only when given.
        solver: ``highs`` (``None`` too) or another of :data:`SOLVERS`; another solver
            solves each draw afresh (the ``rebuild`` mode); recorded in the manifest only
            when given.
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
    allow_imports_outside: bool = False
    foresight: str | None = None
    solver: str | None = None

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
        allow_imports_outside: bool = False,
        foresight: str | None = None,
        solver: str | None = None,
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
        if foresight is not None and foresight not in FORESIGHTS:
            msg = f"--foresight {foresight!r}: use {' or '.join(FORESIGHTS)}"
            raise SweepError(msg)
        if solver is not None and solver not in SOLVERS:
            msg = f"--solver {solver!r}: use one of {', '.join(SOLVERS)}"
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
            allow_imports_outside=bool(allow_imports_outside),
            foresight=foresight,
            solver=solver,
        )

    def as_dict(self) -> dict[str, Any]:
        """The spec as plain data (the manifest's ``spec``)."""
        d = asdict(self)
        d["scenario_files"] = list(self.scenario_files)
        d["perturb"] = [p.text for p in self.perturb]
        d["grid"] = [a.text for a in self.grid]
        if not self.allow_imports_outside:
            del d["allow_imports_outside"]  # the folder name of every older sweep stays
        if self.foresight is None:
            del d["foresight"]  # likewise
        if self.solver is None:
            del d["solver"]  # likewise
        return d

