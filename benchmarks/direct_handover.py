"""The proposed hand-over: the model's standard form straight into a ``HighsLp``.

A prototype for :mod:`gpnopt.solver.highs`, measured by ``benchmarks/scale.py --handover
direct`` (imported only then, by the worker process). See :func:`direct_compile`.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.core.base.var import VarData
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import EqualityExpression, InequalityExpression
from pyomo.repn.linear import LinearRepnVisitor
from pyomo.repn.util import FileDeterminism, FileDeterminism_to_SortComponents

from gpnopt.data import paused_gc

SORTER = FileDeterminism_to_SortComponents(FileDeterminism.ORDERED)
"""Component order of the standard-form compiler (``FileDeterminism.ORDERED``)."""

NATIVE = (int, float)


def direct_compile(model: Any, name: str = "") -> tuple[Any, Any, int]:
    """The model's standard form straight into a ``HighsLp``: a drop-in for
    ``solver.compile_model``.

    The same rows, columns and numbers as ``LinearStandardFormCompiler(mixed_form=True)``
    followed by ``solver.highs_lp``, bit for bit (same column order: a variable component
    is numbered when the objective, then the rows, first meet it; same row order, row kinds
    and right-hand sides; the same empty columns dropped), but:

    * no scipy: Pyomo's compiler builds scipy matrices, and Pyomo's deferred scipy import
      pulls in ``scipy.stats`` (about 0.45 s on the first solve of a process);
    * rows whose body is one linear expression with a number on the other side (almost all
      of gpnopt's) are read straight from the expression's terms; other rows go through the
      same ``LinearRepnVisitor`` the compiler uses (one visitor, so named expressions such as
      ``production[p,i]`` are walked once);
    * the matrix goes column-wise to HiGHS from numpy (a stable sort of the row-wise terms).

    Returns ``(info, lp, nnz)`` like ``solver.compile_model``; ``info`` has ``columns``,
    ``rows`` (constraint, kind) and ``eliminated_vars``. Runs with the garbage collector
    paused, as Pyomo's compiler does (a first call without it is half as slow again).
    """
    with paused_gc():
        return _direct_compile(model, name)


class Recorder:
    """``pyomo.repn.util.VarRecorder``, also numbering the columns as it meets them."""

    def __init__(self) -> None:
        self.var_map: dict[int, Any] = {}
        self.pos: dict[int, int] = {}

    def add(self, var: Any) -> None:
        """Number ``var``'s whole component (its free variables), in the compiler's order."""
        vm, pos = self.var_map, self.pos
        try:
            values = var.parent_component().values(SORTER)
        except AttributeError:
            values = (var,)
        for v in values:
            if not v.fixed:
                vid = id(v)
                if vid not in vm:
                    pos[vid] = len(vm)
                    vm[vid] = v


class Rows:
    """The rows met so far, row-wise: (constraint, kind), right-hand sides and terms."""

    def __init__(self) -> None:
        self.rows: list[tuple[Any, int]] = []
        self.rhs: list[float] = []
        self.row_ptr = [0]
        self.cols: list[int] = []
        self.vals: list[float] = []

    def add(self, con: Any, lin: dict[int, Any], offset: Any, lb: Any, ub: Any) -> None:
        """Add ``lb <= lin + offset <= ub`` as one or two rows, as the compiler does."""
        if lb == ub:
            kinds: tuple = ((0, ub),)
        elif lb is None:
            kinds = ((1, ub),)
        elif ub is None:
            kinds = ((-1, lb),)
        else:
            kinds = ((1, ub), (-1, lb))
        for kind, bound in kinds:
            self.rows.append((con, kind))
            self.rhs.append(bound - offset)
            self.cols.extend(lin)
            self.vals.extend(lin.values())
            self.row_ptr.append(len(self.cols))


def _direct_compile(model: Any, name: str) -> tuple[Any, Any, int]:
    rec = Recorder()
    visitor = LinearRepnVisitor({}, var_recorder=rec)
    obj_linear, obj_offset, flip = _objective(model, visitor, name)
    rows = Rows()
    for con in model.component_data_objects(pyo.Constraint, active=True, sort=SORTER):
        read = _fast_row(con, rec)
        if read is None:
            read = _visited_row(con, visitor, rec, name)
        lin, offset, lb, ub = read
        if lb is None and ub is None:
            continue
        if not lin and offset.__class__ in NATIVE:
            if (lb is None or lb <= offset) and (ub is None or ub >= offset):
                continue
            msg = f"model contains a trivially infeasible constraint, '{con.name}'"
            raise InfeasibleConstraintException(msg)
        rows.add(con, lin, offset, lb, ub)
    return _highs_lp(rec, rows, obj_linear, obj_offset, flip)


def _objective(model: Any, visitor: Any, name: str) -> tuple[dict[int, Any], Any, bool]:
    """The one active objective's linear terms (by variable id), constant, and whether it
    is maximised (the compiler minimises: a maximised objective is negated)."""
    objectives = list(model.component_data_objects(pyo.Objective, active=True, sort=SORTER))
    if len(objectives) != 1:
        msg = f"{name}: expected one active objective, found {len(objectives)}"
        raise ValueError(msg)
    obj = objectives[0]
    repn = visitor.walk_expression(obj.expr)
    return dict(repn.linear), repn.constant, obj.sense != pyo.minimize


def _one_sided(con: Any) -> tuple[Any, Any, Any] | None:
    """``(lb, body, ub)`` of a row whose body is one linear expression with a number on the
    other side (not strict), else ``None``."""
    e = con._expr  # noqa: SLF001
    cls = e.__class__
    if cls is InequalityExpression and not e._strict:  # noqa: SLF001
        a, b = e._args_  # noqa: SLF001
        if a.__class__ is LinearExpression and b.__class__ in NATIVE:
            return None, a, b
        if b.__class__ is LinearExpression and a.__class__ in NATIVE:
            return a, b, None
    elif cls is EqualityExpression:
        a, b = e._args_  # noqa: SLF001
        if a.__class__ is LinearExpression and b.__class__ in NATIVE:
            return b, a, b
    return None


def _fast_row(con: Any, rec: Recorder) -> tuple[dict[int, Any], Any, Any, Any] | None:
    """``(lin, offset, lb, ub)`` read straight from a one-sided linear row's terms
    (``LinearRepnVisitor._before_linear`` and ``_filter_zeros``, keyed by column), or
    ``None`` when the row needs the visitor."""
    sided = _one_sided(con)
    if sided is None:
        return None
    lb, body, ub = sided
    pos = rec.pos
    lin: dict[int, Any] = {}
    const = 0
    offset = 0
    for arg in body.args:
        c = arg.__class__
        if c is MonomialTermExpression:
            coef, var = arg._args_  # noqa: SLF001
            if coef.__class__ not in NATIVE:
                return None
        elif c is VarData:
            coef, var = 1, arg
        elif c in NATIVE:
            const += arg
            continue
        elif arg.is_variable_type():
            coef, var = 1, arg
        else:
            return None  # anything else: the visitor
        j = pos.get(id(var))
        if j is None:
            if var.fixed:
                offset += coef * var.value
                continue
            rec.add(var)
            j = pos[id(var)]
        if j in lin:
            lin[j] += coef
        elif coef:
            lin[j] = coef
    offset += const
    if 0 in lin.values():
        lin = {j: c for j, c in lin.items() if c}
    return lin, offset, lb, ub


def _visited_row(
    con: Any, visitor: Any, rec: Recorder, name: str
) -> tuple[dict[int, Any], Any, Any, Any]:
    """``(lin, offset, lb, ub)`` of any linear row, through the compiler's visitor."""
    lb, body, ub = con.to_bounded_expression()
    if lb.__class__ not in NATIVE:
        lb = pyo.value(lb)
    if ub.__class__ not in NATIVE:
        ub = pyo.value(ub)
    r = visitor.walk_expression(body)
    if r.nonlinear is not None:
        msg = f"{name}: constraint {con.name} is not linear"
        raise ValueError(msg)
    return {rec.pos[vid]: coef for vid, coef in r.linear.items()}, r.constant, lb, ub


def _highs_lp(
    rec: Recorder, rows: Rows, obj_linear: dict[int, Any], obj_offset: Any, flip: bool
) -> tuple[Any, Any, int]:
    """Drop the columns no row and no cost uses (as the compiler does) and build the
    column-wise ``HighsLp``; returns ``(info, lp, nnz)``."""
    pos = rec.pos
    columns_all = list(rec.var_map.values())
    n_all = len(columns_all)
    col = np.fromiter(rows.cols, dtype=np.int64, count=len(rows.cols))
    val = np.fromiter(rows.vals, dtype=np.float64, count=len(rows.vals))
    c_all = np.zeros(n_all)
    if obj_linear:
        c_pos = np.fromiter((pos[vid] for vid in obj_linear), dtype=np.int64, count=len(obj_linear))
        c_val = np.fromiter(obj_linear.values(), dtype=np.float64, count=len(obj_linear))
        c_all[c_pos] = -c_val if flip else c_val
    used = np.zeros(n_all, dtype=bool)
    used[col] = True
    if obj_linear:
        used[c_pos] = True
    new = np.cumsum(used) - 1
    columns = [v for v, u in zip(columns_all, used, strict=True) if u]
    n_cols, n_rows = len(columns), len(rows.rows)
    col = new[col]
    row = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(np.asarray(rows.row_ptr)))
    order = np.argsort(col, kind="stable")  # column-wise, rows ascending within a column
    start = np.zeros(n_cols + 1, dtype=np.int64)
    np.cumsum(np.bincount(col, minlength=n_cols), out=start[1:])

    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = c_all[used]
    lp.offset_ = float(-obj_offset if flip else obj_offset)
    _set_columns(lp, columns)
    inf = highspy.kHighsInf
    b = np.asarray(rows.rhs, dtype=float)
    kind = np.fromiter((k for _c, k in rows.rows), dtype=np.int8, count=n_rows)
    lp.row_lower_ = np.where(kind <= 0, b, -inf)
    lp.row_upper_ = np.where(kind >= 0, b, inf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start.astype(np.int32)
    lp.a_matrix_.index_ = row[order].astype(np.int32)
    lp.a_matrix_.value_ = val[order]
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    info = SimpleNamespace(columns=columns, rows=rows.rows, eliminated_vars=[])
    return info, lp, int(len(val))


def _set_columns(lp: Any, columns: list[Any]) -> None:
    """Column bounds and integrality (which depends on the domain only)."""
    n_cols = len(columns)
    lower = np.empty(n_cols)
    upper = np.empty(n_cols)
    integrality = []
    any_int = False
    inf = highspy.kHighsInf
    kind_of: dict[int, Any] = {}  # integrality depends on the domain only
    for j, v in enumerate(columns):
        lo, up = v.bounds
        lower[j] = -inf if lo is None else lo
        upper[j] = inf if up is None else up
        dom = id(v.domain)
        vtype = kind_of.get(dom)
        if vtype is None:
            is_int = v.is_integer() or v.is_binary()
            vtype = kind_of[dom] = (
                highspy.HighsVarType.kInteger if is_int else highspy.HighsVarType.kContinuous
            )
        if vtype == highspy.HighsVarType.kInteger:
            any_int = True
        integrality.append(vtype)
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    if any_int:
        lp.integrality_ = integrality
