"""Reading a linear Pyomo expression as HiGHS columns: the one reader of the solver layer.

The cost vector of a re-solve (:func:`gpnopt.solver.persistent.objective_vector`), a row
updated in place (:mod:`gpnopt.solver.row_updates`), a condition added by ``gpnopt
explain`` (:class:`gpnopt.solver.forced.ForcedSolver`) and a coalition's profits
(:mod:`gpnopt.solver.coalition`) are read with the visitor Pyomo's standard-form compiler
uses, so that their numbers are, bit for bit, those a fresh build hands to HiGHS.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyomo.repn.linear import LinearRepnVisitor, VarRecorder

__all__ = ["linear_columns"]


def linear_columns(
    expr: Any, column: dict[int, int]
) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Columns, coefficients and constant of linear ``expr`` (``column``: a variable's id
    to its HiGHS column); ``None`` when ``expr`` is not linear or holds a variable that is
    not a column. Each column appears once."""
    repn = LinearRepnVisitor({}, var_recorder=VarRecorder({}, None)).walk_expression(expr)
    if repn.nonlinear is not None:
        return None
    n = len(repn.linear)
    try:  # the repn's keys are the variables' ids, as the compiler reads them
        cols = np.fromiter((column[v] for v in repn.linear), dtype=np.int64, count=n)
    except KeyError:
        return None
    coefs = np.fromiter(repn.linear.values(), dtype=float, count=n)
    return cols, coefs, float(repn.constant)
