"""Upper bounds of the model's variables from the data, stated by the family that owns them.

Family 17's partner funding (:mod:`gpnopt.model.expansion`) linearises ``delta * profit`` by
McCormick rows, which need finite bounds L <= profit[p] <= U of a funded plant's profit:
:func:`expression_bounds` sums each term's coefficient times its variable's lower bound (its
own, else 0: every variable of the model is nonnegative) or upper bound (:func:`upper`). A
variable's upper bound is its own when it has one; otherwise the family that declares the
variable states how the data bound it, by registering a function under the variable's name
with :func:`states_upper` (families 3 and 6 in :mod:`gpnopt.model.variables`, 15 in
:mod:`gpnopt.model.learning`, 16, 18, 22 and 23 in their modules; family 16's step
variables carry their own bounds, the steps' widths). A variable nobody bounds
is unbounded, and the funding then refuses the plant with a clear message: a new family
with a variable in a funded plant's profit registers its bound here, and edits nothing else.

The bounds are computed lazily, only for the terms of a funded plant's profit, so that a
family does not pay for stating bounds on every variable. No solver here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from pyomo.repn import generate_standard_repn

from gpnopt.data import ModelData

__all__ = ["expression_bounds", "states_upper", "upper", "UPPER_BOUNDS"]

UpperBound = Callable[[Any, ModelData], float]
"""``f(var, data) -> U``: an upper bound of one variable (an index of the component)."""

UPPER_BOUNDS: dict[str, UpperBound] = {}
"""Variable component name -> the function that bounds its indices from the data."""


def states_upper(*names: str) -> Callable[[UpperBound], UpperBound]:
    """Register the decorated function as the upper bound of the variables ``names``."""

    def register(fn: UpperBound) -> UpperBound:
        for name in names:
            if name in UPPER_BOUNDS and UPPER_BOUNDS[name] is not fn:
                msg = f"two families state the upper bound of {name!r}"
                raise ValueError(msg)
            UPPER_BOUNDS[name] = fn
        return fn

    return register


def upper(var: Any, data: ModelData | None) -> float:
    """An upper bound of ``var``: its own, else what its family states from the data, else inf."""
    if var.ub is not None:
        return float(var.ub)
    if data is None:
        return math.inf
    fn = UPPER_BOUNDS.get(var.parent_component().local_name)
    return math.inf if fn is None else float(fn(var, data))


def expression_bounds(expr: Any, data: ModelData | None) -> tuple[float, float]:
    """(L, U): bounds of linear ``expr`` from its variables' bounds (:func:`upper`; lower
    bounds their own, else 0 for the model's nonnegative variables). Infinite when a term
    has no finite bound.
    """
    repn = generate_standard_repn(expr, compute_values=True, quadratic=False)
    if repn.nonlinear_expr is not None:
        return -math.inf, math.inf
    lo = hi = float(repn.constant)
    for coef, var in zip(repn.linear_coefs, repn.linear_vars, strict=True):
        if not coef:  # a term that cancels (v_taxable in a profit before tax) bounds nothing
            continue
        vlo = float(var.lb) if var.lb is not None else -math.inf
        vhi = upper(var, data)
        a, c = coef * vlo, coef * vhi
        lo += min(a, c)
        hi += max(a, c)
    return lo, hi


def bounded_by_expression(var: Any, expr: Any, data: ModelData) -> float:
    """``max(0, U(expr))`` for a variable that is at most ``expr`` at an optimum (the
    expatriates of a site's need, the taxable part of a profit), stated as the variable's
    own bound so that the McCormick rows built on it stay valid."""
    hi = max(0.0, expression_bounds(expr, data)[1])
    if math.isfinite(hi):
        var.setub(hi)
    return hi
