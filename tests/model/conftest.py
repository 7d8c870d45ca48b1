"""Helpers for the per-family micro-instance tests (oemof/PyPSA style).

Every test builds a tiny instance whose optimum can be worked out by hand: start from
:func:`base`, patch it with :func:`merge`, validate and solve with :func:`solve`, and read
the decisive decisions with the small accessors below.

The base instance: country ``A``; firm ``F`` (home ``A``); product ``m`` (tier medium, firm
``F``, no bill of materials); plant ``P`` in ``A`` owned by ``F`` with a line of ``m``
(no fixed cost, unit cost 10); market ``M`` in ``A`` buying 10 units of ``m`` at 30.
Its optimum is 10 * (30 - 10) = 200.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from typing import Any

import gpnopt
from gpnopt.results import Result

MIP_GAP = 1e-9
"""Relative gap the micro-instances are solved to (hand-derived optima are exact)."""


def base() -> dict[str, Any]:
    """A fresh copy of the base micro-instance (see the module docstring)."""
    return {
        "name": "micro",
        "countries": {"A": {}},
        "firms": {"F": {"home_country": "A"}},
        "products": {"m": {"tier": "medium", "firm": "F"}},
        "plants": {
            "P": {
                "country": "A",
                "owners": {"F": 1.0},
                "lines": {"m": {"unit_cost": 10}},
            }
        },
        "markets": {"M": {"country": "A", "demand": {"m": {"quantity": 10, "price": 30}}}},
    }


def merge(raw: Mapping[str, Any], *patches: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of ``raw`` with each patch deep-merged in turn.

    Mappings merge key by key, any other value replaces, and ``None`` removes the key.
    """
    out = copy.deepcopy(dict(raw))
    for patch in patches:
        _merge_into(out, patch)
    return out


def _merge_into(target: dict[str, Any], patch: Mapping[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge_into(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def micro(*patches: Mapping[str, Any]) -> dict[str, Any]:
    """The base micro-instance with ``patches`` deep-merged in."""
    return merge(base(), *patches)


SOLVER = os.environ.get("GPNOPT_TEST_SOLVER") or None
"""The solver :func:`solve` uses: HiGHS unless ``GPNOPT_TEST_SOLVER`` names another
(``GPNOPT_TEST_SOLVER=scip pytest tests/model``: every hand-derived optimum through SCIP,
``docs/performance.md``, Solver choice)."""


def solve(raw: Mapping[str, Any], **options: Any) -> Result:
    """Validate ``raw`` and solve it to a gap of :data:`MIP_GAP` with :data:`SOLVER`; assert
    optimality."""
    inst = gpnopt.instance_from_dict(raw, name="micro")
    if SOLVER is not None:
        options.setdefault("solver", SOLVER)
    result = gpnopt.solve(inst, mip_gap=MIP_GAP, **options)
    assert result.status == "optimal"
    return result


def line_open(res: Result, plant: str, product: str = "m") -> bool:
    """Whether the line of ``product`` at ``plant`` is open."""
    df = res.tables["lines"]
    row = df[(df["plant"] == plant) & (df["product"] == product)]
    return bool(len(row)) and bool(row["open"].iloc[0])


def plant_open(res: Result, plant: str) -> bool:
    """Whether ``plant`` is open."""
    df = res.tables["plant_profit"]
    return bool(df.loc[df["plant"] == plant, "open"].iloc[0])


def produced(res: Result, plant: str | None = None, **where: str) -> float:
    """Units sold (summed over the production table rows matching plant and ``where``)."""
    df = res.tables["production"]
    if plant is not None:
        df = df[df["plant"] == plant]
    for col, value in where.items():
        df = df[df[col] == value]
    return float(df["quantity"].sum())


def in_house(res: Result, plant: str, component: str) -> bool:
    """Whether ``plant`` makes ``component`` in-house."""
    df = res.tables["make_or_buy"]
    row = df[(df["plant"] == plant) & (df["component"] == component)]
    return bool(len(row)) and bool(row["in_house"].iloc[0])


def flow(
    res: Result, source: str, destination: str | None = None, component: str | None = None
) -> float:
    """Units of ``component`` (any if None) from ``source`` to ``destination`` (any if None)."""
    df = res.tables["component_flows"]
    df = df[df["source"] == source]
    if destination is not None:
        df = df[df["destination"] == destination]
    if component is not None:
        df = df[df["component"] == component]
    return float(df["quantity"].sum())


def plant_profit(res: Result, plant: str) -> float:
    """Profit of ``plant``."""
    df = res.tables["plant_profit"]
    return float(df.loc[df["plant"] == plant, "profit"].iloc[0])


def channel_row(res: Result, channel: str) -> dict[str, Any]:
    """The channel_profit row of ``channel`` as a dict."""
    df = res.tables["channel_profit"]
    return df[df["channel"] == channel].iloc[0].to_dict()


def lp_bound(raw: Mapping[str, Any]) -> float:
    """The profit bound of the LP relaxation of ``raw``'s model (every binary in [0, 1]):
    the figure a strengthened row moves, where the optimum stays."""
    import highspy

    from gpnopt.data import build_data
    from gpnopt.model import build_model
    from gpnopt.solver import compile_model

    model = build_model(build_data(gpnopt.instance_from_dict(raw, name="micro")))
    _info, lp, _nnz = compile_model(model, "micro")
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solve_relaxation", True)
    h.passModel(lp)
    h.run()
    assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
    return -h.getInfo().objective_function_value  # HiGHS minimises the negated profit
