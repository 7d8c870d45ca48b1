"""Family 20, lead times: the average lead time of what a market receives is bounded.

Indices: m market, a = (p,i,h,m) a sales arc into m. Every arc carries the lead time
lead[a] of its lane (days, :mod:`gpnopt.transport`: the most specific ``trade.transport``
entry stating one, else ``trade.default_transport``'s across a border, else 0). Most of the
family is data: arcs slower than a market's ``max_lead_time`` and flows of a component
slower than the receiving plant's ``max_lead_time`` of it are not offered
(:func:`gpnopt.data.build_data`), and per-item and value-based transport costs are the arcs'
``transport_cost`` (family 10). A market with ``max_average_lead_time`` L[m] gets one row:

    lead_time_average[m]:  sum_{a into m} (lead[a] - L[m]) * v_sales[a] <= 0

i.e. sum_a lead[a] * v_sales[a] <= L[m] * sum_a v_sales[a]: the quantity-weighted average
lead time of the market's supply is at most L[m] (nothing received satisfies it). A market
none of whose arcs is slower than L[m] gets no row (it could not bind).

In a multi-period instance each period's block ``m.period[t]`` holds this family for period
t, with that period's lead times and limits: every index above gains t as its last
(``docs/formulation.md``, Periods).
"""

from __future__ import annotations

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.model.variables import le, term, var_tables

SalesKey = tuple[str, str, str, str]


def derive_lead_times(data: ModelData) -> dict[str, list[tuple[SalesKey, float]]]:
    """Market -> its sales arcs with coefficient lead[a] - L[m], for every market with a
    ``max_average_lead_time`` that some arc into it exceeds (in arc order)."""
    limits = {
        mk: market.max_average_lead_time
        for mk, market in data.instance.markets.items()
        if market.max_average_lead_time is not None
    }
    if not limits:
        return {}
    rows: dict[str, list[tuple[SalesKey, float]]] = {}
    for a, arc in data.sales.items():
        limit = limits.get(a[3])
        if limit is not None:
            rows.setdefault(a[3], []).append((a, arc.lead_time - limit))
    return {mk: terms for mk, terms in rows.items() if any(c > 0 for _a, c in terms)}


def add_lead_times(m: pyo.ConcreteModel | pyo.Block, data: ModelData) -> None:
    """Add the ``lead_time_average`` rows to ``m`` (a model or a period's block) in place."""
    rows = derive_lead_times(data)
    if not rows:
        return
    sales = var_tables(m).sales

    @m.Constraint(list(rows), doc="average lead time into market m <= max_average_lead_time[m]")
    def lead_time_average(m, mk):
        return le([term(c, sales[a]) for a, c in rows[mk] if c], 0.0)
