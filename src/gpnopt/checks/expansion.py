"""Meaning checks of family 17, capacity expansion and partner funding (``expansion``).

An expansion adds modules to a capacity, so the asset must have one; funding gives equity
of a plant, so it is allowed on a plant's expansion only, and its partner must be a firm of
the instance. No Pyomo.
"""

from __future__ import annotations

from gpnopt.errors import show
from gpnopt.hints import did_you_mean
from gpnopt.schema import Instance


def check_expansion(inst: Instance) -> list[str]:
    """Every ``expansion`` expands a stated capacity; funding is on plants, by known firms."""
    out: list[str] = []
    for pid, plant in inst.plants.items():
        exp = plant.expansion
        where = f"plants.{pid}.expansion"
        if exp is not None:
            if plant.assembly_capacity is None:
                out.append(
                    f"{where}: the plant has no assembly_capacity to expand; state "
                    f"plants.{pid}.assembly_capacity (the capacity before any module)"
                )
            fund = exp.funding
            if fund is not None and fund.firm not in inst.firms:
                out.append(
                    f"{where}.funding.firm: unknown firm {show(fund.firm)}"
                    f"{did_you_mean(fund.firm, set(inst.firms))}"
                )
        for group, options in (("lines", plant.lines), ("components", plant.components)):
            for item, opt in options.items():
                exp = opt.expansion
                if exp is None:
                    continue
                at = f"plants.{pid}.{group}.{item}.expansion"
                if opt.capacity is None:
                    out.append(
                        f"{at}: the {'line' if group == 'lines' else 'make option'} has no "
                        "capacity to expand; state its capacity (before any module)"
                    )
                if exp.funding is not None:
                    out.append(
                        f"{at}.funding: funding gives equity of a plant, so it is allowed on "
                        f"a plant's expansion only (plants.{pid}.expansion.funding)"
                    )
    return out
