"""ModelData: the sparse index sets and parameters the model is built from.

Pure Python (no Pyomo). Everything the constraint families iterate over is computed here,
once, as tuples and dicts, so that the families never filter with ``Constraint.Skip``.

Index letters: p plant, i product, k component, s source (plant or supplier), d destination
plant, m market, h channel, o purchasing office, f firm, q quality level.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from gpnopt.schema import TIER_RANK, Instance

DIRECT = "direct"
"""Channel name of direct sales when an instance defines no channels."""


@dataclass
class SalesArc:
    """Economics of selling product i made at plant p in market m through channel h."""

    price: float
    plant_revenue: float  # price * (1 - margin)
    channel_revenue: float  # price * margin
    transport_cost: float
    tariff_cost: float
    channel_unit_cost: float


@dataclass
class FlowArc:
    """Economics of moving component k from source s to plant d."""

    source_is_plant: bool
    quality: int
    price: float  # paid by d (transfer price between plants, supplier price otherwise; 0 own use)
    transport_cost: float
    tariff_cost: float
    office: str | None  # purchasing office needed to use the arc, if any


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


def _transport_table(inst: Instance) -> dict[tuple[str, str, str, str], float]:
    """(goods, origin key, destination key, specificity tag) -> unit cost."""
    table: dict[tuple[str, str, str, str], float] = {}
    for t in inst.trade.transport:
        goods = ["machine", "component"] if t.goods == "all" else [t.goods]
        origin = ("plant:" + t.from_plant) if t.from_plant else ("country:" + str(t.from_country))
        if t.to_plant:
            dest = "plant:" + t.to_plant
        elif t.to_market:
            dest = "market:" + t.to_market
        else:
            dest = "country:" + str(t.to_country)
        pairs = [(origin, dest)]
        if t.symmetric:
            pairs.append(("country:" + str(t.to_country), "country:" + str(t.from_country)))
        for g in goods:
            for o, d in pairs:
                key = (g, o, d, "specific" if t.goods != "all" else "all")
                table[key] = t.unit_cost
    return table


def _lookup_transport(
    table: dict[tuple[str, str, str, str], float],
    goods: str,
    origins: list[str],
    dests: list[str],
) -> float:
    """Most specific transport cost: origins and dests are ordered most specific first."""
    for o in origins:
        for d in dests:
            for tag in ("specific", "all"):
                v = table.get((goods, o, d, tag))
                if v is not None:
                    return v
    return 0.0


def _tariff_table(inst: Instance) -> dict[tuple[str, str | None, str], tuple[float, bool]]:
    table: dict[tuple[str, str | None, str], tuple[float, bool]] = {}
    for t in inst.trade.tariffs:
        goods = ["machine", "component"] if t.goods == "all" else [t.goods]
        for g in goods:
            key = (g, t.from_country, t.to_country)
            specific = t.goods != "all"
            old = table.get(key)
            if old is None or specific or not old[1]:
                table[key] = (t.rate, specific)
    return table


def _lookup_tariff(
    table: dict[tuple[str, str | None, str], tuple[float, bool]], goods: str, frm: str, to: str
) -> float:
    if frm == to:
        return 0.0
    for key in ((goods, frm, to), (goods, None, to)):
        if key in table:
            return table[key][0]
    return 0.0


def build_data(inst: Instance) -> ModelData:
    """Derive the sparse sets and parameters of ``inst`` (see :class:`ModelData`)."""
    d = ModelData(instance=inst)
    d.plants = list(inst.plants)
    transport = _transport_table(inst)
    tariffs = _tariff_table(inst)

    # Lines: listed and within the plant's capability.
    for p, plant in inst.plants.items():
        for i in plant.lines:
            if TIER_RANK[inst.products[i].tier] <= TIER_RANK[plant.max_tier]:
                d.lines.append((p, i))
    line_set = set(d.lines)

    # Demand.
    for m, market in inst.markets.items():
        for i, dem in market.demand.items():
            if dem.quantity > 0:
                d.demand[m, i] = dem.quantity
                d.min_served[m, i] = dem.min_served

    # Channels and sales arcs.
    channels = inst.channels
    if channels is not None:
        d.channels = list(channels)
    for (m, i), _q in d.demand.items():
        market = inst.markets[m]
        price = market.demand[i].price
        product = inst.products[i]
        for p, plant in inst.plants.items():
            if (p, i) not in line_set:
                continue
            origins = ["plant:" + p, "country:" + plant.country]
            dests = ["market:" + m, "country:" + market.country]
            tcost = _lookup_transport(transport, "machine", origins, dests)
            tariff = _lookup_tariff(tariffs, "machine", plant.country, market.country) * price
            if channels is None:
                d.sales[p, i, DIRECT, m] = SalesArc(price, price, 0.0, tcost, tariff, 0.0)
                continue
            for h, ch in channels.items():
                if m not in ch.markets:
                    continue
                if ch.plants is not None and p not in ch.plants:
                    continue
                if ch.plant_owners is not None and not any(
                    plant.owners.get(f, 0) > 0 for f in ch.plant_owners
                ):
                    continue
                if ch.product_firms is not None and product.firm not in ch.product_firms:
                    continue
                if ch.products is not None and i not in ch.products:
                    continue
                if ch.tiers is not None and product.tier not in ch.tiers:
                    continue
                d.sales[p, i, h, m] = SalesArc(
                    price,
                    price * (1 - ch.margin_rate),
                    price * ch.margin_rate,
                    tcost,
                    tariff,
                    ch.unit_cost,
                )

    # Largest possible production of each line: demand reachable, line and plant capacity.
    reach: dict[tuple[str, str], set[str]] = defaultdict(set)
    for p, i, _h, m in d.sales:
        reach[p, i].add(m)
    for p, i in d.lines:
        bound = sum(d.demand[m, i] for m in reach[p, i])
        line = inst.plants[p].lines[i]
        if line.capacity is not None:
            bound = min(bound, line.capacity)
        cap = inst.plants[p].assembly_capacity
        if cap is not None:
            bound = min(bound, cap / inst.products[i].capacity_use)
        d.max_production[p, i] = bound

    # Make options and requirements, in bill-of-materials order (parents before children).
    d.make = [(p, k) for p, plant in inst.plants.items() for k in plant.components]
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
    make_set = set(d.make)
    for k in order:  # a parent component's need is known before its sub-components'
        for p in inst.plants:
            if (p, k) not in make_set:
                continue
            opt = inst.plants[p].components[k]
            # Output can serve own need and other plants' need: bounded below by capacity.
            d.max_output[p, k] = math.inf if opt.capacity is None else opt.capacity
            for sub, entry in inst.components[k].bom.items():
                q = TIER_RANK[entry.min_quality] if entry.min_quality else 0
                need_terms[p, sub].append((entry.quantity, "make", (p, k), q))
    # Bound make outputs by the total need of k across plants that may receive it (set below).
    d.need = sorted(need_terms)
    d.need_terms = dict(need_terms)

    # Flow arcs.
    owners = {p: {f for f, s in pl.owners.items() if s > 0} for p, pl in inst.plants.items()}
    for dd, k in d.need:
        dest = inst.plants[dd]
        dests = ["plant:" + dd, "country:" + dest.country]
        for s, k2 in d.make:
            if k2 != k:
                continue
            if s != dd and not inst.trade.cross_firm_supply and not (owners[s] & owners[dd]):
                continue
            src = inst.plants[s]
            price = inst.components[k].transfer_price if s != dd else 0.0
            tcost = _lookup_transport(
                transport, "component", ["plant:" + s, "country:" + src.country], dests
            )
            tariff = _lookup_tariff(tariffs, "component", src.country, dest.country)
            d.flows[k, s, dd] = FlowArc(
                True,
                TIER_RANK[src.components[k].quality],
                price,
                tcost,
                tariff * inst.components[k].transfer_price,
                None,
            )
        for s, sup in inst.suppliers.items():
            offer = sup.components.get(k)
            if offer is None:
                continue
            office = _supplier_access(inst, s, dd, owners[dd])
            if office is False:
                continue
            tcost = _lookup_transport(transport, "component", ["country:" + sup.country], dests)
            tariff = _lookup_tariff(tariffs, "component", sup.country, dest.country)
            d.flows[k, s, dd] = FlowArc(
                False,
                TIER_RANK[offer.quality],
                offer.unit_price,
                tcost,
                tariff * offer.unit_price,
                office if isinstance(office, str) else None,
            )
    d.offices = list(inst.purchasing_offices)

    # Bounds on needs (for per-lane linking rows): top-down through the bill of materials.
    for k in order:
        for p in inst.plants:
            if (p, k) in make_set:
                served = sum(
                    max_need.get((dd, k), 0.0) for (k2, s, dd) in d.flows if k2 == k and s == p
                )
                d.max_output[p, k] = min(d.max_output[p, k], served)
                for sub, entry in inst.components[k].bom.items():
                    max_need[p, sub] += entry.quantity * d.max_output[p, k]
    d.max_need = dict(max_need)

    # Technicians: lines of a firm's products at plants outside its home country.
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

    # Profit centres and their owners.
    for p, pl in inst.plants.items():
        d.owners[p] = dict(pl.owners)
        d.entity_kind[p] = "plant"
    for h, ch in (channels or {}).items():
        d.owners[h] = dict(ch.owners)
        d.entity_kind[h] = "channel"
    for o, off in inst.purchasing_offices.items():
        d.owners[o] = dict(off.owners)
        d.entity_kind[o] = "office"
    return d


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
