"""Meaning checks of family 20, transport per item and lead times (``docs/formulation.md``).

An entry of ``trade.transport`` that names items applies to products (machines, sold to
markets) or to components (moved to plants), never both; its items must exist and fit its
goods class and its destination. A plant's ``max_lead_time`` names components (one the
plant does not use is warned of: the limit would have no effect).
"""

from __future__ import annotations

import warnings

from gpnopt.errors import GpnoptWarning, show
from gpnopt.hints import did_you_mean
from gpnopt.schema import Instance, TransportCost


def _entry_problems(w: str, t: TransportCost, inst: Instance) -> list[str]:
    """Problems of one transport entry's item lists (``w`` its YAML path)."""
    out = []
    if t.products is not None and t.components is not None:
        return [
            f"{w}: an entry applies to products or to components, not both (split it into "
            "two entries)"
        ]
    for key, items, known, goods, other, end in (
        ("products", t.products, inst.products, "machine", "component", t.to_plant),
        ("components", t.components, inst.components, "component", "machine", t.to_market),
    ):
        if items is None:
            continue
        where = f"{w}.{key}"
        if not items:
            out.append(f"{where}: the list is empty, so the entry applies to nothing")
        for x in items:
            if x not in known:
                kind = key[:-1]
                out.append(f"{where}: unknown {kind} {show(x)}{did_you_mean(x, known)}")
        if t.goods == other:
            out.append(
                f"{where}: {key} are goods: {goods}, but the entry says goods: {other} "
                f"(write goods: {goods} or leave goods out)"
            )
        if end is not None:
            dest = "to_plant (plants receive components)" if key == "products" else (
                "to_market (markets receive machines)"
            )
            out.append(f"{where}: {key} never travel to the entry's {dest}")
    return out


def check_lead_times(inst: Instance) -> list[str]:
    """Transport entries' ``products``/``components`` and plants' ``max_lead_time`` name
    known items that fit the entry's goods class and destination."""
    out = []
    for n, t in enumerate(inst.trade.transport):
        out += _entry_problems(f"trade.transport.{n}", t, inst)
    for pid, p in inst.plants.items():
        used = {k for i in p.lines if i in inst.products for k in inst.products[i].bom}
        used |= {s for k in p.components if k in inst.components for s in inst.components[k].bom}
        for k in p.max_lead_time:
            if k not in inst.components:
                out.append(
                    f"plants.{pid}.max_lead_time: unknown component {show(k)}"
                    f"{did_you_mean(k, inst.components)}"
                )
            elif k not in used:
                warnings.warn(
                    f"plants.{pid}.max_lead_time.{k}: no line or make option of the plant "
                    f"uses {k}, so the limit has no effect",
                    GpnoptWarning,
                    stacklevel=2,
                )
    return out
