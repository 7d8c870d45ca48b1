"""Global sensitivity: which numbers, grouped by where they come from, move which conclusion.

A study varies every number a range covers (by default every cost and price, +-20%, as the
sweep) and asks SALib which group of them moves each conclusion of the instance: every
expectation, the objective, each firm's profit and each plant's specialization indices.
Groups are the numbers' provenance kinds (``case``, ``source``, ``assumed``, ``unstated``:
:mod:`gpnopt.provenance`), their families (:data:`FAMILIES`) or the numbers one by one. An
output whose effect comes mostly from assumed numbers is flagged: that conclusion rests on
the modeller's choices rather than on the case or a statistic.

The pieces, in order: :mod:`~gpnopt.sensitivity.spec` (the study),
:mod:`~gpnopt.sensitivity.design` (the numbers, their groups and SALib's sample, Morris or
Sobol'), the sweep's machinery (:mod:`gpnopt.sweep`: the sample's rows as a preset
:class:`gpnopt.sweep.Design`, solved by persistent workers, local processes or Dask, in
resumable parts), :mod:`~gpnopt.sensitivity.indices` (SALib's analysis, the ranking, the
flags) and :mod:`~gpnopt.sensitivity.run` (:func:`run_sensitivity` and the folder).
``docs/uncertainty.md`` ("Global sensitivity") says how to read the figures.
"""

from __future__ import annotations

from gpnopt.sensitivity.design import WEAK, Factor, StudyDesign, kind_counts, make_design
from gpnopt.sensitivity.indices import WEAK_SHARE, conclusions, indices, outputs
from gpnopt.sensitivity.run import SensitivityRun, default_out, run_sensitivity
from gpnopt.sensitivity.spec import (
    DEFAULT_SAMPLES,
    FAMILIES,
    GROUPINGS,
    METHODS,
    SensitivitySpec,
    family_of,
    group_of,
)

__all__ = [
    "DEFAULT_SAMPLES",
    "FAMILIES",
    "GROUPINGS",
    "METHODS",
    "WEAK",
    "WEAK_SHARE",
    "Factor",
    "SensitivityRun",
    "SensitivitySpec",
    "StudyDesign",
    "conclusions",
    "default_out",
    "family_of",
    "group_of",
    "indices",
    "kind_counts",
    "make_design",
    "outputs",
    "run_sensitivity",
]
