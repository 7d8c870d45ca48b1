"""Decision variables of the model, and the fast builders of its linear rows.

=====================  ==========  ==================================================
variable               domain      meaning
=====================  ==========  ==================================================
v_is_open[p]           binary      plant p operates
v_line_open[p,i]       binary      plant p runs the line of product i
v_sales[p,i,h,m]       >= 0        units of i made at p sold in market m via channel h
v_channel_open[h]      binary      channel h operates (instances with channels)
v_in_house[p,k]        binary      plant p makes component k in-house
v_output[p,k]          >= 0        units of k made at p
v_flow[k,s,d]          >= 0        units of k moved from source s to plant d
v_office_open[o]       binary      purchasing office o operates
=====================  ==========  ==================================================

Production of a line is the expression ``production[p,i] = sum_{h,m} v_sales[p,i,h,m]``.

Rows are built as Pyomo's linear expression objects directly (:func:`linear`, :func:`le`,
:func:`ge`, :func:`eq`) from plain dicts of the variables (:func:`var_tables`), with every
variable on the left and a number on the right. The expressions are exactly those Pyomo's
operators would build (a coefficient 1 is the bare variable, a coefficient 0 drops the
term), so the standard form handed to HiGHS is the same, bit for bit; building them this
way skips operator dispatch and lets the standard-form compiler take its fast path.

In a multi-period instance each period's block ``m.period[t]`` holds these variables for
period t: v_is_open[p,t] is ``m.period[t].v_is_open[p]``, every index gains t as its last
(``docs/formulation.md``, Periods).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

import pyomo.core as pyo
from pyomo.core.expr.numeric_expr import (
    LinearExpression,
    MonomialTermExpression,
    ProductExpression,
    SumExpression,
)
from pyomo.core.expr.relational_expr import EqualityExpression, InequalityExpression

from gpnopt.data import ModelData
from gpnopt.model.bounds import states_upper

_VARS = (
    "v_is_open",
    "v_line_open",
    "v_sales",
    "v_channel_open",
    "v_in_house",
    "v_output",
    "v_flow",
    "v_office_open",
)


def add_variables(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the index sets, the variables and the production expression to ``m``."""
    m.plants = pyo.Set(initialize=data.plants, ordered=True, doc="plants p")
    m.lines = pyo.Set(initialize=data.lines, dimen=2, ordered=True, doc="lines (p, i)")
    m.sales_arcs = pyo.Set(
        initialize=list(data.sales), dimen=4, ordered=True, doc="sales arcs (p, i, h, m)"
    )
    m.channels = pyo.Set(initialize=data.channels, ordered=True, doc="channels h")
    m.make = pyo.Set(initialize=data.make, dimen=2, ordered=True, doc="make options (p, k)")
    m.flow_arcs = pyo.Set(
        initialize=list(data.flows), dimen=3, ordered=True, doc="flow arcs (k, s, d)"
    )
    m.offices = pyo.Set(initialize=data.offices, ordered=True, doc="purchasing offices o")

    m.v_is_open = pyo.Var(m.plants, domain=pyo.Binary, doc="plant p operates")
    m.v_line_open = pyo.Var(m.lines, domain=pyo.Binary, doc="plant p runs line i")
    m.v_sales = pyo.Var(m.sales_arcs, domain=pyo.NonNegativeReals, doc="units sold")
    m.v_channel_open = pyo.Var(m.channels, domain=pyo.Binary, doc="channel h operates")
    m.v_in_house = pyo.Var(m.make, domain=pyo.Binary, doc="plant p makes k in-house")
    m.v_output = pyo.Var(m.make, domain=pyo.NonNegativeReals, doc="units of k made at p")
    m.v_flow = pyo.Var(m.flow_arcs, domain=pyo.NonNegativeReals, doc="units of k from s to d")
    m.v_office_open = pyo.Var(m.offices, domain=pyo.Binary, doc="office o operates")

    sales = var_tables(m).sales
    by_line: dict[tuple[str, str], list] = {}
    for a in data.sales:
        row = by_line.get((a[0], a[1]))
        if row is None:
            by_line[a[0], a[1]] = [sales[a]]
        else:
            row.append(sales[a])

    @m.Expression(m.lines, doc="production[p,i] = sum_{h,m} v_sales[p,i,h,m]")
    def production(m, p, i):
        return linear(by_line.get((p, i), ()))

def var_tables(m: pyo.ConcreteModel) -> Any:
    """The variables of ``m`` as plain dicts, index -> variable (built once per model).

    Attributes ``is_open``, ``line_open``, ``sales``, ``channel_open``, ``in_house``,
    ``output``, ``flow``, ``office_open``.
    """
    tables = m.__dict__.get("_gpnopt_vars")
    if tables is None:
        tables = SimpleNamespace(
            **{name[2:]: dict(getattr(m, name).items()) for name in _VARS}
        )
        m.__dict__["_gpnopt_vars"] = tables
    return tables


def release_build_state(m: pyo.ConcreteModel) -> None:
    """Free what only building ``m`` needed.

    A concrete model never calls its rules again, but Pyomo keeps every component's rule,
    and with it the indexes its closure captured (sales arcs by market, flows by plant, ...);
    the variable tables are rebuilt on demand. About a tenth of the model's memory.
    """
    for comp in m.component_objects((pyo.Constraint, pyo.Expression), descend_into=False):
        comp._rule = None  # noqa: SLF001 - the rule's closure holds the build-time indexes
    m.__dict__.pop("_gpnopt_vars", None)
    m.__dict__.pop("_gpnopt_production", None)


def production_term(m: pyo.ConcreteModel, coef: float, p: str, i: str) -> Any:
    """``coef * production[p,i]`` as Pyomo's operator builds it: the named expression for a
    coefficient 1, else a product node (rows refer to the line's production, never copy it)."""
    prod = m.__dict__.get("_gpnopt_production")
    if prod is None:
        prod = m.__dict__["_gpnopt_production"] = dict(m.production.items())
    if coef == 1:
        return prod[p, i]
    return ProductExpression((coef, prod[p, i]))


def term(coef: float, var: Any) -> Any:
    """``coef * var`` as Pyomo's operator builds it: the bare variable for a coefficient 1,
    else a monomial (a coefficient 0 is kept, as Pyomo keeps it)."""
    if coef == 1:
        return var
    return MonomialTermExpression((coef, var))


def scaled(coef: float, variables: Iterable[Any]) -> list[Any]:
    """``coef * x`` for each bare variable x (as :func:`term`)."""
    if coef == 1:
        return list(variables)
    return [MonomialTermExpression((coef, x)) for x in variables]


def linear(terms: Iterable[Any]) -> Any:
    """The sum of ``terms`` (bare variables and monomials), as ``sum()`` would give it:
    0 when empty, the term itself when alone, else one linear expression."""
    args = terms if isinstance(terms, list) else list(terms)
    if not args:
        return 0
    if len(args) == 1:
        return args[0]
    return LinearExpression(args)


def _body(terms: list[Any], general: bool) -> Any:
    # a linear expression may hold only variables and monomials (its fast path reads them
    # without descending); terms that refer to named expressions need a general sum
    return SumExpression(terms) if general else LinearExpression(terms)


def le(terms: list[Any], ub: float, *, general: bool = False) -> InequalityExpression:
    """The row ``sum(terms) <= ub`` (``general``: some term is a named expression or a
    product with one)."""
    return InequalityExpression((_body(terms, general), ub), False)


def ge(terms: list[Any], lb: float, *, general: bool = False) -> InequalityExpression:
    """The row ``sum(terms) >= lb`` (Pyomo's ``lb <= sum(terms)``)."""
    return InequalityExpression((lb, _body(terms, general)), False)


def eq(terms: list[Any], rhs: float, *, general: bool = False) -> EqualityExpression:
    """The row ``sum(terms) == rhs``."""
    return EqualityExpression((_body(terms, general), rhs))


@states_upper("v_sales")
def _sales_upper(var: Any, data: ModelData) -> float:
    """Units sold on an arc: at most the market's demand and the plant's production bound."""
    p, i, _h, mk = var.index()
    return min(data.demand[mk, i], data.max_production[p, i])


@states_upper("v_flow")
def _flow_upper(var: Any, data: ModelData) -> float:
    """A component flow: at most the destination's largest need of it."""
    k, _s, d = var.index()
    return data.max_need.get((d, k), 0.0)


@states_upper("v_output")
def _output_upper(var: Any, data: ModelData) -> float:
    """A make option's output: at most its bound in the data."""
    return data.max_output[var.index()]
