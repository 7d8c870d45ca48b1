"""Rows whose coefficients hold prices, updated on a kept HiGHS object (taxes, participation).

A persistent re-solve (:class:`gpnopt.solver.persistent.ScenarioSolver`) changes only the
cost vector when only costs and prices change. Family 22's rows

    tax_base[e]:  v_taxable[e] - profit_before_tax[e] - sum_{c in C(e)} profit_before_tax[c] >= 0

hold the prices and costs of e's profit as matrix coefficients, as family 11's
``participation[f]: firm_profit[f] >= reservation_profit[f]`` hold f's. For such an
instance the rows are rebuilt on the kept Pyomo model with the objective
(:func:`gpnopt.model.taxes.rebuild_taxes`, ``rebuild_objective``), read
with the visitor Pyomo's standard-form compiler uses (:mod:`gpnopt.solver.linear`) (so each coefficient and bound
is, bit for bit, the one a fresh build hands to HiGHS), and handed to the kept HiGHS object
(``changeCoeff``, ``changeRowBounds``) at the row positions of the first build. When a
rebuilt row reaches other columns than the kept one (a coefficient that became 0, say),
:func:`update_rows` says so and the caller rebuilds the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pyomo.core import value

from gpnopt.solver.linear import linear_columns

__all__ = ["UPDATED_ROWS", "KeptRows", "holds_updated_rows", "kept_rows", "update_rows"]

UPDATED_ROWS = ("tax_base", "participation")
"""Row components whose coefficients hold prices and that a re-solve updates in place:
family 22's tax base and family 11's participation rows (a firm's profit at least its
reservation profit)."""


def holds_updated_rows(instance: Any) -> bool:
    """Whether ``instance`` has rows of :data:`UPDATED_ROWS` (taxes, a reservation profit)."""
    return instance.taxes is not None or any(
        f.reservation_profit is not None for f in instance.firms.values()
    )


@dataclass
class KeptRows:
    """The :data:`UPDATED_ROWS` of a kept standard form: per component, the rows' positions,
    kinds (0 equality, 1 upper, -1 lower: Pyomo's mixed form) and indices, and per row the
    columns and coefficients HiGHS holds now."""

    rows: dict[str, list[tuple[int, int, Any]]]
    now: dict[int, dict[int, float]] = field(default_factory=dict)


def kept_rows(info: Any) -> KeptRows:
    """The :data:`UPDATED_ROWS` of the compiler's standard form ``info``, with their
    coefficients as handed to HiGHS."""
    rows: dict[str, list[tuple[int, int, Any]]] = {}
    for r, (con, kind) in enumerate(info.rows):
        name = con.parent_component().local_name
        if name in UPDATED_ROWS:
            rows.setdefault(name, []).append((r, kind, con.index()))
    a = info.A.tocsc()  # the compiler's matrix, column-wise as handed to HiGHS
    wanted = np.fromiter((r for pos in rows.values() for r, _k, _i in pos), dtype=np.int64)
    now: dict[int, dict[int, float]] = {int(r): {} for r in wanted}
    cols = np.repeat(np.arange(a.shape[1]), np.diff(a.indptr))
    hit = np.isin(a.indices, wanted)
    for r, j, c in zip(a.indices[hit].tolist(), cols[hit].tolist(), a.data[hit].tolist(),
                       strict=True):
        now[r][j] = c
    return KeptRows(rows, now)


def update_rows(m: Any, h: Any, kept: KeptRows, column: dict[int, int]) -> bool:
    """Hand the rebuilt :data:`UPDATED_ROWS` of model ``m`` to HiGHS object ``h``.

    ``False``, with ``h`` untouched (the caller rebuilds), when a row is missing or new, or
    reaches other columns than the kept one; every row is read before any is changed."""
    changes: list[tuple[int, dict[int, float], float, float]] = []
    for name, positions in kept.rows.items():
        comp = m.component(name)
        if comp is None or len(comp) != len({index for _r, _k, index in positions}):
            return False
        for r, kind, index in positions:
            if index not in comp:
                return False
            lb, body, ub = comp[index].to_bounded_expression()
            read = linear_columns(body, column)
            if read is None:
                return False
            coefs = dict(zip(read[0].tolist(), read[1].tolist(), strict=True))
            if coefs.keys() != kept.now[r].keys():
                return False
            side = ub if kind in (0, 1) else lb
            rhs = float(value(side)) - read[2]
            lower = rhs if kind in (0, -1) else -math.inf
            upper = rhs if kind in (0, 1) else math.inf
            changes.append((r, coefs, lower, upper))
    for r, coefs, lower, upper in changes:
        now = kept.now[r]
        for j, c in coefs.items():
            if now[j] != c:
                h.changeCoeff(r, j, c)
                now[j] = c
        h.changeRowBounds(r, lower, upper)
    return True
