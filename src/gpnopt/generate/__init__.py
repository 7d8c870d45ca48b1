"""Synthetic production networks: seeded, feasible by construction, of any size.

:func:`generate` returns an instance mapping (as read from YAML, valid for
:func:`gpnopt.instance_from_dict`) with the structure of a real network: countries in
regions with wage levels and distances, firms with home countries and technician pools,
products in three tiers with bills of materials (some parts asking for a minimum quality),
modules with sub-components, plants (wholly owned and joint ventures, capability by wage
level) with a few product lines and in-house make options with minimum production
quantities, supplier pools with access by firm, by plant or through purchasing offices,
markets demanding a few products each, each firm's sales channels in some regions plus
independent distributors (margin, capacity, tier filter; a market that no channel can reach
is left out, named in ``notes.markets_left_out``), transport costs by distance,
tariffs with free trade inside a region, exclusive entry-mode groups, local-content
sourcing rules and capital budgets. A plant's and a line's yearly fixed cost and investment
are drawn in proportion to the yearly gross margin of the lines (typical volume times price
less parts and labour): a plant's fixed cost about 15 % of it, a line's 5 %, a plant's
investment about two years of it, a line's half a year, so that the capital charge and the
fixed costs weigh against the margins as in a real network (issue 22: with flat cost ranges
a plant paid back its investment in weeks, and the capital budgets alone decided the
design, the hardest case for the LP bound; ``docs/performance.md``). Lanes are sparse: a
plant reaches only the markets of the regions where one of its owners has a channel, and
buys only from the pools it may use.

Feasible by construction: every limit (capacities, technicians, quality, sourcing shares,
exclusive groups, capital budgets, minimum quantities) is met by the all-closed network, and
the only forcing rows, ``min_served`` demand shares, are put only on demand that an *anchor*
line can serve: a line of the product's own firm at a plant it owns wholly in its home
country (so no technicians), in no exclusive group, with no line capacity, an assembly
capacity raised to cover what it must serve, no sourcing rule, through an uncapacitated
channel of the firm, and every component available at high quality from an open global
catalogue pool (``G_<component>``, uncapacitated). A firm that owns an anchor and has a capital
budget can fund the anchor plant, its lines and the firm's channels. No firm states a
reservation profit.

Pure Python (``random.Random(seed)``): the same arguments give the same mapping on every
platform. No Pyomo here.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from gpnopt.generate import steps
from gpnopt.generate.steps import TIERS, WAGES

__all__ = ["TIERS", "WAGES", "generate", "write_instance"]


def generate(
    seed: int = 0,
    *,
    countries: int = 6,
    firms: int = 3,
    plants: int = 12,
    products: int = 8,
    components: int = 10,
    suppliers: int = 20,
    markets: int = 20,
    lines_per_plant: int = 4,
    makes_per_plant: int = 2,
    offers_per_supplier: int = 4,
    products_per_market: int = 5,
    min_served_share: float = 0.05,
    name: str | None = None,
) -> dict[str, Any]:
    """A seeded synthetic instance mapping, feasible by construction.

    Args:
        seed: random seed; the same arguments give the same mapping.
        countries: number of countries (grouped into about ``countries / 5`` regions).
        firms: number of firms.
        plants: number of plants (candidate plants; about a quarter joint ventures).
        products: number of products (tiers low, medium, high).
        components: number of components (about a fifth are modules with sub-components).
        suppliers: number of supplier pools, besides one open global catalogue pool per
            component (``G_<component>``).
        markets: number of markets.
        lines_per_plant: product lines a plant may run (on average).
        makes_per_plant: components a plant may make in-house (on average).
        offers_per_supplier: components a supplier pool offers (on average).
        products_per_market: products a market demands (on average).
        min_served_share: share of the demand entries an anchor line can serve that get a
            ``min_served`` requirement (0 for none).
        name: instance name (default ``synthetic-s<seed>-<plants>p``).

    Returns:
        The raw instance mapping (plain dicts, lists, strings and floats).
    """
    counts = dict(countries=countries, firms=firms, plants=plants, products=products)
    counts.update(components=components, markets=markets)
    steps.check_arguments(counts, suppliers, min_served_share)
    rng = random.Random(seed)
    net = steps.Network(seed=seed, counts={**counts, "suppliers": suppliers})
    # Each step draws from the one generator in turn: their order is part of the output.
    steps.draw_countries_and_firms(rng, net)
    steps.draw_components(rng, net)
    steps.draw_products(rng, net)
    steps.draw_plants(rng, net, lines_per_plant)
    steps.choose_anchors(net, min_served_share)
    steps.draw_demand(rng, net, products_per_market)
    steps.draw_channels(rng, net)
    steps.draw_min_served(rng, net, min_served_share)
    steps.draw_plant_records(rng, net, makes_per_plant)
    steps.draw_exclusive_groups(rng, net)
    steps.draw_suppliers(rng, net, offers_per_supplier)
    steps.draw_offices(rng, net)
    steps.draw_firm_records(rng, net)
    steps.draw_sourcing_rules(rng, net)
    steps.draw_trade(rng, net)
    steps.trim_channel_markets(net)
    return steps.mapping(net, name or f"synthetic-s{seed}-{plants}p")


def write_instance(raw: dict[str, Any], path: str | Path) -> Path:
    """Write an instance mapping as YAML (block style, keys in insertion order), atomically.

    Args:
        raw: an instance mapping (from :func:`generate`).
        path: the file to write; its folder is created if missing.

    Returns:
        The path written.
    """
    import yaml

    from gpnopt.atomic import write_text

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class _Dumper(base):  # type: ignore[misc, valid-type]
        pass

    def _flow_small(dumper: Any, data: dict[str, Any]) -> Any:
        flat = len(data) <= 6 and all(not isinstance(v, dict | list) for v in data.values())
        return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flat)

    _Dumper.add_representer(dict, _flow_small)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(raw, Dumper=_Dumper, sort_keys=False, width=100, allow_unicode=True)
    header = (
        f"# {raw.get('description', '')}\n# Generated by gpnopt.generate: do not edit by hand.\n"
    )
    write_text(out, header + text)
    return out
