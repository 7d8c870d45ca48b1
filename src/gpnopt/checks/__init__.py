"""Meaning checks of an instance: references, loops, things no plant can do.

Each ``check_<rule>(inst)`` returns the problems it finds as ``yaml.path: message`` lines;
:func:`check_instance` runs them all so that a file's every problem is reported at once
(PyPSA's ``consistency.py`` style). Tolerable oddities are warnings
(:class:`~gpnopt.errors.GpnoptWarning`), never silent repairs. No Pyomo here.

The checks of each economic family's keys live in a module of their own in this package
(``gpnopt/checks/<family>.py``, a ``check_<family>(inst)`` each), named once in
:data:`CHECKS`.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Callable, Iterable

from gpnopt.checks.acquisitions import check_acquisitions
from gpnopt.checks.base_plants import check_base_plants
from gpnopt.checks.demand import check_demand
from gpnopt.checks.discounts import check_discounts
from gpnopt.checks.expansion import check_expansion
from gpnopt.checks.lead_times import check_lead_times
from gpnopt.checks.refs import unknown
from gpnopt.checks.sourcing import check_sourcing
from gpnopt.checks.staffing import check_staffing
from gpnopt.checks.taxes import check_taxes
from gpnopt.checks.traps import (
    check_channel_owners,
    warn_ownerless_channels,
)
from gpnopt.dynamics import Asset, OutputRequirement, OutputSource
from gpnopt.errors import GpnoptWarning, show
from gpnopt.hints import did_you_mean
from gpnopt.schema import TIER_RANK, Expectation, Instance

log = logging.getLogger(__name__)


def check_countries(inst: Instance) -> list[str]:
    """Every country referenced exists."""
    c = inst.countries
    out = []
    for pid, p in inst.plants.items():
        out += unknown(f"plants.{pid}.country", "country", [p.country], c)
    for sid, s in inst.suppliers.items():
        out += unknown(f"suppliers.{sid}.country", "country", [s.country], c)
    for mid, m in inst.markets.items():
        out += unknown(f"markets.{mid}.country", "country", [m.country], c)
    for oid, o in inst.purchasing_offices.items():
        out += unknown(f"purchasing_offices.{oid}.country", "country", [o.country], c)
    for fid, f in inst.firms.items():
        out += unknown(f"firms.{fid}.home_country", "country", [f.home_country], c)
    return out


def check_owners(inst: Instance) -> list[str]:
    """Owners are known firms."""
    out = []
    for pid, p in inst.plants.items():
        out += unknown(f"plants.{pid}.owners", "firm", p.owners, inst.firms)
    for hid, h in (inst.channels or {}).items():
        out += unknown(f"channels.{hid}.owners", "firm", h.owners, inst.firms)
    for oid, o in inst.purchasing_offices.items():
        out += unknown(f"purchasing_offices.{oid}.owners", "firm", o.owners, inst.firms)
    return out


def check_products_and_boms(inst: Instance) -> list[str]:
    """Products' firms and bills of materials reference known entities."""
    out = []
    for iid, i in inst.products.items():
        out += unknown(f"products.{iid}.firm", "firm", [i.firm], inst.firms)
        out += unknown(f"products.{iid}.bom", "component", i.bom, inst.components)
    for kid, k in inst.components.items():
        out += unknown(f"components.{kid}.bom", "component", k.bom, inst.components)
    return out


def check_bom_loops(inst: Instance) -> list[str]:
    """Component bills of materials form no loop (a component cannot contain itself)."""
    state: dict[str, int] = {}  # 1 visiting, 2 done
    out: list[str] = []

    def visit(k: str, stack: list[str]) -> None:
        if state.get(k) == 2 or k not in inst.components:
            return
        if state.get(k) == 1:
            loop = stack[stack.index(k) :] + [k]
            out.append(f"components.{k}.bom: bill of materials loops: {' -> '.join(loop)}")
            return
        state[k] = 1
        for sub in inst.components[k].bom:
            visit(sub, [*stack, k])
        state[k] = 2

    for k in inst.components:
        visit(k, [])
    return out


def check_plants(inst: Instance) -> list[str]:
    """Plants' lines and make options name known products and components."""
    out = []
    for pid, p in inst.plants.items():
        out += unknown(f"plants.{pid}.lines", "product", p.lines, inst.products)
        out += unknown(f"plants.{pid}.components", "component", p.components, inst.components)
        for iid in p.lines:
            prod = inst.products.get(iid)
            if prod is not None and TIER_RANK[prod.tier] > TIER_RANK[p.max_tier]:
                warnings.warn(
                    f"plants.{pid}.lines.{iid}: product tier {prod.tier} is above the plant's "
                    f"max_tier {p.max_tier}; the line is unavailable",
                    GpnoptWarning,
                    stacklevel=2,
                )
    return out


def check_makeable(inst: Instance) -> list[str]:
    """Every product has a plant that may make it; every used component has a source."""
    out = []
    made = {i for p in inst.plants.values() for i in p.lines}
    for iid in inst.products:
        if iid not in made:
            out.append(f"products.{iid}: no plant may make it (no plant lists it under lines)")
    used = {k for i in inst.products.values() for k in i.bom}
    used |= {s for k in inst.components.values() for s in k.bom}
    sourced = {k for p in inst.plants.values() for k in p.components}
    sourced |= {k for s in inst.suppliers.values() for k in s.components}
    for kid in sorted(used & set(inst.components)):
        if kid not in sourced:
            out.append(
                f"components.{kid}: used in a bill of materials but no plant makes it and "
                "no supplier offers it"
            )
    return out


def check_suppliers(inst: Instance) -> list[str]:
    """Supplier offers and access lists reference known entities."""
    out = []
    for sid, s in inst.suppliers.items():
        out += unknown(f"suppliers.{sid}.components", "component", s.components, inst.components)
        out += unknown(f"suppliers.{sid}.serves", "country", s.serves or [], inst.countries)
        if s.access is not None:
            out += unknown(f"suppliers.{sid}.access.firms", "firm", s.access.firms or [], inst.firms)
            out += unknown(
                f"suppliers.{sid}.access.plants", "plant", s.access.plants or [], inst.plants
            )
    return out


def check_markets(inst: Instance) -> list[str]:
    """Market demand names known products."""
    out = []
    for mid, m in inst.markets.items():
        out += unknown(f"markets.{mid}.demand", "product", m.demand, inst.products)
    return out


def check_channels(inst: Instance) -> list[str]:
    """Channels reference known markets, plants, firms and products."""
    out = []
    for hid, h in (inst.channels or {}).items():
        w = f"channels.{hid}"
        out += unknown(f"{w}.markets", "market", h.markets, inst.markets)
        out += unknown(f"{w}.plants", "plant", h.plants or [], inst.plants)
        out += unknown(f"{w}.plant_owners", "firm", h.plant_owners or [], inst.firms)
        out += unknown(f"{w}.product_firms", "firm", h.product_firms or [], inst.firms)
        out += unknown(f"{w}.products", "product", h.products or [], inst.products)
    return out


def check_offices_and_groups(inst: Instance) -> list[str]:
    """Purchasing offices and exclusive groups reference known entities."""
    out = []
    for oid, o in inst.purchasing_offices.items():
        w = f"purchasing_offices.{oid}"
        out += unknown(f"{w}.suppliers", "supplier", o.suppliers, inst.suppliers)
        out += unknown(f"{w}.plants", "plant", o.plants, inst.plants)
    for gid, plants in inst.exclusive_groups.items():
        out += unknown(f"exclusive_groups.{gid}", "plant", plants, inst.plants)
    return out


def check_sourcing_rules(inst: Instance) -> list[str]:
    """Sourcing rules have unique ids and reference known entities."""
    out = []
    seen: set[str | None] = set()
    for n, r in enumerate(inst.sourcing_rules):
        w = f"sourcing_rules.{n}"
        if r.id in seen:
            out.append(f"{w}.id: duplicate sourcing rule id {show(r.id)}")
        seen.add(r.id)
        out += unknown(f"{w}.plant", "plant", [r.plant], inst.plants)
        out += unknown(f"{w}.components", "component", r.components or [], inst.components)
        s = r.sources
        out += unknown(f"{w}.sources.countries", "country", s.countries or [], inst.countries)
        out += unknown(f"{w}.sources.firms", "firm", s.firms or [], inst.firms)
        out += unknown(f"{w}.sources.plants", "plant", s.plants or [], inst.plants)
        out += unknown(f"{w}.sources.suppliers", "supplier", s.suppliers or [], inst.suppliers)
    return out


def check_trade(inst: Instance) -> list[str]:
    """Transport and tariff entries reference known entities."""
    out = []
    for n, t in enumerate(inst.trade.transport):
        w = f"trade.transport.{n}"
        out += unknown(f"{w}.from_country", "country", [t.from_country], inst.countries)
        out += unknown(f"{w}.to_country", "country", [t.to_country], inst.countries)
        out += unknown(f"{w}.from_plant", "plant", [t.from_plant], inst.plants)
        out += unknown(f"{w}.to_plant", "plant", [t.to_plant], inst.plants)
        out += unknown(f"{w}.to_market", "market", [t.to_market], inst.markets)
    for n, t in enumerate(inst.trade.tariffs):
        w = f"trade.tariffs.{n}"
        out += unknown(f"{w}.from_country", "country", [t.from_country], inst.countries)
        out += unknown(f"{w}.to_country", "country", [t.to_country], inst.countries)
    return out


def _reaches(inst: Instance, pid: str, mid: str) -> bool:
    """Whether some channel may carry plant ``pid``'s output to market ``mid``."""
    if inst.channels is None:
        return True
    owners = set(inst.plants[pid].owners)
    return any(
        mid in h.markets
        and (h.plants is None or pid in h.plants)
        and (h.plant_owners is None or bool(owners & set(h.plant_owners)))
        for h in inst.channels.values()
    )


def _lanes(inst: Instance) -> dict[str, set[tuple[str, str]]]:
    """Cross-border (origin country, destination country) pairs goods may move along."""
    plants = inst.plants
    machine = {
        (p.country, m.country)
        for pid, p in plants.items()
        for mid, m in inst.markets.items()
        if p.country != m.country and set(p.lines) & set(m.demand) and _reaches(inst, pid, mid)
    }
    component = set()
    for p in plants.values():
        # a regional pool (family 27) ships from within the countries it serves
        sources = [(s.ships_from(p.country), set(s.components))
                   for s in inst.suppliers.values()]
        sources += [(q.country, set(q.components)) for q in plants.values()]
        used = {k for i in p.lines if i in inst.products for k in inst.products[i].bom}
        used |= {s for k in p.components if k in inst.components for s in inst.components[k].bom}
        component |= {(c, p.country) for c, offered in sources if c != p.country and used & offered}
    return {"machine": machine, "component": component}


def _declared(inst: Instance, goods: str) -> set[tuple[str, str]]:
    """Country pairs some transport entry of ``goods`` covers (plant and market ends by their
    country; symmetric entries both ways)."""
    where = {**{k: p.country for k, p in inst.plants.items()},
             **{k: m.country for k, m in inst.markets.items()}}
    pairs = set()
    for t in inst.trade.transport:
        of = "machine" if t.products is not None else t.goods
        of = "component" if t.components is not None else of
        if of not in (goods, "all"):
            continue
        o = t.from_country or where.get(t.from_plant or "")
        d = t.to_country or where.get(t.to_plant or t.to_market or "")
        pairs |= {(o, d), *([(d, o)] if t.symmetric else [])}
    return pairs


def check_transport_lanes(inst: Instance) -> list[str]:
    """Warn of a goods class no transport entry applies to, when the instance lists some;
    say what ``trade.default_transport`` covers.

    Lanes not listed cost nothing to move along, unless ``trade.default_transport`` states
    what a cross-border lane no entry covers costs and takes. An instance without transport
    entries or default states that no transport is modelled; one that prices the lanes of
    one goods class (machines or components) but not a single lane of the other, and states
    no default, has most likely forgotten them: that is warned of. Single lanes left out of
    a listed class, and the lanes a default covers, are reported at information level
    (``gpnopt validate -v``), since leaving a lane free is a common modelling choice.
    """
    dflt = inst.trade.default_transport
    if not inst.trade.transport and dflt is None:
        return []
    for goods, lanes in _lanes(inst).items():
        declared = _declared(inst, goods)
        missing = sorted(lanes - declared)
        if not missing:
            continue
        shown = ", ".join(f"{o} -> {d}" for o, d in missing[:6])
        more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
        if dflt is not None:
            log.info(
                "trade.default_transport covers %d cross-border %s lane(s) without an entry "
                "(unit_cost %g, value_rate %g, lead_time %g days): %s%s",
                len(missing), goods, dflt.unit_cost, dflt.value_rate, dflt.lead_time, shown, more,
            )
        elif not declared:
            warnings.warn(
                f"trade.transport: no entry applies to {goods}s (goods: {goods} or all), so "
                f"moving them costs nothing on {len(missing)} cross-border "
                f"lane{'s' * (len(missing) != 1)}: {shown}{more} (add entries, with "
                "unit_cost: 0 where free, or a trade.default_transport to cover them)",
                GpnoptWarning,
                stacklevel=2,
            )
        else:
            log.info(
                "trade.transport: %d cross-border %s lane(s) without an entry cost nothing "
                "(a trade.default_transport would cover them): %s%s",
                len(missing), goods, shown, more,
            )
    return []


def check_objective(inst: Instance) -> list[str]:
    """The objective names known firms."""
    out = unknown("objective.firms", "firm", inst.objective.firms or [], inst.firms)
    if inst.objective.mode.startswith("firm:"):
        out += unknown("objective.mode", "firm", [inst.objective.mode[5:]], inst.firms)
    return out


def check_expectations(inst: Instance) -> list[str]:
    """Expectations have unique ids and reference known entities."""
    out = []
    seen: set[str] = set()
    sources = set(inst.plants) | set(inst.suppliers)
    for n, e in enumerate(inst.expectations):
        w = f"expectations.{n}"
        if e.id in seen:
            out.append(f"{w}.id: duplicate expectation id {show(e.id)}")
        seen.add(e.id)
        out += unknown(f"{w}.plant", "plant", [e.plant], {*inst.plants})
        out += unknown(f"{w}.product", "product", [e.product], inst.products)
        out += unknown(f"{w}.firm", "firm", [e.firm, e.source_firm], inst.firms)
        out += unknown(f"{w}.market", "market", [e.market], inst.markets)
        out += unknown(f"{w}.markets", "market", e.markets or [], inst.markets)
        out += unknown(f"{w}.channel", "channel", [e.channel], inst.channels or {})
        out += unknown(f"{w}.component", "component", [e.component, *(e.components or [])], inst.components)
        out += unknown(f"{w}.source", "plant or supplier", [e.source], sources)
        out += unknown(f"{w}.source_country", "country", [e.source_country], inst.countries)
        out += unknown(f"{w}.destination", "plant", [e.destination], inst.plants)
        out += unknown(f"{w}.pool", "purchasing pool", [e.pool], inst.purchasing_pools or {})
        out += _expectation_bounds(w, e)
    return out


def _expectation_bounds(w: str, e: Expectation) -> list[str]:
    """The one finding of :func:`check_expectations` that reads numbers."""
    if e.min is not None and e.max is not None and e.min > e.max:
        return [f"{w}: min {e.min:g} exceeds max {e.max:g}"]
    return []


def check_expectation_bounds(inst: Instance) -> list[str]:
    """What :func:`check_expectations` finds that a number decides (a ``min`` above the
    ``max``), in its order: run instead of it where its references are known to be sound
    (:data:`NUMBER_PARTS`)."""
    return [p for n, e in enumerate(inst.expectations)
            for p in _expectation_bounds(f"expectations.{n}", e)]


def check_reserved_period_ids(inst: Instance) -> list[str]:
    """No period is called ``all``: result tables use it for the whole horizon (a firm's net
    present value)."""
    from gpnopt.timing import ALL_PERIODS

    return [
        f"periods.{n}.id: {ALL_PERIODS!r} is reserved (result tables use it for the whole "
        "horizon); choose another id"
        for n, p in enumerate(inst.periods)
        if p.id == ALL_PERIODS
    ]


def check_expectation_timing(inst: Instance) -> list[str]:
    """``in_period`` and ``first_period`` name periods of the instance (a one-period
    instance has the one period ``P1`` and no years), ``before``/``after`` its expectations."""
    from gpnopt.dynamics import ONE_PERIOD

    periods = [p.id for p in inst.periods] or [ONE_PERIOD]
    ids = [e.id for e in inst.expectations]
    out = []
    for n, e in enumerate(inst.expectations):
        w = f"expectations.{n}"
        out += unknown(f"{w}.in_period", "period", [e.in_period], periods)
        out += unknown(f"{w}.before", "expectation", [e.before], ids)
        out += unknown(f"{w}.after", "expectation", [e.after], ids)
        for end in ("at_least", "at_most"):
            v = getattr(e.first_period, end, None)
            if isinstance(v, str):
                out += unknown(f"{w}.first_period.{end}", "period", [v], periods)
            elif v is not None and not inst.periods:
                out.append(
                    f"{w}.first_period.{end}: a year ({v}) needs periods: (a one-period "
                    f"instance has the one period {ONE_PERIOD})"
                )
    return out


def _assets(inst: Instance) -> Iterable[tuple[str, Asset]]:
    """Every asset (plant, line, make option, channel, office) with its YAML path."""
    for pid, p in inst.plants.items():
        yield f"plants.{pid}", p
        yield from ((f"plants.{pid}.lines.{i}", line) for i, line in p.lines.items())
        yield from ((f"plants.{pid}.components.{k}", mk) for k, mk in p.components.items())
    yield from ((f"channels.{h}", ch) for h, ch in (inst.channels or {}).items())
    yield from ((f"purchasing_offices.{o}", of) for o, of in inst.purchasing_offices.items())


def check_years(inst: Instance) -> list[str]:
    """``available_from`` and ``available_until`` are years of a horizon: they need periods
    (an option never available in the horizon is warned about)."""
    if inst.periods:
        first, last = inst.periods[0].start, inst.periods[-1].start
        for w, a in _assets(inst):
            lo, hi = a.available_from, a.available_until
            if (lo is not None and lo > last) or (hi is not None and hi < first):
                warnings.warn(
                    f"{w}: available {lo or '...'}-{hi or '...'}, so in no period "
                    f"(periods start {first}-{last}); the option is never used",
                    GpnoptWarning,
                    stacklevel=2,
                )
        return []
    return [
        f"{w}.{key}: a year the option is available needs periods: (an instance without "
        "periods is one period, with no years)"
        for w, a in _assets(inst)
        for key in ("available_from", "available_until")
        if getattr(a, key) is not None
    ]


def check_requirements(inst: Instance) -> list[str]:
    """``requires.output`` and ``learning_from`` name a plant and one of its lines or make
    options; ``learning_from`` needs ``learning`` steps to count for."""
    out = []
    for w, a in _assets(inst):
        req = getattr(a, "requires", None)
        src = getattr(a, "learning_from", None)
        if src is not None and not a.learning:
            out.append(f"{w}.learning_from: the option has no learning steps to count it for")
        named = [(f"{w}.learning_from", src)] if src is not None else []
        if req is not None and req.output is not None:
            named.append((f"{w}.requires.output", req.output))
        for here, need in named:
            out += _names_option(inst, here, need)
    return out


def _names_option(inst: Instance, here: str, need: OutputRequirement | OutputSource) -> list[str]:
    """Errors if ``need`` (plant and product or component) names no line or make option."""
    plant = inst.plants.get(need.plant)
    if plant is None:
        return unknown(f"{here}.plant", "plant", [need.plant], inst.plants)
    if need.product is not None and need.product not in plant.lines:
        return [f"{here}.product: plant {need.plant} has no line {show(need.product)}"
                f"{did_you_mean(need.product, plant.lines)}"]
    if need.component is not None and need.component not in plant.components:
        return [f"{here}.component: plant {need.plant} does not make {show(need.component)}"
                f" in-house (no make option){did_you_mean(need.component, plant.components)}"]
    return []


def check_learning(inst: Instance) -> list[str]:
    """Learning steps (``docs/formulation.md``, family 15): a line's steps change only its
    unit cost, a make option's quality never falls, and no option requires only its own
    output (it could never run)."""
    out = []
    for pid, p in inst.plants.items():
        options = [("lines", i, o) for i, o in p.lines.items()]
        options += [("components", k, o) for k, o in p.components.items()]
        for group, item, opt in options:
            where = f"plants.{pid}.{group}.{item}"
            rank = TIER_RANK[opt.quality] if group == "components" else None
            for n, step in enumerate(opt.learning):
                if step.quality is None:
                    continue
                if rank is None:
                    out.append(
                        f"{where}.learning[{n}].quality: a line has no quality; "
                        "quality steps are for make options (components)"
                    )
                elif TIER_RANK[step.quality] < rank:
                    out.append(
                        f"{where}.learning[{n}].quality: {step.quality} is below the quality "
                        "before the step; a learning step never lowers quality"
                    )
                else:
                    rank = TIER_RANK[step.quality]
            req = opt.requires
            need = req.output if req is not None and req.training is None else None
            if need is None or need.plant != pid:
                continue
            if (group == "lines" and need.product == item) or (
                group == "components" and need.component == item
            ):
                out.append(
                    f"{where}.requires.output: the option requires its own output, so it "
                    "could never run; name another line or make option, or use training"
                )
    return out


_FREE, _READS = True, False  # whether a check reads no number's value (NUMBER_FREE)
_CHECKS: list[tuple[Callable[[Instance], list[str]], bool]] = [
    (check_countries, _FREE),
    (check_owners, _FREE),  # the owners' ids (the shares are pydantic's: _check_owner_shares)
    (check_products_and_boms, _FREE),
    (check_bom_loops, _FREE),
    (check_plants, _FREE),  # ids and tiers
    (check_makeable, _FREE),
    (check_suppliers, _FREE),
    (check_markets, _FREE),
    (check_channels, _FREE),
    (check_offices_and_groups, _FREE),
    (check_sourcing_rules, _FREE),
    (check_trade, _FREE),
    (check_objective, _FREE),
    (check_expectations, _READS),  # its numbers' part: NUMBER_PARTS
    (check_expectation_timing, _FREE),  # period ids; a year only by whether it is stated
    (check_reserved_period_ids, _FREE),
    (check_years, _READS),
    (check_requirements, _FREE),
    (check_learning, _FREE),  # quality tiers (texts) and the options' names
    (check_lead_times, _READS),
    (check_taxes, _READS),
    (check_base_plants, _READS),  # 19 base plants
    (check_discounts, _READS),
    (check_expansion, _READS),  # family 17
    (check_staffing, _READS),  # 18 technicians as an economic resource
    (check_demand, _READS),
    (check_sourcing, _READS),
    (check_channel_owners, _READS),
    (check_acquisitions, _READS),  # 26 acquisitions
]

CHECKS: list[Callable[[Instance], list[str]]] = [check for check, _free in _CHECKS]
"""Every meaning check, in the order they run."""

NUMBER_FREE: frozenset[Callable[[Instance], list[str]]] = frozenset(
    check for check, free in _CHECKS if free
)
"""Meaning checks that read no number's value, only ids, keys, texts and whether a field is
stated: an instance whose numbers were only replaced by other numbers (a sweep's draw, no key
added, no text changed) gives them nothing new to find, so ``check_instance(...,
numbers_replaced=True)`` skips them (``tests/test_sweep_draw_path.py`` runs them on the
instances and bad instances, and on each with its numbers replaced: they find the same)."""

NUMBER_PARTS: dict[Callable[[Instance], list[str]], Callable[[Instance], list[str]]] = {
    check_expectations: check_expectation_bounds,
}
"""For a meaning check that reads numbers beside ids, the check of its numbers alone: an
instance whose numbers alone were replaced (``check_instance(..., numbers_replaced=True)``)
runs this instead (its references were sound before and are the same)."""

WARNINGS: list[Callable[[Instance], list[str]]] = [
    check_transport_lanes,
    warn_ownerless_channels,
]
"""Checks that only warn, run on a sound instance (after :data:`CHECKS` found nothing).
The warning of markets no channel reaches needs every period: the loader gives it
(:func:`gpnopt.checks.traps.warn_unreached_markets`)."""


def check_instance(
    inst: Instance, *, warn: bool = True, numbers_replaced: bool = False
) -> list[str]:
    """Run every check and return all problems found (empty when the instance is sound).

    The :data:`WARNINGS` checks run only when no problem is found (a lane to an unknown
    country is a problem already, not a missing transport entry). ``warn=False`` runs the
    checks without warning (the later periods of a multi-period instance: its warnings come
    from the first period). ``numbers_replaced``: ``inst`` is an instance checked before
    whose numbers alone were replaced by numbers (a sweep's draw): the
    :data:`NUMBER_FREE` checks are not run again, those of :data:`NUMBER_PARTS` only on
    their numbers, and the :data:`WARNINGS` not at all (they find no problem; a sweep
    reports no draw's warnings).
    """
    out: list[str] = []
    with contextlib.nullcontext() if warn else warnings.catch_warnings():
        if not warn:
            warnings.simplefilter("ignore", GpnoptWarning)
        for check in CHECKS:
            if not numbers_replaced:
                out += check(inst)
            elif check not in NUMBER_FREE:
                out += NUMBER_PARTS.get(check, check)(inst)
    if not out and warn and not numbers_replaced:
        for check in WARNINGS:
            out += check(inst)
    return out
