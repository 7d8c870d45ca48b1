"""The registry of the families' own result tables (one reader function each).

A family whose decisions the standard tables cannot show (the modules of an expansion, the
tax a plant pays, the tier of a volume discount reached, ...) writes a reader in its own
module of :mod:`gpnopt.results` and names it in :data:`FAMILY_TABLES`. The one reader of a
solved model (:func:`gpnopt.results.read_solution`) calls each reader on every period's
model or block; the rows land in ``Solution.families[name]`` and, when there are any, in
the Result's table ``name`` (written as ``name.csv`` like every other table). A reader gets
the block, its period's ModelData, the period id and ``val`` (the value of a variable or an
expression, ``None`` as 0) and returns rows: dicts keyed by ``columns``, each with the
``period``. It returns no rows when the instance does not use the family. Readers import no
Pyomo at module level (the results layer imports Pyomo only when a model is read).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gpnopt.results.acquisitions import ACQUISITION_COLUMNS, acquisition_rows
from gpnopt.results.demand import DEMAND_COLUMNS, demand_rows
from gpnopt.results.discounts import DISCOUNT_COLUMNS, discount_rows
from gpnopt.results.expansion import EXPANSION_COLUMNS, read_expansions
from gpnopt.results.taxes import TAX_COLUMNS, tax_rows
from gpnopt.results.transfer_prices import TRANSFER_PRICE_COLUMNS, transfer_price_rows


@dataclass(frozen=True, slots=True)
class FamilyTable:
    """A result table of one family."""

    name: str
    """Table (and file) name; not one of the standard tables."""
    columns: tuple[str, ...]
    """Its columns, in order; ``period`` among them."""
    keys: tuple[str, ...]
    """Key columns the rows are sorted by (after the period)."""
    read: Callable[[Any, Any, str, Callable[[Any], float]], list[dict[str, Any]]]
    """``read(block, data, period, val)``: the rows of one period."""
    doc: str = ""
    """What a row is (the tables list of ``docs/api.md``)."""


FAMILY_TABLES: tuple[FamilyTable, ...] = (
    FamilyTable(  # family 16
        "demand",
        DEMAND_COLUMNS,
        ("market", "product"),
        demand_rows,
        "a market's demand curve for a product: units sold, revenue, average and marginal "
        "price, deepest step used",
    ),
    FamilyTable(
        "expansions", EXPANSION_COLUMNS, ("entity", "asset", "sub"), read_expansions,
        "modules an expandable plant, line or make option has, and partner funding",
    ),  # family 17
    FamilyTable(
        "discounts", DISCOUNT_COLUMNS, ("pool",), discount_rows,
        "one row per purchasing pool and period: volume, tier reached, discount, saving",
    ),  # family 21
    FamilyTable(
        "taxes", TAX_COLUMNS, ("entity",), tax_rows,
        "profit tax of an entity in a period (family 22)",
    ),
    FamilyTable(
        "transfer_prices", TRANSFER_PRICE_COLUMNS, ("component", "source", "destination", "price"),
        transfer_price_rows, "units of a flow between plants traded at a level (family 23)",
    ),
    FamilyTable(
        "acquisitions", ACQUISITION_COLUMNS, ("acquisition",), acquisition_rows,
        "an acquisition made or not, its price and the bundle's entities operating (family 26)",
    ),
)
"""Every family's result table, in family order."""


def family_table(name: str) -> FamilyTable:
    """The registered table ``name``.

    Raises:
        KeyError: no family registers a table of that name.
    """
    for table in FAMILY_TABLES:
        if table.name == name:
            return table
    raise KeyError(name)
