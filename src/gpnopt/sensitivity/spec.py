"""What a sensitivity study is: the method, the samples, the grouping and the ranges.

:class:`SensitivitySpec` holds everything that determines a study's design and so its
folder. :func:`group_of` puts a number in its group: its provenance kind
(:mod:`gpnopt.provenance`), its family (:data:`FAMILIES`) or its own path. Bad texts raise
:class:`gpnopt.sweep.SweepError` (the CLI's usage error). No pandas, no SALib, no Pyomo.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gpnopt.provenance import dotted
from gpnopt.sweep import DEFAULT_PERTURBATIONS, Perturbation, SweepError, SweepSpec

METHODS = ("morris", "sobol")
"""SALib methods: Morris screening (elementary effects) and Sobol' indices (variance)."""

GROUPINGS = ("provenance", "family", "path")
"""How numbers are grouped: by provenance kind, by family (:data:`FAMILIES`), one by one."""

DEFAULT_SAMPLES = {"morris": 10, "sobol": 64}
"""SALib's ``N`` when none is given: Morris trajectories, Sobol' base samples."""

FAMILIES: tuple[tuple[str, str], ...] = (
    ("plants.*.lines.*cost*", "line costs"),
    ("plants.*.components.*cost*", "make costs"),
    ("plants.*cost*", "plant costs"),
    ("suppliers.*price*", "supplier prices"),
    ("components.*price*", "transfer prices"),
    ("markets.*price*", "market prices"),
    ("markets.*quantity*", "demand quantities"),
    ("channels.*cost*", "channel costs"),
    ("channels.*rate*", "channel margins"),
    ("purchasing_offices.*cost*", "office costs"),
    ("trade.transport.*", "transport costs"),
    ("trade.tariffs.*", "tariffs"),
)
"""A number's family: the first pattern its dotted path matches (fnmatch, ``*`` crosses
dots); any other number is in the family ``SECTION KEY`` (``plants assembly_capacity``)."""


def family_of(path: str) -> str:
    """The family of a dotted path (:data:`FAMILIES`)."""
    for pattern, family in FAMILIES:
        if fnmatch.fnmatchcase(path, pattern):
            return family
    parts = path.split(".")
    leaf = next((p for p in reversed(parts) if not p.isdigit()), parts[-1])
    return f"{parts[0]} {leaf}" if len(parts) > 1 else parts[0]


def group_of(place: tuple[Any, ...], grouping: str, kind: str) -> str:
    """The group of the number at ``place`` whose provenance kind is ``kind``."""
    if grouping == "provenance":
        return kind
    if grouping == "family":
        return family_of(dotted(place))
    return dotted(place)


@dataclass(frozen=True)
class SensitivitySpec:
    """Everything that determines a sensitivity study's design and table.

    Attributes:
        instance: the instance file.
        method: ``morris`` or ``sobol`` (:data:`METHODS`).
        samples: SALib's ``N``: Morris trajectories (``N * (groups + 1)`` solves) or
            Sobol' base samples, a power of 2 (``N * (groups + 2)`` solves, first and total
            order).
        group: ``provenance``, ``family`` or ``path`` (:data:`GROUPINGS`).
        perturb: the numbers and their ranges, ``PATTERN:uniform:a`` (each matched number
            ranges over [1-a, 1+a] times its value; default +-20% on costs and prices).
        levels: Morris grid levels (even; SALib's default 4).
        scenario, scenario_files, objective, mip_gap, time_limit, allow_imports_outside:
            as in :class:`gpnopt.sweep.SweepSpec`.
        seed: SALib's seed (the design is the same for the same seed).
    """

    instance: str
    method: str = "morris"
    samples: int = 10
    group: str = "provenance"
    perturb: tuple[Perturbation, ...] = ()
    levels: int = 4
    scenario: str | None = None
    scenario_files: tuple[str, ...] = ()
    objective: str | None = None
    seed: int = 0
    mip_gap: float | None = None
    time_limit: float | None = None
    allow_imports_outside: bool = False

    @classmethod
    def build(
        cls,
        instance: str | Path,
        *,
        method: str = "morris",
        samples: int | None = None,
        group: str = "provenance",
        perturb: Iterable[str | Perturbation] = (),
        levels: int = 4,
        scenario: str | None = None,
        scenario_files: Iterable[str | Path] = (),
        objective: str | None = None,
        seed: int = 0,
        mip_gap: float | None = None,
        time_limit: float | None = None,
        allow_imports_outside: bool = False,
    ) -> SensitivitySpec:
        """A spec from command-line-like texts, checked.

        Raises:
            SweepError: an unknown method or grouping, a bad sample count or range.
        """
        if method not in METHODS:
            msg = f"--method {method!r}: use {' or '.join(METHODS)}"
            raise SweepError(msg)
        if group not in GROUPINGS:
            msg = f"--group {group!r}: use {', '.join(GROUPINGS)}"
            raise SweepError(msg)
        n = DEFAULT_SAMPLES[method] if samples is None else int(samples)
        if n < 2:
            msg = f"--samples {n}: give at least 2 (SALib's N: Morris trajectories, Sobol' base samples)"
            raise SweepError(msg)
        if method == "sobol" and n & (n - 1):
            msg = f"--samples {n}: Sobol' samples must be a power of 2 (e.g. 32, 64, 128)"
            raise SweepError(msg)
        if method == "morris" and (levels < 2 or levels % 2):
            msg = f"--levels {levels}: Morris needs an even number of levels (4 is usual)"
            raise SweepError(msg)
        specs = tuple(p if isinstance(p, Perturbation) else Perturbation.parse(p)
                      for p in (tuple(perturb) or DEFAULT_PERTURBATIONS))
        for p in specs:
            if p.distribution != "uniform" or p.shared:
                msg = (
                    f"--perturb {p.text!r}: a sensitivity study varies each number over a "
                    "range on its own: write PATTERN:uniform:a (no normal, lognormal or shared)"
                )
                raise SweepError(msg)
        return cls(
            instance=os.path.normpath(str(instance)), method=method, samples=n, group=group,
            perturb=specs, levels=int(levels), scenario=scenario or None,
            scenario_files=tuple(str(f) for f in scenario_files), objective=objective,
            seed=int(seed), mip_gap=mip_gap, time_limit=time_limit,
            allow_imports_outside=bool(allow_imports_outside),
        )

    def sweep_spec(self, draws: int) -> SweepSpec:
        """The sweep that solves the design's ``draws`` rows (its checks apply too)."""
        return SweepSpec.build(
            self.instance, samples=draws, perturb=self.perturb, scenario=self.scenario,
            scenario_files=self.scenario_files, objective=self.objective, seed=self.seed,
            mip_gap=self.mip_gap, time_limit=self.time_limit,
            allow_imports_outside=self.allow_imports_outside,
        )

    def as_dict(self) -> dict[str, Any]:
        """The spec as plain data (JSON lists, no tuples)."""
        d = asdict(self)
        d["perturb"] = [p.text for p in self.perturb]
        d["scenario_files"] = list(self.scenario_files)
        return d
