"""HorizonData: the derived data of every period of an instance, and its assets over time.

Pure Python (no Pyomo), the data layer of the multi-period model (``docs/formulation.md``,
Periods). :func:`build_horizon_data` derives one :class:`gpnopt.data.ModelData` per period
(from :func:`gpnopt.timeseries.period_instances`) and the assets, each with what it costs and
whether it may operate in each period:

- an asset key is ``(kind, id, sub)``: ``("plant", p, "")``, ``("line", p, i)``,
  ``("make", p, k)``, ``("channel", h, "")``, ``("office", o, "")``;
- an asset is *usable* in period t when period t's data has it (a line within the plant's
  capability, ...) and it is available at t's start (``available_from <= start_t`` and
  ``available_until >= start_t``);
- its investment and closure costs in t are period t's values; whether it exists at the
  start, and its lifetime, are read from the first period that has it.

A period whose instance equals the previous period's shares that period's ModelData (the
data are read-only once derived), so periods whose numbers do not change cost no second
derivation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from gpnopt.data import ModelData, build_data, paused_gc
from gpnopt.dynamics import Asset, Horizon
from gpnopt.errors import InstanceError
from gpnopt.schema import Instance
from gpnopt.timeseries import horizon as horizon_of
from gpnopt.timeseries import period_instances

__all__ = [
    "ASSET_KINDS",
    "AssetInfo",
    "AssetKey",
    "AssetPeriod",
    "HorizonData",
    "build_horizon_data",
    "refuse_periods",
    "truncated_horizon",
]

AssetKey = tuple[str, str, str]
"""``(kind, id, sub)`` of an asset (module docstring)."""

ASSET_KINDS = ("plant", "line", "make", "channel", "office")
"""The kinds of asset, in the order the assets are listed."""


@dataclass(frozen=True)
class AssetPeriod:
    """An asset in one period: whether it may operate and what building or closing costs."""

    usable: bool
    investment: float = 0.0
    closure: float = 0.0


@dataclass
class AssetInfo:
    """An asset over the horizon.

    Attributes:
        key: ``(kind, id, sub)``.
        entity: the profit centre that pays for it (the plant of a line or make option).
        existing: it operates when the horizon starts (no investment to keep it).
        lifetime: years its investment lasts (``lifetime``, else ``finance.asset_lifetime``).
        periods: period id -> :class:`AssetPeriod`, for every period of the horizon.
    """

    key: AssetKey
    entity: str
    existing: bool
    lifetime: float
    periods: dict[str, AssetPeriod] = field(default_factory=dict)


@dataclass
class HorizonData:
    """The derived data of a multi-period instance (see the module docstring).

    Attributes:
        instance: the instance as loaded (its first period's values).
        horizon: the periods, their years and discount weights.
        data: period id -> that period's :class:`gpnopt.data.ModelData`, in period order.
        assets: asset key -> :class:`AssetInfo`, plants, lines, make options, channels,
            offices in turn.
    """

    instance: Instance
    horizon: Horizon
    data: dict[str, ModelData]
    assets: dict[AssetKey, AssetInfo]

    def owners(self, period: str) -> dict[str, dict[str, float]]:
        """Entity -> firm -> equity share in ``period``."""
        return self.data[period].owners

    def first_periods(self, n: int) -> HorizonData:
        """The same data over the first ``n`` periods only (a myopic solve's horizon)."""
        ids = self.horizon.ids[:n]
        assets = {
            a: replace(info, periods={t: info.periods[t] for t in ids})
            for a, info in self.assets.items()
        }
        return HorizonData(
            instance=self.instance,
            horizon=truncated_horizon(self.horizon, n),
            data={t: self.data[t] for t in ids},
            assets=assets,
        )


def truncated_horizon(h: Horizon, n: int) -> Horizon:
    """``h`` over its first ``n`` periods (same years and weights; the end moves to the end of
    the n-th period)."""
    if not 1 <= n <= len(h.ids):
        msg = f"a horizon of {len(h.ids)} periods has no first {n}"
        raise ValueError(msg)
    ids = h.ids[:n]
    if h.single or n == len(h.ids):
        return h
    last = ids[-1]
    start = h.start[last]
    assert start is not None  # a multi-period horizon has years
    first = h.start[ids[0]]
    assert first is not None
    end = start + h.length[last]
    r = h.finance.discount_rate
    return Horizon(
        ids=ids,
        start={t: h.start[t] for t in ids},
        length={t: h.length[t] for t in ids},
        operating_weight={t: h.operating_weight[t] for t in ids},
        outlay_weight={t: h.outlay_weight[t] for t in ids},
        end_year=end,
        end_weight=(1.0 + r) ** -(end - first),
        finance=h.finance,
        single=False,
    )


def build_horizon_data(
    instance: Instance, *, instances: Mapping[str, Instance] | None = None
) -> HorizonData:
    """Derive every period's :class:`gpnopt.data.ModelData` and the assets of ``instance``.

    Args:
        instance: a validated instance; a one-period instance (no ``periods:``) gives one
            period :data:`gpnopt.dynamics.ONE_PERIOD`.
        instances: the instance of each period (default
            :func:`gpnopt.timeseries.period_instances`), for instances built period by
            period in Python.

    Raises:
        ValueError: ``instances`` does not give exactly the horizon's periods.
    """
    hz = horizon_of(instance)
    instances = period_instances(instance) if instances is None else dict(instances)
    if list(instances) != list(hz.ids):
        msg = f"the instances are for periods {list(instances)}, the horizon has {list(hz.ids)}"
        raise ValueError(msg)
    data: dict[str, ModelData] = {}
    with paused_gc():  # the periods' data live together: see gpnopt.data.paused_gc
        before = None
        for t in hz.ids:
            same = before is not None and (
                instances[t] is instances[before] or dict(instances[t]) == dict(instances[before])
            )  # the fields only: the loader attaches the periods to the first one
            data[t] = data[before] if same else build_data(instances[t])
            before = t
    assets: dict[AssetKey, AssetInfo] = {}
    for t in hz.ids:
        for key, entity, asset in _assets_of(data[t]):
            info = assets.get(key)
            if info is None:
                lifetime = asset.lifetime
                info = assets[key] = AssetInfo(
                    key=key,
                    entity=entity,
                    existing=asset.existing and t == hz.ids[0],
                    lifetime=instance.finance.asset_lifetime if lifetime is None else lifetime,
                )
            info.periods[t] = AssetPeriod(
                usable=_available(asset, hz.start[t]),
                investment=float(asset.investment_cost),
                closure=float(asset.closure_cost),
            )
    for info in assets.values():
        for t in hz.ids:
            info.periods.setdefault(t, AssetPeriod(usable=False))
        info.periods = {t: info.periods[t] for t in hz.ids}
    order = {kind: n for n, kind in enumerate(ASSET_KINDS)}
    ranked = sorted(enumerate(assets), key=lambda na: (order[na[1][0]], na[0]))
    return HorizonData(
        instance=instance,
        horizon=hz,
        data=data,
        assets={a: assets[a] for _n, a in ranked},
    )


def _available(asset: Asset, start: int | None) -> bool:
    """Whether ``asset`` exists in a period starting in ``start`` (``None``: one period)."""
    if start is None:
        return True
    if asset.available_from is not None and asset.available_from > start:
        return False
    return asset.available_until is None or asset.available_until >= start


def _assets_of(d: ModelData) -> list[tuple[AssetKey, str, Asset]]:
    """(key, entity, schema object) of every asset of one period's data."""
    inst = d.instance
    out: list[tuple[AssetKey, str, Asset]] = []
    out += [(("plant", p, ""), p, inst.plants[p]) for p in d.plants]
    out += [(("line", p, i), p, inst.plants[p].lines[i]) for p, i in d.lines]
    out += [(("make", p, k), p, inst.plants[p].components[k]) for p, k in d.make]
    out += [(("channel", h, ""), h, inst.channels[h]) for h in d.channels]
    out += [(("office", o, ""), o, inst.purchasing_offices[o]) for o in d.offices]
    return out


def refuse_periods(instance: Instance, command: str) -> None:
    """Refuse a multi-period instance where only one period works for now.

    Raises:
        InstanceError: ``instance`` has ``periods:``; the message names ``command``.
    """
    if instance.periods:
        msg = (
            f"{instance.name}: {command} works on one-period instances for now; this instance "
            f"has periods ({', '.join(p.id for p in instance.periods)}): solve it with "
            f"'gpnopt solve' (gpnopt.solve)"
        )
        raise InstanceError(msg)
