"""Checks of family 25's keys on sourcing rules: the plants counted together and the
customers a requirement is tied to (``sourcing_rules.<n>.plants``, ``.customers``)."""

from __future__ import annotations

from gpnopt.checks.refs import unknown
from gpnopt.errors import show
from gpnopt.schema import Instance


def check_sourcing(inst: Instance) -> list[str]:
    """Plants and customer markets of sourcing rules are known; a rule tied to customers
    counts components that are in the bills of materials of its plants' products."""
    out = []
    for n, r in enumerate(inst.sourcing_rules):
        w = f"sourcing_rules.{n}"
        out += unknown(f"{w}.plants", "plant", r.plants or [], inst.plants)
        if r.customers is None:
            continue
        out += unknown(f"{w}.customers.markets", "market", r.customers.markets, inst.markets)
        made = {
            k
            for p in r.plant_ids
            if p in inst.plants
            for i in inst.plants[p].lines
            if i in inst.products
            for k in inst.products[i].bom
        }
        for k in r.components or []:
            if k in inst.components and k not in made:
                out.append(
                    f"{w}.components: {show(k)} is in no bill of materials of a product the "
                    "rule's plants make, so a rule tied to customers would count none of it"
                )
    return out
