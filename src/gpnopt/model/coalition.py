"""Family 12, the coalition restriction: what a coalition S of firms may use on its own.

A coalition's value v(S) is the best equity-weighted profit of S's members using only what S
may use. The restriction closes, as column bounds (upper bound 0), everything else:

    closed_plant[p]:        v_is_open[p] = 0         p not usable by S
    closed_channel[h]:      v_channel_open[h] = 0    h not usable by S
    closed_office[o]:       v_office_open[o] = 0     o not usable by S
    closed_line[p,i]:       v_line_open[p,i] = 0     product i designed by a firm outside S
    closed_access[k,s,d]:   v_flow[k,s,d] = 0        pool s open to plant d only through a firm
                                                     outside S (``access.firms``)
    closed_filter[p,i,h,m]: v_sales[p,i,h,m] = 0     channel h takes p's output only through a
                                                     firm outside S (``plant_owners``)
    closed_funding[p]:      v_funded[p] = 0          p's funding partner (family 17) is
                                                     outside S

An entity (plant, channel, purchasing office) is usable by S when at least one of its owners is
in S and every owner outside S is one it may run without (its ``runs_without`` list); an entity
without owners (a third party's channel) is usable by every coalition. An owner the entity runs
without keeps its equity share (a silent partner): its share of the profit is not S's. A
product without a designing ``firm`` may be made by anyone. Every closed column is a decision
the model already allows (any entity may stay closed), so the restricted model has the same
rows and stays feasible whenever closing is feasible. (The solver relaxes the markets'
``demand_minimum`` rows for a coalition short of a firm, :class:`gpnopt.solver.CoalitionSolver`:
the minimums hold for the whole network.)

In a multi-period model the restriction is applied to every period's block (the stand-alone
value of a firm over the horizon, :mod:`gpnopt.solver.horizon`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyomo.core as pyo

from gpnopt.data import ModelData


@dataclass
class Closed:
    """The columns a coalition may not use: variable name -> indices (all upper bound 0)."""

    columns: dict[str, list[Any]] = field(default_factory=dict)

    def items(self) -> Iterator[tuple[str, Any]]:
        """(variable name, index) of every closed column."""
        for name, indices in self.columns.items():
            for idx in indices:
                yield name, idx

    def count(self) -> int:
        """Number of closed columns."""
        return sum(len(v) for v in self.columns.values())


def usable_entity(owners: Mapping[str, float], runs_without: Collection[str], members: Collection[str]) -> bool:
    """Whether an entity with ``owners`` (firm -> share) may run in coalition ``members``."""
    owning = {f for f, s in owners.items() if s > 0}
    if not owning:
        return True
    return bool(owning & set(members)) and owning - set(members) <= set(runs_without)


def closed_for(data: ModelData, members: Collection[str]) -> Closed:
    """What coalition ``members`` may not use in the model of ``data`` (module docstring)."""
    inst = data.instance
    s = set(members)
    entities: dict[str, tuple[Mapping[str, float], Collection[str]]] = {}
    for p, pl in inst.plants.items():
        entities[p] = (pl.owners, pl.runs_without or ())
    for h, ch in (inst.channels or {}).items():
        entities[h] = (ch.owners, ch.runs_without or ())
    for o, off in inst.purchasing_offices.items():
        entities[o] = (off.owners, off.runs_without or ())
    ok = {e: usable_entity(own, rw, s) for e, (own, rw) in entities.items()}
    held = {p: {f for f, x in pl.owners.items() if x > 0} & s for p, pl in inst.plants.items()}
    closed = Closed()
    closed.columns["v_is_open"] = [p for p in inst.plants if not ok[p]]
    closed.columns["v_channel_open"] = [h for h in data.channels if not ok[h]]
    closed.columns["v_office_open"] = [o for o in data.offices if not ok[o]]
    closed.columns["v_line_open"] = [
        (p, i)
        for p, i in data.lines
        if ok[p] and inst.products[i].firm is not None and inst.products[i].firm not in s
    ]
    closed.columns["v_flow"] = [
        (k, src, d)
        for (k, src, d), arc in data.flows.items()
        if ok[d] and src in inst.suppliers and arc.office is None
        and not _direct_access(inst.suppliers[src].access, d, held[d])
    ]
    closed.columns["v_sales"] = [
        (p, i, h, mk)
        for p, i, h, mk in data.sales
        if ok[p] and h in ok and ok[h]
        and inst.channels[h].plant_owners is not None
        and not (held[p] & set(inst.channels[h].plant_owners))
    ]
    closed.columns["v_funded"] = [
        p for p in inst.plants
        if inst.plants[p].expansion is not None and inst.plants[p].assembly_capacity is not None
        and inst.plants[p].expansion.funding is not None
        and inst.plants[p].expansion.funding.firm not in s
    ]
    return closed


def _direct_access(access: Any, plant: str, held: set[str]) -> bool:
    """Whether ``plant`` may buy from a pool without an office when its owners in the
    coalition are ``held``."""
    if access is None:
        return True
    if access.plants and plant in access.plants:
        return True
    return bool(access.firms and held & set(access.firms))


def add_coalition(m: pyo.ConcreteModel, data: ModelData, members: Collection[str]) -> Closed:
    """Fix every column coalition ``members`` may not use to 0 (a fresh model's restriction;
    :class:`gpnopt.solver.CoalitionSolver` sets the same bounds on a kept HiGHS object)."""
    closed = closed_for(data, members)
    for name, idx in closed.items():
        getattr(m, name)[idx].fix(0)
    return closed
