"""Family 24, exchange rates: money stated in other currencies, converted on input.

Not a part of the model: an input transformation (``docs/formulation.md``, section 24).
The loader (:func:`gpnopt.io.instance_from_dict`, and so :func:`gpnopt.load`) applies it to
every period's instance after the per-period values are resolved and before the meaning
checks: :func:`currency_problems` checks the references, then :func:`to_model_money`
multiplies every money number of a record in a foreign currency by that period's rate.

A record is a plant, supplier pool, market, channel or purchasing office
(:data:`RECORD_SECTIONS`) that states ``currency``: ``local`` (its country's
``countries.X.currency``) or a currency id. Its money numbers are found by name,
throughout the record and the records nested in it (lines, make options, learning steps,
demand entries, supply offers, the families' keys): a field whose name contains one of
:data:`MONEY_WORDS` (``cost``, ``price``) or is in :data:`MONEY_FIELDS`; every number under
such a field (a number, a mapping by tier, a list of levels) is converted. A family whose
money key is named otherwise adds the name to :data:`MONEY_FIELDS`.

Conversion happens exactly once: a converted record's ``currency`` is cleared (it is in the
model's money now), so :func:`to_model_money` of a converted instance returns it unchanged
(a dump of a loaded instance validated again, a sweep's or a scenario's instance, all are
converted once). An :class:`~gpnopt.schema.Instance` built directly in Python whose records
still state a currency is refused when its data are derived (:func:`refuse_unconverted`).
No Pyomo here.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from gpnopt.economics.currency import LOCAL
from gpnopt.errors import GpnoptWarning, InstanceError, show
from gpnopt.hints import did_you_mean
from gpnopt.schema import Instance

__all__ = [
    "MONEY_FIELDS",
    "MONEY_WORDS",
    "RECORD_SECTIONS",
    "currency_problems",
    "is_money_field",
    "record_currency",
    "refuse_unconverted",
    "to_model_money",
]

MONEY_WORDS = ("cost", "price")
"""A field whose name contains one of these holds money (``unit_cost``, ``transfer_prices``,
``investment_cost``, ``closure_cost``, ``price``, ``unit_price``, ``support_cost``...)."""

MONEY_FIELDS = frozenset({"support_fee", "transfer_prices"})
"""Money fields whose names hold no word of :data:`MONEY_WORDS` (or that must stay money
whatever their name): family 19's ``support_fee``, family 23's ``transfer_prices``."""

RECORD_SECTIONS = ("plants", "suppliers", "markets", "channels", "purchasing_offices")
"""The instance sections whose records may state a ``currency``."""


def is_money_field(name: str) -> bool:
    """Whether a schema field of this name holds money (module docstring)."""
    return name in MONEY_FIELDS or any(word in name for word in MONEY_WORDS)


def _records(inst: Instance) -> Iterator[tuple[str, str, str, Any]]:
    """(section, id, YAML path, record) of every record that may state a currency."""
    for section in RECORD_SECTIONS:
        for rid, rec in (getattr(inst, section) or {}).items():
            yield section, rid, f"{section}.{rid}", rec


def record_currency(inst: Instance, record: Any) -> str | None:
    """The currency id ``record``'s money is in (``None``: the model's money, or ``local``
    where the record's country names no currency)."""
    cur = getattr(record, "currency", None)
    if cur != LOCAL:
        return cur
    country = inst.countries.get(getattr(record, "country", None) or "")
    return country.currency if country is not None else None


def currency_problems(inst: Instance, *, warn: bool = True) -> list[str]:
    """The faults of ``inst``'s currencies, as ``yaml.path: message`` lines.

    An unknown currency id (a country's or a record's), ``local`` on a record whose country
    names no currency or that has no country; a currency no country or record uses is
    warned of (``warn``, when nothing else is wrong). Rates of 0 or below are refused by the schema already.
    """
    known = inst.currencies
    out: list[str] = []
    used: set[str] = set()
    for cid, country in inst.countries.items():
        if country.currency is None:
            continue
        used.add(country.currency)
        if country.currency not in known:
            out.append(f"countries.{cid}.currency: unknown currency {show(country.currency)}"
                       f"{did_you_mean(country.currency, known)}")
    for _section, _rid, where, rec in _records(inst):
        cur = rec.currency
        if cur is None:
            continue
        if cur != LOCAL:
            used.add(cur)
            if cur not in known:
                out.append(f"{where}.currency: unknown currency {show(cur)} (give 'local' or "
                           f"a currency of currencies){did_you_mean(cur, known)}")
            continue
        country = getattr(rec, "country", None)
        if country is None:
            out.append(f"{where}.currency: 'local' needs the record's country, and this one "
                       "has none; name the currency instead")
        elif country in inst.countries and inst.countries[country].currency is None:
            out.append(f"{where}.currency: 'local', but country {country} names no currency "
                       f"(give countries.{country}.currency or name the currency here)")
    if warn and not out:  # an unused currency is noise beside a fault
        for cid in known:
            if cid not in used:
                warnings.warn(f"currencies.{cid}: no country or record uses this currency; "
                              "its rate converts nothing", GpnoptWarning, stacklevel=2)
    return out


def _scale_all(value: Any, rate: float) -> Any:
    """Every number of ``value`` (under a money field) times ``rate``."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return value * rate
    if isinstance(value, BaseModel):
        return _scaled(value, rate)
    if isinstance(value, dict):
        return {k: _scale_all(v, rate) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scale_all(v, rate) for v in value)
    return value


def _descend(value: Any, rate: float) -> Any:
    """``value`` (not under a money field) with the money fields of its records scaled."""
    if isinstance(value, BaseModel):
        return _scaled(value, rate)
    if isinstance(value, dict):
        return {k: _descend(v, rate) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_descend(v, rate) for v in value)
    return value


def _scaled(record: BaseModel, rate: float) -> BaseModel:
    """A copy of ``record`` with every money field (module docstring) times ``rate``."""
    update = {}
    for name in type(record).model_fields:
        value = getattr(record, name)
        new = _scale_all(value, rate) if is_money_field(name) else _descend(value, rate)
        if new is not value:
            update[name] = new
    return record.model_copy(update=update) if update else record


def to_model_money(inst: Instance) -> Instance:
    """``inst`` with the money of every record in a foreign currency converted to the
    model's money at the instance's rate, each converted record's ``currency`` cleared.

    Records whose currency cannot be resolved (:func:`currency_problems` reports them) are
    left as they are; an instance with no record in a foreign currency is returned itself.
    """
    changed: dict[str, dict[str, Any]] = {}
    for section, rid, _where, rec in _records(inst):
        cur = record_currency(inst, rec)
        if cur is None or cur not in inst.currencies:
            continue
        rate = inst.currencies[cur].rate
        new = _scaled(rec, rate).model_copy(update={"currency": None})
        changed.setdefault(section, dict(getattr(inst, section)))[rid] = new
    return inst.model_copy(update=changed) if changed else inst


def refuse_unconverted(inst: Instance) -> None:
    """Refuse an instance whose records still state a currency (built in Python without
    :func:`gpnopt.instance_from_dict`, which converts).

    Raises:
        InstanceError: naming each such record's ``currency`` path.
    """
    left = [where for _s, _r, where, rec in _records(inst) if rec.currency is not None]
    if left:
        raise InstanceError([
            f"{where}.currency: the record's money is not converted to the model's money; "
            "build the instance with gpnopt.instance_from_dict or gpnopt.load (or convert "
            "it with gpnopt.currency.to_model_money)"
            for where in left
        ])
