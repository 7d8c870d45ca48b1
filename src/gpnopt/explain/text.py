"""Words: a binding limit as the diagnosis names it, and the sentence of a decision."""

from __future__ import annotations

import math
from typing import Any

from gpnopt.data import ModelData

_LIMITS = {
    "technician_pool": "{0}'s technicians all used ({a:g} of {b:g})",
    "assembly_capacity": "plant {0}: assembly capacity used up",
    "line_capacity": "plant {0}, line {1}: line capacity used up",
    "component_capacity": "plant {0}: capacity for component {1} used up",
    "supplier_capacity": "supplier {0}: capacity for component {1} used up ({a:g} of {b:g})",
    "channel_capacity": "channel {0}: capacity used up ({a:g} of {b:g} units)",
    "demand_limit": "market {0}: all demand for {1} served",
    "demand_minimum": "market {0}: only the minimum of {1} served",
    "capital_budget": "firm {0}: capital budget used up ({a:g} of {b:g})",
    "quality_cover": "plant {0}, component {1}: just enough of quality rank >= {2}",
    "entry_mode_exclusive": "exclusive group {0}: one plant open already",
    "minimum_quantity": "plant {0}, component {1}: at the minimum production quantity",
}


def limit_words(row: dict[str, Any], data: ModelData) -> str:
    """A binding limit row of :meth:`gpnopt.solver.ForcedSolver.row_table` in words."""
    family, index = row["family"], row["index"]
    idx = index if isinstance(index, tuple) else (index,)
    text = _LIMITS.get(family, family + " {0}: binding")
    named: tuple[Any, ...] = idx
    if family.startswith(("sourcing_share", "sourcing_customer")):
        named = (data.instance.sourcing_rules[idx[0]].id,)
        text = "sourcing rule {0}: at its " + ("maximum" if "upper" in family else "minimum")
        text += " share of its customers' requirement" if "customer" in family else ""
    try:
        words = text.format(*named, a=round(row["activity"], 6), b=round(row["bound"], 6))
    except IndexError:
        words = f"{family}: binding"
    return f"{family}[{','.join(map(str, idx))}]: {words}"


def money(x: float) -> str:
    """A signed amount of money, ``+1,234.5`` (``-`` when not a number)."""
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:+,.1f}"


def _threshold_words(t: dict[str, Any]) -> str:
    if not t["flips"]:
        return f"{t['parameter']} does not flip it within x0.1..x10"
    f = t["factor"]
    change = f - 1.0
    way = "rises" if change > 0 else "falls"
    checked = "" if t["verified"] else " (not confirmed by the final solves)"
    return f"it flips when {t['parameter']} {way} by {abs(change):.1%} (x{f:.4g}){checked}"


def sentence(rep: Any) -> str:
    """The plain-words summary of a :class:`gpnopt.explain.core.DecisionReport`."""
    head = f"{rep.words}."
    if rep.status == "feasible":
        diff = rep.profit_difference
        if abs(diff) <= 1e-6:
            body = f" If {rep.alternative}, the total profit would not change (a tie)."
        else:
            body = (
                f" If {rep.alternative}, the total profit would "
                f"{'fall' if diff < 0 else 'rise'} by {abs(diff):,.1f}"
            )
            firms = ", ".join(f"{f} {money(v)}" for f, v in rep.by_firm.items() if abs(v) > 1e-6)
            if firms:
                body += f" ({firms})"
            big = sorted(
                ((t, v) for t, v in rep.by_type.items() if abs(v) > 1e-6), key=lambda tv: -abs(tv[1])
            )[:3]
            if big:
                body += "; mostly " + ", ".join(f"{t} {money(v)}" for t, v in big)
            body += "."
        if rep.limits:
            body += " In the way: " + "; ".join(rep.limits[:3]) + "."
    elif rep.status == "infeasible":
        body = f" It cannot be that {rep.alternative}: " + "; ".join(rep.limits[:3]) + "."
    else:
        body = f" The opposite ({rep.alternative}) cannot be stated on the model"
        body += (": " + "; ".join(rep.limits[:3]) + ".") if rep.limits else "."
    if rep.thresholds:
        words = "; ".join(_threshold_words(t) for t in rep.thresholds)
        body += f" {words[0].upper()}{words[1:]}."
    return head + body
