"""Family 22, taxes: micro-instances with hand-derived optima (``docs/formulation.md`` 22).

The base micro-instance (conftest): P in A, line of m at unit cost 10, M buys 10 at 30;
profit before tax 200. A tax at rate r leaves (1 - r) * 200 when the profit is positive,
and a loss untaxed.
"""

from __future__ import annotations

import numpy as np
import pytest

import gpnopt
from gpnopt.data import build_data
from gpnopt.errors import InstanceError
from gpnopt.model import build_model
from gpnopt.solver import ScenarioSolver
from gpnopt.solver.highs import compile_model

from .conftest import MIP_GAP, merge, micro, plant_profit, produced, solve


def tax_row(res, entity: str, period: str | None = None) -> dict:
    """The taxes row of ``entity`` (in ``period`` when given)."""
    df = res.tables["taxes"]
    df = df[df["entity"] == entity]
    if period is not None:
        df = df[df["period"] == period]
    assert len(df) == 1
    return df.iloc[0].to_dict()


def test_a_profit_is_taxed_at_the_country_rate():
    # 200 before tax at 25%: tax 50, profit after tax 150, the objective 150.
    res = solve(micro({"taxes": {"rates": {"A": 0.25}}}))
    assert res.objective == pytest.approx(150)
    assert plant_profit(res, "P") == pytest.approx(150)
    assert res.firm_profit["F"] == pytest.approx(150)
    row = tax_row(res, "P")
    assert (row["country"], row["rate"], row["incentive"]) == ("A", 0.25, "")
    assert row["profit_before_tax"] == pytest.approx(200)
    assert row["taxable"] == pytest.approx(200)
    assert row["tax"] == pytest.approx(50)


def test_a_loss_making_plant_pays_no_tax():
    # All demand must be served (min_served 1) and the plant costs 250 a year to run:
    # 300 - 100 - 250 = -50 before tax. A loss is not taxed (and brings no credit):
    # the objective is -50, not -50 * (1 - 0.3) = -35.
    raw = micro(
        {"plants": {"P": {"fixed_cost": 250}}, "taxes": {"rates": {"A": 0.3}}},
        {"markets": {"M": {"demand": {"m": {"min_served": 1.0}}}}},
    )
    res = solve(raw)
    assert res.objective == pytest.approx(-50)
    row = tax_row(res, "P")
    assert row["profit_before_tax"] == pytest.approx(-50)
    assert row["taxable"] == 0
    assert row["tax"] == 0


# Two plants that can serve M: P in A (unit cost 10) and Q in B (unit cost 12), no transport
# cost or tariff. Before tax P earns 200, Q 180.
TWO_COUNTRIES = {
    "countries": {"B": {}},
    "plants": {"Q": {"country": "B", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 12}}}},
}


def test_a_large_rate_difference_moves_production_to_the_low_tax_country():
    # Binding: A taxes 40%, B 10%: P keeps 0.6 * 200 = 120, Q 0.9 * 180 = 162: Q makes all.
    res = solve(micro(TWO_COUNTRIES, {"taxes": {"rates": {"A": 0.4, "B": 0.1}}}))
    assert res.objective == pytest.approx(162)
    assert produced(res, "Q") == pytest.approx(10)
    assert produced(res, "P") == 0
    assert tax_row(res, "Q")["tax"] == pytest.approx(18)


def test_a_small_rate_difference_does_not_move_production():
    # Not binding: A 25%, B 20%: P keeps 150, Q 0.8 * 180 = 144: P still makes all.
    res = solve(micro(TWO_COUNTRIES, {"taxes": {"rates": {"A": 0.25, "B": 0.2}}}))
    assert res.objective == pytest.approx(150)
    assert produced(res, "P") == pytest.approx(10)
    assert tax_row(res, "Q")["tax"] == 0


# CF-13 (case 1.3): in CN a JV with a Taiwanese owner may get a preferential rate. J is a
# 50/50 JV of F (home JP) and T (home TW), unit cost 12; W is F's own plant, unit cost 10;
# at most one of them opens. Before tax J earns 180, W 200; CN taxes 25%.
JV = {
    "name": "jv",
    "countries": {"CN": {}, "JP": {}, "TW": {}},
    "firms": {"F": {"home_country": "JP"}, "T": {"home_country": "TW"}},
    "products": {"m": {"tier": "medium", "firm": "F"}},
    "plants": {
        "J": {"country": "CN", "owners": {"F": 0.5, "T": 0.5}, "lines": {"m": {"unit_cost": 12}}},
        "W": {"country": "CN", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 10}}},
    },
    "exclusive_groups": {"entry": ["J", "W"]},
    "markets": {"M": {"country": "CN", "demand": {"m": {"quantity": 10, "price": 30}}}},
    "trade": {"cross_firm_supply": True},
}
JV_INCENTIVE = {
    "id": "jv_with_taiwan_hq", "country": "CN", "rate": 0.15, "owner_home_countries": ["TW"],
}


def jv(*incentives: dict) -> dict:
    """The JV instance with CN's 25% and ``incentives``."""
    return merge(JV, {"taxes": {"rates": {"CN": 0.25}, "incentives": list(incentives)}})


def test_the_jv_incentive_makes_the_jv_the_better_entry():
    # With the incentive J pays 15%: 0.85 * 180 = 153 > W's 0.75 * 200 = 150: J opens.
    # Firm profits after tax: F and T 0.5 * 153 = 76.5 each.
    res = solve(jv(JV_INCENTIVE))
    assert res.objective == pytest.approx(153)
    assert produced(res, "J") == pytest.approx(10)
    assert res.firm_profit["F"] == pytest.approx(76.5)
    assert res.firm_profit["T"] == pytest.approx(76.5)
    row = tax_row(res, "J")
    assert (row["rate"], row["incentive"]) == (0.15, "jv_with_taiwan_hq")
    assert row["tax"] == pytest.approx(27)
    # W has no Taiwanese owner: the country's rate
    assert (tax_row(res, "W")["rate"], tax_row(res, "W")["incentive"]) == (0.25, "")


def test_without_the_incentive_the_jvs_advantage_shrinks():
    # CF-13's direction: without it J would keep 0.75 * 180 = 135 < 150: W opens, F earns
    # 150, T nothing. The JV's edge over W falls from +3 (153 - 150) to -15 (135 - 150).
    res = solve(jv())
    assert res.objective == pytest.approx(150)
    assert produced(res, "W") == pytest.approx(10)
    assert res.firm_profit["F"] == pytest.approx(150)
    assert res.firm_profit["T"] == 0
    only_jv = solve(merge(jv(), {"exclusive_groups": None, "plants": {"W": None}}))
    assert only_jv.objective == pytest.approx(135)


def test_an_incentive_that_needs_a_taiwanese_owner_skips_other_plants():
    # The same incentive with owner_home_countries [JP] covers both (F is Japanese): then W
    # pays 15% too: W 0.85 * 200 = 170 > J 153.
    res = solve(jv({**JV_INCENTIVE, "owner_home_countries": ["JP"]}))
    assert res.objective == pytest.approx(170)
    assert tax_row(res, "W")["incentive"] == "jv_with_taiwan_hq"


def test_firm_objective_is_after_tax():
    # firm:T: T earns only through J, 0.5 * 153 = 76.5; the second stage keeps it.
    res = solve(jv(JV_INCENTIVE), objective="firm:T", participation=False)
    assert res.objective == pytest.approx(76.5)
    assert res.firm_profit["T"] == pytest.approx(76.5)


def test_one_period_capital_charge_is_deductible():
    # P costs 1000 to build, 10 years at 0%: a capital charge of 100 a year. Before tax
    # 200 - 100 = 100, tax 30% = 30, objective 70.
    raw = micro(
        {"finance": {"discount_rate": 0.0, "asset_lifetime": 10},
         "plants": {"P": {"investment_cost": 1000}}, "taxes": {"rates": {"A": 0.3}}}
    )
    res = solve(raw)
    assert res.objective == pytest.approx(70)
    assert tax_row(res, "P")["profit_before_tax"] == pytest.approx(100)


PERIODS = {
    "finance": {"discount_rate": 0.0, "asset_lifetime": 10, "salvage": False},
    "periods": [{"id": "T1", "start": 2020}, {"id": "T2", "start": 2025, "length": 1}],
}


def test_a_tax_holiday_by_period():
    # Two periods at 0%: T1 is 5 years long (2020-2024), T2 one year. A taxes 30%; P has a
    # holiday (rate 0) in T1 only: NPV = 5 * 200 + 1 * 0.7 * 200 = 1140.
    holiday = {"id": "holiday", "plants": ["P"], "rate": {"T1": 0.0, "T2": 0.3}}
    raw = micro(PERIODS, {"taxes": {"rates": {"A": 0.3}, "incentives": [holiday]}})
    inst = gpnopt.instance_from_dict(raw, name="micro")
    res = gpnopt.solve(inst, mip_gap=MIP_GAP)
    assert res.objective == pytest.approx(1140)
    t1, t2 = tax_row(res, "P", "T1"), tax_row(res, "P", "T2")
    assert (t1["rate"], t1["incentive"], t1["tax"]) == (0.0, "holiday", 0.0)
    assert (t2["rate"], t2["incentive"]) == (0.3, "")
    assert t2["tax"] == pytest.approx(60)
    assert res.firm_profit["F"] == pytest.approx(1140)
    myopic = gpnopt.solve(inst, mip_gap=MIP_GAP, foresight="myopic")
    assert myopic.objective == pytest.approx(1140)


def test_periods_deduct_the_capital_allowance():
    # P is built in T1 for 1000 (lifetime 10, 0%): each year of operation deducts 100 from
    # the tax base as a one-period instance's capital charge would: tax 0.3 * 100 = 30 a
    # year, profit after tax 170 a year: NPV = 6 * 170 - 1000 = 20 (without tax: 200).
    raw = micro(PERIODS, {"plants": {"P": {"investment_cost": 1000}},
                          "taxes": {"rates": {"A": 0.3}}})
    res = gpnopt.solve(gpnopt.instance_from_dict(raw, name="micro"), mip_gap=MIP_GAP)
    assert res.objective == pytest.approx(20)
    for t in ("T1", "T2"):
        assert tax_row(res, "P", t)["profit_before_tax"] == pytest.approx(100)
        assert tax_row(res, "P", t)["tax"] == pytest.approx(30)


def test_channels_with_a_country_are_taxed():
    # A channel C in B (taxed 50%) keeps a 10% margin: 30 a year before tax, 15 after;
    # P keeps 270 - 100 = 170 (A untaxed). Objective 185.
    raw = micro(
        {"countries": {"B": {}},
         "channels": {"C": {"owners": {"F": 1.0}, "markets": ["M"], "country": "B",
                            "margin_rate": 0.1}},
         "taxes": {"rates": {"B": 0.5}}}
    )
    res = solve(raw)
    assert res.objective == pytest.approx(185)
    assert tax_row(res, "C")["tax"] == pytest.approx(15)
    assert "P" not in set(res.tables["taxes"]["entity"])


def test_the_tax_is_a_profit_part():
    from gpnopt.data import build_data
    from gpnopt.model import build_model
    from gpnopt.results import profit_parts
    from gpnopt.solver.highs import run_highs

    inst = gpnopt.instance_from_dict(micro({"taxes": {"rates": {"A": 0.25}}}), name="micro")
    data = build_data(inst)
    m = build_model(data)
    run_highs(m, mip_gap=MIP_GAP)
    parts = {r["type"]: r["amount"] for r in profit_parts(m, data) if r["entity"] == "P"}
    assert parts["tax"] == pytest.approx(-50)
    assert sum(parts.values()) == pytest.approx(150)


def test_an_instance_without_taxes_adds_nothing():
    from gpnopt.data import build_data
    from gpnopt.model import build_model

    m = build_model(build_data(gpnopt.instance_from_dict(micro(), name="micro")))
    for name in ("v_taxable", "tax", "tax_base", "profit_before_tax"):
        assert m.component(name) is None


@pytest.mark.parametrize(
    ("patch", "text"),
    [
        ({"taxes": {"rates": {"A": 40}}}, "write 0.4 for 40%"),
        ({"taxes": {"rates": {"X": 0.2}}}, "taxes.rates: unknown country 'X'"),
        ({"taxes": {"incentives": [{"id": "i", "rate": 0.1}]}}, "give country or plants"),
        ({"taxes": {"incentives": [{"id": "i", "rate": 0.1, "plants": ["Z"]}]}},
         "taxes.incentives[0].plants: unknown plant 'Z'"),
    ],
)
def test_bad_tax_input_is_refused(patch, text):
    with pytest.raises(InstanceError, match=".*") as err:
        gpnopt.instance_from_dict(micro(patch), name="micro")
    assert text in str(err.value)


# A purchasing office O in B (untaxed) qualifies the cheaper supplier S2 for P (in A, taxed
# 40%): P's parts cost 40 instead of 60 (tests/model/test_flows.py), so P's profit before
# tax is 160 with O and 140 without; O has only its fixed cost F.
def _office(fixed_cost: float, charged: bool) -> dict:
    from .test_flows import OFFICE, TWO_SUPPLIERS

    taxes = {"rates": {"A": 0.4}, **({"charged_to": {"O": "P"}} if charged else {})}
    return micro(
        TWO_SUPPLIERS, OFFICE,
        {"countries": {"B": {}}, "purchasing_offices": {"O": {"country": "B", "fixed_cost": fixed_cost}},
         "taxes": taxes},
    )


def test_an_office_charged_to_its_plant_lowers_the_plants_tax_and_opens():
    # Binding. F = 15. On its own O's loss is relieved by no tax: with O the firm keeps
    # 0.6 * 160 - 15 = 81 < 0.6 * 140 = 84 without it, so O stays closed (84). Charged to P,
    # O's cost lowers P's tax base: 0.6 * (160 - 15) = 87 > 84, so O opens: 87; P's taxable
    # profit is 145 (its own 160 less O's 15), its tax 58; O has no taxes row.
    alone = solve(_office(15, charged=False))
    assert alone.objective == pytest.approx(84)
    charged = solve(_office(15, charged=True))
    assert charged.objective == pytest.approx(87)
    row = tax_row(charged, "P")
    assert row["profit_before_tax"] == pytest.approx(160)
    assert row["taxable"] == pytest.approx(145)
    assert row["tax"] == pytest.approx(58)
    assert "O" not in set(charged.tables["taxes"]["entity"])


def test_a_cheap_office_opens_either_way_and_charging_saves_its_tax():
    # Not binding for the decision: F = 5 opens O either way: 0.6 * 160 - 5 = 91 alone,
    # 0.6 * (160 - 5) = 93 charged to P (the 40% relief on 5).
    assert solve(_office(5, charged=False)).objective == pytest.approx(91)
    assert solve(_office(5, charged=True)).objective == pytest.approx(93)


def test_the_taxable_bound_counts_what_is_charged_to_the_entity():
    # Family 17's funding rows bound v_taxable by the upper bound of its tax base: with a
    # channel C (10% margin, so a profit up to 0.1 of M's sales) charged to P, P's base is
    # its own profit before tax plus C's, so its bound is the sum of both bounds, above
    # P's own.
    from gpnopt.data import build_data
    from gpnopt.model import build_model
    from gpnopt.model.bounds import expression_bounds, upper

    raw = micro(
        {"channels": {"C": {"owners": {"F": 1.0}, "markets": ["M"], "country": "A",
                            "margin_rate": 0.1}},
         "taxes": {"rates": {"A": 0.25}, "charged_to": {"C": "P"}}}
    )
    data = build_data(gpnopt.instance_from_dict(raw, name="micro"))
    m = build_model(data)
    own = expression_bounds(m.profit_before_tax["P"], data)[1]
    channel = expression_bounds(m.profit_before_tax["C"], data)[1]
    assert channel > 0
    assert "C" not in m.v_taxable
    assert upper(m.v_taxable["P"], data) == pytest.approx(own + channel)


@pytest.mark.parametrize(
    ("charged_to", "text"),
    [
        ({"O": "Z"}, "taxes.charged_to.O: unknown plant, purchasing office or channel 'Z'"),
        ({"Y": "P"}, "taxes.charged_to: unknown plant, purchasing office or channel 'Y'"),
        ({"O": "O"}, "taxes.charged_to.O: an entity cannot be charged to itself"),
        ({"O": "Q", "Q": "P"}, "taxes.charged_to.O: 'Q' is itself charged to 'P'"),
    ],
)
def test_bad_charged_to_is_refused(charged_to, text):
    raw = _office(5, charged=False)
    raw["taxes"]["charged_to"] = charged_to
    raw["plants"]["Q"] = {"country": "B", "owners": {"F": 1.0}}
    with pytest.raises(InstanceError) as err:
        gpnopt.instance_from_dict(raw, name="micro")
    assert text in str(err.value)


def test_showcase_taxes_china_jv_at_the_taiwanese_incentive():
    # instances/showcase.yaml: CN 25%, JP 30%, TW 17%; CN_JV (FFG's home is TW) gets 15%.
    # CN_JV's profit before tax is 3370 (tax 505.5); its castings go to JP_TM and TW_FFG at
    # the highest level, 5: each unit moves 1 from a plant taxed 30% or 17% to one taxed 15%.
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "instances" / "showcase.yaml"
    res = gpnopt.solve(gpnopt.load(path), mip_gap=MIP_GAP)
    rates = {r.entity: (r.rate, r.incentive) for r in res.tables["taxes"].itertuples()}
    assert rates == {
        "CN_JV": (0.15, "jv_with_taiwan_hq"), "JP_TM": (0.3, ""), "TW_FFG": (0.17, ""),
    }
    assert tax_row(res, "CN_JV")["tax"] == pytest.approx(0.15 * tax_row(res, "CN_JV")["taxable"])
    # without the incentive CN_JV pays 25%, above TW's 17%: the castings to TW_FFG go at
    # the lowest level 3 instead (profit moves to Taiwan), those to JP_TM (30%) stay at 5
    # (the showcase's joint purchasing pool is left out: without the incentive it would
    # take TW_FFG's castings instead, another way the JV's advantage shrinks)
    plain = gpnopt.solve(
        gpnopt.load(path, overrides={"taxes": {"incentives": []}, "purchasing_pools": None}),
        mip_gap=MIP_GAP,
    )
    levels = {r.destination: r.price for r in plain.tables["transfer_prices"].itertuples()}
    # (alone this gave level 3; with the showcase's value-based transport of castings to
    # Taiwan, 5% of the value, TW_FFG buys CN_POOL's cheaper castings instead): either way
    # no casting goes to TW_FFG at the top level any more
    assert levels["JP_TM"] == 5.0
    assert levels.get("TW_FFG", 3.0) == 3.0
    assert plain.objective < res.objective


def test_an_incentive_above_the_country_rate_is_warned_of():
    # The lowest rate wins: an incentive of 30% where A taxes 25% never applies.
    from gpnopt.errors import GpnoptWarning

    raw = micro({"taxes": {"rates": {"A": 0.25},
                           "incentives": [{"id": "dear", "country": "A", "rate": 0.3}]}})
    with pytest.warns(GpnoptWarning, match=r"taxes.incentives\[0\].rate: 0.3 is not below"):
        inst = gpnopt.instance_from_dict(raw, name="micro")
    res = gpnopt.solve(inst, mip_gap=MIP_GAP)
    assert res.objective == pytest.approx(150)
    assert tax_row(res, "P")["incentive"] == ""


def test_learning_savings_over_periods_are_taxed():
    # P's line learns: from 5 units made its unit cost falls from 10 to 2. T1 (5 years)
    # makes 50, so T2 earns 10 * (30 - 2) = 280 before tax. A taxes 30%:
    # NPV = 5 * 0.7 * 200 + 1 * 0.7 * 280 = 700 + 196 = 896 (the saving is taxed too).
    step = {"plants": {"P": {"lines": {"m": {"learning": [{"after": 5, "unit_cost": 2}]}}}}}
    raw = micro(PERIODS, step, {"taxes": {"rates": {"A": 0.3}}})
    res = gpnopt.solve(gpnopt.instance_from_dict(raw, name="micro"), mip_gap=MIP_GAP)
    assert res.objective == pytest.approx(896)
    assert tax_row(res, "P", "T2")["profit_before_tax"] == pytest.approx(280)
    assert tax_row(res, "P", "T2")["tax"] == pytest.approx(84)


# Persistent re-solves (gpnopt.solver.row_updates): the tax base rows hold prices and costs,
# so a ScenarioSolver rebuilds them on the kept model and hands their coefficients to the
# kept HiGHS object. TWO_COUNTRIES at A 25%, B 20%: P keeps 150, Q 144, P makes all (above).
# Each variant changes one number of that base:
#   P's unit cost 13: P keeps 0.75 * 170 = 127.5 < Q's 144: Q makes all, 144;
#   M's price 25: P keeps 0.75 * 150 = 112.5 > Q's 0.8 * 130 = 104: P, 112.5;
#   A's rate 40%: P keeps 0.6 * 200 = 120 < 144: Q, 144 (the rate is the objective's only);
#   A's rate 0: P untaxed, 200: a column v_taxable[P] less, so the model is rebuilt.
TAX_VARIANTS = (
    ({"plants": {"P": {"lines": {"m": {"unit_cost": 13}}}}}, 144, "Q", True),
    ({"markets": {"M": {"demand": {"m": {"price": 25}}}}}, 112.5, "P", True),
    ({"taxes": {"rates": {"A": 0.4}}}, 144, "Q", True),
    ({"taxes": {"rates": {"A": 0.0}}}, 200, "P", False),
)


def _lp_arrays(lp) -> list:
    """The arrays of a HighsLp, for comparing two of them exactly."""
    parts = [getattr(lp, a) for a in ("col_cost_", "col_lower_", "col_upper_",
                                       "row_lower_", "row_upper_")]
    parts += [getattr(lp.a_matrix_, a) for a in ("start_", "index_", "value_")]
    return [np.asarray(p) for p in parts]


def test_a_persistent_re_solve_updates_the_tax_rows_exactly():
    raw = micro(TWO_COUNTRIES, {"taxes": {"rates": {"A": 0.25, "B": 0.2}}})
    solver = ScenarioSolver(mip_gap=MIP_GAP)
    assert solver.solve(gpnopt.instance_from_dict(raw, name="micro")).objective == 150
    reused = 0
    for change, value, maker, kept in TAX_VARIANTS:
        inst = gpnopt.instance_from_dict(merge(raw, change), name="micro")
        res = solver.solve(inst)
        assert res.objective == pytest.approx(value)
        assert produced(res, maker) == pytest.approx(10)
        fresh = gpnopt.solve(inst, mip_gap=MIP_GAP)
        assert res.tables["taxes"].equals(fresh.tables["taxes"])
        reused += kept
        assert solver.persistent == reused
        # the kept HiGHS object holds, array for array, what a fresh build hands over
        _info, lp, _nnz = compile_model(build_model(build_data(inst)))
        for a, b in zip(_lp_arrays(solver.highs.getLp()), _lp_arrays(lp), strict=True):
            assert np.array_equal(a, b)
    assert solver.rebuilt == 2  # the first build and the rate of 0


def test_a_re_solve_after_a_loss_keeps_the_loss_untaxed():
    # The loss-making plant above (fixed cost 250, all demand served: -50 before tax) first
    # at a fixed cost of 50: 150 before tax, 0.7 * 150 = 105; then at 250 on the kept
    # model: -50, untaxed (the coefficient of v_is_open[P] in the row moved).
    raw = micro(
        {"plants": {"P": {"fixed_cost": 50}}, "taxes": {"rates": {"A": 0.3}}},
        {"markets": {"M": {"demand": {"m": {"min_served": 1.0}}}}},
    )
    solver = ScenarioSolver(mip_gap=MIP_GAP)
    assert solver.solve(gpnopt.instance_from_dict(raw, name="micro")).objective == pytest.approx(105)
    changed = merge(raw, {"plants": {"P": {"fixed_cost": 250}}})
    res = solver.solve(gpnopt.instance_from_dict(changed, name="micro"))
    assert solver.persistent == 1
    assert res.objective == pytest.approx(-50)
    assert tax_row(res, "P")["tax"] == 0
