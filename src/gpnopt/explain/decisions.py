"""Decisions named in the instance's terms: their state in a solution, and their opposite.

=================================  ==================================================
name                               the decision
=================================  ==================================================
``plant:P``                        plant P operates
``line:P:I``                       plant P runs the line of product I
``in_house:P:K``                   plant P makes component K in-house
``channel:H``                      channel H operates
``office:O``                       purchasing office O operates
``flow:K:S:D``                     component K flows from S to plant D
``serves:P:M``                     plant P sells in market M (any product, any channel)
``expectation:ID``                 the statement of the instance's expectation ID
=================================  ==================================================

The *alternative* of a decision is its opposite imposed as :class:`Condition` s on the
model's variables: a binary fixed the other way; a flow or a service cut to zero, or forced
to at least one unit; an expectation's statement made false (or true). Where the opposite
has several forms (a share above or below its range, sales through another channel or none
at all) each is a candidate and the best feasible one is the alternative.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from gpnopt.analysis.expectations import evaluate
from gpnopt.data import ModelData
from gpnopt.economics.staffing import states_staffing, usable_pool
from gpnopt.errors import InstanceError
from gpnopt.results import ZERO, Solution
from gpnopt.schema import Expectation, Instance
from gpnopt.solver import Condition

AT_LEAST = 1.0
"""Units an alternative forces where the optimum has none (a flow, a service, a statement)."""

SHARE_STEP = 0.01
"""How far outside its range an alternative pushes a share (absolute)."""

BINARY_KINDS = ("plant", "line", "in_house", "channel", "office")
"""Kinds of decisions that are the model's binaries (``--all`` explains each)."""


@dataclass(frozen=True)
class Decision:
    """A decision of the instance.

    Attributes:
        name: as the user writes it (``line:CN_FT:tm_lathe_high``).
        kind: plant, line, in_house, channel, office, flow, serves or expectation.
        key: the ids after the kind.
    """

    name: str
    kind: str
    key: tuple[str, ...]


def valid_names(data: ModelData) -> list[str]:
    """Every decision name of the instance, in a stable order."""
    inst = data.instance
    names = [f"plant:{p}" for p in data.plants]
    names += [f"line:{p}:{i}" for p, i in data.lines]
    names += [f"in_house:{p}:{k}" for p, k in data.make]
    names += [f"channel:{h}" for h in data.channels]
    names += [f"office:{o}" for o in data.offices]
    names += [f"flow:{k}:{s}:{d}" for k, s, d in data.flows]
    names += list(dict.fromkeys(f"serves:{p}:{m}" for p, _i, _h, m in data.sales))
    names += [f"expectation:{e.id}" for e in inst.expectations]
    return names


def binary_names(data: ModelData) -> list[str]:
    """The names of every binary decision and of every expectation (``--all``)."""
    return [
        n for n in valid_names(data) if n.split(":")[0] in BINARY_KINDS or n.startswith("expectation:")
    ]


def parse(name: str, data: ModelData, *, source: str = "--decision") -> Decision:
    """The :class:`Decision` called ``name``.

    Raises:
        InstanceError: an unknown name, with the closest valid names.
    """
    names = valid_names(data)
    if name not in set(names):
        close = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
        hint = f"; closest: {', '.join(close)}" if close else ""
        kinds = "plant, line, in_house, channel, office, flow, serves, expectation"
        msg = f"{source} {name!r}: no such decision in {data.instance.name} (kinds: {kinds}){hint}"
        raise InstanceError(msg)
    kind, *key = name.split(":")
    return Decision(name, kind, tuple(key))


def expectation_of(inst: Instance, d: Decision) -> Expectation:
    """The expectation an ``expectation:ID`` decision names."""
    return next(e for e in inst.expectations if e.id == d.key[0])


# --- the state of a decision in a solution ----------------------------------------------------


def state(d: Decision, inst: Instance, s: Solution) -> bool:
    """Whether the decision is taken in ``s`` (an expectation: whether its statement is true)."""
    k = d.key
    if d.kind == "plant":
        return any(r["open"] == 1 for r in s.plant_profit if r["plant"] == k[0])
    if d.kind == "line":
        return any(r["open"] == 1 for r in s.lines if (r["plant"], r["product"]) == k)
    if d.kind in ("channel", "office"):
        return any(r["open"] == 1 for r in s.channel_profit if r["channel"] == k[0])
    if d.kind == "in_house":
        return any(r["in_house"] == 1 for r in s.make_or_buy if (r["plant"], r["component"]) == k)
    if d.kind == "flow":
        return any(
            r["quantity"] > ZERO
            for r in s.component_flows
            if (r["component"], r["source"], r["destination"]) == k
        )
    if d.kind == "serves":
        return sum(r["quantity"] for r in s.production if (r["plant"], r["market"]) == k) > ZERO
    truth, _detail = evaluate(inst, s, expectation_of(inst, d))
    return bool(truth)


def describe(d: Decision, inst: Instance, taken: bool) -> str:
    """The decision in words, taken or not (``CN_FT runs its tm_lathe_high line``)."""
    k = d.key
    no = "" if taken else "not "
    if d.kind == "plant":
        return f"{k[0]} {'operates' if taken else 'stays closed'}"
    if d.kind == "line":
        return f"{k[0]} {'runs' if taken else 'does not run'} its {k[1]} line"
    if d.kind == "in_house":
        return f"{k[0]} {'makes' if taken else 'buys'} {k[1]}{' in-house' if taken else ''}"
    if d.kind in ("channel", "office"):
        return f"{d.kind} {k[0]} is {no}open"
    if d.kind == "flow":
        return f"{k[1]} {'ships' if taken else 'does not ship'} {k[0]} to {k[2]}"
    if d.kind == "serves":
        return f"{k[0]} {'serves' if taken else 'does not serve'} market {k[1]}"
    e = expectation_of(inst, d)
    what = e.description or e.id
    return f"'{what}' is {'true' if taken else 'false'}"


# --- the alternative -------------------------------------------------------------------------


def _binary(var: str, index: Any, taken: bool) -> list[tuple[str, list[Condition]]]:
    cond = Condition(((var, index, 1.0),), "<=", 0.0) if taken else Condition(
        ((var, index, 1.0),), ">=", 1.0
    )
    return [("closed" if taken else "open", [cond])]


def _cut_or_force(
    var: str, indices: list[Any], taken: bool, at_least: float = AT_LEAST
) -> list[tuple[str, list[Condition]]]:
    """Every variable to zero (taken) or their sum to at least ``at_least`` (not taken)."""
    if not indices:
        return []
    if taken:
        return [("none", [Condition(((var, i, 1.0),), "<=", 0.0) for i in indices])]
    return [
        (f"at least {at_least:g}", [Condition(tuple((var, i, 1.0) for i in indices), ">=", at_least)])
    ]


def alternatives(d: Decision, data: ModelData, taken: bool) -> list[tuple[str, list[Condition]]]:
    """The candidate forms of the decision's opposite: (label, conditions) pairs.

    An empty list means the opposite cannot be stated on the model (no variable exists for
    it, e.g. a flow forced where there is no arc).
    """
    k = d.key
    if d.kind == "plant":
        return _binary("v_is_open", k[0], taken)
    if d.kind == "line":
        return _binary("v_line_open", k, taken)
    if d.kind == "in_house":
        return _binary("v_in_house", k, taken)
    if d.kind == "channel":
        return _binary("v_channel_open", k[0], taken)
    if d.kind == "office":
        return _binary("v_office_open", k[0], taken)
    if d.kind == "flow":
        return _cut_or_force("v_flow", [k], taken)
    if d.kind == "serves":
        arcs = [a for a in data.sales if (a[0], a[3]) == k]
        return _cut_or_force("v_sales", arcs, taken)
    return _expectation_alternatives(expectation_of(data.instance, d), data, taken)


def unstated_reason(d: Decision, data: ModelData) -> str | None:
    """Why :func:`alternatives` has no form of the opposite of ``d``, where the model knows:
    a ``binding`` expectation on a firm of family 18 that no line abroad needs (nobody of it
    can be abroad, whatever the solve). ``None`` otherwise."""
    if d.kind != "expectation":
        return None
    e = expectation_of(data.instance, d)
    if e.kind != "binding":
        return None
    policy = data.instance.firms[e.firm].technicians
    if not _nobody_abroad(e.firm, data):
        return None
    return (f"no line abroad needs {e.firm}'s technicians, so none of them can be abroad "
            f"(0 against a pool of {policy.pool:g})")


def _nobody_abroad(firm: str, data: ModelData) -> bool:
    """Whether ``firm`` is of family 18 and no line abroad needs its technicians (its
    ``technicians_abroad`` is the constant 0)."""
    return states_staffing(data.instance.firms[firm].technicians) and not data.tech_lines.get(firm)


def sales_arcs(e: Expectation, data: ModelData) -> list[tuple[str, str, str, str]]:
    """The sales arcs an expectation's filters select (plant, product, tier, firm, market,
    channel)."""
    inst = data.instance
    out = []
    for a in data.sales:
        p, i, h, mk = a
        prod = inst.products[i]
        if (
            (e.plant is None or p == e.plant)
            and (e.product is None or i == e.product)
            and (e.tier is None or prod.tier == e.tier)
            and (e.firm is None or prod.firm == e.firm)
            and (e.market is None or mk == e.market)
        ):
            out.append(a)
    return out


def _margin_arcs(e: Expectation, data: ModelData) -> list[tuple[str, str, str, str]]:
    """The sales a ``margin`` expectation's revenue counts: its plant's, or its channel's
    (the caller keeps the channel's arcs), or for a ``firm`` those of every plant the firm
    holds equity in (as the expectation counts them, not the products it designs)."""
    if e.firm is None:
        return [a for a in data.sales if e.plant is None or a[0] == e.plant]
    owned = {p for p, pl in data.instance.plants.items() if pl.owners.get(e.firm, 0) > 0}
    return [a for a in data.sales if a[0] in owned]


def flow_arcs(e: Expectation, data: ModelData, *, source_filter: bool = True) -> list[Any]:
    """The flow arcs into the expectation's destination (of its component(s)), from its
    source filter if ``source_filter``."""
    inst = data.instance
    comps = set(e.components or ([e.component] if e.component else []))
    owned = None
    if e.source_firm is not None:
        owned = {p for p, pl in inst.plants.items() if pl.owners.get(e.source_firm, 0) > 0}
    out = []
    for a in data.flows:
        k, s, dest = a
        country = inst.plants[s].country if s in inst.plants else inst.suppliers[s].country
        if comps and k not in comps:
            continue
        if e.destination is not None and dest != e.destination:
            continue
        if source_filter and not (
            (e.source is None or s == e.source)
            and (e.source_country is None or country == e.source_country)
            and (owned is None or s in owned)
        ):
            continue
        out.append(a)
    return out


def _expectation_alternatives(
    e: Expectation, data: ModelData, true_now: bool
) -> list[tuple[str, list[Condition]]]:
    """Candidate conditions that make the statement of ``e`` the opposite of ``true_now``."""
    q = max(AT_LEAST, 2 * e.min_quantity)
    if e.kind == "open":
        if e.plant is not None:
            return _binary("v_is_open", e.plant, true_now)
        return _binary("v_channel_open", e.channel, true_now)
    if e.kind == "in_house":
        if true_now:
            return _binary("v_in_house", (e.plant, e.component), True)
        return [("in-house", [Condition((("v_output", (e.plant, e.component), 1.0),), ">=", q)])]
    if e.kind == "binding":
        policy = data.instance.firms[e.firm].technicians
        pool = usable_pool(policy.pool, policy.whole_persons)
        # family 18: the expatriates abroad (hires beyond the pool, local managers aside), as
        # the binding expectation counts them; family 8: the lines' need
        if _nobody_abroad(e.firm, data):
            return []  # no line abroad needs the firm's technicians: see unstated_reason
        name = "technicians_abroad" if states_staffing(policy) else "technicians"
        body = ((name, e.firm, 1.0),)
        if true_now:
            return [("a technician spare", [Condition(body, "<=", pool - 1.0)])]
        return [("pool used up", [Condition(body, ">=", pool)])]
    if e.kind == "flow":
        return _cut_or_force("v_flow", flow_arcs(e, data), true_now, q)
    if e.kind in _OPPOSITES:  # the kinds stated on other rows than the matching arcs
        return _OPPOSITES[e.kind](e, data, true_now)
    arcs = sales_arcs(e, data) if e.kind != "margin" else _margin_arcs(e, data)
    if e.channel is not None and not (e.kind == "sells" and e.only_channel):
        arcs = [a for a in arcs if a[2] == e.channel]
    if e.kind == "sells" and e.only_channel and e.channel is not None:
        through = [a for a in arcs if a[2] == e.channel]
        other = [a for a in arcs if a[2] != e.channel]
        if true_now:  # nothing sold at all, or some through another channel
            cands = _cut_or_force("v_sales", arcs, True)
            if other:
                cands.append(("through another channel", [Condition(
                    tuple(("v_sales", a, 1.0) for a in other), ">=", q)]))
            return cands
        if not through:
            return []
        return [("only through the channel", [
            *(Condition((("v_sales", a, 1.0),), "<=", 0.0) for a in other),
            Condition(tuple(("v_sales", a, 1.0) for a in through), ">=", q),
        ])]
    return _cut_or_force("v_sales", arcs, true_now, q)


def _largest_alternatives(
    e: Expectation, data: ModelData, true_now: bool
) -> list[tuple[str, list[Condition]]]:
    """``largest``: another plant of the group at least as large (one candidate each), or
    the plant above every other one (by ``AT_LEAST``) and above ``min_quantity``. Output is
    in units, or at the arcs' list prices for ``basis: revenue``."""
    inst, p = data.instance, str(e.plant)
    group = set(inst.plants) if e.source_firm is None else {
        q for q, pl in inst.plants.items() if pl.owners.get(e.source_firm, 0.0) > 0.5}
    weight = (lambda a: data.sales[a].price) if e.basis == "revenue" else (lambda _a: 1.0)
    out: dict[str, list[tuple[Any, float]]] = {}  # plant -> (arc, weight) of its sales
    for a in data.sales:
        if a[0] in group or a[0] == p:
            out.setdefault(a[0], []).append((a, weight(a)))

    def minus(q: str, sign: float) -> tuple[tuple[str, Any, float], ...]:  # q's output - p's
        return (*(("v_sales", a, sign * w) for a, w in out.get(q, ())),
                *(("v_sales", a, -sign * w) for a, w in out.get(p, ())))

    others = [q for q in sorted(group - {p}) if q in out]
    if true_now:  # alone in its group, it stops being the largest by selling nothing
        return [(f"{q} at least as large", [Condition(minus(q, 1.0), ">=", 0.0)])
                for q in others] or _cut_or_force("v_sales", [a for a, _w in out.get(p, ())], True)
    if p not in out:
        return []
    own = Condition(tuple(("v_sales", a, w) for a, w in out[p]), ">=",
                    max(AT_LEAST, 2 * e.min_quantity))
    return [("the largest", [*(Condition(minus(q, -1.0), ">=", AT_LEAST) for q in others), own])]


def _sales_share_alternatives(
    e: Expectation, data: ModelData, true_now: bool
) -> list[tuple[str, list[Condition]]]:
    """``sales_share``: the segment's share of the sales counted (at the arcs' list prices
    for revenue) below ``min`` or above ``max``, or within them, with some sales."""
    arcs = sales_arcs(e, data)
    if e.source_firm is not None:
        owned = {q for q, pl in data.instance.plants.items() if pl.owners.get(e.source_firm, 0) > 0}
        arcs = [a for a in arcs if a[0] in owned]
    if not arcs:
        return []
    segment = set(e.markets or ())
    by_value = (e.basis or "revenue") == "revenue"
    w = {a: data.sales[a].price if by_value else 1.0 for a in arcs}

    def body(a_share: float) -> tuple[tuple[str, Any, float], ...]:
        return tuple(("v_sales", a, w[a] * ((1.0 if a[3] in segment else 0.0) - a_share))
                     for a in arcs)

    some = Condition(tuple(("v_sales", a, w[a]) for a in arcs), ">=", max(AT_LEAST, 2 * e.min_quantity))
    lo = 0.0 if e.min is None else e.min
    hi = 1.0 if e.max is None else e.max
    if true_now:
        cands = [("no sales at all", [Condition(tuple(("v_sales", a, 1.0) for a in arcs), "<=", 0.0)])]
        if lo > 0:
            cands.append((f"share below {lo:g}", [Condition(body(lo - SHARE_STEP), "<=", 0.0), some]))
        if hi < 1:
            cands.append((f"share above {hi:g}", [Condition(body(hi + SHARE_STEP), ">=", 0.0), some]))
        return cands
    return [("share within range", [
        Condition(body(lo), ">=", 0.0), Condition(body(hi), "<=", 0.0), some])]


def _discount_alternatives(
    e: Expectation, data: ModelData, true_now: bool
) -> list[tuple[str, list[Condition]]]:
    """The pool's tier binaries (family 21) whose discount meets the expectation's ``min``:
    all of them 0 (the pool stays below) or their sum at least 1 (it reaches one). Nothing
    when the model has no binary for them (the pool cannot reach such a tier, or an
    incremental pool's first segment already earns it)."""
    from gpnopt.model.discounts import derive_discounts  # pure Python, as the model reads it

    pool = next((g for g in derive_discounts(data) if g.id == e.pool and g.modelled), None)
    if pool is None:
        return []
    least = 1e-9 if e.min is None else float(e.min) - 1e-9
    first = 1 if pool.scheme == "all_units" else 2
    tiers = [t for t in range(first, pool.reachable + 1) if pool.tiers[t - 1][1] >= least]
    if not tiers or (pool.scheme != "all_units" and pool.tiers[0][1] >= least):
        return []
    body = tuple(("v_tier", (pool.id, t), 1.0) for t in tiers)
    if true_now:
        return [("below the tier", [Condition(body, "<=", 0.0)])]
    return [("the tier reached", [Condition(body, ">=", 1.0)])]


def _share_alternatives(
    e: Expectation, data: ModelData, true_now: bool
) -> list[tuple[str, list[Condition]]]:
    """part - a * total compared with 0, for the share's bounds."""
    all_arcs = flow_arcs(e, data, source_filter=False)
    part = set(flow_arcs(e, data))
    lo = 0.0 if e.min is None else e.min
    hi = 1.0 if e.max is None else e.max

    def body(a_share: float) -> tuple[tuple[str, Any, float], ...]:
        return tuple(("v_flow", a, (1.0 if a in part else 0.0) - a_share) for a in all_arcs)

    if not all_arcs:
        return []
    if true_now:
        cands = []
        if lo > 0:
            cands.append((f"share below {lo:g}", [Condition(body(lo - SHARE_STEP), "<=", 0.0)]))
        if hi < 1:
            cands.append((f"share above {hi:g}", [Condition(body(hi + SHARE_STEP), ">=", 0.0)]))
        return cands
    total = tuple(("v_flow", a, 1.0) for a in all_arcs)
    return [("share within range", [
        Condition(body(lo), ">=", 0.0),
        Condition(body(hi), "<=", 0.0),
        Condition(total, ">=", max(AT_LEAST, 2 * e.min_quantity)),
    ])]


_OPPOSITES = {
    "share": _share_alternatives,
    "sales_share": _sales_share_alternatives,
    "largest": _largest_alternatives,
    "discount": _discount_alternatives,
}
"""The expectation kinds whose opposite has its own form (the others cut or force arcs)."""
