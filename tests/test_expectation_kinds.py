"""The expectation kinds ``sales_share`` and ``margin`` (issue 19): a share of sales by customer
segment, and profit over revenue of a plant, a channel or a firm.

On micro-instances whose solution is worked out by hand (``tests/model/conftest.py``'s base:
P in A, unit cost 10, sells 10 units of m to M at 30). A second market J (in A, 30 units at 20)
is the "Japanese customers" segment: P (capacity 40) sells 10 * 30 + 30 * 20 = 900, of which J
is 600 (2/3 of revenue, 3/4 of the units). P's profit is 10 * 20 + 30 * 10 = 500, its margin
500/900 = 0.556.
"""

from __future__ import annotations

import pytest

import gpnopt
from gpnopt.analysis.expectations import evaluate_expectations
from model.conftest import micro, solve

RAW = micro({
    "plants": {"P": {"lines": {"m": {"unit_cost": 10, "capacity": 40}}}},
    "markets": {"J": {"country": "A", "demand": {"m": {"quantity": 30, "price": 20}}}},
})


def _holds(raw: dict, *expectations: dict) -> dict[str, bool]:
    raw = micro(raw, {"expectations": list(expectations)})
    inst = gpnopt.instance_from_dict(raw, name="micro")
    rows = evaluate_expectations(inst, solve(raw))
    return {r["id"]: r["holds"] for r in rows}


def test_sales_share_by_revenue_and_by_units():
    got = _holds(
        RAW,
        {"id": "rev", "kind": "sales_share", "markets": ["J"], "min": 0.66, "max": 0.67},
        {"id": "rev_low", "kind": "sales_share", "markets": ["J"], "min": 0.7},
        {"id": "units", "kind": "sales_share", "markets": ["J"], "basis": "quantity",
         "min": 0.75, "max": 0.75},
        {"id": "firm", "kind": "sales_share", "markets": ["J", "M"], "source_firm": "F",
         "min": 1.0},
    )
    assert got == {"rev": True, "rev_low": False, "units": True, "firm": True}


def test_sales_share_moves_with_the_segment_demand():
    # J buys 10 units instead of 30: revenue 300 + 200, J's share 0.4 < 0.66.
    raw = micro(RAW, {"markets": {"J": {"demand": {"m": {"quantity": 10}}}}})
    got = _holds(raw, {"id": "rev", "kind": "sales_share", "markets": ["J"], "min": 0.66})
    assert got == {"rev": False}
    got = _holds(raw, {"id": "rev", "kind": "sales_share", "markets": ["J"], "min": 0.39,
                       "max": 0.41})
    assert got == {"rev": True}


def test_margin_of_a_plant_and_of_a_firm():
    # P: 500 / 900 = 0.556. F holds all of P: the same. With a fixed cost of 400 at P the
    # margin is 100 / 900 = 0.111, inside the 5-15% band.
    band = {"min": 0.5, "max": 0.6}
    got = _holds(RAW, {"id": "plant", "kind": "margin", "plant": "P", **band},
                 {"id": "firm", "kind": "margin", "firm": "F", **band})
    assert got == {"plant": True, "firm": True}
    thin = micro(RAW, {"plants": {"P": {"fixed_cost": 400}}})
    got = _holds(thin, {"id": "plant", "kind": "margin", "plant": "P", **band},
                 {"id": "thin", "kind": "margin", "firm": "F", "min": 0.05, "max": 0.15})
    assert got == {"plant": False, "thin": True}


def test_a_firm_margin_counts_its_equity():
    # G holds 40% of P: G's profit 0.4 * 500 = 200 over 0.4 * 900 = 360: 0.556 again.
    raw = micro(RAW, {"firms": {"G": {}}, "plants": {"P": {"owners": {"F": 0.6, "G": 0.4}}}})
    got = _holds(raw, {"id": "g", "kind": "margin", "firm": "G", "min": 0.55, "max": 0.56})
    assert got == {"g": True}


@pytest.mark.parametrize(("fields", "needle"), [
    ({"kind": "sales_share", "min": 0.5}, "names its customer segment"),
    ({"kind": "margin", "min": 0.05}, "exactly one of plant, channel and firm"),
    ({"kind": "margin", "plant": "P"}, "states min, max or both"),
    ({"kind": "sales_share", "markets": ["JJ"], "min": 0.5}, "unknown market 'JJ'"),
])
def test_bad_expectations_are_refused(fields, needle):
    raw = micro(RAW, {"expectations": [{"id": "x", **fields}]})
    with pytest.raises(gpnopt.InstanceError, match=needle):
        gpnopt.instance_from_dict(raw, name="micro")


# --- largest: a plant's output against the others of its group ------------------------------
# Two plants of F in A: P (unit cost 10, capacity 40, as above) and Q (unit cost 11, capacity
# 25). M takes 10 units at 30 and J 30 at 20: 40 units, all profitable, so P, the cheaper, makes
# all 40 and Q none. With Q's cost 9 instead, Q makes its 25 and P the other 15. A third plant R,
# 40% F's and 60% G's, at cost 8 and capacity 30, makes 30, P the other 10 and Q none.
TWO = micro(RAW, {"plants": {"Q": {"country": "A", "owners": {"F": 1.0},
                                   "lines": {"m": {"unit_cost": 11, "capacity": 25}}}}})


def test_largest_by_units_and_by_revenue():
    got = _holds(TWO, {"id": "p", "kind": "largest", "plant": "P", "source_firm": "F"},
                 {"id": "q", "kind": "largest", "plant": "Q", "source_firm": "F"},
                 {"id": "p_rev", "kind": "largest", "plant": "P", "basis": "revenue"})
    assert got == {"p": True, "q": False, "p_rev": True}


def test_largest_moves_with_the_costs():
    raw = micro(TWO, {"plants": {"Q": {"lines": {"m": {"unit_cost": 9}}}}})
    got = _holds(raw, {"id": "p", "kind": "largest", "plant": "P", "source_firm": "F"},
                 {"id": "q", "kind": "largest", "plant": "Q", "source_firm": "F"})
    assert got == {"p": False, "q": True}


def test_largest_compares_only_the_firms_group():
    raw = micro(TWO, {"firms": {"G": {"home_country": "A"}},
                      "plants": {"R": {"country": "A", "owners": {"F": 0.4, "G": 0.6},
                                       "lines": {"m": {"unit_cost": 8, "capacity": 30}}}}})
    # R makes 30 (cheapest), P the other 10, Q none: R is the largest of all plants but not
    # of F's group, where P leads.
    got = _holds(raw, {"id": "group", "kind": "largest", "plant": "P", "source_firm": "F"},
                 {"id": "all", "kind": "largest", "plant": "P"},
                 {"id": "r_all", "kind": "largest", "plant": "R"})
    assert got == {"group": True, "all": False, "r_all": True}


def test_largest_needs_its_plant():
    with pytest.raises(gpnopt.errors.InstanceError, match="names its plant"):
        _holds(RAW, {"id": "x", "kind": "largest", "source_firm": "F"})


# --- explain's opposite of each kind (gpnopt.explain.decisions) ------------------------------

def _margin_of(raw: dict, expectation: dict) -> tuple[bool, str, float]:
    from gpnopt.explain import explain_instance

    inst = gpnopt.instance_from_dict(micro(raw, {"expectations": [expectation]}), name="micro")
    (rep,) = explain_instance(inst, [f"expectation:{expectation['id']}"], vary=[]).reports
    return rep.chosen, rep.status, rep.profit_difference


def test_explain_makes_another_plant_at_least_as_large():
    # P makes all 40 (cost 10), Q none (cost 11). Q at least as large as P: 20 each, 20 units
    # at 1 more: -20 (selling less loses at least 9 a unit).
    assert _margin_of(TWO, {"id": "p", "kind": "largest", "plant": "P", "source_firm": "F"}) \
        == (True, "feasible", pytest.approx(-20))


def test_explain_makes_a_plant_the_largest():
    # Q above P by one unit with all 40 sold: Q 20.5, P 19.5, 20.5 units at 1 more: -20.5
    assert _margin_of(TWO, {"id": "q", "kind": "largest", "plant": "Q", "source_firm": "F"}) \
        == (False, "feasible", pytest.approx(-20.5))


def test_explain_moves_a_sales_share_out_of_its_band_the_cheapest_way():
    # J's revenue share 600 / 900 = 2/3 in [0.66, 0.67]. Below 0.65: J's units x with
    # 20x <= 0.65 (300 + 20x), x <= 27.86, 2.14 units of margin 10 lost: -21.4. Above 0.68:
    # M's units y with 600 >= 0.68 (600 + 30y), y <= 9.41, 0.59 units of margin 20 lost:
    # -11.76, the cheaper (no sales at all: -500).
    rule = {"id": "rev", "kind": "sales_share", "markets": ["J"], "min": 0.66, "max": 0.67}
    assert _margin_of(RAW, rule) == (True, "feasible", pytest.approx(-20 * (10 - 192 / 20.4)))


def test_explain_brings_a_sales_share_into_its_band():
    # Not now: J's share 2/3 is not within [0.7, 0.8]. Into it: M's units y with
    # 600 >= 0.7 (600 + 30y), y <= 8.57, 1.43 units of margin 20 lost: -28.6
    rule = {"id": "rev", "kind": "sales_share", "markets": ["J"], "min": 0.7, "max": 0.8}
    assert _margin_of(RAW, rule) == (False, "feasible", pytest.approx(-20 * (10 - 180 / 21)))


def test_explain_stops_a_plant_alone_in_its_group_being_the_largest_by_its_sales():
    # P alone: it is the largest while it sells (500); the opposite is selling nothing
    assert _margin_of(RAW, {"id": "p", "kind": "largest", "plant": "P", "source_firm": "F"}) \
        == (True, "feasible", pytest.approx(-500))
