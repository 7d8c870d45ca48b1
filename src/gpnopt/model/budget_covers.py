"""Family 11's capital budgets strengthened: cover inequalities derived from the data.

Indices: f firm with a capital budget B_f, j an asset of f (a plant, line, in-house process,
channel or office, not existing) with binary u_j and weight w_j = share[f,e(j)] *
investment_cost[j] > 0, the terms of f's ``capital_budget`` row (family 11). A cover C is a
set of f's assets that together weigh more than B_f: not all of them can be built. It is
minimal when every proper subset fits (sum_C w - min_C w <= B_f); its extension E(C) holds
f's other assets that weigh at least max_C w (any |C| assets of C + E(C) weigh at least as
much as C). Rows, for every minimal cover of at most :data:`MAX_COVER` assets:

    capital_budget_cover[f,n]:  sum_{j in C + E(C)} u_j <= |C| - 1      (n-th cover of f)

and an asset that alone weighs more than B_f is a cover of one (u_j <= 0, with its E).
Each row holds at every integer point of the budget row (any |C| of its binaries at 1
would spend more than B_f), so no design is cut off; the LP relaxation, which may build
fractions of several large plants within the budget, loses those fractional points. The
knapsack is the budget row's binary part (an acquisition's ``v_acquired`` among them): its
other terms (family 17's expansion modules, integers) are non-negative, so dropping them
keeps the covers valid; a firm whose row
has family 17's funding terms (negative: a partner relieves the budget) gets no covers.

The covers are enumerated depth first over the assets by decreasing weight (ties in the
row's order), at most :data:`MAX_ROWS` per firm (the ones with the largest assets first).
HiGHS separates knapsack covers itself during its cut loop; stating them in the model puts
them in the LP from the start (``docs/performance.md``, "Solve time at scale").
"""

from __future__ import annotations

from typing import Any

import pyomo.core as pyo

__all__ = ["MAX_COVER", "MAX_ROWS", "add_budget_covers", "minimal_covers"]

MAX_COVER = 4
"""Largest cover enumerated (assets in C)."""

MAX_ROWS = 200
"""Most cover rows per firm."""


def minimal_covers(
    weights: list[float], budget: float, max_cover: int = MAX_COVER, max_rows: int = MAX_ROWS
) -> list[tuple[list[int], int]]:
    """The extended minimal covers of ``sum_j weights[j] * u_j <= budget`` (weights > 0), as
    (positions in ``weights``, right-hand side |C| - 1), at most ``max_rows``."""
    order = sorted(range(len(weights)), key=lambda j: -weights[j])  # stable: ties in order
    w = [weights[j] for j in order]
    n = len(w)
    found: list[tuple[tuple[int, ...], int]] = []
    seen: set[tuple[tuple[int, ...], int]] = set()

    def emit(chosen: list[int]) -> None:
        top = w[chosen[0]]
        extended = sorted({*chosen, *(j for j in range(n) if w[j] >= top)})
        row = (tuple(order[j] for j in extended), len(chosen) - 1)
        if row not in seen:
            seen.add(row)
            found.append(row)

    def grow(chosen: list[int], total: float, start: int) -> None:
        left = max_cover - len(chosen)
        for j in range(start, n):
            if len(found) >= max_rows:
                return
            if total + sum(w[j:j + left]) <= budget:
                return  # the largest assets left cannot complete a cover: neither can smaller
            new = total + w[j]
            if new > budget:  # a cover, minimal: without w[j], its smallest, it fits
                emit([*chosen, j])
            elif left > 1:
                grow([*chosen, j], new, j + 1)

    grow([], 0.0, 0)
    return [(list(cols), rhs) for cols, rhs in found]


def add_budget_covers(
    m: pyo.ConcreteModel, budgets: dict[str, tuple[float, list[tuple[float, Any]]]]
) -> None:
    """Add ``capital_budget_cover`` to ``m`` for ``budgets``: firm -> (B_f, [(w_j, u_j)]),
    the binary terms of its budget row (module docstring)."""
    rows: dict[tuple[str, int], tuple[list[Any], int]] = {}
    for f, (budget, items) in budgets.items():
        weight: dict[int, float] = {}
        var_of: dict[int, Any] = {}
        for coef, var in items:  # one weight per binary (an asset is one term of the row)
            weight[id(var)] = weight.get(id(var), 0.0) + coef
            var_of[id(var)] = var
        keys = [k for k in weight if weight[k] > 0]
        for n, (cols, rhs) in enumerate(minimal_covers([weight[k] for k in keys], budget)):
            rows[f, n] = ([var_of[keys[c]] for c in cols], rhs)
    if not rows:
        return

    @m.Constraint(list(rows), doc="sum_{j in C + E(C)} u_j <= |C| - 1")
    def capital_budget_cover(m, f, n):
        cols, rhs = rows[f, n]
        return sum(cols) <= rhs
