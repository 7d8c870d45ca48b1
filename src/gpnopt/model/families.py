"""The families of one period, in the formulation's order (``docs/formulation.md``).

:func:`add_families` adds the variables and families 1-10 to a model or to a period's block;
the one-period builder (:func:`gpnopt.model.build_model`) then adds
:func:`add_single_period` and family 11 with the objective, the period builder
(:mod:`gpnopt.model.periods`) family 11 per period, :func:`add_over_time` and the net
present value. A new family adds one line to one of these three lists; its money goes to
the profits through :mod:`gpnopt.model.parts`.
"""

from __future__ import annotations

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.horizon_data import HorizonData
from gpnopt.model.acquisitions import add_acquisitions, add_acquisitions_over_time
from gpnopt.model.base_plants import add_base_closure, add_base_plants
from gpnopt.model.capacity import add_capacity
from gpnopt.model.channels import add_markets_and_channels
from gpnopt.model.demand import add_demand_curves
from gpnopt.model.discounts import add_discounts
from gpnopt.model.expansion import add_expansion, add_expansion_over_time, add_expansion_single
from gpnopt.model.flows import add_bom_and_flows
from gpnopt.model.lead_times import add_lead_times
from gpnopt.model.learning import add_learning, add_learning_single
from gpnopt.model.lines import add_lines
from gpnopt.model.make_or_buy import add_make_or_buy
from gpnopt.model.market_links import add_market_links
from gpnopt.model.plants import add_plants
from gpnopt.model.quality import add_quality
from gpnopt.model.sourcing import add_sourcing_rules
from gpnopt.model.staffing import add_staffing, add_staffing_over_time, add_staffing_single
from gpnopt.model.taxes import add_taxes
from gpnopt.model.technicians import add_technicians
from gpnopt.model.trade import add_trade
from gpnopt.model.transfer_prices import add_transfer_prices
from gpnopt.model.variables import add_variables

__all__ = ["add_families", "add_over_time", "add_single_period"]


def add_families(m: pyo.ConcreteModel | pyo.Block, data: ModelData) -> None:
    """Add the variables, families 1-10 and the per-period economic families (16, ...) of
    ``data`` to ``m`` (a model or a period's block)."""
    add_variables(m, data)
    add_expansion(m, data)  # 17 capacity expansion: modules (before the capacity rows)
    add_lines(m, data)  # 1 product lines
    add_market_links(m, data)  # 1's sales links summed over the channels into a market
    add_plants(m, data)  # 2 plants and entry modes
    add_bom_and_flows(m, data)  # 3 bill of materials and flows
    add_make_or_buy(m, data)  # 4 make-or-buy with minimum production quantity
    add_capacity(m, data)  # 5 capacity
    add_markets_and_channels(m, data)  # 6 markets and channels
    add_quality(m, data)  # 7 capability and quality
    add_technicians(m, data)  # 8 technicians
    add_sourcing_rules(m, data)  # 9 sourcing-share rules
    add_transfer_prices(m, data)  # 23 transfer price levels (before 10 and 11 price them)
    add_trade(m, data)  # 10 trade costs
    add_demand_curves(m, data)  # 16 price-responsive demand
    add_staffing(m, data)  # 18 technicians as an economic resource (after 8)
    add_base_plants(m, data)  # 19 base plants (rows and support parts of the period)
    add_lead_times(m, data)  # 20 lead times
    add_discounts(m, data)  # 21 volume discounts and joint purchasing
    add_taxes(m, data)  # 22 taxes: the tax part (its base rows come with family 11)
    add_acquisitions(m, data)  # 26 acquisitions: a bundle's entities open once it is made


def add_single_period(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the families whose one-period form differs from their form over periods, to
    one-period model ``m`` (after :func:`add_families`, before family 11)."""
    add_learning_single(m, data)  # 15 learning and unlocks (cumulative output before: 0)
    add_staffing_single(m, data)  # 18 hires usable only with lag 0, charged as an annuity
    add_base_closure(m, data)  # 19 base plants: closing an existing base, as an annuity
    add_expansion_single(m, data)  # 17 capacity expansion and partner funding


def add_over_time(m: pyo.ConcreteModel, hdata: HorizonData) -> None:
    """Add the families with rows across the periods to multi-period model ``m`` (after the
    blocks and the assets' state, before the net present value; ``gpnopt.model.periods``)."""
    add_learning(m, hdata)  # 15 learning and unlocks
    add_expansion_over_time(m, hdata)  # 17 capacity expansion and partner funding
    add_staffing_over_time(m, hdata)  # 18 hires usable after their lag, outlays
    add_acquisitions_over_time(m, hdata)  # 26 acquisitions kept once made, price as outlay
