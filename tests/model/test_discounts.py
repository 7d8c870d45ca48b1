"""Family 21, volume discounts and joint purchasing: hand-derived optima.

The base micro-instance (``tests/model/conftest.py``: P's line of m at a unit cost of 10,
M buys 10 at 30) with a bill of materials: m needs 1 casting, which supplier S sells at 2.
Without a discount P earns 10 * (30 - 10 - 2) = 180.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import gpnopt
from gpnopt.results import profit_parts
from gpnopt.solver import ForcedSolver, ScenarioSolver

from .conftest import MIP_GAP, flow, merge, micro, plant_profit, produced, solve
from .showcase import only, raw_only

SHOWCASE = Path(__file__).resolve().parents[2] / "instances" / "showcase.yaml"

CASTING = {
    "components": {"casting": {"transfer_price": 1}},
    "products": {"m": {"bom": {"casting": 1}}},
    "suppliers": {"S": {"country": "A", "components": {"casting": {"unit_price": 2}}}},
}

# A second market M2 that buys m at 11.5: a unit costs 10 + 2 = 12 there, a loss of 0.5.
LOSING_MARKET = {"markets": {"M2": {"country": "A", "demand": {"m": {"quantity": 10, "price": 11.5}}}}}


def pool(*tiers: tuple[float, float], scheme: str = "all_units", **more: Any) -> dict:
    """A purchasing pool ``g`` of S's castings with ``tiers`` (from, discount)."""
    spec = {"suppliers": ["S"], "scheme": scheme, **more}
    spec["tiers"] = [{"from": f, "discount": r} for f, r in tiers]
    return {"purchasing_pools": {"g": spec}}


def discounts(res) -> list[dict]:
    """The rows of the discounts table."""
    return res.tables["discounts"].to_dict("records")


def test_without_pools_no_table_and_no_component():
    res = solve(micro(CASTING))
    assert res.objective == pytest.approx(180)
    assert "discounts" not in res.tables or res.tables["discounts"].empty
    inst = gpnopt.instance_from_dict(micro(CASTING, pool((0, 0), (5, 0.1))), name="micro")
    from gpnopt.data import build_data
    from gpnopt.model import build_model

    m = build_model(build_data(gpnopt.instance_from_dict(micro(CASTING), name="micro")))
    assert m.component("v_tier") is None
    assert m.component("volume_discount") is None
    assert build_model(build_data(inst)).component("v_tier") is not None


def test_a_volume_below_the_first_threshold_earns_nothing():
    # Not binding: tier 2 starts at 15 units with 5% off. Reaching it means selling 5 units
    # at M2 (a loss of 5 * 0.5 = 2.5) to save 0.05 * 2 * 15 = 1.5: not worth it. P buys
    # its 10 castings at the full price, 180; the pool stays in tier 1.
    res = solve(micro(CASTING, LOSING_MARKET, pool((0, 0), (15, 0.05))))
    assert res.objective == pytest.approx(180)
    assert produced(res, "P", market="M2") == pytest.approx(0)
    assert discounts(res) == [
        {"pool": "g", "period": "P1", "volume": 10, "tier": 1, "discount": 0, "saving": 0}
    ]


def test_a_tier_worth_reaching_moves_sales():
    # Binding: with 10% off from 15 units, 5 units at M2 lose 2.5 but save 0.1 * 2 * 15 = 3
    # on all 15 (all units): 180 - 2.5 + 3 = 180.5. More units lose more than they save
    # (20 units: -5 + 4).
    res = solve(micro(CASTING, LOSING_MARKET, pool((0, 0), (15, 0.1))))
    assert res.objective == pytest.approx(180.5)
    assert produced(res, "P", market="M2") == pytest.approx(5)
    assert discounts(res) == [
        {"pool": "g", "period": "P1", "volume": 15, "tier": 2, "discount": 0.1, "saving": 3}
    ]
    assert plant_profit(res, "P") == pytest.approx(180.5)


# Two firms: F's plant P makes m (as in the base), G's plant Q makes n (tier medium, firm
# G, 1 casting a unit, unit cost 10), M buys 10 of n at 30 too. Each plant alone buys 10
# castings; together 20.
TWO_FIRMS = {
    "firms": {"G": {"home_country": "A"}},
    "products": {"n": {"tier": "medium", "firm": "G", "bom": {"casting": 1}}},
    "plants": {"Q": {"country": "A", "owners": {"G": 1.0}, "lines": {"n": {"unit_cost": 10}}}},
    "markets": {"M": {"demand": {"n": {"quantity": 10, "price": 30}}}},
}
JOINT = {"buyers": {"firms": ["F", "G"]}}


def test_all_units_tier_2_split_between_two_firms_plants():
    # Binding: the joint volume 10 + 10 = 20 reaches tier 2 (from 20, 10% off; tier 3 from
    # 30 is out of reach): the whole volume at 10% off, 0.1 * 2 * 20 = 4, split by the value
    # of each plant's own purchases: 2 to P, 2 to Q. Each earns 180 + 2 = 182.
    raw = micro(CASTING, TWO_FIRMS, pool((0, 0), (20, 0.1), (30, 0.2), **JOINT))
    res = solve(raw)
    assert res.objective == pytest.approx(364)
    assert discounts(res) == [
        {"pool": "g", "period": "P1", "volume": 20, "tier": 2, "discount": 0.1, "saving": 4}
    ]
    assert plant_profit(res, "P") == pytest.approx(182)
    assert plant_profit(res, "Q") == pytest.approx(182)
    assert dict(res.firm_profit) == pytest.approx({"F": 182, "G": 182})
    parts = [r for r in profit_parts_of(gpnopt.instance_from_dict(raw, name="micro")) if r["type"] == "volume discount"]
    assert sorted((r["entity"], r["amount"]) for r in parts) == [("P", 2), ("Q", 2)]


def test_all_units_split_follows_purchase_value_not_units():
    # P's castings come from S at 2, Q buys a casting of its own kind, "shell", at 4 from S
    # (n needs a shell instead). Volume 20 units reaches 10% off: P saves 0.1 * 20 = 2,
    # Q 0.1 * 40 = 4 (in proportion to the value of their purchases).
    shell = merge(
        TWO_FIRMS,
        {
            "components": {"shell": {"transfer_price": 1}},
            "products": {"n": {"bom": {"casting": None, "shell": 1}}},
            "suppliers": {"S": {"components": {"shell": {"unit_price": 4}}}},
        },
    )
    res = solve(micro(CASTING, shell, pool((0, 0), (20, 0.1), **JOINT)))
    assert plant_profit(res, "P") == pytest.approx(180 + 2)
    assert plant_profit(res, "Q") == pytest.approx(10 * (30 - 10 - 4) + 4)
    assert discounts(res)[0]["saving"] == pytest.approx(6)


# P may cast in-house at 1.9 a unit (no fixed cost): cheaper than S's 2, dearer than 2 at
# 10% off (1.8).
CAST_AT_P = {"plants": {"P": {"components": {"casting": {"unit_cost": 1.9}}}}}


def test_alone_neither_firm_reaches_the_tier():
    # Reference: each firm pools alone (two pools, one firm each): 10 < 20, no discount; P
    # casts in-house (1.9 < 2): P 10 * (30 - 10 - 1.9) = 181, Q 180.
    pools = {
        "purchasing_pools": {
            "f": {"suppliers": ["S"], "buyers": {"firms": ["F"]},
                  "tiers": [{"from": 0, "discount": 0}, {"from": 20, "discount": 0.1}]},
            "h": {"suppliers": ["S"], "buyers": {"plants": ["Q"]},
                  "tiers": [{"from": 0, "discount": 0}, {"from": 20, "discount": 0.1}]},
        }
    }
    res = solve(micro(CASTING, TWO_FIRMS, CAST_AT_P, pools))
    assert res.objective == pytest.approx(361)
    assert flow(res, "P", "P", "casting") == pytest.approx(10)
    assert [r["tier"] for r in discounts(res)] == [1, 1]


def test_joint_purchasing_moves_a_sourcing_decision():
    # Binding (the case's SF-V10, materials bought jointly): together the two firms reach
    # 20 units and 10% off; P then buys at 1.8 < 1.9 instead of casting, and Q saves too:
    # P 10 * (30 - 10 - 2) + 2 = 182, Q 182; 364 > 361 (casting at P leaves Q alone at 10).
    res = solve(micro(CASTING, TWO_FIRMS, CAST_AT_P, pool((0, 0), (20, 0.1), **JOINT)))
    assert res.objective == pytest.approx(364)
    assert flow(res, "P", "P", "casting") == pytest.approx(0)
    assert flow(res, "S", "P", "casting") == pytest.approx(10)
    assert plant_profit(res, "P") == pytest.approx(182)
    assert discounts(res)[0]["tier"] == 2


def test_incremental_with_two_segments():
    # Not binding on decisions: segment 1 (0-4 units) at 0%, segment 2 (4 units on) at 10%:
    # P's 10 castings save 0.1 * 2 * (10 - 4) = 1.2: 181.2 (all units would save 2).
    res = solve(micro(CASTING, pool((0, 0), (4, 0.1), scheme="incremental")))
    assert res.objective == pytest.approx(181.2)
    assert discounts(res) == [
        {"pool": "g", "period": "P1", "volume": 10, "tier": 2, "discount": 0.1, "saving": 1.2}
    ]
    res = solve(micro(CASTING, pool((0, 0), (4, 0.1))))
    assert res.objective == pytest.approx(182)


def test_incremental_three_segments_fill_in_order():
    # Segments 0-4 at 0%, 4-8 at 10%, 8 on at 20%: 4 * 0 + 4 * 0.2 + 2 * 0.4 = 1.6 saved.
    res = solve(micro(CASTING, pool((0, 0), (4, 0.1), (8, 0.2), scheme="incremental")))
    assert res.objective == pytest.approx(181.6)
    assert discounts(res)[0]["tier"] == 3
    assert discounts(res)[0]["saving"] == pytest.approx(1.6)


def test_the_scheme_decides_the_sourcing():
    # P may cast at 1.85 (18.5 for 10). Tiers 0% up to 4 units, 10% from 4: all units, the
    # 10 castings cost 18 < 18.5 (P buys, 182); incremental, 20 - 1.2 = 18.8 > 18.5 (P
    # casts, 300 - 100 - 18.5 = 181.5).
    cast = {"plants": {"P": {"components": {"casting": {"unit_cost": 1.85}}}}}
    res = solve(micro(CASTING, cast, pool((0, 0), (4, 0.1))))
    assert res.objective == pytest.approx(182)
    assert flow(res, "S", "P", "casting") == pytest.approx(10)
    res = solve(micro(CASTING, cast, pool((0, 0), (4, 0.1), scheme="incremental")))
    assert res.objective == pytest.approx(181.5)
    assert flow(res, "P", "P", "casting") == pytest.approx(10)
    assert discounts(res)[0]["volume"] == 0


def test_two_periods_each_its_own_volume_and_tiers():
    # Periods T1 (2000) and T2 (2001), one year each, 0% discount rate: the NPV is the sum.
    # Demand 10 in T1, 20 in T2; tier 2 from 15 units at 10% in T1 and 5% in T2 (a period
    # mapping). T1: 10 < 15, no saving, 180. T2: 20 units at 5% off, 0.05 * 2 * 20 = 2:
    # 20 * 18 + 2 = 362. NPV 542. Myopic foresight decides the same (no rows across periods).
    raw = micro(
        CASTING,
        {
            "periods": [{"id": "T1", "start": 2000}, {"id": "T2", "start": 2001, "length": 1}],
            "finance": {"discount_rate": 0.0},
            "markets": {"M": {"demand": {"m": {"quantity": {"T1": 10, "T2": 20}}}}},
            "plants": {"P": {"assembly_capacity": 20}},
            "purchasing_pools": {
                "g": {
                    "suppliers": ["S"],
                    "tiers": [
                        {"from": 0, "discount": 0},
                        {"from": 15, "discount": {"T1": 0.1, "T2": 0.05}},
                    ],
                }
            },
        },
    )
    for foresight in ("perfect", "myopic"):
        res = solve(raw, foresight=foresight)
        assert res.objective == pytest.approx(542)
        assert discounts(res) == [
            {"pool": "g", "period": "T1", "volume": 10, "tier": 1, "discount": 0, "saving": 0},
            {"pool": "g", "period": "T2", "volume": 20, "tier": 2, "discount": 0.05,
             "saving": 2},
        ]


def test_a_persistent_re_solve_with_a_new_unit_price_is_right():
    # The saving uses S's unit price: a scenario that only changes it must give a fresh
    # solve's answer. The pool's rows hold units and its prices are in the objective only,
    # so the ScenarioSolver re-uses the model and rebuilds the saving with the objective. At 2
    # the joint pool pays (P buys, 364). At a price c, buying jointly earns
    # 2 * 10 * (20 - 0.9 c), P casting 181 + 10 * (20 - c): joint buying pays while
    # c < 2.375. At 2.5: 355 < 356, P casts and Q buys alone. At 1.5: 373, saving
    # 0.1 * 1.5 * 20 = 3 (a model kept from price 2 would still save 4: 374).
    raw = micro(CASTING, TWO_FIRMS, CAST_AT_P, pool((0, 0), (20, 0.1), **JOINT))
    solver = ScenarioSolver(mip_gap=MIP_GAP)
    assert solver.solve(gpnopt.instance_from_dict(raw, name="micro")).objective == 364
    for price, value, saving in ((2.5, 356, 0), (1.5, 373, 3)):
        changed = merge(raw, {"suppliers": {"S": {"components": {"casting": {"unit_price": price}}}}})
        again = solver.solve(gpnopt.instance_from_dict(changed, name="micro"))
        fresh = solve(changed)
        assert again.objective == pytest.approx(fresh.objective) == pytest.approx(value)
        assert discounts(again) == discounts(fresh)
        assert discounts(again)[0]["saving"] == pytest.approx(saving)
    assert flow(again, "S", "P", "casting") == pytest.approx(10)
    assert solver.persistent == 2  # both re-solves on the kept model


def profit_parts_of(inst) -> list[dict]:
    """The profit parts of ``inst`` solved as built (as ``explain`` reads them)."""
    fs = ForcedSolver(inst)
    return list(profit_parts(fs.model, fs.data))


def test_the_showcase_pools_tm_and_ffg_castings():
    # instances/showcase.yaml with family 21's keys alone (tests/model/showcase.py): JP_TM
    # needs 70 castings, TW_FFG 180; CN_POOL sells them at 1.3, the JV casts at 1.0 (both in
    # China: the same transport). Alone neither plant passes 200 units with room to spare for
    # a discount that pays (TW_FFG's 180 earn 10% off: 1.17 > 1.0); together they reach 25%
    # off, 0.975 < 1.0: both buy from CN_POOL, saving 0.25 * 1.3 * 250 = 81.25 (JP_TM 22.75,
    # TW_FFG 58.5); the alliance gains 250 * (1.0 - 0.975) = 6.25 over 6498.
    # The JV keeps casting its own 120 (its fixed 30 + 120 < 1.3 * 120).
    inst = only("discounts")
    res = gpnopt.solve(inst, mip_gap=MIP_GAP)
    assert res.objective == pytest.approx(6504.25)
    assert discounts(res) == [
        {"pool": "tm_ffg_castings", "period": "P1", "volume": 250, "tier": 3,
         "discount": 0.25, "saving": 81.25}
    ]
    assert flow(res, "CN_POOL", "JP_TM") == pytest.approx(70)
    assert flow(res, "CN_POOL", "TW_FFG") == pytest.approx(180)
    assert flow(res, "CN_JV", "CN_JV") == pytest.approx(120)
    parts = profit_parts_of(inst)
    saved = {r["entity"]: r["amount"] for r in parts if r["type"] == "volume discount"}
    assert saved == pytest.approx({"JP_TM": 22.75, "TW_FFG": 58.5})
    raw = raw_only("discounts")
    raw["purchasing_pools"]["tm_ffg_castings"]["buyers"] = {"plants": ["TW_FFG"]}
    res = solve(raw)  # FFG alone: 180 castings at 10% off, 1.17 > 1.0, the JV casts them all
    assert res.objective == pytest.approx(6498)
    assert flow(res, "CN_POOL") == pytest.approx(0)


def test_explain_prices_a_price_variant_of_an_instance_with_pools_by_its_cost_vector():
    # The pools' rows hold units, their prices only the objective: the kept model of
    # `gpnopt explain` prices a variant through a new cost vector, the one a fresh build of
    # the variant hands to HiGHS, bit for bit.
    import numpy as np

    from gpnopt.solver import compile_model

    raw = micro(CASTING, TWO_FIRMS, CAST_AT_P, pool((0, 0), (20, 0.1), **JOINT))
    changed = merge(raw, {"suppliers": {"S": {"components": {"casting": {"unit_price": 1.5}}}}})
    fs = ForcedSolver(gpnopt.instance_from_dict(raw, name="micro"))
    vector = fs.cost_vector(gpnopt.instance_from_dict(changed, name="micro"))
    fresh = ForcedSolver(gpnopt.instance_from_dict(changed, name="micro"))
    _, lp, _ = compile_model(fresh.model, "x")
    assert vector is not None
    assert np.array_equal(vector, np.asarray(lp.col_cost_))
    plain = ForcedSolver(gpnopt.instance_from_dict(micro(CASTING), name="micro"))
    dear = micro(CASTING, {"suppliers": {"S": {"components": {"casting": {"unit_price": 3}}}}})
    assert plain.cost_vector(gpnopt.instance_from_dict(dear, name="micro")) is not None


def test_a_pool_per_period_through_period_mappings():
    # T1 and T2 as above, demand 10 in both. The pool exists only in T2 (null in T1), with
    # 10% off from 0: T1 180, T2 180 + 0.1 * 2 * 10 = 182. Then the pool in both periods
    # with its tiers by period: T1 10% from 0 (182), T2 20% from 5 units (180 + 4 = 184).
    periods = {
        "periods": [{"id": "T1", "start": 2000}, {"id": "T2", "start": 2001, "length": 1}],
        "finance": {"discount_rate": 0.0},
    }
    spec = {"suppliers": ["S"], "tiers": [{"from": 0, "discount": 0.1}]}
    res = solve(micro(CASTING, periods, {"purchasing_pools": {"g": {"T1": None, "T2": spec}}}))
    assert res.objective == pytest.approx(362)
    assert discounts(res) == [
        {"pool": "g", "period": "T2", "volume": 10, "tier": 1, "discount": 0.1, "saving": 2}
    ]
    tiers = {"T1": [{"from": 0, "discount": 0.1}],
             "T2": [{"from": 0, "discount": 0}, {"from": 5, "discount": 0.2}]}
    res = solve(micro(CASTING, periods, {"purchasing_pools": {"g": {**spec, "tiers": tiers}}}))
    assert res.objective == pytest.approx(366)
    assert [(r["period"], r["tier"], r["saving"]) for r in discounts(res)] == [
        ("T1", 1, 2), ("T2", 2, 4)
    ]


# --- the discount expectation (the case's SF-V10) --------------------------------------------

def _expect(res, id_: str) -> dict:
    return next(r for r in res.expectations if r["id"] == id_)


def test_the_discount_expectation_holds_where_the_pooled_volume_earns_the_tier():
    # Together (as test_joint_purchasing_moves_a_sourcing_decision): 20 units, 10% off;
    # alone (as test_alone_neither_firm_reaches_the_tier): tier 1 each, no discount
    expect = {"expectations": [
        {"id": "any", "kind": "discount", "pool": "g"},
        {"id": "ten", "kind": "discount", "pool": "g", "min": 0.1},
        {"id": "more", "kind": "discount", "pool": "g", "min": 0.15},
    ]}
    res = solve(micro(CASTING, TWO_FIRMS, CAST_AT_P, pool((0, 0), (20, 0.1), **JOINT), expect))
    assert [_expect(res, i)["holds"] for i in ("any", "ten", "more")] == [True, True, False]
    assert _expect(res, "any")["detail"] == "volume 20, tier 2, discount 0.1, saving 4"
    alone = merge(pool((0, 0), (20, 0.1)), {"purchasing_pools": {"g": {"buyers": {"firms": ["F"]}}}})
    res = solve(micro(CASTING, TWO_FIRMS, CAST_AT_P, alone, expect))
    assert [_expect(res, i)["holds"] for i in ("any", "ten", "more")] == [False, False, False]
    assert _expect(res, "any")["detail"] == "volume 0, tier 1, discount 0, saving 0"  # P casts


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"kind": "discount"}, "names its purchasing pool: pool: ID"),
        ({"kind": "makes", "plant": "P", "pool": "g"}, "pool is read by discount expectations only"),
        ({"kind": "discount", "pool": "gg"}, "expectations.0.pool: unknown purchasing pool 'gg'"),
    ],
)
def test_bad_discount_expectations_are_refused(fields, needle):
    raw = micro(CASTING, pool((0, 0), (20, 0.1)), {"expectations": [{"id": "x", **fields}]})
    with pytest.raises(gpnopt.InstanceError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        gpnopt.instance_from_dict(raw, name="micro")


def test_explain_forces_a_discount_expectation_below_its_tier_and_back():
    # Together the pool earns 10% (364, test_joint_purchasing_moves_a_sourcing_decision);
    # forced below the tier, P casts in-house and Q pays the full price: 181 + 180 = 361, 3
    # less. Alone (buyers F only) P needs at most 10 castings < 20: the tier is out of reach,
    # the model has no binary for it, and the opposite cannot be stated.
    from gpnopt.explain import explain_instance

    expect = {"expectations": [{"id": "pooled", "kind": "discount", "pool": "g"}]}
    inst = gpnopt.instance_from_dict(
        micro(CASTING, TWO_FIRMS, CAST_AT_P, pool((0, 0), (20, 0.1), **JOINT), expect), name="micro")
    (rep,) = explain_instance(inst, ["expectation:pooled"], vary=[]).reports
    assert (rep.chosen, rep.status) == (True, "feasible")
    assert rep.profit_difference == pytest.approx(-3)
    alone = merge(pool((0, 0), (20, 0.1)), {"purchasing_pools": {"g": {"buyers": {"firms": ["F"]}}}})
    inst = gpnopt.instance_from_dict(micro(CASTING, TWO_FIRMS, CAST_AT_P, alone, expect), name="micro")
    (rep,) = explain_instance(inst, ["expectation:pooled"], vary=[]).reports
    assert (rep.chosen, rep.status) == (False, "impossible")
    assert "cannot be stated on the model" in rep.sentence


def test_explain_names_a_tier_threshold_by_its_yaml_key():
    # tiers: {from: ...} is the field from_ in Python; --vary takes the YAML name
    from gpnopt.explain.thresholds import Scaler, resolve

    inst = gpnopt.instance_from_dict(micro(CASTING, pool((0, 0), (20, 0.1))), name="micro")
    scaler = Scaler(inst)
    assert resolve("purchasing_pools.g.tiers.1.from", scaler.paths) == ["purchasing_pools.g.tiers.1.from"]
    doubled = scaler.variant(["purchasing_pools.g.tiers.1.from"], 2.0)
    assert doubled.purchasing_pools["g"].tiers[1].from_ == 40
