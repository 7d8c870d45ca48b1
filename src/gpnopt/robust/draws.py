"""The scenarios of a robust-design run: the sweep's seeded draws of the raw mapping.

A :class:`RobustPlan` wraps a sweep plan (:func:`gpnopt.sweep.make_plan`) of
``M * N + K`` Monte Carlo draws of the spec's perturbations, with the sweep's seeding (a
draw's numbers depend on the seed, the draw and the perturbation only, never on the worker):
replication r owns draws ``r*N .. r*N+N-1``, the evaluation draw j is draw ``M*N + j``.
Every draw's instance is made by the sweep's own :class:`gpnopt.sweep.Worker`
(:meth:`~gpnopt.sweep.Worker.apply_draw`, ``build_instance``, ``restore``). The mean-value
scenario multiplies every perturbed number by its factor's mean (1 for ``uniform`` and
``normal``, exp(s^2/2) for ``lognormal``).
"""

from __future__ import annotations

import copy
import math
import threading
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gpnopt.errors import GpnoptWarning, InstanceError
from gpnopt.horizon_data import refuse_periods
from gpnopt.robust.spec import RobustError, RobustSpec
from gpnopt.sweep import SweepError, SweepPlan, SweepSpec, Worker, get_place, make_plan

if TYPE_CHECKING:
    from gpnopt.schema import Instance
    from gpnopt.sweep import Perturbation


@dataclass
class RobustPlan:
    """A checked spec with its sweep plan (what every worker receives).

    Attributes:
        spec: the robust spec.
        sweep: the sweep plan of the ``M * N + K`` draws (its ``firms``, ``plants`` and
            ``expectations`` are the base instance's).
    """

    spec: RobustSpec
    sweep: SweepPlan

    def replication_draws(self, r: int) -> range:
        """The draws of replication ``r``."""
        n = self.spec.samples
        return range(r * n, (r + 1) * n)

    def evaluation_draws(self) -> range:
        """The draws of the evaluation sample."""
        start = self.spec.samples * self.spec.replications
        return range(start, start + self.spec.evaluate)


def make_robust_plan(spec: RobustSpec) -> RobustPlan:
    """Check ``spec`` against its instance (as :func:`gpnopt.sweep.make_plan` does).

    Raises:
        InstanceError: the instance or scenario is invalid, has periods, or its objective
            is not the alliance's (CLI exit 1).
        RobustError: a perturbation pattern matches no number (CLI exit 2).
    """
    sweep_spec = SweepSpec.build(
        spec.instance,
        samples=spec.samples * spec.replications + spec.evaluate,
        perturb=spec.perturb,
        scenario=spec.scenario,
        scenario_files=spec.scenario_files,
        seed=spec.seed,
        mip_gap=spec.mip_gap,
        time_limit=spec.time_limit,
        allow_imports_outside=spec.allow_imports_outside,
    )
    try:
        plan = make_plan(sweep_spec)
    except SweepError as exc:
        raise RobustError(str(exc)) from None
    base = _base_instance(plan)
    refuse_periods(base, "gpnopt robust")
    if base.objective.mode != "alliance":
        msg = (f"{spec.instance}: objective: robust design maximises the alliance's expected "
               f"profit; the instance's objective is {base.objective.mode!r}")
        raise InstanceError(msg)
    return RobustPlan(spec, plan)


def _base_instance(plan: SweepPlan) -> Instance:
    from gpnopt.io import instance_from_dict

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GpnoptWarning)
        return instance_from_dict(copy.deepcopy(plan.raw), name=plan.name)


_local = threading.local()
"""One sweep worker per plan and thread (its private copy of the raw mapping, which a
draw changes and restores: threads of one Dask worker must not share it)."""


def _worker(plan: RobustPlan) -> Worker:
    key = plan.sweep.digest + repr(plan.spec.as_dict())
    if getattr(_local, "key", None) != key:
        _local.worker, _local.key = Worker(plan.sweep, mode="fresh"), key
    return _local.worker


def draw_instance(plan: RobustPlan, draw: int) -> Instance:
    """The instance of draw ``draw`` (the sweep's numbers for that draw).

    Raises:
        InstanceError: the drawn numbers make the instance invalid.
    """
    w = _worker(plan)
    undo = w.apply_draw(draw)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GpnoptWarning)
            return w.build_instance()
    finally:
        w.restore(undo)


def factor_mean(p: Perturbation) -> float:
    """The mean of a perturbation's factor (the truncation of ``normal`` at 0 ignored)."""
    return math.exp(p.scale**2 / 2) if p.distribution == "lognormal" else 1.0


def mean_instance(plan: RobustPlan) -> Instance:
    """The mean-value scenario: every perturbed number times its factor's mean."""
    raw = copy.deepcopy(plan.sweep.raw)
    for p, places in zip(plan.spec.perturb, plan.sweep.perturb_places, strict=True):
        f = factor_mean(p)  # a number two patterns match gets both factors, as in a draw
        for place in places:
            parent = get_place(raw, place[:-1])
            parent[place[-1]] = parent[place[-1]] * f
    from gpnopt.io import instance_from_dict

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GpnoptWarning)
        return instance_from_dict(raw, name=plan.sweep.name)
