"""The ``expansions`` table and the timeline events of family 17 (capacity expansion and
partner funding, ``docs/formulation.md`` section 17).

One row per expandable asset (a plant, line or make option stating ``expansion``) and period:

==============  ============================================================================
column          meaning
==============  ============================================================================
entity          the plant
asset           ``plant`` (its assembly capacity), ``line`` or ``make``
sub             the product (a line) or component (a make option); empty for a plant
period          the period
modules         modules the asset has in the period
capacity_added  modules times the module's capacity (capacity units or units per year)
funded          1 if the partner funds the plant's expansion in the period, else 0
partner         the funding partner when funded, else empty
==============  ============================================================================

:func:`expansion_events` turns the rows into timeline events: ``expanded`` (modules rose in
the period; ``+2 modules (+200)``) and ``equity changed`` (funding taken in the period; the
owners before and after). Readers import no Pyomo (values come through ``val``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

EXPANSION_COLUMNS = (
    "entity", "asset", "sub", "period", "modules", "capacity_added", "funded", "partner",
)
"""Columns of the ``expansions`` table."""


def read_expansions(
    b: Any, data: Any, period: str, val: Callable[[Any], float]
) -> list[dict[str, Any]]:
    """The ``expansions`` rows of one period's block (or one-period model) ``b``."""
    mods = b.component("v_modules")
    if mods is None:
        return []
    funded = b.component("v_funded")
    inst = data.instance
    rows = []
    for (kind, p, sub), x in mods.items():
        n = int(round(val(x)))
        on = 0
        partner = ""
        if kind == "plant" and funded is not None and p in funded:
            on = int(round(val(funded[p])))
            if on:
                partner = inst.plants[p].expansion.funding.firm
        rows.append({
            "entity": p, "asset": kind, "sub": sub, "period": period, "modules": n,
            "capacity_added": float(n * b.module_size[kind, p, sub]),
            "funded": on, "partner": partner,
        })
    return rows


def _owners_text(owners: Mapping[str, float]) -> str:
    return ", ".join(f"{f} {s:g}" for f, s in owners.items() if s > 0) or "none"


def funded_owners(owners: Mapping[str, float], partner: str, equity: float) -> dict[str, float]:
    """The owners of a plant once ``partner`` has funded it for ``equity``: every other
    owner's share times 1 - equity, the partner's times 1 - equity plus equity."""
    out = {f: s * (1.0 - equity) for f, s in owners.items() if s > 0}
    out[partner] = out.get(partner, 0.0) + equity
    return {f: round(s, 12) for f, s in out.items()}


def expansion_events(
    rows: tuple[dict[str, Any], ...], instances: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The timeline events of the ``expansions`` rows (module docstring), in period order,
    with ``instances`` each period's instance."""
    events: list[dict[str, Any]] = []
    before: dict[tuple[str, str, str], int] = {}
    was_funded: set[str] = set()
    for t, inst in instances.items():
        for r in rows:
            if r["period"] != t:
                continue
            a = (r["entity"], r["asset"], r["sub"])
            gain = r["modules"] - before.get(a, 0)
            before[a] = r["modules"]
            name = r["entity"] if not r["sub"] else f"{r['entity']}/{r['sub']}"
            if gain > 0:
                size = r["capacity_added"] / r["modules"]
                word = "module" if gain == 1 else "modules"
                events.append({"period": t, "event": "expanded", "kind": r["asset"],
                               "entity": name, "detail": f"+{gain} {word} (+{gain * size:g})"})
            if r["asset"] == "plant" and r["funded"] and r["entity"] not in was_funded:
                was_funded.add(r["entity"])
                plant = inst.plants[r["entity"]]
                old = {f: float(s) for f, s in plant.owners.items() if s > 0}
                new = funded_owners(old, r["partner"], plant.expansion.funding.equity)
                events.append({"period": t, "event": "equity changed", "kind": "plant",
                               "entity": r["entity"],
                               "detail": f"{_owners_text(old)} -> {_owners_text(new)} "
                                         f"(funding by {r['partner']})"})
    return events
