"""The sample-average-approximation bounds, from the replications' and evaluations' numbers.

Profit is maximised, so (Mak, Morton and Wood 1999; Santoso et al. 2005, section 3):

* the **optimistic bound** U: the mean of the M replications' SAA optima (HiGHS's dual bound
  of each extensive form, so that a solve stopped at its gap still bounds from above);
  E[U] >= the true optimum. Its spread: the standard deviation across the replications and
  the 95% interval mean +- t(0.975, M-1) * sd / sqrt(M);
* the **pessimistic bound** L: the value of one design (the best candidate) estimated on K
  fresh draws, with its second stage optimised per draw; E[L] <= the true optimum. Risk
  neutral its standard error is sd / sqrt(K); with a CVaR term the value is the sample's
  mean-risk value and the standard error that of :data:`BATCHES` batch values;
* the **gap** U - L, with the interval gap +- sqrt((t_M * se_U)^2 + (t_K * se_L)^2) (the two
  estimates are independent); relative to |L|;
* the **gap of the multiple-replications procedure** (Mak, Morton and Wood 1999): per
  replication m, G_m = U_m - f_m(x), f_m(x) the chosen design x's value on replication m's
  own N draws (its second stage re-optimised; the replication's own value when its design
  is x); E[G_m] >= the true gap of x, and the interval is mean(G) +- t(0.975, M-1) *
  sd(G) / sqrt(M). The common draws cancel most of the sampling noise, so this interval is
  far tighter than that of U - L;
* the **VSS** (value of the stochastic solution) L(robust) - L(mean-value design) and the
  **EVPI** (expected value of perfect information) WS - L(robust), WS the value of the draws'
  own optima; both on the same K draws (common random numbers), with the standard error of
  the paired differences.

No Pyomo; numpy and scipy only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

BATCHES = 10
"""Batches of the evaluation draws whose values give a CVaR term's standard error."""


def _t(n: int) -> float:
    """t(0.975, n-1), NaN for n < 2."""
    if n < 2:
        return math.nan
    from scipy.stats import t

    return float(t.ppf(0.975, n - 1))


def sample_cvar(z: np.ndarray, alpha: float) -> float:
    """CVaR_alpha of equally likely profits ``z``: the mean of the worst (1 - alpha) share
    (eta - mean((eta - z)^+) / (1 - alpha), eta the (1 - alpha) quantile: the extensive
    form's value on the same sample)."""
    s = np.sort(np.asarray(z, dtype=float))
    k = max(1, math.ceil((1 - alpha) * len(s) - 1e-9))
    eta = s[k - 1]
    return float(eta - np.mean(np.maximum(eta - s, 0.0)) / (1 - alpha))


def value_of(z: Sequence[float] | np.ndarray, risk: tuple[float, float] | None) -> float:
    """The objective's value of profits ``z``: their mean, with risk (1-w) mean + w CVaR."""
    arr = np.asarray(z, dtype=float)
    if risk is None:
        return float(np.mean(arr))
    alpha, w = risk
    return float((1 - w) * np.mean(arr) + w * sample_cvar(arr, alpha))


def estimate(z: Sequence[float] | np.ndarray, risk: tuple[float, float] | None) -> dict[str, Any]:
    """The value of profits ``z`` with its standard error and 95% interval."""
    arr = np.asarray(z, dtype=float)
    v = value_of(arr, risk)
    if risk is None:
        n = len(arr)
        se = float(np.std(arr, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    else:
        parts = [p for p in np.array_split(arr, min(BATCHES, len(arr))) if len(p)]
        n = len(parts)
        vals = [value_of(p, risk) for p in parts]
        se = float(np.std(vals, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    h = _t(n) * se
    return {"value": v, "se": se, "ci95": [v - h, v + h], "n": int(len(arr)),
            "t": _t(n)}


def paired(a: np.ndarray, b: np.ndarray, risk: tuple[float, float] | None) -> dict[str, Any]:
    """value(a) - value(b) on the same draws, with the standard error of the differences."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    d = value_of(a, risk) - value_of(b, risk)
    if risk is None:
        n = len(a)
        se = float(np.std(a - b, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    else:
        pa = np.array_split(a, min(BATCHES, len(a)))
        pb = np.array_split(b, min(BATCHES, len(b)))
        diffs = [value_of(x, risk) - value_of(y, risk) for x, y in zip(pa, pb, strict=True)
                 if len(x)]
        n = len(diffs)
        se = float(np.std(diffs, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    h = _t(n) * se
    return {"value": d, "se": se, "ci95": [d - h, d + h]}


def optimistic(bounds: Sequence[float]) -> dict[str, Any]:
    """The optimistic bound from the replications' SAA bounds: mean, spread, 95% interval."""
    arr = np.asarray(bounds, dtype=float)
    m = len(arr)
    mean = float(np.mean(arr)) if m else math.nan
    sd = float(np.std(arr, ddof=1)) if m > 1 else math.nan
    se = sd / math.sqrt(m) if m > 1 else math.nan
    h = _t(m) * se
    return {"value": mean, "sd": sd, "se": se, "ci95": [mean - h, mean + h], "n": m,
            "min": float(np.min(arr)) if m else math.nan,
            "max": float(np.max(arr)) if m else math.nan, "t": _t(m)}


def gap(upper: dict[str, Any], lower: dict[str, Any]) -> dict[str, Any]:
    """The gap U - L with its 95% interval, absolute and relative to |L|."""
    g = upper["value"] - lower["value"]
    h = math.sqrt((upper["t"] * upper["se"]) ** 2 + (lower["t"] * lower["se"]) ** 2)
    scale = abs(lower["value"]) or 1.0
    return {"value": g, "ci95": [g - h, g + h], "relative": g / scale,
            "relative_ci95": [(g - h) / scale, (g + h) / scale]}


def mrp_gap(gaps: Sequence[float], lower: float) -> dict[str, Any]:
    """The multiple-replications gap from the replications' G_m (module docstring),
    absolute and relative to ``|lower|`` (the pessimistic bound)."""
    arr = np.asarray([g for g in gaps if math.isfinite(g)], dtype=float)
    m = len(arr)
    g = float(np.mean(arr)) if m else math.nan
    se = float(np.std(arr, ddof=1) / math.sqrt(m)) if m > 1 else math.nan
    h = _t(m) * se
    scale = abs(lower) or 1.0
    return {"value": g, "se": se, "ci95": [g - h, g + h], "n": m, "relative": g / scale,
            "relative_ci95": [(g - h) / scale, (g + h) / scale]}
