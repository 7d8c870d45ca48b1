"""Family 9, sourcing-share rules: local-content style bounds on where parts come from."""

from __future__ import annotations

from pathlib import Path

import pyomo.environ as pyo
import pytest

import gpnopt

from .conftest import flow, merge, micro, produced, solve
from .periods_helpers import Solved, by_period, years
from .showcase import raw_only

ROOT = Path(__file__).resolve().parents[2]

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


# --- family 25: several plants counted together, rules tied to customers -----------------

# Two plants P and Q in A, each with a line of m of capacity 10 (unit cost 10); market M buys
# 20 units at 30. SA (in A, 5 per part) sells only to P; SB (in B, 2 per part) to both.
# Without rules: 600 - 200 - 20 * 2 = 360.
TWO_PLANTS = micro(
    SOURCES,
    {
        "plants": {
            "P": {"lines": {"m": {"capacity": 10}}},
            "Q": {"country": "A", "owners": {"F": 1.0},
                  "lines": {"m": {"unit_cost": 10, "capacity": 10}}},
        },
        "markets": {"M": {"demand": {"m": {"quantity": 20}}}},
        "suppliers": {"SA": {"access": {"plants": ["P"]}}},
    },
)


def test_two_plants_share_binds_on_combined_supply():
    # Binding: at least half of P's and Q's parts together from A, i.e. 10 of 20. Only P may
    # buy from SA, so P takes all its 10 parts there and Q all its 10 from SB: 600 - 200 -
    # 50 - 20 = 330. Q alone (0 of 10 from A) would violate the rule, P alone (10 of 10)
    # more than meets it: only the combined share binds.
    raw = merge(TWO_PLANTS, {"sourcing_rules": [
        {"plants": ["P", "Q"], "sources": {"countries": ["A"]}, "min_share": 0.5}]})
    res = solve(raw)
    assert res.objective == pytest.approx(330)
    assert flow(res, "SA", "P", "part") == pytest.approx(10)
    assert flow(res, "SB", "Q", "part") == pytest.approx(10)
    assert flow(res, "SA", "Q", "part") == pytest.approx(0)


def test_two_plants_each_alone_is_dearer():
    # The same 50% as one rule per plant: Q cannot buy from A, so Q must not make anything
    # (0 >= 0.5 * its parts), and P makes 10 with 5 parts from SA and 5 from SB:
    # 300 - 100 - 25 - 10 = 165. Counting the plants together (330 above) is what family 25
    # adds.
    rules = [{"plant": p, "sources": {"countries": ["A"]}, "min_share": 0.5} for p in "PQ"]
    res = solve(merge(TWO_PLANTS, {"sourcing_rules": rules}))
    assert res.objective == pytest.approx(165)
    assert produced(res, "Q") == pytest.approx(0)
    assert flow(res, "SA", "P", "part") == pytest.approx(5)


def test_two_plants_max_share_on_combined_supply():
    # Binding: at most 25% of the two plants' parts from B. Q may buy only from SB, P
    # takes its 10 parts from SA. With q units made at Q: q <= 0.25 * (10 + q) <=>
    # q <= 10/3. P earns 300 - 100 - 50 = 150, Q earns q * (30 - 10 - 2) = 60: 210 (a part
    # of P's from SB would only lower what Q may make).
    raw = merge(TWO_PLANTS, {"sourcing_rules": [
        {"plants": ["P", "Q"], "sources": {"countries": ["B"]}, "max_share": 0.25}]})
    res = solve(raw)
    assert res.objective == pytest.approx(210)
    assert produced(res, "Q") == pytest.approx(10 / 3)


def test_one_plant_in_plants_equals_plant():
    # plants: [P] is the rule on plant P: the 162 of the single-plant test above.
    res = solve(micro(SOURCES, {"sourcing_rules": [
        {"plants": ["P"], "sources": {"countries": ["A"]}, "min_share": 0.6}]}))
    assert res.objective == pytest.approx(162)


# Keiretsu: P sells m to M (10 units at 30) and to the keiretsu customer K (in A, 10 units
# at 30); SA (in A, 5) qualifies, SB (in B, 2) does not. Without rules: 600 - 200 - 40 = 360.
KEIRETSU = micro(SOURCES, {"markets": {"K": {"country": "A",
                                             "demand": {"m": {"quantity": 10, "price": 30}}}}})


def _keiretsu(**rule) -> dict:
    return merge(KEIRETSU, {"sourcing_rules": [{"plant": "P", **rule}]})


def test_keiretsu_rule_buys_dearer_parts_for_that_segment_only():
    # Binding: every part of what P sells to K from SA: 10 of SA's (the segment's volume),
    # the 10 parts for M from SB: 600 - 200 - 50 - 20 = 330 (a rule on all of P's supply
    # would take all 20 from SA: 300).
    res = solve(_keiretsu(customers={"markets": ["K"]}, sources={"suppliers": ["SA"]},
                          min_share=1.0))
    assert res.objective == pytest.approx(330)
    assert flow(res, "SA", "P", "part") == pytest.approx(10)
    assert flow(res, "SB", "P", "part") == pytest.approx(10)
    assert produced(res, "P", market="K") == pytest.approx(10)
    plain = solve(_keiretsu(sources={"suppliers": ["SA"]}, min_share=1.0))
    assert plain.objective == pytest.approx(300)


def test_keiretsu_rule_counts_the_bill_of_materials():
    # Two parts per machine: K's 10 units need 20 parts, half of them (10) from SA; the
    # other 30 parts from SB: 600 - 200 - 50 - 60 = 290.
    raw = _keiretsu(customers={"markets": ["K"]}, sources={"suppliers": ["SA"]},
                    min_share=0.5)
    raw["products"]["m"]["bom"] = {"part": 2}
    res = solve(raw)
    assert res.objective == pytest.approx(290)
    assert flow(res, "SA", "P", "part") == pytest.approx(10)
    assert flow(res, "SB", "P", "part") == pytest.approx(30)


def test_keiretsu_rule_met_anyway_does_not_bind():
    # Not binding: the qualifying source is the cheap one (B): all 20 from SB anyway: 360.
    res = solve(_keiretsu(customers={"markets": ["K"]}, sources={"countries": ["B"]},
                          min_share=1.0))
    assert res.objective == pytest.approx(360)
    assert flow(res, "SB", "P", "part") == pytest.approx(20)


def test_keiretsu_rule_over_two_plants():
    # P and Q (each capacity 10, market M 10 and K 10 units at 30): the requirement of the
    # two plants' sales to K (10 parts) from A; only P may buy from SA, and whichever plant
    # serves K, P's 10 SA parts cover it: 600 - 200 - 50 - 20 = 330.
    raw = merge(TWO_PLANTS, {
        "markets": {"M": {"demand": {"m": {"quantity": 10}}},
                    "K": {"country": "A", "demand": {"m": {"quantity": 10, "price": 30}}}},
        "sourcing_rules": [{"plants": ["P", "Q"], "customers": {"markets": ["K"]},
                            "sources": {"countries": ["A"]}, "min_share": 1.0}],
    })
    res = solve(raw)
    assert res.objective == pytest.approx(330)
    assert flow(res, "SA", "P", "part") == pytest.approx(10)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"plant": "P", "customers": {"markets": ["K"]}, "max_share": 0.5},
         "max_share with customers"),
        ({"plant": "P", "customers": {"markets": ["K"]}, "min_share": 0.5, "basis": "value"},
         "counted in units"),
        ({"plant": "P", "plants": ["P"], "min_share": 0.5}, "exactly one of plant"),
        ({"min_share": 0.5}, "exactly one of plant"),
        ({"plants": ["P", "Q0"], "min_share": 0.5}, "sourcing_rules.0.plants: unknown plant"),
        ({"plant": "P", "customers": {"markets": ["KK"]}, "min_share": 0.5},
         "sourcing_rules.0.customers.markets: unknown market 'KK' (did you mean 'K'?)"),
    ],
)
def test_refused_rules(rule, message):
    raw = merge(KEIRETSU, {"sourcing_rules": [{"sources": {"countries": ["A"]}, **rule}]})
    with pytest.raises(gpnopt.InstanceError) as info:
        gpnopt.instance_from_dict(raw, name="bad.yaml")
    assert message in str(info.value)
    assert "sourcing_rules.0" in str(info.value)


def test_infeasible_rule_over_two_plants_is_diagnosed():
    # Every unit of M is compulsory, yet at least 60% of P's and Q's parts must come from
    # A and only P may buy there: Q's 10 parts from SB would leave 10 of 20 from A (50%).
    raw = merge(TWO_PLANTS, {
        "markets": {"M": {"demand": {"m": {"min_served": 1}}}},
        "sourcing_rules": [{"id": "local", "plants": ["P", "Q"],
                            "sources": {"countries": ["A"]}, "min_share": 0.6}],
    })
    with pytest.raises(gpnopt.SolveError) as info:
        gpnopt.solve(gpnopt.instance_from_dict(raw, name="designed.yaml"))
    text = str(info.value)
    assert "sourcing_share_lower[0]" in text
    assert "sourcing rule local (sourcing_rules.0)" in text


def test_infeasible_keiretsu_rule_is_diagnosed():
    # K's 10 units are compulsory and must be made wholly of parts from a country no
    # supplier is in (B's SB does not qualify, A's SA does not either: sources are C).
    raw = _keiretsu(customers={"markets": ["K"]}, sources={"countries": ["C"]}, min_share=1.0)
    raw["countries"]["C"] = {}
    raw["markets"]["K"]["demand"]["m"]["min_served"] = 1
    with pytest.raises(gpnopt.SolveError) as info:
        gpnopt.solve(gpnopt.instance_from_dict(raw, name="designed.yaml"))
    text = str(info.value)
    assert "sourcing_customer_min[0]" in text
    assert "customers' requirement is missed by 10 units" in text


def test_showcase_rule_binds():
    # instances/showcase.yaml with family 25's keys alone (tests/model/showcase.py): JP_TM and
    # TW_FFG together must take from CN_POOL half the castings of what they sell to Japan
    # (JP_TM's 40 + 30 lathes of one casting, TW_FFG's 20 machining centres of two: 110
    # castings, so 55). The pool's castings cost 1.3 against 1.0 at CN_JV (both in China, the
    # same transport): the alliance earns 0.3 * 55 = 16.5 less; either plant may take them
    # (the parts are not earmarked and the plants count together).
    raw = raw_only("sourcing")
    rule = next(r for r in raw["sourcing_rules"] if r.get("id") == "jp_buyers_approved_castings")
    with_rule = gpnopt.solve(gpnopt.instance_from_dict(raw, name="showcase"), mip_gap=1e-9)
    raw["sourcing_rules"] = [r for r in raw["sourcing_rules"] if r is not rule]
    without = gpnopt.solve(gpnopt.instance_from_dict(raw, name="showcase"), mip_gap=1e-9)
    flows = with_rule.tables["component_flows"]
    prod = with_rule.tables["production"]
    into = flows[flows["destination"].isin(rule["plants"])]
    pooled = into.loc[into["source"] == "CN_POOL", "quantity"].sum()
    bom = {i: sum(p.get("bom", {}).values()) for i, p in raw["products"].items()}
    sold = prod[prod["plant"].isin(rule["plants"]) & (prod["market"] == "JP")]
    need = sum(bom[i] * q for i, q in zip(sold["product"], sold["quantity"], strict=True))
    assert need == pytest.approx(110)
    assert pooled == pytest.approx(rule["min_share"] * need)
    price = raw["suppliers"]["CN_POOL"]["components"]["casting"]["unit_price"]
    own = raw["plants"]["CN_JV"]["components"]["casting"]["unit_cost"]
    assert without.objective - with_rule.objective == pytest.approx((price - own) * pooled)


def test_keiretsu_rule_holds_in_each_period():
    # Two periods; the keiretsu customer K buys 10 units in T1 and 4 in T2. Each period's
    # block holds its own sourcing_customer_min row: P buys from SA exactly K's volume of the
    # period (10, then 4) and M's 10 parts from SB in both.
    raw = merge(_keiretsu(customers={"markets": ["K"]}, sources={"suppliers": ["SA"]},
                          min_share=1.0), {"periods": years(2000, 2001)})
    solved = Solved(by_period(raw, {"T2": {"markets": {"K": {"demand": {"m": {"quantity": 4}}}}}}))
    for t, k_volume in (("T1", 10), ("T2", 4)):
        block = solved.model.period[t]
        assert len(block.sourcing_customer_min) == 1
        assert pyo.value(block.v_flow["part", "SA", "P"]) == pytest.approx(k_volume)
        assert pyo.value(block.v_flow["part", "SB", "P"]) == pytest.approx(10)


def test_explain_names_the_new_row_by_the_rule_id():
    from gpnopt.data import build_data
    from gpnopt.explain.text import limit_words

    raw = _keiretsu(id="keiretsu_k", customers={"markets": ["K"]},
                    sources={"suppliers": ["SA"]}, min_share=1.0)
    data = build_data(gpnopt.instance_from_dict(raw, name="micro"))
    row = {"family": "sourcing_customer_min", "index": 0, "activity": 10.0, "bound": 0.0}
    assert limit_words(row, data) == (
        "sourcing_customer_min[0]: sourcing rule keiretsu_k: at its minimum share of its "
        "customers' requirement"
    )


def test_customer_rule_on_a_component_in_no_bill_is_refused():
    # "other" is offered, but no product P makes holds it: a rule tied to customers would
    # count none of it
    raw = _keiretsu(customers={"markets": ["K"]}, sources={"suppliers": ["SA"]},
                    min_share=0.5, components=["other"])
    raw["components"]["other"] = {}
    raw["suppliers"]["SA"]["components"]["other"] = {"unit_price": 1}
    with pytest.raises(gpnopt.InstanceError, match=r"sourcing_rules\.0\.components: 'other' is "
                       r"in no bill of materials of a product the rule's plants make"):
        gpnopt.instance_from_dict(raw, name="bad.yaml")
