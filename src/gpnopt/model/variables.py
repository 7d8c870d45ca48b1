"""Decision variables of the model.

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
"""

from __future__ import annotations

import pyomo.environ as pyo

from gpnopt.data import ModelData


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

    by_line = data.sales_of_line()

    @m.Expression(m.lines, doc="production[p,i] = sum_{h,m} v_sales[p,i,h,m]")
    def production(m, p, i):
        return sum(m.v_sales[a] for a in by_line.get((p, i), ()))
