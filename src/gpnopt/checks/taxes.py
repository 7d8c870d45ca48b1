"""Meaning checks of family 22 (taxes) and family 23 (transfer price levels).

Every country, plant and firm home a tax key names must exist; a channel's ``country``
too. An incentive whose rate is not below the rate of every country it could apply in
never lowers a tax (the lowest applicable rate wins): that is warned of, not refused (it
may be meant for a period mapping's later periods). No Pyomo here.
"""

from __future__ import annotations

import warnings

from gpnopt.checks.refs import unknown
from gpnopt.errors import GpnoptWarning, show
from gpnopt.schema import Instance


def check_taxes(inst: Instance) -> list[str]:
    """Tax rates, incentives and channels' countries name known countries and plants."""
    out: list[str] = []
    for hid, h in (inst.channels or {}).items():
        if h.country is not None:
            out += unknown(f"channels.{hid}.country", "country", [h.country], inst.countries)
    tax = inst.taxes
    if tax is None:
        return out
    out += unknown("taxes.rates", "country", list(tax.rates), inst.countries)
    for n, inc in enumerate(tax.incentives):
        where = f"taxes.incentives[{n}]"
        if inc.country is not None:
            out += unknown(f"{where}.country", "country", [inc.country], inst.countries)
        out += unknown(f"{where}.plants", "plant", inc.plants or [], inst.plants)
        out += unknown(
            f"{where}.owner_home_countries", "country", inc.owner_home_countries or [],
            inst.countries,
        )
        if inc.country is not None and inc.plants:
            elsewhere = [
                p for p in inc.plants
                if p in inst.plants and inst.plants[p].country != inc.country
            ]
            if elsewhere:
                out.append(
                    f"{where}.plants: {', '.join(show(p) for p in elsewhere)} not in the "
                    f"incentive's country {show(inc.country)}; it could never apply to them"
                )
    out += _check_charged_to(inst)
    if not out:
        _warn_useless_incentives(inst)
    return out


def _check_charged_to(inst: Instance) -> list[str]:
    """``taxes.charged_to``: both ends known entities, no entity charged to itself or to an
    entity that is charged on in turn."""
    tax = inst.taxes
    assert tax is not None
    entities = {**inst.plants, **inst.purchasing_offices, **(inst.channels or {})}
    out: list[str] = []
    for c, e in tax.charged_to.items():
        where = f"taxes.charged_to.{c}"
        out += unknown("taxes.charged_to", "plant, purchasing office or channel", [c], entities)
        out += unknown(where, "plant, purchasing office or channel", [e], entities)
        if c == e:
            out.append(f"{where}: an entity cannot be charged to itself")
        elif e in tax.charged_to:
            out.append(
                f"{where}: {show(e)} is itself charged to {show(tax.charged_to[e])}; "
                f"charge {show(c)} to {show(tax.charged_to[e])} directly"
            )
    return out


def _warn_useless_incentives(inst: Instance) -> None:
    """Warn of an incentive whose rate is not below the rate of the countries it covers."""
    tax = inst.taxes
    assert tax is not None
    for n, inc in enumerate(tax.incentives):
        if inc.country is not None:
            countries = {inc.country}
        else:
            countries = {inst.plants[p].country for p in inc.plants or []}
        if all(inc.rate >= tax.rates.get(c, 0.0) for c in countries):
            rates = ", ".join(f"{c} {tax.rates.get(c, 0.0):g}" for c in sorted(countries))
            warnings.warn(
                f"taxes.incentives[{n}].rate: {inc.rate:g} is not below the rate of the "
                f"countries it covers ({rates}); the lowest rate wins, so it never applies",
                GpnoptWarning,
                stacklevel=2,
            )
