"""The ``technicians`` table's rows and the ``technicians hired`` events (families 8 and 18).

One row per firm with a ``technicians`` entry and period:

===========  ===================================================================================
column       meaning
===========  ===================================================================================
firm         the firm
period       the period
pool         the pool stated (persons)
used         technicians the firm's foreign lines need (``technicians[f]``; expatriates + local
             managers under family 18)
expatriates  expatriates working abroad (family 8: ``used``)
locals       local managers in their place (family 18 only; else 0)
hired        persons hired in the period (family 18's ``hiring``; else 0)
available    the pool plus the hires usable in the period (family 8: the pool)
cost         yearly cost of the expatriates and local managers (money/year; the hires' cost is
             an outlay or, in one period, an annuity of the paying plant, not in it)
===========  ===================================================================================

Values are read only through the ``val`` passed in (no Pyomo import here).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

TECHNICIAN_COLUMNS = [
    "firm", "period", "pool", "used", "expatriates", "locals", "hired", "available", "cost",
]
"""Columns of the ``technicians`` table."""


def technician_rows(
    model: Any, data: Any, period: str, val: Callable[[Any], float],
    clean: Callable[[float], float],
) -> list[dict[str, Any]]:
    """The ``technicians`` rows of one period's model or block ``model`` (built from ModelData
    ``data``), tagged with ``period``; ``clean`` rounds a value as the other tables do."""
    from gpnopt.model.staffing import staffing_data

    inst = data.instance
    sd = staffing_data(model)
    expats = _by_firm(model, "v_expats", val)
    local = _by_firm(model, "v_locals", val)
    hired = model.component("v_hired")
    avail = model.component("v_available")
    out = []
    for f, rows in data.tech_lines.items():
        pol = inst.firms[f].technicians
        used = clean(val(model.technicians[f]) if rows else 0.0)
        row = {"firm": f, "period": period, "pool": pol.pool, "used": used,
               "expatriates": used, "locals": 0.0, "hired": 0, "available": pol.pool,
               "cost": 0.0}
        if sd is not None and f in sd.expat_cost:
            cost = sum(sd.expat_cost[f] * x for (g, _p), x in expats.items() if g == f)
            cost += sum(sd.local[g, p][1] * x for (g, p), x in local.items() if g == f)
            row |= {
                "expatriates": clean(sum(x for (g, _p), x in expats.items() if g == f)),
                "locals": clean(sum(x for (g, _p), x in local.items() if g == f)),
                "hired": int(round(val(hired[f]))) if hired is not None and f in hired else 0,
                "available": clean(pol.pool + (val(avail[f]) if avail is not None and f in avail
                                               else 0.0)),
                "cost": clean(cost),
            }
        out.append(row)
    return out


def _by_firm(model: Any, name: str, val: Callable[[Any], float]) -> dict[tuple[str, str], float]:
    comp = model.component(name)
    return {} if comp is None else {k: val(x) for k, x in comp.items()}


def staffing_events(rows: Sequence[Mapping[str, Any]], instances: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Timeline events ``technicians hired`` (kind ``firm``) of the ``technicians`` rows:
    detail ``+2 (cost 600, usable from P2)``."""
    order = list(instances)
    events = []
    for r in rows:
        if not r["hired"]:
            continue
        h = instances[r["period"]].firms[r["firm"]].technicians.hiring
        pos = order.index(r["period"]) + h.lag
        usable = order[pos] if pos < len(order) else "after the horizon"
        events.append({
            "period": r["period"], "event": "technicians hired", "kind": "firm",
            "entity": r["firm"],
            "detail": f"+{r['hired']} (cost {r['hired'] * h.cost:g}, usable from {usable})",
        })
    return events


__all__ = ["TECHNICIAN_COLUMNS", "staffing_events", "technician_rows"]
