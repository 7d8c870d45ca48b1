"""Family 7, capability and quality.

Capability: a plant makes a product only on a listed line whose tier is at most the
plant's ``max_tier`` (lines above it are left out of the index set ``lines``; a warning
says so).

Quality: each component source has a quality level q(s) in low < medium < high; a use of
component k (a product's or a component's bill-of-materials entry) may demand a minimum
quality. Quality levels are nested, so the supply of quality at least q must cover every
use demanding at least q (indices: d plant, k component, q quality level):

    quality_cover[d,k,q]:  sum_{s: q(s) >= q} v_flow[k,s,d]
                               >= sum_{uses u of k at d with min_quality(u) >= q} need_u

With the balance of family 3 this is exact for any nested quality order: high-quality
supply may serve low-quality uses, never the reverse. So "Chinese plants reach Taiwan's
quality only with Taiwanese core parts" is: core parts from Taiwan have quality high, from
Chinese pools medium, and the high tier's bill of materials asks for high.

In a multi-period instance each period's block ``m.period[t]`` holds this family for period
t: every index above gains t as its last (``docs/formulation.md``, Periods).
"""

from __future__ import annotations

import pyomo.core as pyo

from gpnopt.data import ModelData
from gpnopt.model.flows import need_terms
from gpnopt.model.variables import le, term, var_tables


def quality_levels(data: ModelData) -> dict[tuple[str, str], list[int]]:
    """(d, k) -> the quality levels above the lowest that some use of k at d asks for."""
    return {
        (d, k): sorted({t[3] for t in terms if t[3] > 0})
        for (d, k), terms in data.need_terms.items()
        if any(t[3] > 0 for t in terms)
    }


def quality_cover_terms(
    m: pyo.ConcreteModel,
    data: ModelData,
    key: tuple[str, str, int],
    into: dict[tuple[str, str], list[tuple[str, str, str]]],
) -> list:
    """The terms of ``quality_cover[d,k,q]`` (key) as ``need - good <= 0``, with ``into``
    the flow arcs by (d, k) (family 15 adds the flows that count at q once learned)."""
    d, k, q = key
    flow = var_tables(m).flow
    good = [term(-1, flow[a]) for a in into.get((d, k), ()) if data.flows[a].quality >= q]
    return [*need_terms(m, data, d, k, min_rank=q), *good]


def add_quality(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add the quality family to ``m`` in place (capability is in the index sets)."""
    keys = [(d, k, q) for (d, k), levels in quality_levels(data).items() for q in levels]
    if not keys:
        return
    into = data.flows_into()

    @m.Constraint(keys, doc="sum_{s: q(s)>=q} v_flow[k,s,d] >= need of uses asking >= q")
    def quality_cover(m, d, k, q):
        # Pyomo writes good >= need as need - good <= 0
        return le(quality_cover_terms(m, data, (d, k, q), into), 0, general=True)
