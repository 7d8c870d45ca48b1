"""Meaning checks of family 21, purchasing pools (``purchasing_pools``).

A pool names known supplier pools, components some of its suppliers offer, and known buyer
firms and plants; no purchase (a flow of a component from a supplier into a plant) counts
in two pools. No Pyomo.
"""

from __future__ import annotations

from gpnopt.checks.refs import unknown
from gpnopt.errors import show
from gpnopt.schema import Instance

__all__ = ["check_discounts", "pool_buyers", "pool_offers"]


def pool_offers(inst: Instance, pool_id: str) -> list[tuple[str, str]]:
    """(supplier, component) pairs whose sales count in pool ``pool_id``: the pool's known
    suppliers' offers of its components (every offered component when it lists none)."""
    pool = inst.purchasing_pools[pool_id]
    wanted = None if pool.components is None else set(pool.components)
    out = []
    for s in dict.fromkeys(pool.suppliers):
        sup = inst.suppliers.get(s)
        if sup is None:
            continue
        out += [(s, k) for k in sup.components if wanted is None or k in wanted]
    return out


def pool_buyers(inst: Instance, pool_id: str) -> list[str]:
    """The plants whose purchases count in pool ``pool_id``, in plant order (every plant
    without ``buyers``; else the listed plants and the plants with equity of a listed firm)."""
    buyers = inst.purchasing_pools[pool_id].buyers
    if buyers is None:
        return list(inst.plants)
    firms, plants = set(buyers.firms or ()), set(buyers.plants or ())
    return [
        p
        for p, plant in inst.plants.items()
        if p in plants or any(share > 0 and f in firms for f, share in plant.owners.items())
    ]


def check_discounts(inst: Instance) -> list[str]:
    """Purchasing pools reference known entities, each listed component is offered by one of
    the pool's suppliers, and no flow counts in two pools."""
    out: list[str] = []
    for pid, pool in inst.purchasing_pools.items():
        w = f"purchasing_pools.{pid}"
        strangers = unknown(f"{w}.suppliers", "supplier", pool.suppliers, inst.suppliers)
        out += strangers
        offered = {k for s in pool.suppliers if s in inst.suppliers for k in inst.suppliers[s].components}
        for k in pool.components or ():
            if k not in inst.components:
                out += unknown(f"{w}.components", "component", [k], inst.components)
            elif k not in offered and not strangers:
                out.append(
                    f"{w}.components: component {show(k)} is offered by none of the pool's "
                    f"suppliers ({', '.join(pool.suppliers)})"
                )
        if pool.buyers is not None:
            out += unknown(f"{w}.buyers.firms", "firm", pool.buyers.firms or [], inst.firms)
            out += unknown(f"{w}.buyers.plants", "plant", pool.buyers.plants or [], inst.plants)
    if not out:
        out += _overlaps(inst)
    return out


def _overlaps(inst: Instance) -> list[str]:
    """A problem for each pair of pools that both count some flow (k, s, d)."""
    ids = list(inst.purchasing_pools)
    offers = {p: set(pool_offers(inst, p)) for p in ids}
    buyers = {p: pool_buyers(inst, p) for p in ids}
    out = []
    for n, a in enumerate(ids):
        for b in ids[n + 1 :]:
            both = sorted(offers[a] & offers[b])
            common = [d for d in buyers[a] if d in set(buyers[b])]
            if both and common:
                s, k = both[0]
                out.append(
                    f"purchasing_pools.{b}: covers flows pool {a} covers too ({k} from {s} "
                    f"into {common[0]}); a purchase may count in one pool only"
                )
    return out
