"""The timeline of a solution: what is built, closed, switched and re-owned, period by period.

:func:`timeline_rows` reads a :class:`gpnopt.results.Solution`'s rows (which assets operate
in which period) and each period's instance (what existed before the horizon, investment and
closure costs, owners) and lists the events, the ``timeline`` table (``timeline.csv``):

========  ===================================================================================
column    meaning
========  ===================================================================================
period    the period the event happens in (at its start)
event     ``built`` / ``closed`` (plants), ``line opened`` / ``line closed``,
          ``in-sourced`` / ``out-sourced`` (make options), ``channel opened`` /
          ``channel closed``, ``office opened`` / ``office closed``, ``equity changed``,
          ``expanded`` (family 17: modules added)
kind      ``plant``, ``line``, ``make``, ``channel`` or ``office``
entity    the plant, channel or office id; ``PLANT/PRODUCT`` for a line,
          ``PLANT/COMPONENT`` for a make option
detail    the investment (``investment 400``) of an opening, the closure cost of a closing,
          ``TM 0.5, FT 0.5 -> TM 0.4, FT 0.4, TTC 0.2`` for a change of owners,
          ``+2 modules (+200)`` for an expansion
========  ===================================================================================

An asset operates in a period when its row is open (``plant_profit.open``, ``lines.open``,
``make_or_buy.in_house``, ``channel_profit.open``); an asset without a row in a period (not
available then) does not operate. Before the first period an asset operates if it is
``existing``. A change from not operating to operating is an opening (a build, with its
investment; re-opening a closed asset is a new build), the reverse a closing (docs/formulation.md,
Periods: ``u[a,t] - u[a,t-1] = v_build[a,t] - v_close[a,t]``), so the events are those of the
model's build and close decisions. ``equity changed`` comes from the data: an entity operating
in the period whose owners differ from the previous period's. A one-period instance's events
are the openings of the assets it builds, in its one period.

Family 17 (:mod:`gpnopt.results.expansion`) adds, from the ``expansions`` rows, ``expanded``
when an asset's modules rose in the period and ``equity changed`` when a partner's funding
is taken (detail ``TM 1 -> TM 0.8, TTC 0.2 (funding by TTC)``).

Rows are in period order, then plants, lines, make options, channels, offices (each sorted by
entity), then the equity changes, then the expansions. Plain Python, no Pyomo.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from gpnopt.results.expansion import expansion_events

if TYPE_CHECKING:
    from gpnopt.schema import Instance

Rows = tuple[dict[str, Any], ...]
Solution = Any
"""A :class:`gpnopt.results.solution.Solution` (not imported: that module uses this one)."""

TIMELINE_COLUMNS = ["period", "event", "kind", "entity", "detail"]
"""Columns of the ``timeline`` table."""

EVENTS: dict[str, tuple[str, str]] = {
    "plant": ("built", "closed"),
    "line": ("line opened", "line closed"),
    "make": ("in-sourced", "out-sourced"),
    "channel": ("channel opened", "channel closed"),
    "office": ("office opened", "office closed"),
}
"""The opening and the closing event of each kind of asset."""

KINDS = tuple(EVENTS)
"""Kinds of assets, in the timeline's order."""


def _asset(inst: Instance, kind: str, entity: str) -> Any:
    """The schema object of an asset (None if the instance has no such asset)."""
    if kind in ("line", "make"):
        p, _, x = entity.partition("/")
        plant = inst.plants.get(p)
        if plant is None:
            return None
        return (plant.lines if kind == "line" else plant.components).get(x)
    if kind == "plant":
        return inst.plants.get(entity)
    if kind == "channel":
        return (inst.channels or {}).get(entity)
    return inst.purchasing_offices.get(entity)


def operating(solution: Solution, instance: Instance, period: str) -> dict[str, set[str]]:
    """The assets that operate in ``period`` of ``solution``, by kind (entity names as in the
    timeline)."""
    out: dict[str, set[str]] = {k: set() for k in KINDS}
    for r in solution.plant_profit:
        if r["period"] == period and r["open"] == 1:
            out["plant"].add(r["plant"])
    for r in solution.lines:
        if r["period"] == period and r["open"] == 1:
            out["line"].add(f"{r['plant']}/{r['product']}")
    for r in solution.make_or_buy:
        if r["period"] == period and r["in_house"] == 1:
            out["make"].add(f"{r['plant']}/{r['component']}")
    offices = instance.purchasing_offices
    for r in solution.channel_profit:
        if r["period"] == period and r["open"] == 1:
            out["office" if r["channel"] in offices else "channel"].add(r["channel"])
    return out


def _existing(instance: Instance) -> dict[str, set[str]]:
    """The assets of ``instance`` marked ``existing`` (operating before the horizon)."""
    out: dict[str, set[str]] = {k: set() for k in KINDS}
    for p, pl in instance.plants.items():
        if pl.existing:
            out["plant"].add(p)
        out["line"] |= {f"{p}/{i}" for i, ln in pl.lines.items() if ln.existing}
        out["make"] |= {f"{p}/{k}" for k, mk in pl.components.items() if mk.existing}
    out["channel"] = {h for h, ch in (instance.channels or {}).items() if ch.existing}
    out["office"] = {o for o, off in instance.purchasing_offices.items() if off.existing}
    return out


def _owners_text(owners: Mapping[str, float]) -> str:
    return ", ".join(f"{f} {s:g}" for f, s in owners.items() if s > 0) or "none"


def _owners(instance: Instance, kind: str, entity: str) -> dict[str, float] | None:
    asset = _asset(instance, kind, entity) if kind in ("plant", "channel", "office") else None
    return None if asset is None else {f: float(s) for f, s in asset.owners.items() if s > 0}


def timeline_rows(solution: Solution, instances: Mapping[str, Instance]) -> Rows:
    """The events of ``solution`` (see the module docstring), with ``instances`` the instance
    of each period (:func:`gpnopt.timeseries.period_instances`), in period order.

    Args:
        solution: the rows of every period (their ``period`` among ``instances``).
        instances: period id -> that period's instance; the first period's gives the
            assets existing before the horizon.
    """
    rows: list[dict[str, Any]] = []
    periods = [t for t in solution.periods if t in instances]
    if not periods:
        return ()
    before = _existing(instances[periods[0]])
    prev_inst: Instance | None = None
    for t in periods:
        inst = instances[t]
        now = operating(solution, inst, t)
        for kind in KINDS:
            opened, closed = EVENTS[kind]
            for e in sorted(now[kind] - before[kind]):
                asset = _asset(inst, kind, e)
                cost = float(getattr(asset, "investment_cost", 0.0) or 0.0)
                detail = f"investment {cost:g}" if cost > 0 else ""
                rows.append({"period": t, "event": opened, "kind": kind, "entity": e,
                             "detail": detail})
            for e in sorted(before[kind] - now[kind]):
                asset = _asset(prev_inst or inst, kind, e)
                cost = float(getattr(asset, "closure_cost", 0.0) or 0.0)
                detail = f"closure cost {cost:g}" if cost > 0 else ""
                rows.append({"period": t, "event": closed, "kind": kind, "entity": e,
                             "detail": detail})
        if prev_inst is not None:
            for kind in ("plant", "channel", "office"):
                for e in sorted(now[kind]):
                    old, new = _owners(prev_inst, kind, e), _owners(inst, kind, e)
                    if old is not None and new is not None and old != new:
                        rows.append({"period": t, "event": "equity changed", "kind": kind,
                                     "entity": e,
                                     "detail": f"{_owners_text(old)} -> {_owners_text(new)}"})
        before, prev_inst = now, inst
    families = getattr(solution, "families", None) or {}
    rows += expansion_events(tuple(families.get("expansions", ())), {t: instances[t] for t in periods})
    rows.sort(key=lambda r: periods.index(r["period"]))  # stable: kinds kept in each period
    return tuple(rows)


__all__ = ["EVENTS", "KINDS", "TIMELINE_COLUMNS", "operating", "timeline_rows"]
