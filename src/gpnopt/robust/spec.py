"""The robust-design specification: samples, replications, evaluation draws, first stage, risk.

:class:`RobustSpec` holds everything that determines a robust-design run; bad texts (a
``--risk`` or ``--first-stage`` that does not parse, counts out of range) raise
:class:`RobustError` (CLI exit 2). The noise is the sweep's
(:class:`gpnopt.sweep.Perturbation`, default :data:`gpnopt.sweep.DEFAULT_PERTURBATIONS`).
No pandas, no Pyomo.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gpnopt.model.stochastic import FIRST_STAGE_FAMILIES
from gpnopt.sweep import DEFAULT_PERTURBATIONS, Perturbation, SweepError


class RobustError(SweepError):
    """A robust-design specification is wrong (bad ``--risk``, ``--first-stage``, counts, a
    perturbation pattern matching nothing). The CLI exits with code 2."""


@dataclass(frozen=True)
class Risk:
    """A CVaR term of the objective: (1 - weight) * E[profit] + weight * CVaR_alpha(profit).

    Attributes:
        alpha: confidence level in (0, 1): CVaR is the expected profit in the worst
            (1 - alpha) share of the scenarios.
        weight: the CVaR's weight in [0, 1] (1: CVaR alone).
    """

    alpha: float
    weight: float

    @classmethod
    def parse(cls, text: str) -> Risk:
        """Read ``cvar:ALPHA:WEIGHT`` (e.g. ``cvar:0.9:0.5``).

        Raises:
            RobustError: another form, alpha outside (0, 1) or weight outside [0, 1].
        """
        where = f"--risk {text!r}"
        parts = text.strip().split(":")
        if len(parts) != 3 or parts[0].lower() != "cvar":
            msg = (f"{where}: write cvar:ALPHA:WEIGHT, e.g. 'cvar:0.9:0.5' (the expected "
                   "profit of the worst 10% of scenarios, weighted 50%)")
            raise RobustError(msg)
        try:
            alpha, weight = float(parts[1]), float(parts[2])
        except ValueError:
            msg = f"{where}: ALPHA and WEIGHT must be numbers"
            raise RobustError(msg) from None
        if not (math.isfinite(alpha) and 0 < alpha < 1):
            msg = f"{where}: ALPHA is a confidence level strictly between 0 and 1"
            raise RobustError(msg)
        if not (math.isfinite(weight) and 0 <= weight <= 1):
            msg = f"{where}: WEIGHT must lie in [0, 1]"
            raise RobustError(msg)
        return cls(alpha, weight)

    @property
    def text(self) -> str:
        """The term as written (canonical form)."""
        return f"cvar:{self.alpha:g}:{self.weight:g}"


def parse_families(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """The first-stage families of ``--first-stage`` (comma-separated; ``None``: all), in
    the order of :data:`gpnopt.model.stochastic.FIRST_STAGE_FAMILIES`.

    Raises:
        RobustError: an unknown family, or none given.
    """
    if text is None:
        return tuple(FIRST_STAGE_FAMILIES)
    items = text.split(",") if isinstance(text, str) else list(text)
    names = [t.strip() for t in items if t.strip()]
    known = list(FIRST_STAGE_FAMILIES)
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        msg = (f"--first-stage {','.join(names)!r}: "
               + (f"unknown famil{'ies' if len(unknown) > 1 else 'y'} "
                  f"{', '.join(map(repr, unknown))}; " if unknown else "give a family; ")
               + f"use a comma-separated list of {', '.join(known)}")
        raise RobustError(msg)
    return tuple(f for f in known if f in names)


@dataclass(frozen=True)
class RobustSpec:
    """Everything that determines a robust-design run.

    Attributes:
        instance: the instance file.
        scenario: scenario or override names (comma-separated) applied first.
        scenario_files: files with more overrides and scenarios.
        samples: N, scenarios per replication (the sample average approximation's size).
        replications: M, independent samples of size N (the optimistic bound's spread).
        evaluate: K, fresh draws on which the candidate designs are evaluated.
        perturb: the noise (the sweep's language; default every cost and price +-20%).
        first_stage: the first-stage families.
        risk: the CVaR term, or ``None`` (expected profit).
        seed: the random seed.
        mip_gap: relative MIP gap of each extensive form and evaluation (default 1e-4; the
            optimistic bound uses HiGHS's dual bound, so it stays valid).
        time_limit: seconds per solve.
        wait_and_see: solve every evaluation draw on its own too (the EVPI).
        allow_imports_outside: as for :func:`gpnopt.load`.
    """

    instance: str
    scenario: str | None = None
    scenario_files: tuple[str, ...] = ()
    samples: int = 50
    replications: int = 10
    evaluate: int = 500
    perturb: tuple[Perturbation, ...] = ()
    first_stage: tuple[str, ...] = tuple(FIRST_STAGE_FAMILIES)
    risk: Risk | None = None
    seed: int = 0
    mip_gap: float = 1e-4
    time_limit: float | None = None
    wait_and_see: bool = True
    allow_imports_outside: bool = False

    @classmethod
    def build(
        cls,
        instance: str | Path,
        *,
        samples: int,
        replications: int = 10,
        evaluate: int = 500,
        perturb: Iterable[str | Perturbation] = (),
        first_stage: str | Iterable[str] | None = None,
        risk: str | Risk | None = None,
        scenario: str | None = None,
        scenario_files: Iterable[str | Path] = (),
        seed: int = 0,
        mip_gap: float | None = None,
        time_limit: float | None = None,
        wait_and_see: bool = True,
        allow_imports_outside: bool = False,
    ) -> RobustSpec:
        """A spec from command-line-like texts, checked.

        Raises:
            RobustError: a text is malformed or a count is out of range.
        """
        for name, value, low in (("--samples", samples, 1), ("--replications", replications, 1),
                                 ("--evaluate", evaluate, 2)):
            if int(value) < low:
                msg = f"{name} {value}: must be at least {low}"
                raise RobustError(msg)
        try:
            specs = tuple(p if isinstance(p, Perturbation) else Perturbation.parse(p)
                          for p in perturb)
        except SweepError as exc:
            raise RobustError(str(exc)) from None
        if not specs:
            specs = tuple(Perturbation.parse(p) for p in DEFAULT_PERTURBATIONS)
        if mip_gap is not None and mip_gap < 0:
            msg = "--mip-gap must not be negative"
            raise RobustError(msg)
        if time_limit is not None and time_limit <= 0:
            msg = "--time-limit must be positive"
            raise RobustError(msg)
        return cls(
            instance=os.path.normpath(str(instance)),
            scenario=scenario or None,
            scenario_files=tuple(str(f) for f in scenario_files),
            samples=int(samples),
            replications=int(replications),
            evaluate=int(evaluate),
            perturb=specs,
            first_stage=parse_families(first_stage),
            risk=risk if isinstance(risk, Risk) or risk is None else Risk.parse(risk),
            seed=int(seed),
            mip_gap=1e-4 if mip_gap is None else float(mip_gap),
            time_limit=time_limit,
            wait_and_see=bool(wait_and_see),
            allow_imports_outside=bool(allow_imports_outside),
        )

    def as_dict(self) -> dict[str, Any]:
        """The spec as plain data (``summary.json``'s ``spec``)."""
        d = asdict(self)
        d["scenario_files"] = list(self.scenario_files)
        d["perturb"] = [p.text for p in self.perturb]
        d["first_stage"] = list(self.first_stage)
        d["risk"] = None if self.risk is None else self.risk.text
        return d
