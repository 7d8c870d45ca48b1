"""Meaning checks of family 18, technicians as an economic resource.

``hiring.paid_by`` names a plant the firm owns; without it the firm must have exactly one
plant in its home country that it owns wholly (:func:`paying_plant`); the plants of
``local_managers`` exist. A local-managers plant in the firm's home country (where no line
needs its technicians) and a hiring lag in a one-period instance (nobody hired could work)
are warned about. No Pyomo here.
"""

from __future__ import annotations

import warnings

from gpnopt.errors import GpnoptWarning, show
from gpnopt.hints import did_you_mean
from gpnopt.schema import Instance


def home_plants(inst: Instance, firm: str) -> list[str]:
    """The plants in ``firm``'s home country that it owns wholly (equity 1), in file order."""
    home = inst.firms[firm].home_country
    if home is None:
        return []
    return [
        p for p, plant in inst.plants.items()
        if plant.country == home and plant.owners.get(firm, 0.0) >= 1.0 - 1e-9
    ]


def paying_plant(inst: Instance, firm: str) -> str | None:
    """The plant that pays ``firm``'s hires: ``hiring.paid_by``, else its only wholly-owned
    home plant; ``None`` without hiring or when no single such plant exists."""
    pol = inst.firms[firm].technicians
    if pol is None or pol.hiring is None:
        return None
    if pol.hiring.paid_by is not None:
        return pol.hiring.paid_by
    homes = home_plants(inst, firm)
    return homes[0] if len(homes) == 1 else None


def check_staffing(inst: Instance) -> list[str]:
    """``paid_by`` and the default paying plant, and the ``local_managers`` plants."""
    out: list[str] = []
    for f, firm in inst.firms.items():
        pol = firm.technicians
        if pol is None:
            continue
        w = f"firms.{f}.technicians"
        if pol.hiring is not None:
            out += _payer_problems(inst, f, f"{w}.hiring")
            if not inst.periods and pol.hiring.lag > 0:
                warnings.warn(
                    f"{w}.hiring.lag: {pol.hiring.lag}, but the instance has one period: "
                    "nobody hired can work in it (only a lag of 0 lets hires work)",
                    GpnoptWarning,
                    stacklevel=2,
                )
        lm = pol.local_managers
        if lm is not None and lm.plants is not None:
            for n, p in enumerate(lm.plants):
                if p not in inst.plants:
                    out.append(f"{w}.local_managers.plants.{n}: unknown plant {show(p)}"
                               f"{did_you_mean(p, inst.plants)}")
                elif inst.plants[p].country == firm.home_country:
                    warnings.warn(
                        f"{w}.local_managers.plants.{n}: {p} is in {f}'s home country, where "
                        "its lines need no technicians; local managers there do nothing",
                        GpnoptWarning,
                        stacklevel=2,
                    )
    return out


def _payer_problems(inst: Instance, f: str, w: str) -> list[str]:
    paid_by = inst.firms[f].technicians.hiring.paid_by
    if paid_by is not None:
        if paid_by not in inst.plants:
            return [f"{w}.paid_by: unknown plant {show(paid_by)}{did_you_mean(paid_by, inst.plants)}"]
        if inst.plants[paid_by].owners.get(f, 0.0) <= 0:
            return [f"{w}.paid_by: plant {paid_by} is not owned by {f}; the hires must be paid "
                    f"by a plant of the firm"]
        return []
    homes = home_plants(inst, f)
    if len(homes) == 1:
        return []
    home = inst.firms[f].home_country
    if not homes:
        where = f"in its home country {home}" if home else "(it has no home_country)"
        return [f"{w}: {f} owns no plant wholly {where}, so no plant pays the hires by "
                "default; name one with paid_by"]
    return [f"{w}: {f} owns several plants wholly in {home} ({', '.join(homes)}); name the one "
            "that pays the hires with paid_by"]


__all__ = ["check_staffing", "home_plants", "paying_plant"]
