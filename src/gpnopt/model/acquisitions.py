"""Family 26, acquisitions: one decision that brings a target's plants and channels.

Indices: q an acquisition (``acquisitions.Q``), E_q its entities (plants and channels), u[e]
an entity's binary (``v_is_open[p]``, ``v_channel_open[h]``), e_q the entity charged with
the price (``charged_to``, default the first plant listed, else the first channel), P_q its
price (money, once), n_q its ``lifetime`` (else ``finance.asset_lifetime``).

| variable | domain | meaning |
|---|---|---|
| ``v_acquired[q]`` | binary | acquisition q is made (owned in the period) |
| ``v_bought[q,t]`` | [0, 1] | multi-period: q is made at the start of t |

Rows of every period (model or period block):

    acquisition_opens[q,e]:  u[e] <= v_acquired[q]          (each e in E_q)

so the bundle's entities operate only after the acquisition; the acquirer may close any of
them (consolidation) and keeps the rest. The target's existing plants come with the bundle
as plants without an investment of their own (``existing: true`` in one period); a plant to
be built after the acquisition keeps its ``investment_cost``.

Money. The price is an investment of e_q (:func:`acquisition_investments`, read by
family 11's ``investment_terms``): in one period its annuity A_q * P_q * v_acquired[q]
(A_q = annuity(r, n_q)) is in capital_charge[e_q] and P_q * v_acquired[q] counts in the
capital budget of each owner f of e_q (times share[f, e_q]); so the owners of e_q pay for
the acquisition by their equity. Over periods (:func:`add_acquisitions_over_time`) an
acquisition once made stays made and its price is an outlay of e_q in the period it is
made, P_{q,t} the price of that period:

    acquisition_kept[q,t]:    v_acquired[q,t] >= v_acquired[q,t-1]
    acquisition_bought[q,t]:  v_bought[q,t] >= v_acquired[q,t] - v_acquired[q,t-1]   (t = 1: - 0)
    acquisition_outlay[e_q,t] = sum_{q charged to e_q} P_{q,t} * v_bought[q,t]      (part of outlay[e,t])

and the capital budget of period t counts share[f,e_q,t] * P_{q,t} * v_bought[q,t]; the
yearly capital allowance of the taxes (family 22) counts A_q * P_{q,t} * v_acquired[q,t].
The price has no salvage value. An instance without ``acquisitions`` adds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.dynamics import annuity
from gpnopt.horizon_data import HorizonData
from gpnopt.model.variables import le, term, var_tables

__all__ = ["acquisition_budget_terms", "acquisition_investments", "add_acquisitions",
           "add_acquisitions_over_time", "bundle_binaries"]


def bundle_binaries(m: Any, data: ModelData) -> list[tuple[str, str, Any]]:
    """(acquisition, entity, u[e]) of every bundled entity the model or block has."""
    v = var_tables(m)
    out = []
    for q, acq in data.instance.acquisitions.items():
        out += [(q, p, v.is_open[p]) for p in acq.plants if p in v.is_open]
        out += [(q, h, v.channel_open[h]) for h in acq.channels if h in v.channel_open]
    return out


def add_acquisitions(m: pyo.ConcreteModel | pyo.Block, data: ModelData) -> None:
    """``v_acquired[q]`` and the ``acquisition_opens`` rows on ``m`` (a model or a period's
    block; after the variables, before family 11)."""
    acqs = data.instance.acquisitions
    if not acqs:
        return
    m.acquisition_ids = pyo.Set(initialize=list(acqs), ordered=True, doc="acquisitions q")
    m.v_acquired = pyo.Var(m.acquisition_ids, within=pyo.Binary, doc="acquisition q is made")
    rows = bundle_binaries(m, data)
    m.acquisition_bundle = pyo.Set(initialize=[(q, e) for q, e, _ in rows], dimen=2,
                                   ordered=True, doc="entities e that come with acquisition q")
    binary = {(q, e): u for q, e, u in rows}

    @m.Constraint(m.acquisition_bundle, doc="u[e] <= v_acquired[q]")
    def acquisition_opens(m, q, e):
        return le([binary[q, e], term(-1, m.v_acquired[q])], 0)


def acquisition_investments(
    m: Any, data: ModelData, *, annuities: bool
) -> list[tuple[str, float, Any]]:
    """(entity charged, coefficient, v_acquired[q]) of every acquisition with a price on
    model or block ``m``: P_q, or its annuity A_q * P_q (module docstring)."""
    if m.component("v_acquired") is None:
        return []
    fin = data.instance.finance
    out = []
    for q, acq in data.instance.acquisitions.items():
        if not acq.price:
            continue
        coef = acq.price
        if annuities:
            years = acq.lifetime if acq.lifetime is not None else fin.asset_lifetime
            coef = annuity(fin.discount_rate, years) * coef
        out.append((acq.payer, coef, m.v_acquired[q]))
    return out


def add_acquisitions_over_time(m: pyo.ConcreteModel, hdata: HorizonData) -> None:
    """Multi-period model ``m``: ``v_bought``, the kept and bought rows and the outlay
    ``m.acquisition_outlay[e,t]`` (module docstring; after the period blocks)."""
    acqs = hdata.instance.acquisitions
    if not acqs:
        return
    ids = list(hdata.horizon.ids)
    keys = [(q, t) for q in acqs for t in ids]
    m.v_bought = pyo.Var(keys, bounds=(0, 1), doc="acquisition q is made at the start of t")
    held = {(q, t): m.period[t].v_acquired[q] for q, t in keys}
    before = {(q, t): (held[q, ids[n - 1]] if n else None)
              for q in acqs for n, t in enumerate(ids)}
    kept = [k for k in keys if before[k] is not None]
    m.acquisition_kept = pyo.Constraint(
        kept, rule=lambda m, q, t: held[q, t] >= before[q, t],
        doc="v_acquired[q,t] >= v_acquired[q,t-1]",
    )
    m.acquisition_bought = pyo.Constraint(
        keys,
        rule=lambda m, q, t: m.v_bought[q, t] >= held[q, t] - (
            before[q, t] if before[q, t] is not None else 0),
        doc="v_bought[q,t] >= v_acquired[q,t] - v_acquired[q,t-1]",
    )
    outlay: dict[tuple[str, str], list] = defaultdict(list)
    for q, t in keys:
        acq = hdata.data[t].instance.acquisitions[q]
        if acq.price:
            outlay[acq.payer, t].append(acq.price * m.v_bought[q, t])
    if outlay:
        m.acquisition_outlay = pyo.Expression(
            list(outlay), rule=lambda m, e, t: sum(outlay[e, t]),
            doc="P_{q,t} * v_bought[q,t] of the acquisitions charged to e",
        )


def acquisition_budget_terms(m: pyo.ConcreteModel, hdata: HorizonData, f: str, t: str) -> list:
    """Multi-period: firm ``f``'s share of the acquisition prices paid in period ``t``."""
    if m.component("v_bought") is None:
        return []
    owners = hdata.owners(t)
    out = []
    for q, acq in hdata.data[t].instance.acquisitions.items():
        share = owners.get(acq.payer, {}).get(f, 0.0)
        if acq.price and share > 0:
            out.append(share * acq.price * m.v_bought[q, t])
    return out
