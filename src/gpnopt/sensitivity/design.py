"""The design of a sensitivity study: the numbers, their groups and SALib's sample.

:func:`make_design` resolves the ranges' patterns on the instance (through the sweep's own
plan, so the patterns, the scenario and every error are the sweep's), gives each number its
provenance kind and group, and draws SALib's sample (``SALib.sample.morris`` or
``SALib.sample.sobol``) of multipliers: one column per number, one row per solve. The rows
become a :class:`gpnopt.sweep.Design`, which the sweep's workers apply to the raw mapping.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from gpnopt.provenance import KINDS, UNSTATED, dotted, number_kinds
from gpnopt.sensitivity.spec import SensitivitySpec, group_of
from gpnopt.sweep import Design, Place, SweepPlan, make_plan

WEAK = frozenset({"assumed", UNSTATED})
"""Kinds a conclusion should not rest on: assumed numbers and numbers nobody vouches for."""


@dataclass
class Factor:
    """One number of the study.

    Attributes:
        place: where it is in the instance mapping.
        path: the dotted path.
        kind: its provenance kind (:data:`gpnopt.provenance.KINDS` or ``unstated``).
        group: its group under the spec's grouping.
        scale: its range's half-width (multiplier in [1-scale, 1+scale]).
        value: its value in the instance (scenario applied).
    """

    place: Place
    path: str
    kind: str
    group: str
    scale: float
    value: float


@dataclass
class StudyDesign:
    """The factors, SALib's problem and the plan the sweep runs (with its design)."""

    factors: list[Factor]
    problem: dict[str, Any]
    plan: SweepPlan

    @property
    def method(self) -> str:
        """``morris`` or ``sobol``."""
        return str(self.plan.design.about["method"])  # type: ignore[union-attr]

    @property
    def groups(self) -> list[str]:
        """The groups in the order SALib reports them (first appearance)."""
        return list(dict.fromkeys(f.group for f in self.factors))

    def weak_share(self, group: str) -> float:
        """The share of a group's numbers that are assumed or unstated (:data:`WEAK`)."""
        members = [f for f in self.factors if f.group == group]
        return sum(f.kind in WEAK for f in members) / len(members) if members else 0.0


def _factors(spec: SensitivitySpec, plan: SweepPlan) -> list[Factor]:
    """Every number a range covers, once (the first pattern that matches sets its range)."""
    kinds = number_kinds(plan.raw)
    seen: dict[Place, Factor] = {}
    for p, places in zip(spec.perturb, plan.perturb_places, strict=True):
        for place in places:
            if place in seen:
                continue
            value = plan.raw
            for key in place:
                value = value[key]
            kind = kinds.get(place, UNSTATED)
            seen[place] = Factor(place, dotted(place), kind, group_of(place, spec.group, kind),
                                 p.scale, float(value))
    return list(seen.values())


def _sample(spec: SensitivitySpec, problem: dict[str, Any]) -> Any:
    """SALib's sample of the problem (a NumPy array, rows = solves)."""
    if spec.method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, spec.samples, num_levels=spec.levels, seed=spec.seed)
    from SALib.sample import sobol

    with warnings.catch_warnings():  # SALib warns about N and skip values it cannot check here
        warnings.simplefilter("ignore", UserWarning)
        return sobol.sample(problem, spec.samples, calc_second_order=False, seed=spec.seed)


def make_design(spec: SensitivitySpec) -> StudyDesign:
    """The study's factors, SALib problem and sample, and the sweep plan that solves it.

    Raises:
        InstanceError: the instance or scenario is invalid.
        SweepError: a range's pattern matches no number.
    """
    probe = make_plan(spec.sweep_spec(1))  # resolves the patterns, checks the instance
    factors = _factors(spec, probe)
    problem = {
        "num_vars": len(factors),
        "names": [f.path for f in factors],
        "bounds": [[1.0 - f.scale, 1.0 + f.scale] for f in factors],
        "groups": [f.group for f in factors],
    }
    x = _sample(spec, problem)
    rows = tuple(tuple(float(v) for v in row) for row in x.tolist())
    plan = make_plan(spec.sweep_spec(len(rows)))
    about = {"method": spec.method, "samples": spec.samples, "group": spec.group,
             "seed": spec.seed, **({"levels": spec.levels} if spec.method == "morris" else {})}
    plan.design = Design(tuple(f.place for f in factors), rows, about)
    return StudyDesign(factors, problem, plan)


def kind_counts(factors: list[Factor]) -> dict[str, int]:
    """How many numbers of the study are of each kind (:data:`KINDS`, then unstated)."""
    return {k: sum(f.kind == k for f in factors) for k in (*KINDS, UNSTATED)}
