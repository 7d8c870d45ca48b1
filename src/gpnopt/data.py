"""ModelData: the sparse index sets and parameters the model is built from.

Pure Python (no Pyomo). Everything the constraint families iterate over is computed here,
once, as tuples and dicts, so that the families never filter with ``Constraint.Skip``.

Index letters: p plant, i product, k component, s source (plant or supplier), d destination
plant, m market, h channel, o purchasing office, f firm, q quality level.
"""

from __future__ import annotations

import gc
import math
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import Any

from gpnopt.currency import refuse_unconverted
from gpnopt.schema import TIER_RANK, Instance
from gpnopt.transport import Lanes

DIRECT = "direct"
"""Channel name of direct sales when an instance defines no channels."""


def _arc_repr(arc: Any) -> str:
    """The dataclass repr of an arc record, ``lead_time`` shown only when above 0 (so the
    pinned digests of instances without lead times, ``tests/test_build_data.py``, stay)."""
    shown = (f for f in fields(arc) if f.name != "lead_time" or arc.lead_time)
    return f"{type(arc).__name__}({', '.join(f'{f.name}={getattr(arc, f.name)!r}' for f in shown)})"


@dataclass(slots=True, frozen=True, repr=False)
class SalesArc:
    """Economics of selling product i made at plant p in market m through channel h.

    Arcs with the same economics (plants in one country selling one product in one market
    through one channel) share one record: records are frozen.
    """

    price: float
    plant_revenue: float  # price * (1 - margin)
    channel_revenue: float  # price * margin
    transport_cost: float
    tariff_cost: float
    channel_unit_cost: float
    lead_time: float = 0.0  # days from plant to market (family 20)

    __repr__ = _arc_repr


@dataclass(slots=True, frozen=True, repr=False)
class FlowArc:
    """Economics of moving component k from source s to plant d (shared like SalesArc)."""

    source_is_plant: bool
    quality: int
    price: float  # paid by d (transfer price between plants, supplier price otherwise; 0 own use)
    transport_cost: float
    tariff_cost: float
    office: str | None  # purchasing office needed to use the arc, if any
    lead_time: float = 0.0  # days from source to plant (family 20)

    __repr__ = _arc_repr


@dataclass
class ModelData:
    """Derived, solver-independent data of an instance (see module docstring)."""

    instance: Instance
    plants: list[str] = field(default_factory=list)
    lines: list[tuple[str, str]] = field(default_factory=list)  # (p, i)
    demand: dict[tuple[str, str], float] = field(default_factory=dict)  # (m, i)
    min_served: dict[tuple[str, str], float] = field(default_factory=dict)  # (m, i)
    sales: dict[tuple[str, str, str, str], SalesArc] = field(default_factory=dict)  # (p,i,h,m)
    channels: list[str] = field(default_factory=list)  # explicit channels only
    make: list[tuple[str, str]] = field(default_factory=list)  # (p, k)
    need: list[tuple[str, str]] = field(default_factory=list)  # (d, k) plants that use k
    flows: dict[tuple[str, str, str], FlowArc] = field(default_factory=dict)  # (k, s, d)
    offices: list[str] = field(default_factory=list)
    max_production: dict[tuple[str, str], float] = field(default_factory=dict)  # (p, i)
    max_output: dict[tuple[str, str], float] = field(default_factory=dict)  # (p, k)
    max_need: dict[tuple[str, str], float] = field(default_factory=dict)  # (d, k)
    # requirement terms of (d, k): (coefficient, "line"|"make", index, min quality rank)
    need_terms: dict[tuple[str, str], list[tuple[float, str, tuple[str, str], int]]] = field(
        default_factory=dict
    )
    tech_lines: dict[str, list[tuple[str, str, float, float]]] = field(default_factory=dict)
    # firm -> [(p, i, per_line, per_unit)]
    owners: dict[str, dict[str, float]] = field(default_factory=dict)  # entity -> firm -> share
    entity_kind: dict[str, str] = field(default_factory=dict)  # entity -> plant/channel/office

    # --- lookups ------------------------------------------------------------------------
    @property
    def has_channels(self) -> bool:
        """Whether the instance defines channels (else sales are direct)."""
        return self.instance.channels is not None

    def sales_of_line(self) -> dict[tuple[str, str], list[tuple[str, str, str, str]]]:
        """Sales arcs grouped by line (p, i)."""
        out: dict[tuple[str, str], list[tuple[str, str, str, str]]] = defaultdict(list)
        for a in self.sales:
            out[a[0], a[1]].append(a)
        return out

    def flows_into(self) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
        """Flow arcs grouped by (d, k)."""
        out: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
        for a in self.flows:
            out[a[2], a[0]].append(a)
        return out

    def flows_out_of(self) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
        """Flow arcs grouped by source plant or supplier and component (s, k)."""
        out: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
        for a in self.flows:
            out[a[1], a[0]].append(a)
        return out


def component_tariff_rate(inst: Instance) -> Any:
    """``rate(from_country, to_country)``: the tariff rate on components crossing that
    border, as the flow arcs use it (a customs value times it is the duty)."""
    lanes = Lanes(inst)
    return lambda frm, to: lanes.rate("component", frm, to)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block (restored after it).

    Building a model creates millions of small objects that live as long as the model; each
    automatic collection would walk all of them again, which makes a build quadratic in
    practice (half of the model-build time at a million nonzeros, ``docs/performance.md``).
    The objects built hold no reference cycles, so reference counting frees what is not
    kept. Nests safely.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_data(inst: Instance) -> ModelData:
    """Derive the sparse sets and parameters of ``inst`` (see :class:`ModelData`).

    Raises:
        InstanceError: a record's money is still in another currency (an instance built
            in Python without :func:`gpnopt.instance_from_dict`; ``gpnopt.currency``).
    """
    refuse_unconverted(inst)
    with paused_gc():
        return _build_data(inst)


def _build_data(inst: Instance) -> ModelData:
    """Derive the sparse sets and parameters of ``inst`` (see :class:`ModelData`).

    One ``_derive_*`` step per section, in the order of ``docs/formulation.md`` (index sets,
    then derived bounds) where the data allow it: lines (family 1), demand and sales arcs
    (family 6), production bounds (5: they need the sales arcs), make options and needs (3
    and 4: their bounds need the production bounds), flow arcs (3), need and output bounds
    (5: they need the flow arcs), technicians (8), profit centres (11).

    Every loop runs over an index built once (plants by line, channels by market, makers and
    offers by component, arcs by source), so the work is linear in the number of arcs; the
    arcs come out in the order of the instance's plants, channels and suppliers.
    """
    d = ModelData(instance=inst)
    d.plants = list(inst.plants)
    lanes = Lanes(inst)
    owners = {p: {f for f, s in pl.owners.items() if s > 0} for p, pl in inst.plants.items()}
    plants_with_line = _derive_lines(d, inst)
    _derive_demand(d, inst)
    _derive_sales(d, inst, lanes, plants_with_line, owners)
    _derive_max_production(d, inst)
    makers_of, order, max_need = _derive_make_and_needs(d, inst)
    _derive_flows(d, inst, lanes, makers_of, owners)
    _derive_need_bounds(d, inst, makers_of, order, max_need)
    _derive_technicians(d, inst)
    _derive_owners(d, inst)
    return d


def _derive_lines(d: ModelData, inst: Instance) -> dict[str, list[str]]:
    """Lines: listed and within the plant's capability; returns product -> plants with a
    line of it, in plant order."""
    products = inst.products
    for p, plant in inst.plants.items():
        rank = TIER_RANK[plant.max_tier]
        for i in plant.lines:
            if TIER_RANK[products[i].tier] <= rank:
                d.lines.append((p, i))
    plants_with_line: dict[str, list[str]] = defaultdict(list)  # i -> plants, in plant order
    for p, i in d.lines:
        plants_with_line[i].append(p)
    return plants_with_line


def _derive_demand(d: ModelData, inst: Instance) -> None:
    """Demand and minimum served shares of every positive demand (m, i)."""
    for m, market in inst.markets.items():
        for i, dem in market.demand.items():
            if dem.quantity > 0:
                d.demand[m, i] = dem.quantity
                d.min_served[m, i] = dem.min_served


def _channel_filters(
    d: ModelData, inst: Instance, owners: dict[str, set[str]]
) -> tuple[dict[str, list[str]], dict[tuple[str, str], frozenset[str]]]:
    """Explicit channels: market -> channels reaching it, in channel order, and line (p, i)
    -> the channels whose filters it passes."""
    channels = inst.channels
    channels_at: dict[str, list[str]] = defaultdict(list)  # m -> channels, in channel order
    allowed: dict[tuple[str, str], frozenset[str]] = {}  # (p, i) -> channels it passes
    if channels is None:
        return channels_at, allowed
    d.channels = list(channels)
    for h, ch in channels.items():
        for m in dict.fromkeys(ch.markets):
            channels_at[m].append(h)
    filters = {
        h: (
            None if ch.plants is None else set(ch.plants),
            None if ch.plant_owners is None else set(ch.plant_owners),
            None if ch.product_firms is None else set(ch.product_firms),
            None if ch.products is None else set(ch.products),
            None if ch.tiers is None else set(ch.tiers),
        )
        for h, ch in channels.items()
    }
    for p, i in d.lines:
        prod = inst.products[i]
        ok = []
        for h, (f_pl, f_own, f_firm, f_prod, f_tier) in filters.items():
            if f_pl is not None and p not in f_pl:
                continue
            if f_own is not None and not (owners[p] & f_own):
                continue
            if f_firm is not None and prod.firm not in f_firm:
                continue
            if f_prod is not None and i not in f_prod:
                continue
            if f_tier is not None and prod.tier not in f_tier:
                continue
            ok.append(h)
        allowed[p, i] = frozenset(ok)
    return channels_at, allowed


def _derive_sales(
    d: ModelData,
    inst: Instance,
    lanes: Lanes,
    plants_with_line: dict[str, list[str]],
    owners: dict[str, set[str]],
) -> None:
    """Channels and sales arcs (p, i, h, m), arcs of equal economics sharing one record."""
    channels = inst.channels
    channels_at, allowed = _channel_filters(d, inst, owners)
    plants = inst.plants
    sales = d.sales
    for m, i in d.demand:
        makers = plants_with_line.get(i)
        if not makers:
            continue
        market = inst.markets[m]
        mc = market.country
        price = market.demand[i].price
        dests = ["market:" + m, "country:" + mc]
        reaching = channels_at.get(m, ()) if channels is not None else ()
        max_lead = market.max_lead_time
        shared: dict[tuple[str, float, float, float], SalesArc] = {}  # (h, transport, tariff,
        tariff_from: dict[str, float] = {}  # plant country -> tariff per unit   # lead) -> arc
        for p in makers:
            pc = plants[p].country
            lane = lanes.terms("machine", ["plant:" + p, "country:" + pc], dests, i)
            lead = lane.lead_time
            if max_lead is not None and lead > max_lead:
                continue  # too slow for the market (family 20)
            tcost = lane.cost(price)
            tariff = tariff_from.get(pc)
            if tariff is None:
                tariff = tariff_from[pc] = lanes.rate("machine", pc, mc) * price
            if channels is None:
                arc = shared.get((DIRECT, tcost, tariff, lead))
                if arc is None:
                    arc = shared[DIRECT, tcost, tariff, lead] = SalesArc(
                        price, price, 0.0, tcost, tariff, 0.0, lead
                    )
                sales[p, i, DIRECT, m] = arc
                continue
            ok = allowed[p, i]
            for h in reaching:
                if h not in ok:
                    continue
                arc = shared.get((h, tcost, tariff, lead))
                if arc is None:
                    ch = channels[h]
                    arc = shared[h, tcost, tariff, lead] = SalesArc(
                        price,
                        price * (1 - ch.margin_rate),
                        price * ch.margin_rate,
                        tcost,
                        tariff,
                        ch.unit_cost,
                        lead,
                    )
                sales[p, i, h, m] = arc


def _expanded(capacity: float, expansion: Any) -> float:
    """A capacity with every module of its ``expansion`` (family 17) added."""
    if expansion is None:
        return capacity
    return capacity + expansion.module * expansion.max_modules


def _derive_max_production(d: ModelData, inst: Instance) -> None:
    """Largest possible production of each line: demand reachable, line and plant capacity."""
    plants, products = inst.plants, inst.products
    reach: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
    for p, i, _h, m in d.sales:
        reach[p, i][m] = None
    for p, i in d.lines:
        bound = sum(d.demand[m, i] for m in reach.get((p, i), ()))
        line = plants[p].lines[i]
        if line.capacity is not None:
            bound = min(bound, _expanded(line.capacity, line.expansion))
        cap = plants[p].assembly_capacity
        if cap is not None:
            bound = min(bound, _expanded(cap, plants[p].expansion) / products[i].capacity_use)
        d.max_production[p, i] = bound


def _derive_make_and_needs(
    d: ModelData, inst: Instance
) -> tuple[dict[str, list[str]], list[str], dict[tuple[str, str], float]]:
    """Make options and requirements, in bill-of-materials order (parents before children).

    Returns component -> plants that may make it (in make order), the components top down,
    and the lines' part of ``max_need`` (the make options' part follows the flow arcs).
    """
    plants = inst.plants
    d.make = [(p, k) for p, plant in plants.items() for k in plant.components]
    makers_of: dict[str, list[str]] = defaultdict(list)  # k -> plants, in make order
    for p, k in d.make:
        makers_of[k].append(p)
    order = _components_top_down(inst)
    need_terms: dict[tuple[str, str], list[tuple[float, str, tuple[str, str], int]]] = defaultdict(
        list
    )
    max_need: dict[tuple[str, str], float] = defaultdict(float)
    for p, i in d.lines:
        for k, entry in inst.products[i].bom.items():
            q = TIER_RANK[entry.min_quality] if entry.min_quality else 0
            need_terms[p, k].append((entry.quantity, "line", (p, i), q))
            max_need[p, k] += entry.quantity * d.max_production[p, i]
    for k in order:  # a parent component's need is known before its sub-components'
        sub_bom = inst.components[k].bom
        for p in makers_of.get(k, ()):
            opt = plants[p].components[k]
            # Output can serve own need and other plants' need: bounded below by capacity.
            d.max_output[p, k] = (
                math.inf if opt.capacity is None else _expanded(opt.capacity, opt.expansion)
            )
            for sub, entry in sub_bom.items():
                q = TIER_RANK[entry.min_quality] if entry.min_quality else 0
                need_terms[p, sub].append((entry.quantity, "make", (p, k), q))
    # Bound make outputs by the total need of k across plants that may receive it (later).
    d.need = sorted(need_terms)
    d.need_terms = dict(need_terms)
    return makers_of, order, max_need


def _derive_flows(
    d: ModelData,
    inst: Instance,
    lanes: Lanes,
    makers_of: dict[str, list[str]],
    owners: dict[str, set[str]],
) -> None:
    """Flow arcs (k, s, d) from plants and supplier pools, equal economics sharing a record."""
    plants = inst.plants
    offers_of: dict[str, list[str]] = defaultdict(list)  # k -> supplier pools, in order
    for s, sup in inst.suppliers.items():
        for k in sup.components:
            offers_of[k].append(s)
    cross = inst.trade.cross_firm_supply
    access = _AccessTable(inst, owners)
    flows = d.flows
    shared_flows: dict[tuple, FlowArc] = {}  # equal economics share one record

    def flow_arc(*fields: Any) -> FlowArc:
        arc = shared_flows.get(fields)
        if arc is None:
            arc = shared_flows[fields] = FlowArc(*fields)
        return arc

    for dd, k in d.need:
        dc = plants[dd].country
        dests = ["plant:" + dd, "country:" + dc]
        comp = inst.components[k]
        max_lead = plants[dd].max_lead_time.get(k)  # just-in-time supply (family 20)
        for s in makers_of.get(k, ()):
            if s != dd and not cross and not (owners[s] & owners[dd]):
                continue
            src = plants[s]
            lane = lanes.terms("component", ["plant:" + s, "country:" + src.country], dests, k)
            lead = lane.lead_time if s != dd else 0.0  # own use is not shipped: no wait
            if max_lead is not None and lead > max_lead:
                continue
            price = comp.transfer_price if s != dd else 0.0
            rate = lanes.rate("component", src.country, dc)
            quality = TIER_RANK[src.components[k].quality]
            flows[k, s, dd] = flow_arc(
                True, quality, price, lane.cost(comp.transfer_price), rate * comp.transfer_price,
                None, lead,
            )
        for s in offers_of.get(k, ()):
            office = access.get(s, dd)
            if office is False:
                continue
            sup = inst.suppliers[s]
            origin = sup.ships_from(dc)  # a regional pool delivers within dc (family 27)
            lane = lanes.terms("component", ["country:" + origin], dests, k)
            if max_lead is not None and lane.lead_time > max_lead:
                continue
            offer = sup.components[k]
            rate = lanes.rate("component", origin, dc)
            flows[k, s, dd] = flow_arc(
                False,
                TIER_RANK[offer.quality],
                offer.unit_price,
                lane.cost(offer.unit_price),
                rate * offer.unit_price,
                office if isinstance(office, str) else None,
                lane.lead_time,
            )
    d.offices = list(inst.purchasing_offices)


def _derive_need_bounds(
    d: ModelData,
    inst: Instance,
    makers_of: dict[str, list[str]],
    order: list[str],
    max_need: dict[tuple[str, str], float],
) -> None:
    """Bounds on needs and outputs (for per-lane linking rows): top down through the bill
    of materials, an output bounded by the needs of the plants it may serve."""
    served_by: dict[tuple[str, str], list[str]] = defaultdict(list)  # (s, k) -> d, flow order
    for k, s, dd in d.flows:
        served_by[s, k].append(dd)
    for k in order:
        sub_bom = inst.components[k].bom
        for p in makers_of.get(k, ()):
            served = sum(max_need.get((dd, k), 0.0) for dd in served_by.get((p, k), ()))
            d.max_output[p, k] = min(d.max_output[p, k], served)
            for sub, entry in sub_bom.items():
                max_need[p, sub] += entry.quantity * d.max_output[p, k]
    d.max_need = dict(max_need)


def _derive_technicians(d: ModelData, inst: Instance) -> None:
    """Technicians: lines of a firm's products at plants outside its home country."""
    for f, firm in inst.firms.items():
        pol = firm.technicians
        if pol is None:
            continue
        rows = []
        for p, i in d.lines:
            prod = inst.products[i]
            if prod.firm != f or inst.plants[p].country == firm.home_country:
                continue
            rows.append((p, i, pol.per_line.get(prod.tier, 0.0), pol.per_unit.get(prod.tier, 0.0)))
        d.tech_lines[f] = rows


def _derive_owners(d: ModelData, inst: Instance) -> None:
    """Profit centres (plants, channels, offices), their kinds and their owners."""
    for p, pl in inst.plants.items():
        d.owners[p] = dict(pl.owners)
        d.entity_kind[p] = "plant"
    for h, ch in (inst.channels or {}).items():
        d.owners[h] = dict(ch.owners)
        d.entity_kind[h] = "channel"
    for o, off in inst.purchasing_offices.items():
        d.owners[o] = dict(off.owners)
        d.entity_kind[o] = "office"


def _supplier_access(inst: Instance, s: str, dd: str, dest_owners: set[str]) -> bool | str:
    """True if plant dd may buy from supplier s directly, an office id if only through that
    office, False if not at all."""
    acc = inst.suppliers[s].access
    if acc is None:
        return True
    if acc.plants and dd in acc.plants:
        return True
    if acc.firms and dest_owners & set(acc.firms):
        return True
    for o, off in inst.purchasing_offices.items():
        if s in off.suppliers and dd in off.plants:
            return o
    return False


class _AccessTable:
    """:func:`_supplier_access` for every (pool, plant), from sets built once."""

    def __init__(self, inst: Instance, owners: dict[str, set[str]]) -> None:
        self.owners = owners
        self.rules: dict[str, tuple[set[str], set[str]] | None] = {}
        for s, sup in inst.suppliers.items():
            acc = sup.access
            self.rules[s] = None if acc is None else (set(acc.plants or ()), set(acc.firms or ()))
        self.office: dict[tuple[str, str], str] = {}
        for o, off in inst.purchasing_offices.items():
            for s in off.suppliers:
                for dd in off.plants:
                    self.office.setdefault((s, dd), o)

    def get(self, s: str, dd: str) -> bool | str:
        """True, an office id, or False (as :func:`_supplier_access`)."""
        rule = self.rules[s]
        if rule is None:
            return True
        plants, firms = rule
        if dd in plants or (firms and self.owners[dd] & firms):
            return True
        return self.office.get((s, dd), False)


def _components_top_down(inst: Instance) -> list[str]:
    """Components ordered so that each comes before its sub-components (BOM is acyclic)."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(k: str) -> None:
        if k in seen:
            return
        seen.add(k)
        for sub in inst.components[k].bom:
            visit(sub)
        order.append(k)

    for k in inst.components:
        visit(k)
    return order[::-1]
