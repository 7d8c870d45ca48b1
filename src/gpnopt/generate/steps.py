"""The generator's steps (:func:`gpnopt.generate.generate`), one per section of the instance.

Each step draws from the one ``random.Random`` in turn and records what it drew in a
:class:`Network`; the order of the steps is part of the output (the same seed gives the same
bytes). :func:`mapping` turns the network into the instance mapping.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

TIERS = ("low", "medium", "high")
WAGES = (10.0, 30.0, 100.0)
"""Labour cost index of a low-, middle- and high-wage country (high = 100)."""

_CAPACITY_USE = {"low": 0.6, "medium": 1.0, "high": 1.8}
_MARKUP = {"low": 1.5, "medium": 1.9, "high": 2.6}
_LABOUR = {"low": 2.0, "medium": 5.0, "high": 12.0}  # assembly labour at wage 100 (money/unit)
_DEMAND = {"low": 120.0, "medium": 60.0, "high": 15.0}  # typical units per market and product
# Costs in proportion to the yearly gross margin of a plant's lines (issue 22): at the
# default finance (8 %, 10 years) a plant's capital charge is about 30 % of that margin and
# its fixed cost 15 %, so about half the margin is left, as in a real plant; with flat cost
# ranges the margin was 30 times the costs and the capital budgets alone chose the design.
_PLANT_FIXED = 0.15  # a plant's yearly fixed cost, share of its lines' gross margin
_LINE_FIXED = 0.05  # a line's yearly fixed cost, share of its gross margin
_PLANT_INVEST = 2.0  # a plant's investment, years of its lines' gross margin
_LINE_INVEST = 0.5  # a line's investment, years of its gross margin
_MACHINE_TARIFFS = (0.0, 0.03, 0.05, 0.1)
_COMPONENT_TARIFFS = (0.0, 0.02, 0.05, 0.08)


def _ids(prefix: str, n: int, width: int | None = None) -> list[str]:
    w = width or max(2, len(str(n)))
    return [f"{prefix}{j + 1:0{w}d}" for j in range(n)]


def _r(x: float, digits: int = 3) -> float:
    """Round to ``digits`` significant digits (readable YAML, exact floats)."""
    if x == 0:
        return 0.0
    return float(f"{x:.{digits}g}")


@dataclass
class Network:
    """What the generator has drawn so far (one attribute per drawn table), filled step by
    step; ``counts`` are the sizes asked for (countries, firms, plants, products,
    components, markets, suppliers)."""

    seed: int
    counts: dict[str, int]
    n_regions: int = 0
    region_ids: list[str] = field(default_factory=list)
    country_ids: list[str] = field(default_factory=list)
    region_of: dict[str, int] = field(default_factory=dict)
    loc: dict[str, tuple[float, float]] = field(default_factory=dict)
    wage: dict[str, float] = field(default_factory=dict)
    countries_in: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    rich: list[str] = field(default_factory=list)
    firm_ids: list[str] = field(default_factory=list)
    home: dict[str, str] = field(default_factory=dict)
    comp_ids: list[str] = field(default_factory=list)
    leaves: list[str] = field(default_factory=list)
    value: dict[str, float] = field(default_factory=dict)
    comp_bom: dict[str, dict[str, Any]] = field(default_factory=dict)
    prod_ids: list[str] = field(default_factory=list)
    tier: dict[str, str] = field(default_factory=dict)
    pfirm: dict[str, str] = field(default_factory=dict)
    base_price: dict[str, float] = field(default_factory=dict)
    prod_bom: dict[str, dict[str, Any]] = field(default_factory=dict)
    plant_ids: list[str] = field(default_factory=list)
    p_country: dict[str, str] = field(default_factory=dict)
    p_owners: dict[str, dict[str, float]] = field(default_factory=dict)
    p_tier: dict[str, str] = field(default_factory=dict)
    p_lines: dict[str, list[str]] = field(default_factory=dict)
    anchor_lines: dict[str, str] = field(default_factory=dict)  # product -> anchor plant
    anchors: set[str] = field(default_factory=set)
    market_ids: list[str] = field(default_factory=list)
    m_country: dict[str, str] = field(default_factory=dict)
    demand: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    markets_in: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    left_out: list[str] = field(default_factory=list)  # markets no channel can reach
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    firm_regions: dict[str, list[int]] = field(default_factory=dict)
    needed: dict[str, float] = field(default_factory=dict)  # anchor plant -> capacity units
    plant_recs: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    sup_recs: dict[str, dict[str, Any]] = field(default_factory=dict)
    office_candidates: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    offices: dict[str, dict[str, Any]] = field(default_factory=dict)
    firm_recs: dict[str, dict[str, Any]] = field(default_factory=dict)
    rules: list[dict[str, Any]] = field(default_factory=list)
    transport: list[dict[str, Any]] = field(default_factory=list)
    tariffs: list[dict[str, Any]] = field(default_factory=list)

    def dist(self, a: str, b: str) -> float:
        """Distance between countries a and b."""
        return math.hypot(self.loc[a][0] - self.loc[b][0], self.loc[a][1] - self.loc[b][1])


def check_arguments(counts: dict[str, int], suppliers: int, min_served_share: float) -> None:
    """Refuse counts below 1, negative supplier counts and shares outside [0, 1].

    Raises:
        ValueError: naming the argument.
    """
    for key, n in counts.items():
        if n < 1:
            msg = f"{key} must be at least 1, not {n}"
            raise ValueError(msg)
    if suppliers < 0:
        msg = f"suppliers must be at least 0, not {suppliers}"
        raise ValueError(msg)
    if not 0.0 <= min_served_share <= 1.0:
        msg = f"min_served_share must lie in [0, 1], not {min_served_share}"
        raise ValueError(msg)


def draw_countries_and_firms(rng: random.Random, net: Network) -> None:
    """Countries in regions (about five each), with locations and wage levels; firms."""
    countries = net.counts["countries"]
    net.n_regions = n_regions = max(1, round(countries / 5))
    net.region_ids = _ids("R", n_regions)
    centres = [(rng.uniform(0, 100), rng.uniform(0, 100)) for _ in net.region_ids]
    net.country_ids = _ids("C", countries)
    for j, c in enumerate(net.country_ids):
        r = j % n_regions
        net.region_of[c] = r
        cx, cy = centres[r]
        net.loc[c] = (cx + rng.gauss(0, 6), cy + rng.gauss(0, 6))
        net.wage[c] = rng.choices(WAGES, weights=(4, 3, 3))[0]
    for c in net.country_ids:
        net.countries_in[net.region_of[c]].append(c)
    net.rich = [c for c in net.country_ids if net.wage[c] >= 30] or net.country_ids
    net.firm_ids = _ids("F", net.counts["firms"])  # firms: home in a richer country
    net.home = {f: rng.choice(net.rich) for f in net.firm_ids}


def draw_components(rng: random.Random, net: Network) -> None:
    """Components: modules (with sub-components) first, then leaf parts, with values."""
    components = net.counts["components"]
    net.comp_ids = _ids("K", components, max(3, len(str(components))))
    n_mod = components // 5 if components >= 5 else 0
    modules, net.leaves = net.comp_ids[:n_mod], net.comp_ids[n_mod:]
    leaves, value = net.leaves, net.value
    for k in leaves:
        value[k] = _r(math.exp(rng.gauss(0.3, 0.9)))
    for k in modules:
        subs = rng.sample(leaves, min(len(leaves), rng.randint(2, 3)))
        net.comp_bom[k] = {s: float(rng.randint(1, 3)) for s in subs}
        value[k] = _r(1.3 * sum(value[s] * q for s, q in net.comp_bom[k].items()) + 1.0)


def draw_products(rng: random.Random, net: Network) -> None:
    """Products: tier, firm, bill of materials (some parts with a minimum quality), price."""
    products, components = net.counts["products"], net.counts["components"]
    net.prod_ids = _ids("P", products, max(3, len(str(products))))
    for i in net.prod_ids:
        t = rng.choices(TIERS, weights=(3, 4.5, 2.5))[0]
        net.tier[i] = t
        net.pfirm[i] = rng.choice(net.firm_ids)
        n_parts = min(components, rng.randint(3, 5))
        parts = rng.sample(net.comp_ids, n_parts)
        bom: dict[str, Any] = {}
        for n, k in enumerate(parts):
            q = float(rng.randint(1, 4))
            mq = None
            if t == "high" and n < 2:
                mq = "high"
            elif t == "medium" and n == 0:
                mq = "medium"
            bom[k] = {"quantity": q, "min_quality": mq} if mq else q
        net.prod_bom[i] = bom
        parts_value = sum(
            net.value[k] * (e if isinstance(e, float) else e["quantity"]) for k, e in bom.items()
        )
        net.base_price[i] = _r(
            (parts_value + _LABOUR[t]) * _MARKUP[t] * rng.uniform(0.9, 1.1)
        )


def draw_plants(rng: random.Random, net: Network, lines_per_plant: int) -> None:
    """Plants: country, owners (about a quarter joint ventures), capability, lines."""
    plants, firms = net.counts["plants"], net.counts["firms"]
    net.plant_ids = _ids("PL", plants, max(3, len(str(plants))))
    for n, p in enumerate(net.plant_ids):
        # the first plant of each firm is a home plant: wholly owned, in its home country
        if n < firms:
            f = net.firm_ids[n]
            net.p_country[p] = net.home[f]
            net.p_owners[p] = {f: 1.0}
        else:
            net.p_country[p] = rng.choice(net.country_ids)
            if firms >= 2 and rng.random() < 0.25:
                a, b = rng.sample(net.firm_ids, 2)
                sa = rng.choice((0.5, 0.6))
                net.p_owners[p] = {a: sa, b: _r(1 - sa)}
            else:
                net.p_owners[p] = {rng.choice(net.firm_ids): 1.0}
        w = net.wage[net.p_country[p]]
        if w >= 100:
            net.p_tier[p] = "high"
        elif w >= 30:
            net.p_tier[p] = rng.choice(("medium", "high"))
        else:
            net.p_tier[p] = rng.choices(("low", "medium"), weights=(1, 3))[0]
    _draw_lines(rng, net, lines_per_plant)


def _draw_lines(rng: random.Random, net: Network, lines_per_plant: int) -> None:
    """Each plant's lines (own firms' products first, then licensed); every product one."""
    tier, pfirm, p_tier = net.tier, net.pfirm, net.p_tier
    for p in net.plant_ids:
        ok = [i for i in net.prod_ids if TIERS.index(tier[i]) <= TIERS.index(p_tier[p])]
        own = [i for i in ok if pfirm[i] in net.p_owners[p]]
        other = [i for i in ok if pfirm[i] not in net.p_owners[p]]
        n_lines = max(1, min(len(ok), round(rng.uniform(0.5, 1.5) * lines_per_plant)))
        pick = rng.sample(own, min(len(own), n_lines))
        if len(pick) < n_lines and other:
            pick += rng.sample(other, min(len(other), n_lines - len(pick)))  # licensed
        net.p_lines[p] = pick
    # every product has a line: a high-tier capable plant of its firm, else any
    made = {i for ls in net.p_lines.values() for i in ls}
    for i in net.prod_ids:
        if i in made:
            continue
        cands = [p for p in net.plant_ids if pfirm[i] in net.p_owners[p] and p_tier[p] == "high"]
        cands = cands or [
            p for p in net.plant_ids if TIERS.index(tier[i]) <= TIERS.index(p_tier[p])
        ]
        if not cands:
            cands = net.plant_ids
            p_tier[cands[0]] = "high"
        net.p_lines[rng.choice(cands)].append(i)


def choose_anchors(net: Network, min_served_share: float) -> None:
    """Anchors: home plants whose own-firm lines may carry min_served demand."""
    for n in range(min(net.counts["firms"], net.counts["plants"])):
        p, f = net.plant_ids[n], net.firm_ids[n]
        net.p_tier[p] = "high"
        for i in net.p_lines[p]:
            if net.pfirm[i] == f:
                net.anchor_lines.setdefault(i, p)
    net.anchors = set(net.anchor_lines.values()) if min_served_share > 0 else set()


def draw_demand(rng: random.Random, net: Network, products_per_market: int) -> None:
    """Markets and their demand: quantities by tier and wealth, prices around the base."""
    markets, products = net.counts["markets"], net.counts["products"]
    net.market_ids = _ids("M", markets, max(4, len(str(markets))))
    net.m_country = {m: rng.choice(net.country_ids) for m in net.market_ids}
    for m in net.market_ids:
        c = net.m_country[m]
        rich_factor = net.wage[c] / 50.0
        n_dem = max(1, min(products, round(rng.uniform(0.5, 1.5) * products_per_market)))
        entries: dict[str, dict[str, float]] = {}
        for i in rng.sample(net.prod_ids, n_dem):
            t = net.tier[i]
            scale = {"low": 1.5 / (1 + rich_factor), "medium": 1.0, "high": rich_factor}[t]
            q = max(1.0, round(_DEMAND[t] * scale * math.exp(rng.gauss(0, 0.6))))
            price = _r(net.base_price[i] * (0.85 + 0.1 * rich_factor) * rng.uniform(0.9, 1.1))
            entries[i] = {"quantity": q, "price": price}
        net.demand[m] = entries
    for m in net.market_ids:
        net.markets_in[net.region_of[net.m_country[m]]].append(m)


def draw_channels(rng: random.Random, net: Network) -> None:
    """Each firm's own channels in some regions, plus independent distributors."""
    firms, n_regions = net.counts["firms"], net.n_regions
    for f in net.firm_ids:
        regs = {net.region_of[net.home[f]]}
        for r in range(n_regions):
            if rng.random() < 0.35:
                regs.add(r)
        net.firm_regions[f] = sorted(regs)
        for r in net.firm_regions[f]:
            if not net.markets_in[r]:
                continue
            net.channels[f"H_{f}_{net.region_ids[r]}"] = {
                "owners": {f: 1.0},
                "markets": list(net.markets_in[r]),
                "plant_owners": [f],
                "product_firms": [f],
                "fixed_cost": _r(rng.uniform(50, 300)),
                "investment_cost": _r(rng.uniform(100, 500)),
                "unit_cost": _r(rng.uniform(0.5, 3.0)),
            }
    for n in range(max(1, firms // 2)):
        regs = rng.sample(range(n_regions), min(n_regions, rng.randint(1, 2)))
        mk = [m for r in regs for m in net.markets_in[r]]
        if not mk:
            continue
        total = sum(e["quantity"] for m in mk for e in net.demand[m].values())
        net.channels[f"H_D{n + 1:02d}"] = {  # owned by no firm of the network: owners: {}
            "owners": {},
            "markets": mk,
            "tiers": ["low", "medium"],
            "fixed_cost": _r(rng.uniform(100, 400)),
            "unit_cost": _r(rng.uniform(0.3, 1.5)),
            "margin_rate": _r(rng.uniform(0.06, 0.15)),
            "capacity": _r(max(10.0, 0.2 * total)),
        }


def trim_channel_markets(net: Network) -> None:
    """Leave out the markets no channel can serve at all: those no channel lists (no firm's
    channel and no distributor covers their region) and those whose listing channels let no
    line of a product they buy pass their filters. Such a market would stay unserved either
    way (no sales arc reaches it, so the model is the same without it); written, it would be
    the trap ``gpnopt.checks.traps`` warns of. The ids left out are in ``net.left_out``
    (the mapping's ``notes.markets_left_out``), and the others keep their ids."""
    makers: dict[str, list[str]] = defaultdict(list)
    for p, rec in net.plant_recs.items():
        for i in rec.get("lines", {}):
            makers[i].append(p)

    def passes(ch: dict[str, Any], p: str, i: str) -> bool:
        owners = {f for f, s in net.p_owners[p].items() if s > 0}
        return (
            ("plants" not in ch or p in ch["plants"])
            and ("plant_owners" not in ch or bool(owners & set(ch["plant_owners"])))
            and ("product_firms" not in ch or net.pfirm[i] in ch["product_firms"])
            and ("products" not in ch or i in ch["products"])
            and ("tiers" not in ch or net.tier[i] in ch["tiers"])
        )

    listing: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ch in net.channels.values():
        for m in ch["markets"]:
            listing[m].append(ch)
    dead = {
        m
        for m, chs in listing.items()
        if not any(
            passes(ch, p, i)
            for i, e in net.demand[m].items()
            if e["quantity"] > 0
            for p in makers.get(i, ())
            for ch in chs
        )
    }
    for ch in net.channels.values():
        ch["markets"] = [m for m in ch["markets"] if m not in dead]
    listed = {m for ch in net.channels.values() for m in ch["markets"]}
    net.left_out = [m for m in net.market_ids if m not in listed]
    net.market_ids = [m for m in net.market_ids if m in listed]


def draw_min_served(rng: random.Random, net: Network, min_served_share: float) -> None:
    """min_served: demand an anchor line reaches through its firm's channel."""
    if not net.anchors:
        return
    needed: dict[str, float] = defaultdict(float)
    for m in net.market_ids:
        for i, e in net.demand[m].items():
            p = net.anchor_lines.get(i)
            if p is None or net.region_of[net.m_country[m]] not in net.firm_regions[net.pfirm[i]]:
                continue
            if rng.random() < min_served_share:
                share = _r(rng.uniform(0.3, 0.8))
                e["min_served"] = share
                needed[p] += share * e["quantity"] * _CAPACITY_USE[net.tier[i]]
    net.needed = needed


def draw_plant_records(rng: random.Random, net: Network, makes_per_plant: int) -> None:
    """Plant records: costs, lines, assembly capacity (anchors: enough), make options.

    Fixed and investment costs of plants and lines are shares of the lines' yearly gross
    margin at their typical volume (``_PLANT_FIXED`` ... ``_LINE_INVEST``), fixed costs
    lower in low-wage countries."""
    total_demand: dict[str, float] = defaultdict(float)
    for m in net.market_ids:
        for i, e in net.demand[m].items():
            total_demand[i] += e["quantity"]
    for p in net.plant_ids:
        w = net.wage[net.p_country[p]]
        wf = 0.3 + 0.7 * w / 100.0
        lines = {}
        cap_units = 0.0
        plant_margin = 0.0
        for i in net.p_lines[p]:
            t = net.tier[i]
            typical = max(5.0, total_demand[i] / max(1, net.counts["plants"]) * 3)
            margin = typical * _unit_margin(net, i)  # the line's yearly gross margin
            line: dict[str, float] = {
                "fixed_cost": _r(rng.uniform(0.5, 1.5) * _LINE_FIXED * margin * (0.5 + 0.5 * wf)),
                "unit_cost": _r(_LABOUR[t] * wf * rng.uniform(0.8, 1.2)),
            }
            if rng.random() < 0.3 and not (p in net.anchors and net.anchor_lines.get(i) == p):
                line["capacity"] = _r(typical * rng.uniform(0.5, 1.5))
            if rng.random() < 0.3:
                line["investment_cost"] = _r(rng.uniform(0.5, 1.5) * _LINE_INVEST * margin)
            lines[i] = line
            cap_units += typical * _CAPACITY_USE[t]
            plant_margin += margin
        rec: dict[str, Any] = {
            "country": net.p_country[p],
            "owners": net.p_owners[p],
            "fixed_cost": _r(
                rng.uniform(0.5, 1.5) * _PLANT_FIXED * plant_margin * (0.5 + 0.5 * wf)
            ),
            "max_tier": net.p_tier[p],
            "lines": lines,
        }
        if rng.random() < 0.5:
            rec["investment_cost"] = _r(rng.uniform(0.5, 1.5) * _PLANT_INVEST * plant_margin)
        if rng.random() < 0.7 or p in net.needed:
            cap = cap_units * rng.uniform(0.4, 1.0)
            if p in net.needed:
                cap = max(cap, 1.25 * net.needed[p])
            rec["assembly_capacity"] = _r(max(cap, 1.0))
        makes = _draw_make_options(rng, net, p, (w, wf), makes_per_plant)
        if makes:
            rec["components"] = makes
        net.plant_recs[p] = rec


def _unit_margin(net: Network, i: str) -> float:
    """Product i's gross margin per unit at its base price: price less parts and the labour
    of a high-wage plant (a floor of a tenth of the price)."""
    parts = sum(
        net.value[k] * (e if isinstance(e, float) else e["quantity"])
        for k, e in net.prod_bom[i].items()
    )
    price = net.base_price[i]
    return max(0.1 * price, price - parts - _LABOUR[net.tier[i]])


def _draw_make_options(
    rng: random.Random, net: Network, p: str, wages: tuple[float, float], makes_per_plant: int
) -> dict[str, Any]:
    """Plant p's in-house make options, mostly components its lines use."""
    (w, wf), value = wages, net.value
    makes: dict[str, Any] = {}
    used = sorted({k for i in net.p_lines[p] for k in net.prod_bom[i]})
    pool = used + [k for k in net.comp_ids if k not in used]
    n_make = min(len(pool), max(0, round(rng.uniform(0.0, 2.0) * makes_per_plant)))
    for k in pool[:n_make] if rng.random() < 0.7 else rng.sample(pool, n_make):
        opt: dict[str, Any] = {
            "fixed_cost": _r(rng.uniform(20, 120) * value[k] ** 0.5 * wf),
            "unit_cost": _r(value[k] * rng.uniform(0.45, 0.8) * (0.6 + 0.4 * wf)),
            "quality": "high" if w >= 100 or (w >= 30 and rng.random() < 0.5) else "medium",
        }
        if rng.random() < 0.5:
            opt["min_quantity"] = float(round(rng.uniform(20, 150)))
        if rng.random() < 0.5:
            opt["capacity"] = float(
                round(max(opt.get("min_quantity", 0.0) * 1.5, rng.uniform(100, 800)))
            )
        if rng.random() < 0.2:
            opt["investment_cost"] = _r(rng.uniform(50, 400))
        makes[k] = opt
    return makes


def draw_exclusive_groups(rng: random.Random, net: Network) -> None:
    """Exclusive entry modes: a wholly owned plant versus a JV of the same firm in a country."""
    by_country_firm: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in net.plant_ids:
        if p in net.anchors:
            continue
        for f in net.p_owners[p]:
            by_country_firm[net.p_country[p], f].append(p)
    used_in_group: set[str] = set()
    for (c, f), ps in sorted(by_country_firm.items()):
        solo = [p for p in ps if len(net.p_owners[p]) == 1 and p not in used_in_group]
        jv = [p for p in ps if len(net.p_owners[p]) > 1 and p not in used_in_group]
        if solo and jv and rng.random() < 0.7:
            g = [solo[0], jv[0]]
            used_in_group.update(g)
            net.groups[f"G_{c}_{f}"] = g


def draw_suppliers(rng: random.Random, net: Network, offers_per_supplier: int) -> None:
    """Supplier pools (access by firm or by plant for some), then the global catalogue."""
    suppliers, components = net.counts["suppliers"], net.counts["components"]
    firms, wage = net.counts["firms"], net.wage
    sup_ids = _ids("S", suppliers, max(4, len(str(suppliers)))) if suppliers else []
    plants_in_region: dict[int, list[str]] = defaultdict(list)
    for p in net.plant_ids:
        plants_in_region[net.region_of[net.p_country[p]]].append(p)
    for s in sup_ids:
        c = rng.choices(
            net.country_ids, weights=[3 if wage[x] < 100 else 1 for x in net.country_ids]
        )[0]
        w = wage[c]
        n_off = max(1, min(components, round(rng.uniform(0.5, 1.5) * offers_per_supplier)))
        offers: dict[str, Any] = {}
        leaves = net.leaves
        for k in rng.sample(
            leaves if len(leaves) >= n_off and rng.random() < 0.8 else net.comp_ids, n_off
        ):
            q = "high" if w >= 100 else ("medium" if w <= 10 else rng.choice(("medium", "high")))
            offer: dict[str, Any] = {
                "unit_price": _r(net.value[k] * (0.7 + 0.4 * w / 100) * rng.uniform(0.85, 1.15)),
                "quality": q,
            }
            if rng.random() < 0.6:
                offer["capacity"] = float(round(rng.uniform(100, 2000)))
            offers[k] = offer
        rec: dict[str, Any] = {"country": c, "components": offers}
        u = rng.random()
        if u < 0.25:
            fs = rng.sample(net.firm_ids, min(firms, rng.randint(1, 2)))
            rec["access"] = {"firms": fs}
            for f in fs:
                net.office_candidates[f].append(s)
        elif u < 0.35:
            local = plants_in_region[net.region_of[c]] or net.plant_ids
            rec["access"] = {"plants": rng.sample(local, min(len(local), rng.randint(2, 6)))}
        net.sup_recs[s] = rec
    for k in net.comp_ids:  # open global catalogue: high quality, dear, uncapacitated
        c = rng.choice(net.rich)
        net.sup_recs[f"G_{k}"] = {
            "name": f"global catalogue of {k}",
            "country": c,
            "components": {k: {"unit_price": _r(net.value[k] * 1.6), "quality": "high"}},
        }


def draw_offices(rng: random.Random, net: Network) -> None:
    """Purchasing offices: a firm's pools opened to another firm's plants."""
    firms = net.counts["firms"]
    for n, f in enumerate(net.firm_ids):
        pools = net.office_candidates.get(f, [])
        if not pools or firms < 2 or rng.random() < 0.4:
            continue
        buyer = net.firm_ids[(n + 1) % firms]
        buyer_plants = [
            p for p in net.plant_ids if buyer in net.p_owners[p] and f not in net.p_owners[p]
        ]
        if not buyer_plants:
            continue
        net.offices[f"O_{buyer}_{f}"] = {
            "country": net.sup_recs[pools[0]]["country"],
            "owners": {buyer: 1.0},
            "fixed_cost": _r(rng.uniform(50, 300)),
            "suppliers": pools[: max(1, min(len(pools), 5))],
            "plants": buyer_plants[: max(1, min(len(buyer_plants), 8))],
        }


def draw_firm_records(rng: random.Random, net: Network) -> None:
    """Firms' records: technician pools, capital budgets."""
    anchor_firms = {next(iter(net.p_owners[p])) for p in net.anchors}
    for f in net.firm_ids:
        rec: dict[str, Any] = {"name": f"firm {f}", "home_country": net.home[f]}
        foreign = [
            (p, i)
            for p in net.plant_ids
            for i in net.p_lines[p]
            if net.pfirm[i] == f and net.p_country[p] != net.home[f]
        ]
        if foreign and rng.random() < 0.6:
            per_line = {"medium": 2.0, "high": 5.0}
            need = sum(per_line.get(net.tier[i], 0.0) for _, i in foreign)
            rec["technicians"] = {
                "pool": float(max(2, math.ceil(need * rng.uniform(0.3, 0.7)))),
                "per_line": per_line,
                "per_unit": {"high": 0.01},
            }
        if rng.random() < 0.5:
            budget = _capital_budget(net, f, f in anchor_firms)
            if budget > 0:
                rec["capital_budget"] = float(math.ceil(budget))
        net.firm_recs[f] = rec


def _capital_budget(net: Network, f: str, anchor_firm: bool) -> float:
    """60 % of firm f's share of the plants' investment; an anchor firm's covers at least its
    anchor plants, their lines and its channels."""
    invest = sum(
        share * net.plant_recs[p].get("investment_cost", 0.0)
        for p in net.plant_ids
        for g, share in net.p_owners[p].items()
        if g == f
    )
    budget = 0.6 * invest
    if anchor_firm:  # the anchor plant, its lines and the firm's channels fit
        recs = net.plant_recs
        need = sum(
            recs[p].get("investment_cost", 0.0)
            + sum(ln.get("investment_cost", 0.0) for ln in recs[p]["lines"].values())
            for p in net.anchors
            if f in net.p_owners[p]
        )
        need += sum(
            ch.get("investment_cost", 0.0)
            for ch in net.channels.values()
            if ch.get("owners", {}).get(f)
        )
        budget = max(budget, need)
    return budget


def draw_sourcing_rules(rng: random.Random, net: Network) -> None:
    """Local-content rules at some plants outside high-wage countries."""
    for p in net.plant_ids:
        if p in net.anchors or net.wage[net.p_country[p]] > 30 or rng.random() > 0.25:
            continue
        rule = {"plant": p, "sources": {"countries": [net.p_country[p]]}}
        rule["min_share"] = _r(rng.uniform(0.1, 0.3))
        rule["basis"] = rng.choice(("quantity", "value"))
        net.rules.append(rule)


def draw_trade(rng: random.Random, net: Network) -> None:
    """Transport costs by distance; tariffs, with free trade inside a region."""
    for a in net.country_ids:
        for b in net.country_ids:
            d = net.dist(a, b)
            lane = {"from_country": a, "to_country": b}
            net.transport.append({**lane, "goods": "machine", "unit_cost": _r(0.3 + 0.02 * d)})
            net.transport.append(
                {**lane, "goods": "component", "unit_cost": _r(0.01 + 0.001 * d)}
            )
    for c in net.country_ids:
        for goods, rates in (("machine", _MACHINE_TARIFFS), ("component", _COMPONENT_TARIFFS)):
            net.tariffs.append({"to_country": c, "goods": goods, "rate": _r(rng.choice(rates))})
        for o in net.countries_in[net.region_of[c]]:
            if o != c:
                net.tariffs.append({"from_country": o, "to_country": c, "rate": 0.0})


def mapping(net: Network, name: str) -> dict[str, Any]:
    """The instance mapping of everything drawn, in the schema's section order."""
    n = net.counts
    return {
        "name": name,
        "description": (
            f"Synthetic network (gpnopt.generate, seed {net.seed}): {n['countries']} countries "
            f"in {net.n_regions} regions, {n['firms']} firms, {n['plants']} plants, "
            f"{n['products']} products, {n['components']} components, {n['suppliers']} supplier "
            f"pools (+{n['components']} global), {len(net.market_ids)} markets"
            + (f" ({len(net.left_out)} more drawn that no channel could reach, left out)."
               if net.left_out else ".")
        ),
        "units": {"money": "kUSD", "quantity": "units/year"},
        "countries": {
            c: {"name": f"country {c} (region {net.region_ids[net.region_of[c]]}, wage {w:g})"}
            for c, w in net.wage.items()
        },
        "firms": net.firm_recs,
        "components": {
            k: {"transfer_price": net.value[k], "bom": net.comp_bom[k]}
            if k in net.comp_bom
            else {"transfer_price": net.value[k]}
            for k in net.comp_ids
        },
        "products": {
            i: {"tier": t, "firm": net.pfirm[i], "capacity_use": _CAPACITY_USE[t]}
            | {"bom": net.prod_bom[i]}
            for i, t in net.tier.items()
        },
        "plants": net.plant_recs,
        "suppliers": net.sup_recs,
        "markets": {m: {"country": net.m_country[m], "demand": net.demand[m]} for m in net.market_ids},
        "channels": net.channels,
        "purchasing_offices": net.offices,
        "exclusive_groups": net.groups,
        "sourcing_rules": net.rules,
        "trade": {"transport": net.transport, "tariffs": net.tariffs},
        "objective": {"mode": "alliance"},
        "notes": {"generator": "gpnopt.generate", "seed": net.seed}
        | ({"markets_left_out": net.left_out} if net.left_out else {}),
    }
