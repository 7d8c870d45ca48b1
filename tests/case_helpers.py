"""Helpers shared by the case tests: read quantities off a Result's tables."""

from __future__ import annotations


def sold(r, **conds: str) -> float:
    """Units in the production table matching column == value for every condition."""
    df = r.tables["production"]
    for col, v in conds.items():
        df = df[df[col] == v]
    return float(df["quantity"].sum())


def flow(r, **conds: str) -> float:
    """Units in the component-flow table matching every condition."""
    df = r.tables["component_flows"]
    for col, v in conds.items():
        df = df[df[col] == v]
    return float(df["quantity"].sum())


def in_house(r, plant: str, component: str) -> bool:
    """Whether the plant makes the component in-house (with positive output)."""
    df = r.tables["make_or_buy"]
    row = df[(df["plant"] == plant) & (df["component"] == component)]
    return bool(((row["in_house"] == 1) & (row["quantity"] > 0)).any())


def firm_profit(r, firm: str) -> float:
    """Equity-weighted profit of a firm (0 for a firm the scenario removes)."""
    return float(r.firm_profit.get(firm, 0.0))
