"""Family 9, sourcing-share rules: local-content style bounds on where parts come from."""

from __future__ import annotations

import pytest

from .conftest import flow, micro, solve

# Plant P (in A) needs 1 part per unit: 10 parts. SA (in A) sells at 5, SB (in B) at 2.
# Margin before parts: 200. Without rules all parts come from SB: 200 - 20 = 180.
SOURCES = {
    "countries": {"B": {}},
    "components": {"part": {}},
    "products": {"m": {"bom": {"part": 1}}},
    "suppliers": {
        "SA": {"country": "A", "components": {"part": {"unit_price": 5}}},
        "SB": {"country": "B", "components": {"part": {"unit_price": 2}}},
    },
}


def _rule(**rule) -> dict:
    return micro(SOURCES, {"sourcing_rules": [{"plant": "P", **rule}]})


def test_no_rule_buys_cheapest():
    res = solve(micro(SOURCES))
    assert res.objective == pytest.approx(180)
    assert flow(res, "SB", "P", "part") == pytest.approx(10)


def test_min_share_quantity_forces_dearer_local_source():
    # Binding: at least 60% of the units from A: 6 from SA (30) + 4 from SB (8):
    # 200 - 38 = 162.
    res = solve(_rule(sources={"countries": ["A"]}, min_share=0.6))
    assert res.objective == pytest.approx(162)
    assert flow(res, "SA", "P", "part") == pytest.approx(6)
    assert flow(res, "SB", "P", "part") == pytest.approx(4)


def test_min_share_value_basis():
    # Binding, by value: 5x >= 0.6 * (5x + 2(10 - x)) <=> 3.2x >= 12 <=> x >= 3.75 units
    # from SA. Cost 3.75 * 5 + 6.25 * 2 = 31.25: 200 - 31.25 = 168.75.
    res = solve(_rule(sources={"countries": ["A"]}, min_share=0.6, basis="value"))
    assert res.objective == pytest.approx(168.75)
    assert flow(res, "SA", "P", "part") == pytest.approx(3.75)
    assert flow(res, "SB", "P", "part") == pytest.approx(6.25)


def test_min_share_already_met_does_not_bind():
    # Not binding: a min share of 60% from B (the cheap source) is met by buying all from
    # SB anyway: 180.
    res = solve(_rule(sources={"countries": ["B"]}, min_share=0.6))
    assert res.objective == pytest.approx(180)
    assert flow(res, "SB", "P", "part") == pytest.approx(10)


def test_max_share_caps_cheap_foreign_source():
    # Binding: at most 30% of the units from B: 3 from SB (6) + 7 from SA (35):
    # 200 - 41 = 159.
    res = solve(_rule(sources={"countries": ["B"]}, max_share=0.3))
    assert res.objective == pytest.approx(159)
    assert flow(res, "SB", "P", "part") == pytest.approx(3)
    assert flow(res, "SA", "P", "part") == pytest.approx(7)


def test_max_share_not_reached_does_not_bind():
    # Not binding: at most 30% from A, and A's source is the dear one anyway: 180.
    res = solve(_rule(sources={"countries": ["A"]}, max_share=0.3))
    assert res.objective == pytest.approx(180)


def test_min_share_by_supplier_filter():
    # The filter can name supplier pools: 50% from SA by units: 5 * 5 + 5 * 2 = 35:
    # 200 - 35 = 165.
    res = solve(_rule(sources={"suppliers": ["SA"]}, min_share=0.5))
    assert res.objective == pytest.approx(165)
    assert flow(res, "SA", "P", "part") == pytest.approx(5)


def test_rule_on_other_components_does_not_bind():
    # Not binding: the rule counts only component "other" (which P does not use): 180.
    raw = _rule(sources={"countries": ["A"]}, min_share=0.6, components=["other"])
    raw["components"]["other"] = {}
    raw["suppliers"]["SA"]["components"]["other"] = {"unit_price": 1}
    res = solve(raw)
    assert res.objective == pytest.approx(180)
