"""Transport and tariff lookups of the data layer: what a lane costs, how long it takes.

Pure Python (no Pyomo); :func:`gpnopt.data.build_data` asks :class:`Lanes` for every arc.

A ``trade.transport`` entry names a lane (origin: a plant or a country; destination: a
plant, a market or a country), a goods class (``machine``, ``component`` or ``all``) and
optionally the items it is for (``products`` or ``components``). The entry that applies to
an arc is the most specific one: the most specific origin first (plant before country),
then the most specific destination (plant or market before country), and on one lane an
entry naming the item before an entry of its goods class before an ``all`` entry (family 20
of ``docs/formulation.md``). That entry gives the arc's cost per unit, ``unit_cost +
value_rate * value`` (value: the machine's price in the market, the component's transfer
or supplier price). Its lead time is the entry's ``lead_time``, or where the entry states
none the next entry down the same order that does. A cross-border arc no entry applies to
(or none with a lead time) takes ``trade.default_transport``'s; what remains costs 0 and
takes 0 days.
"""

from __future__ import annotations

from typing import NamedTuple

from gpnopt.schema import Instance, TransportCost


class LaneTerms(NamedTuple):
    """What moving one unit along a lane costs and takes."""

    unit_cost: float
    """Money per unit."""
    value_rate: float
    """Share of the goods' value added to the cost (0-1)."""
    lead_time: float
    """Days."""

    def cost(self, value: float) -> float:
        """Cost per unit of goods worth ``value`` (exactly ``unit_cost`` without a rate)."""
        return self.unit_cost + self.value_rate * value if self.value_rate else self.unit_cost


FREE = LaneTerms(0.0, 0.0, 0.0)
"""A lane no entry and no default covers."""

_TableKey = tuple[str, str, str, str]  # (goods, origin key, destination key, tag)


def entry_goods(t: TransportCost) -> list[str]:
    """Goods classes an entry applies to: an item list fixes the class (products: machines,
    components: components), else ``machine``/``component`` or both for ``all``."""
    if t.products is not None:
        return ["machine"]
    if t.components is not None:
        return ["component"]
    return ["machine", "component"] if t.goods == "all" else [t.goods]


def _transport_table(inst: Instance) -> dict[_TableKey, TransportCost]:
    """(goods, origin key, destination key, tag) -> entry; the tag is ``item:<id>`` for an
    entry naming items, ``specific`` for a goods class, ``all`` otherwise (a later entry of
    the same key replaces an earlier one)."""
    table: dict[_TableKey, TransportCost] = {}
    for t in inst.trade.transport:
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
        items = t.products if t.products is not None else t.components
        tags = ["item:" + x for x in items] if items is not None else [
            "specific" if t.goods != "all" else "all"
        ]
        for g in entry_goods(t):
            for o, d in pairs:
                for tag in tags:
                    table[g, o, d, tag] = t
    return table


def _lookup_transport(
    table: dict[_TableKey, TransportCost],
    goods: str,
    item: str | None,
    origins: tuple[str, ...],
    dests: tuple[str, ...],
) -> tuple[TransportCost | None, float | None]:
    """The most specific entry (origins and dests ordered most specific first) and the
    first lead time stated in the same order (``None`` each when there is none)."""
    tags = ("item:" + item, "specific", "all") if item is not None else ("specific", "all")
    entry: TransportCost | None = None
    for o in origins:
        for d in dests:
            for tag in tags:
                t = table.get((goods, o, d, tag))
                if t is None:
                    continue
                if entry is None:
                    entry = t
                if t.lead_time is not None:
                    return entry, t.lead_time
    return entry, None


class Lanes:
    """Cached transport and tariff lookups (entries are few, lanes many).

    A lane's terms depend only on the origin and destination keys and the items that some
    entry names, so lookups are cached on those: lanes between countries share one lookup.
    """

    def __init__(self, inst: Instance) -> None:
        self.transport = _transport_table(inst)
        self.tariffs = _tariff_table(inst)
        self.named = {o for _g, o, _d, _t in self.transport} | {d for _g, _o, d, _t in self.transport}
        self.items = {t[5:] for _g, _o, _d, t in self.transport if t.startswith("item:")}
        dflt = inst.trade.default_transport
        self.default = None if dflt is None else LaneTerms(
            dflt.unit_cost, dflt.value_rate, dflt.lead_time
        )
        self._terms: dict[tuple, LaneTerms] = {}
        self._rate: dict[tuple[str, str, str], float] = {}

    def terms(
        self, goods: str, origins: list[str], dests: list[str], item: str | None = None
    ) -> LaneTerms:
        """Cost terms and lead time of moving ``item`` of ``goods`` from the most specific
        of ``origins`` to the most specific of ``dests`` (each list ends with a
        ``country:`` key; see the module docstring)."""
        named = self.named
        cross = origins[-1] != dests[-1]
        key = (
            goods,
            item if item in self.items else None,
            tuple(o for o in origins if o in named),
            tuple(d for d in dests if d in named),
            cross,
        )
        v = self._terms.get(key)
        if v is None:
            v = self._terms[key] = self._resolve(key)
        return v

    def _resolve(self, key: tuple) -> LaneTerms:
        goods, item, origins, dests, cross = key
        entry, lead = _lookup_transport(self.transport, goods, item, origins, dests)
        dflt = self.default if cross else None
        if lead is None:
            lead = dflt.lead_time if dflt is not None else 0.0
        if entry is not None:
            return LaneTerms(entry.unit_cost, entry.value_rate, lead)
        if dflt is not None:
            return LaneTerms(dflt.unit_cost, dflt.value_rate, lead)
        return FREE if lead == 0.0 else LaneTerms(0.0, 0.0, lead)

    def rate(self, goods: str, frm: str, to: str) -> float:
        """Tariff rate of ``goods`` from country ``frm`` into country ``to``: the entry
        naming the origin wins over one that does not; 0 within a country."""
        key = (goods, frm, to)
        v = self._rate.get(key)
        if v is None:
            v = self._rate[key] = _lookup_tariff(self.tariffs, goods, frm, to)
        return v


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
