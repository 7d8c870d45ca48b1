"""Meaning checks of family 26, acquisitions (``acquisitions``)."""

from __future__ import annotations

from gpnopt.checks.refs import unknown
from gpnopt.errors import show
from gpnopt.schema import Instance


def check_acquisitions(inst: Instance) -> list[str]:
    """An acquisition names known plants and channels, no entity comes with two
    acquisitions, and over periods a bundled asset is not ``existing`` (it is not the
    network's before the acquisition is made)."""
    out: list[str] = []
    owner: dict[str, str] = {}
    for q, acq in inst.acquisitions.items():
        where = f"acquisitions.{q}"
        out += unknown(f"{where}.plants", "plant", acq.plants, inst.plants)
        out += unknown(f"{where}.channels", "channel", acq.channels, inst.channels or {})
        for e in [*acq.plants, *acq.channels]:
            if e in owner:
                out.append(f"{where}: {show(e)} already comes with acquisition "
                           f"{show(owner[e])}; an entity comes with at most one acquisition")
            owner.setdefault(e, q)
        if not inst.periods:
            continue
        for kind, ids, table in (("plants", acq.plants, inst.plants),
                                 ("channels", acq.channels, inst.channels or {})):
            for e in ids:
                if e in table and table[e].existing:
                    out.append(
                        f"{kind}.{e}.existing: {show(e)} comes with acquisition {show(q)}, so "
                        "over periods it is not the network's when the horizon starts: leave "
                        "out existing (and its investment_cost: the price pays for it)"
                    )
    return out
