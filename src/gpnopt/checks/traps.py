"""Traps in an instance that are valid in shape but most likely not what was meant.

- A channel that leaves ``owners`` out and has costs (``fixed_cost``, ``unit_cost``,
  ``investment_cost``) is refused: its costs would count for no firm, so a firm objective
  would use it for free (:func:`check_channel_owners`). One without costs that keeps a
  margin (``margin_rate`` > 0) is warned of: what it earns counts for no firm
  (:func:`warn_ownerless_channels`). ``owners: {}`` written out says that the channel is an
  independent distributor on purpose (its margin and costs are its own): neither refused
  nor warned. A channel without owners, costs or margin earns and spends nothing: a route
  filter (which plants' output reaches which markets), fine.
- A market with demand that no channel can reach is warned of, naming the market
  (:func:`warn_unreached_markets`): one that channels list but whose filters let no plant's
  line of a product it buys pass, and, in the file as written, one that no channel lists at
  all (most likely a channel's ``markets`` list that forgot it). Under a scenario or
  overrides a market no channel lists is reported at information level only (``-v``): a
  counterfactual that removes the only channel to a market means to leave it unserved.
  ``gpnopt generate`` leaves out the markets no channel of its network could reach.

No Pyomo here.
"""

from __future__ import annotations

import logging
import warnings

from gpnopt.errors import GpnoptWarning
from gpnopt.schema import Channel, Instance

log = logging.getLogger(__name__)

COST_KEYS = ("fixed_cost", "unit_cost", "investment_cost")
"""Channel costs that need an owner to bear them."""


def _costs(ch: Channel) -> list[str]:
    return [f"{k} {getattr(ch, k):g}" for k in COST_KEYS if getattr(ch, k) > 0]


def check_channel_owners(inst: Instance) -> list[str]:
    """A channel with costs has owners (its costs count for its owners' profits), unless
    ``owners: {}`` is written out (an independent distributor)."""
    out = []
    for hid, ch in (inst.channels or {}).items():
        costs = _costs(ch)
        if costs and "owners" not in ch.model_fields_set:
            out.append(
                f"channels.{hid}.owners: the channel has costs ({', '.join(costs)}) but no "
                "owners, so its costs would count for no firm; give its owners "
                "(owners: {FIRM: 1.0}), or write owners: {} for an independent distributor"
            )
    return out


def warn_ownerless_channels(inst: Instance) -> list[str]:
    """Warn of a channel that leaves ``owners`` out and keeps a margin (with costs it is
    refused; ``owners: {}`` written out is an independent distributor on purpose)."""
    for hid, ch in (inst.channels or {}).items():
        if (
            ch.margin_rate > 0
            and "owners" not in ch.model_fields_set
            and not _costs(ch)
        ):
            warnings.warn(
                f"channels.{hid}.owners: the channel has no owners, so what it earns "
                f"(margin_rate {ch.margin_rate:g}) counts for no firm's profit; give its "
                "owners (owners: {FIRM: 1.0}), or write owners: {} for an independent "
                "distributor",
                GpnoptWarning,
                stacklevel=2,
            )
    return []


def _channel_passes(inst: Instance, ch: Channel, pid: str, iid: str) -> bool:
    """Whether channel ``ch`` may carry product ``iid`` of plant ``pid`` (its filters)."""
    prod = inst.products[iid]
    owners = {f for f, s in inst.plants[pid].owners.items() if s > 0}
    return (
        (ch.plants is None or pid in ch.plants)
        and (ch.plant_owners is None or bool(owners & set(ch.plant_owners)))
        and (ch.product_firms is None or prod.firm in ch.product_firms)
        and (ch.products is None or iid in ch.products)
        and (ch.tiers is None or prod.tier in ch.tiers)
    )


def unreached_markets(inst: Instance) -> list[str]:
    """Markets with demand (some quantity > 0) that no plant's line can sell to: no channel
    reaches them from a line of a product they buy (without channels every line sells
    directly to every market, and a product no plant makes is an error already)."""
    makers: dict[str, list[str]] = {}
    for pid, p in inst.plants.items():
        for iid in p.lines:
            makers.setdefault(iid, []).append(pid)
    out = []
    for mid, m in inst.markets.items():
        wanted = [i for i, e in m.demand.items() if e.quantity > 0 and i in inst.products]
        if not wanted:
            continue
        reaching = [ch for ch in (inst.channels or {}).values() if mid in ch.markets]
        if any(
            inst.channels is None or any(_channel_passes(inst, ch, p, i) for ch in reaching)
            for i in wanted
            for p in makers.get(i, ())
        ):
            continue
        out.append(mid)
    return out


def warn_unreached_markets(inst: Instance, *later: Instance, as_written: bool = True) -> list[str]:
    """Warn of each market with demand that no channel can reach: channels list it but their
    filters leave out every line of a product it buys, or (``as_written``: no scenario or
    overrides applied) no channel lists it at all; under a scenario the latter is logged.

    ``later``: the instances of a multi-period instance's later periods; a market reached in
    any period is not reported (a channel's filter may let a plant in once its owners
    change). Called by :func:`gpnopt.io.instance_from_dict` once all periods are validated.
    """
    listed = {m for i in (inst, *later) for ch in (i.channels or {}).values() for m in ch.markets}
    unreached = set(unreached_markets(inst))
    for other in later:
        unreached &= set(unreached_markets(other))
    for mid in sorted(unreached):
        if mid not in listed and not as_written:
            log.info("markets.%s: no channel lists the market, so its demand is not served", mid)
            continue
        if mid not in listed:
            warnings.warn(
                f"markets.{mid}: the market has demand, but no channel lists it in its "
                "markets, so it can never be served (add it to a channel's markets; to leave "
                "it unserved on purpose, set its demand quantities to 0)",
                GpnoptWarning,
                stacklevel=2,
            )
            continue
        names = ", ".join(h for h, ch in (inst.channels or {}).items() if mid in ch.markets)
        warnings.warn(
            f"markets.{mid}: the market has demand, but the channels that list it ({names}) "
            "carry no line of a product it buys, so it can never be served (widen a "
            "channel's filters: plants, plant_owners, product_firms, products, tiers)",
            GpnoptWarning,
            stacklevel=2,
        )
    return []
