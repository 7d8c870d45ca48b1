"""The per-entity parts that families add to revenue, cost and outlays, on a model.

A family that changes what a profit centre earns or spends does not edit family 11: it
builds a Pyomo ``Expression`` indexed by the entities it touches on the model or period
block (``b.<name>[e]``, money per year) and names it in :data:`PARTS`. Family 11
(:mod:`gpnopt.model.ownership`) adds every cost part to ``cost[e]`` and every revenue part
to ``revenue[e]``; :func:`gpnopt.results.profit_parts` reports each part under its
``label``. A multi-period family's money spent once in period t (undiscounted) is an
Expression ``m.<name>[e, t]`` on the top model named in :data:`OUTLAYS`; the net present
value subtracts it with the period's outlay weight (:mod:`gpnopt.model.periods`).

The registry itself (:data:`PARTS`, :data:`OUTLAYS`) is plain Python in :mod:`gpnopt.parts`,
so the results read its labels without importing Pyomo.
"""

from __future__ import annotations

from typing import Any

from gpnopt.parts import OUTLAYS, PARTS

__all__ = ["OUTLAYS", "PARTS", "part_terms", "outlay_terms"]


def part_terms(b: Any, e: str, kind: str) -> list:
    """The expressions of entity ``e``'s parts of ``kind`` on block ``b`` (those present)."""
    out = []
    for part in PARTS:
        if part.kind != kind:
            continue
        comp = b.component(part.name)
        if comp is not None and e in comp:
            out.append(comp[e].expr)
    return out


def outlay_terms(m: Any, e: str, t: str) -> list:
    """The families' outlays of entity ``e`` in period ``t`` on multi-period model ``m``."""
    out = []
    for name in OUTLAYS:
        comp = m.component(name)
        if comp is not None and (e, t) in comp:
            out.append(comp[e, t])
    return out
