"""Family 14, periods: assets over time, capital in the net present value, foresight.

Each test is a micro-instance (tests/model/conftest.py: plant P owned by F, market M buying
10 units of m at 30, unit cost 10: 200 a year while P runs) over one-year periods starting
in 2000, 2001, ... (T1, T2, ...), its optimum derived by hand in the docstring. With
one-year periods the operating and outlay weights of t are both (1+r)^-(start_t - 2000)
(gpnopt.dynamics.Horizon); most tests take r = 0 and no salvage, so money simply adds up.
"""

from __future__ import annotations

import pytest

from gpnopt.errors import InstanceError

from .periods_helpers import Solved, by_period, periods_micro

NO_DISCOUNT = {"finance": {"discount_rate": 0.0, "salvage": False}}
NO_DEMAND = {"markets": {"M": {"demand": {"m": {"quantity": 0}}}}}
DEMAND = {"markets": {"M": {"demand": {"m": {"quantity": 10}}}}}


def plant(**fields):
    """A patch of plant P's fields."""
    return {"plants": {"P": fields}}


# --- investment timing --------------------------------------------------------------------


def test_two_periods_build_once_and_operate_both():
    """P costs 150 to build; at r = 0, two years of 200 less 150: 250. P is built in T1 and
    operates in both periods (building again in T2 would cost 150 more)."""
    res = Solved(periods_micro((2000, 2001), NO_DISCOUNT, plant(investment_cost=150)))
    assert res.objective == pytest.approx(250)
    assert res.open("P", "T1")
    assert res.open("P", "T2")
    assert res.built("T1")
    assert not res.built("T2")
    assert res.npv("P") == pytest.approx(250)


def test_build_late_when_demand_starts_late():
    """No demand in T1, 10 units in T2; P costs 150 and 20 a year to run. Built in T1 it
    runs idle a year: -20 + (200 - 20) - 150 = 10; built in T2: 200 - 20 - 150 = 30. The
    optimum builds in T2 (30), and P is closed in T1."""
    raw = periods_micro((2000, 2001), NO_DISCOUNT, plant(investment_cost=150, fixed_cost=20))
    res = Solved(by_period(raw, {"T1": NO_DEMAND, "T2": DEMAND}))
    assert res.objective == pytest.approx(30)
    assert not res.open("P", "T1")
    assert res.built("T2")
    assert res.sold("T2") == pytest.approx(10)


def test_build_early_when_the_discounted_profit_covers_it():
    """Three years of 200 and an investment of 450, r = 0: built in T1, 600 - 450 = 150; in
    T2, 400 - 450 < 0; never, 0. The optimum builds at once: 150."""
    res = Solved(periods_micro((2000, 2001, 2002), NO_DISCOUNT, plant(investment_cost=450)))
    assert res.objective == pytest.approx(150)
    assert res.built("T1")
    assert all(res.open("P", t) for t in ("T1", "T2", "T3"))


@pytest.mark.parametrize(("rate", "when", "npv"), [(0.0, "T1", 100.0), (1.0, "T2", 10.0)])
def test_discounting_flips_the_timing(rate, when, npv):
    """Demand only in T2 (200); building costs 100 in T1 and 180 in T2. Built in T1 (idle
    there): -100 + 200 / (1+r); built in T2: (200 - 180) / (1+r). r = 0: 100 against 20,
    build early; r = 100%: 0 against 10, build late (the money saved by waiting is worth
    more than the dearer plant)."""
    raw = periods_micro((2000, 2001), {"finance": {"discount_rate": rate, "salvage": False}})
    res = Solved(
        by_period(
            raw,
            {"T1": {**NO_DEMAND, **plant(investment_cost=100)},
             "T2": {**DEMAND, **plant(investment_cost=180)}},
        )
    )
    assert res.objective == pytest.approx(npv)
    assert res.built(when)
    assert res.open("P", "T2")


# --- irreversibility and closure ------------------------------------------------------------


@pytest.mark.parametrize(("closure", "closes", "npv"), [(10.0, True, 190.0), (80.0, False, 150.0)])
def test_close_when_demand_falls_unless_closing_costs_more(closure, closes, npv):
    """Demand 10, 10, 0; P costs 100 to build and 50 a year to run. Through T2:
    2 * 150 - 100 = 200; in T3 it either runs idle (-50) or closes (closure cost). Closure
    10: close, 190; closure 80: keep it open, 150."""
    raw = periods_micro(
        (2000, 2001, 2002), NO_DISCOUNT,
        plant(investment_cost=100, fixed_cost=50, closure_cost=closure),
    )
    res = Solved(by_period(raw, {"T3": NO_DEMAND}))
    assert res.objective == pytest.approx(npv)
    assert res.built("T1")
    assert res.closed("T3") is closes
    assert res.open("P", "T3") is not closes


@pytest.mark.parametrize(("investment", "rebuilds", "npv"), [(100.0, False, 150.0), (20.0, True, 260.0)])
def test_reopening_is_a_new_build(investment, rebuilds, npv):
    """Demand 10, 0, 10; P costs 50 a year to run, no closure cost. Kept open through the
    idle T2: 150 - 50 + 150 - I; closed in T2 and built again in T3: 150 + 150 - 2I. I = 100:
    150 against 100, stay open; I = 20: 230 against 260, close and rebuild."""
    raw = periods_micro((2000, 2001, 2002), NO_DISCOUNT, plant(investment_cost=investment, fixed_cost=50))
    res = Solved(by_period(raw, {"T2": NO_DEMAND, "T3": DEMAND}))
    assert res.objective == pytest.approx(npv)
    assert res.open("P", "T2") is not rebuilds
    assert res.closed("T2") is rebuilds
    assert res.built("T3") is rebuilds


def test_existing_asset_needs_no_investment():
    """P exists at the start: its investment cost 1,000 is never paid; two years of 200:
    400, and nothing is built."""
    res = Solved(periods_micro((2000, 2001), NO_DISCOUNT, plant(existing=True, investment_cost=1000)))
    assert res.objective == pytest.approx(400)
    assert not res.built("T1")
    assert not res.built("T2")
    assert res.open("P", "T1")


def test_existing_asset_closes_and_pays_its_closure_cost():
    """P exists, no demand at all, 50 a year to run, closure cost 30: running costs 100
    over the two years, closing at once 30. The optimum closes it in T1: -30."""
    raw = periods_micro(
        (2000, 2001), NO_DISCOUNT, NO_DEMAND, plant(existing=True, fixed_cost=50, closure_cost=30)
    )
    res = Solved(raw)
    assert res.objective == pytest.approx(-30)
    assert res.closed("T1")
    assert not res.open("P", "T1")
    assert not res.open("P", "T2")


@pytest.mark.parametrize(("field", "year", "open_in"), [("available_from", 2001, "T2"),
                                                          ("available_until", 2000, "T1")])
def test_availability_limits_the_periods_an_asset_may_run(field, year, open_in):
    """P exists only from 2001 (or until 2000): it runs in that one period: 200."""
    res = Solved(periods_micro((2000, 2001), NO_DISCOUNT, plant(**{field: year})))
    assert res.objective == pytest.approx(200)
    assert res.open("P", open_in)
    assert not res.open("P", "T1" if open_in == "T2" else "T2")


# --- salvage --------------------------------------------------------------------------------


@pytest.mark.parametrize(("salvage", "npv"), [(True, 250.0), (False, 100.0)])
def test_salvage_credits_the_residual_value(salvage, npv):
    """Two years of 200, investment 300, lifetime 4, r = 0. The horizon ends in 2002, two of
    the four years used: salvage 300 * (1 - 2/4) = 150. NPV 400 - 300 + 150 = 250; without
    salvage 100."""
    raw = periods_micro(
        (2000, 2001), {"finance": {"discount_rate": 0.0, "salvage": salvage}},
        plant(investment_cost=300, lifetime=4),
    )
    res = Solved(raw)
    assert res.objective == pytest.approx(npv)
    assert res.built("T1")


def test_salvage_makes_a_late_investment_pay():
    """Demand only in T2: built in T2, 200 - 300 + salvage 300 * (1 - 1/4) = 125 (without
    salvage it would not pay: -100)."""
    raw = periods_micro(
        (2000, 2001), {"finance": {"discount_rate": 0.0}}, plant(investment_cost=300, lifetime=4)
    )
    res = Solved(by_period(raw, {"T1": NO_DEMAND, "T2": DEMAND}))
    assert res.objective == pytest.approx(125)
    assert res.built("T2")


def test_a_closure_ends_the_salvage_of_the_build():
    """Demand 10, 0; P costs 200 (lifetime 4), 20 a year to run, closes for free. Kept open:
    180 - 20 - 200 + salvage 200 * (1 - 2/4) = 60; closed in T2: 180 - 200 = -20 (no salvage
    for a plant that has closed; were it credited, closing would give 80); never built: 0.
    Kept open: 60."""
    raw = periods_micro(
        (2000, 2001), {"finance": {"discount_rate": 0.0}},
        plant(investment_cost=200, lifetime=4, fixed_cost=20),
    )
    res = Solved(by_period(raw, {"T2": NO_DEMAND}))
    assert res.objective == pytest.approx(60)
    assert res.open("P", "T2")
    assert not res.closed("T2")


# --- capital budgets and equity by period ---------------------------------------------------

# P (F alone, margin 20: 200 a year) and the JV PJ2 (F and G half each, unit cost 12, margin
# 18: 180 a year) each cost 100 to build; F's equity-weighted share of PJ2's is 50.
BUDGET = {
    "firms": {"G": {}},
    "plants": {
        "P": {"investment_cost": 100},
        "PJ2": {"country": "A", "owners": {"F": 0.5, "G": 0.5}, "investment_cost": 100,
                "lines": {"m": {"unit_cost": 12}}},
    },
}


def budgets(t1: float, t2: float) -> dict:
    """F's capital budget by period."""
    return {"T1": {"firms": {"F": {"capital_budget": t1}}},
            "T2": {"firms": {"F": {"capital_budget": t2}}}}


def test_budget_per_period_binds_in_its_period():
    """F's budget is 50 in T1 and 100 in T2. In T1 only PJ2 fits (F's 50): PJ2 for both
    years, 2 * 180 - 100 = 260; P in T2 only: 200 - 100 = 100; PJ2 in T1 and P in T2:
    180 + 200 - 200 = 180. Without the budget P in T1 would give 300. Optimum 260."""
    res = Solved(by_period(periods_micro((2000, 2001), NO_DISCOUNT, BUDGET), budgets(50, 100)))
    assert res.objective == pytest.approx(260)
    assert res.built("T1", name="PJ2")
    assert not res.open("P", "T1")
    assert not res.open("P", "T2")


def test_budget_too_small_in_the_first_period_delays_the_build():
    """F's budget 40 in T1 (below 50: nothing can be built), 100 in T2: P in T2,
    200 - 100 = 100 (PJ2 in T2: 80)."""
    res = Solved(by_period(periods_micro((2000, 2001), NO_DISCOUNT, BUDGET), budgets(40, 100)))
    assert res.objective == pytest.approx(100)
    assert not res.open("P", "T1")
    assert not res.open("PJ2", "T1")
    assert res.built("T2")


# PJ (unit cost 8, margin 22: 220 a year) beside P (200 a year, F alone).
JV = {
    "firms": {"G": {}},
    "plants": {"PJ": {"country": "A", "owners": {"F": 0.5, "G": 0.5}, "investment_cost": 100,
                      "lines": {"m": {"unit_cost": 8}}}},
}


def test_profits_and_outlays_are_shared_by_the_period_equity():
    """Without P: PJ is 50/50 in T1 and 20/80 in T2; the alliance runs PJ both years:
    440 - 100 = 340. F gets 0.5 * 220 + 0.2 * 220 less half the T1 investment: 154 - 50 =
    104; G 110 + 176 - 50 = 236."""
    raw = periods_micro((2000, 2001), NO_DISCOUNT, JV, {"plants": {"P": None}})
    res = Solved(by_period(raw, {"T2": {"plants": {"PJ": {"owners": {"F": 0.2, "G": 0.8}}}}}))
    assert res.objective == pytest.approx(340)
    assert res.firm_npv("F") == pytest.approx(104)
    assert res.firm_npv("G") == pytest.approx(236)


def test_a_firm_objective_follows_its_equity_over_time():
    """firm:F without participation, PJ without investment: 20% F in T1, 100% in T2. F earns
    200 from P against 44 from PJ in T1, 200 against 220 in T2: P in T1 and PJ in T2, 420."""
    raw = periods_micro((2000, 2001), NO_DISCOUNT, JV, {"plants": {"PJ": {"investment_cost": 0}}})
    res = Solved(
        by_period(raw, {"T1": {"plants": {"PJ": {"owners": {"F": 0.2, "G": 0.8}}}},
                        "T2": {"plants": {"PJ": {"owners": {"F": 1.0, "G": None}}}}}),
        objective="firm:F", participation=False,
    )
    assert res.objective == pytest.approx(420)
    assert res.sold("T1", "P") == pytest.approx(10)
    assert res.sold("T2", "PJ") == pytest.approx(10)


def test_participation_holds_over_the_whole_horizon():
    """PJ 30% F, 70% G, no investment; F asks 100 a year (200 over the two years) under the
    alliance objective. With x_t units at PJ, F earns 200 - 13.4 x_t a year (as in
    tests/model/test_ownership.py) and the alliance 200 + 2 x_t: x_1 + x_2 <= 200 / 13.4,
    NPV 400 + 2 * 200 / 13.4 = 2 * (200 + 2x) with x = 100 / 13.4, F exactly 200."""
    raw = periods_micro((2000, 2001), NO_DISCOUNT, JV,
                        {"plants": {"PJ": {"investment_cost": 0, "owners": {"F": 0.3, "G": 0.7}}},
                         "firms": {"F": {"reservation_profit": 100}}})
    res = Solved(raw)
    x = 100 / 13.4
    assert res.objective == pytest.approx(2 * (200 + 2 * x))
    assert res.firm_npv("F") == pytest.approx(200)


def test_firm_objective_keeps_the_partner_at_its_stand_alone_value():
    """firm:F with participation: G alone owns PG, the only maker of g (market N: 10 units at
    25, unit cost 5: 200 a year). G's stand-alone NPV is 400; F's optimum (P, 400) leaves
    PG free, and the tie-break for the alliance runs PG: G gets 400."""
    raw = periods_micro(
        (2000, 2001), NO_DISCOUNT,
        {"firms": {"G": {}}, "products": {"g": {"tier": "medium", "firm": "G"}},
         "plants": {"PG": {"country": "A", "owners": {"G": 1.0}, "lines": {"g": {"unit_cost": 5}}}},
         "markets": {"N": {"country": "A", "demand": {"g": {"quantity": 10, "price": 25}}}}},
    )
    res = Solved(raw, objective="firm:F")
    assert res.objective == pytest.approx(400)
    assert res.firm_npv("G") == pytest.approx(400)


# --- foresight ------------------------------------------------------------------------------


@pytest.mark.parametrize(("foresight", "npv", "builds"), [("perfect", 100.0, True), ("myopic", 0.0, False)])
def test_myopic_foresight_misses_an_investment_that_pays_over_two_periods(foresight, npv, builds):
    """P costs 300 and earns 200 a year, r = 0, no salvage. Perfect foresight: built in T1,
    400 - 300 = 100. Myopic: in T1, seeing only T1, 200 - 300 < 0: not built (fixed); in T2,
    200 - 300 < 0 again: never built, 0."""
    res = Solved(periods_micro((2000, 2001), NO_DISCOUNT, plant(investment_cost=300)),
                 foresight=foresight)
    assert res.objective == pytest.approx(npv)
    assert res.built("T1") is builds
    assert res.open("P", "T2") is builds


def test_myopic_foresight_with_salvage_sees_the_residual_value():
    """The same with salvage (lifetime 10): myopic in T1, 200 - 300 + 300 * (1 - 1/10) = 170
    > 0: built; in T2 (T1 fixed) 400 - 300 + 300 * (1 - 2/10) = 340, as perfect foresight."""
    raw = periods_micro((2000, 2001), {"finance": {"discount_rate": 0.0}}, plant(investment_cost=300))
    myopic = Solved(raw, foresight="myopic")
    perfect = Solved(raw)
    assert myopic.objective == pytest.approx(340)
    assert perfect.objective == pytest.approx(340)
    assert myopic.built("T1")


def test_unknown_foresight_is_refused():
    with pytest.raises(InstanceError, match="foresight"):
        Solved(periods_micro((2000, 2001)), foresight="clairvoyant")


# --- assets other than plants -----------------------------------------------------------------


def test_a_line_is_an_asset_of_its_plant():
    """The investment sits on P's line (150), not the plant: as for the plant, built once in
    T1, 400 - 150 = 250, the outlay in P's NPV."""
    res = Solved(periods_micro((2000, 2001), NO_DISCOUNT,
                               {"plants": {"P": {"lines": {"m": {"investment_cost": 150}}}}}))
    assert res.objective == pytest.approx(250)
    assert res.built("T1", kind="line", sub="m")
    assert not res.built("T2", kind="line", sub="m")
    assert res.npv("P") == pytest.approx(250)


def test_a_channel_is_an_asset_built_when_it_pays():
    """All sales go through channel H (margin 10%: P keeps 27 a unit, H gets 3), which costs
    100 to build and 5 a year to run. Demand only in T2: H is built in T2 (built in T1 it
    would run idle for 5 more): P earns 270 - 100 = 170, H 30 - 5 - 100 = -75; the
    alliance 300 - 100 - 5 - 100 = 95 (the plant's line costs 10 a unit: P's 270 - 100 is
    its sales less unit costs)."""
    raw = periods_micro((2000, 2001), NO_DISCOUNT,
                        {"channels": {"H": {"owners": {"F": 1.0}, "markets": ["M"], "fixed_cost": 5,
                                            "margin_rate": 0.1, "investment_cost": 100}}})
    res = Solved(by_period(raw, {"T1": NO_DEMAND, "T2": DEMAND}))
    assert res.objective == pytest.approx(95)
    assert res.built("T2", kind="channel", name="H")
    assert not res.built("T1", kind="channel", name="H")
    assert res.npv("H") == pytest.approx(-75)
    assert res.npv("P") == pytest.approx(170)


def test_myopic_firm_objective_needs_no_participation():
    """Myopic with firm:F: without participation each step maximises F's NPV (P: 400 over
    the two years); with participation it is refused (the stand-alone values would need
    myopic paths of their own)."""
    raw = periods_micro((2000, 2001), NO_DISCOUNT, {"firms": {"G": {}}})
    res = Solved(raw, foresight="myopic", objective="firm:F", participation=False)
    assert res.objective == pytest.approx(400)
    with pytest.raises(InstanceError, match="works without participation"):
        Solved(raw, foresight="myopic", objective="firm:F")
