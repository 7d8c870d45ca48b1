"""The profit parts (results.profit_parts, read by ``explain``) of the capital charge and of
learning: every part of a profit is listed, so the parts add up to the profit.

Base micro-instance: P makes 10 of m at a unit cost of 10 and sells at 30 (profit 200).
"""

from __future__ import annotations

import math

import pytest

import gpnopt
from gpnopt.results import profit_parts, read_solution
from gpnopt.solver import ForcedSolver

from .conftest import micro

ZERO_RATE = {"finance": {"discount_rate": 0.0, "asset_lifetime": 10}}


def parts_of(raw: dict) -> tuple[dict[str, float], float]:
    """P's profit parts by type and P's profit, from one solve of ``raw``."""
    inst = gpnopt.instance_from_dict(raw, name="micro")
    fs = ForcedSolver(inst)  # solved as built, as ``explain`` solves it
    model, data = fs.model, fs.data
    profit = {r["plant"]: r["profit"] for r in read_solution(model, data).plant_profit}["P"]
    rows = [r for r in profit_parts(model, data) if r["entity"] == "P"]
    return {r["type"]: r["amount"] for r in rows}, profit


def test_the_capital_charge_is_a_part_of_the_profit():
    # Plant investment 100 at 0% over 10 years: a yearly charge of 10; 200 - 10 = 190.
    by_type, profit = parts_of(micro(ZERO_RATE, {"plants": {"P": {"investment_cost": 100}}}))
    assert by_type["capital"] == pytest.approx(-10)
    assert profit == pytest.approx(190)
    assert math.fsum(by_type.values()) == pytest.approx(profit)


def test_no_investment_no_capital_part():
    by_type, profit = parts_of(micro(ZERO_RATE))
    assert "capital" not in by_type
    assert math.fsum(by_type.values()) == pytest.approx(profit) == pytest.approx(200)


def test_a_training_charge_is_a_learning_part():
    # m needs a casting: bought at 2 or cast in-house at 0.5 after a training of 50 (lag 0),
    # a yearly charge of 5: 10 * 0.5 + 5 = 10 < 20, P trains; the learning part is -5.
    raw = micro(
        ZERO_RATE,
        {
            "components": {"casting": {"transfer_price": 1}},
            "products": {"m": {"bom": {"casting": 1}}},
            "plants": {"P": {"components": {"casting": {
                "unit_cost": 0.5, "requires": {"training": {"cost": 50, "lag": 0}}}}}},
            "suppliers": {"S": {"country": "A", "components": {"casting": {"unit_price": 2}}}},
        },
    )
    by_type, profit = parts_of(raw)
    assert by_type["learning"] == pytest.approx(-5)
    assert profit == pytest.approx(190)
    assert math.fsum(by_type.values()) == pytest.approx(profit)
