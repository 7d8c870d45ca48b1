"""Family 11, ownership, profits and the objective: equity weights, participation, budgets."""

from __future__ import annotations

import pytest

import gpnopt
from gpnopt.errors import InstanceError
from gpnopt.solver import ScenarioSolver

from .conftest import MIP_GAP, merge, micro, plant_open, plant_profit, produced, solve

# Two plants for M (10 units at 30): P owned by F alone (unit cost 10, margin 20 per unit)
# and the joint venture PJ, 30% F and 70% G (unit cost 8, margin 22 per unit).
# Per unit, F earns 20 from P and 0.3 * 22 = 6.6 from PJ; G earns 0.7 * 22 = 15.4 from PJ.
JV = {
    "firms": {"G": {}},
    "plants": {
        "PJ": {"country": "A", "owners": {"F": 0.3, "G": 0.7}, "lines": {"m": {"unit_cost": 8}}},
    },
}


def test_alliance_objective_picks_the_jv():
    # Alliance: total profit, PJ's 22 > P's 20: PJ makes 10: 220 (F 66, G 154).
    res = solve(micro(JV))
    assert res.objective == pytest.approx(220)
    assert produced(res, "PJ") == pytest.approx(10)
    assert res.firm_profit["F"] == pytest.approx(66)
    assert res.firm_profit["G"] == pytest.approx(154)


def test_firm_objective_picks_the_wholly_owned_plant():
    # firm:F: F earns 20 per unit from P but only 6.6 from PJ: P makes 10: F's profit 200
    # (G 0). Equity weights change the decision.
    res = solve(micro(JV), objective="firm:F")
    assert res.objective == pytest.approx(200)
    assert res.objective_mode == "firm:F"
    assert produced(res, "P") == pytest.approx(10)
    assert produced(res, "PJ") == pytest.approx(0)
    assert res.firm_profit["F"] == pytest.approx(200)
    assert res.firm_profit["G"] == pytest.approx(0)


def test_firm_objective_from_the_instance():
    # The same through the instance's objective section: firm:G prefers PJ: G's 154. This is
    # the reading "G decides everything" (participation=False): with participation, F's
    # stand-alone 200 binds and G gets 0 (tests/model/test_profit_floors.py).
    res = solve(micro(JV, {"objective": {"mode": "firm:G"}}), participation=False)
    assert res.objective == pytest.approx(154)
    assert produced(res, "PJ") == pytest.approx(10)


def test_alliance_of_named_firms_counts_their_equity_only():
    # alliance with firms [F]: maximise F's equity-weighted profit, as firm:F: 200.
    res = solve(micro(JV, {"objective": {"firms": ["F"]}}))
    assert res.objective == pytest.approx(200)
    assert produced(res, "P") == pytest.approx(10)


def test_unknown_objective_firm_is_refused():
    with pytest.raises(InstanceError, match="objective"):
        solve(micro(JV), objective="firm:X")


def test_participation_of_partner_binds_firm_objective():
    # Binding: under firm:F, G must earn at least 100. With x units at PJ and 10 - x at P,
    # G earns 15.4x >= 100 and F 20(10 - x) + 6.6x = 200 - 13.4x, so F gives PJ the least
    # x = 100 / 15.4: F's profit 200 - 13.4 * 100 / 15.4 = 112.987...
    x = 100 / 15.4
    res = solve(micro(JV, {"firms": {"G": {"reservation_profit": 100}}}), objective="firm:F")
    assert res.objective == pytest.approx(200 - 13.4 * x)
    assert produced(res, "PJ") == pytest.approx(x)
    assert produced(res, "P") == pytest.approx(10 - x)
    assert res.firm_profit["G"] == pytest.approx(100)


def test_participation_already_met_does_not_bind():
    # Not binding: G's reservation profit 0 is met by G earning nothing: F's 200 as before.
    res = solve(micro(JV, {"firms": {"G": {"reservation_profit": 0}}}), objective="firm:F")
    assert res.objective == pytest.approx(200)
    assert produced(res, "P") == pytest.approx(10)


def test_participation_binds_alliance_objective():
    # Binding: the alliance prefers PJ (F would get 66), but F asks for 100:
    # 200 - 13.4x >= 100 gives x <= 100 / 13.4; the total 20(10 - x) + 22x = 200 + 2x is
    # largest at that x: 200 + 200 / 13.4 = 214.925...
    x = 100 / 13.4
    res = solve(micro(JV, {"firms": {"F": {"reservation_profit": 100}}}))
    assert res.objective == pytest.approx(200 + 2 * x)
    assert produced(res, "PJ") == pytest.approx(x)
    assert res.firm_profit["F"] == pytest.approx(100)


# Capital: P (F alone, margin 20) needs 100; the JV PJ2 (F and G half each, unit cost 12,
# margin 18) needs 100 too, F's equity-weighted share being 50. The plant that opens also
# bears its capital charge, the yearly annuity of 100 at the default 8% over the default
# 10 years (issue 13: investment counts in profit): CHARGE = 14.902949... a year. It
# moves the objectives below by CHARGE; no decision moves (P: 200 - CHARGE, PJ2: 180 - CHARGE).
CHARGE = 100 * 0.08 / (1 - 1.08**-10)
BUDGET = {
    "firms": {"G": {}},
    "plants": {
        "P": {"investment_cost": 100},
        "PJ2": {
            "country": "A",
            "owners": {"F": 0.5, "G": 0.5},
            "investment_cost": 100,
            "lines": {"m": {"unit_cost": 12}},
        },
    },
}


def test_capital_budget_excludes_wholly_owned_plant():
    # Binding: F's budget 50 < P's 100, but F's half of PJ2 (50) fits: PJ2 serves: 180.
    res = solve(micro(BUDGET, {"firms": {"F": {"capital_budget": 50}}}))
    assert res.objective == pytest.approx(180 - CHARGE)
    assert plant_open(res, "PJ2")
    assert not plant_open(res, "P")


def test_capital_budget_large_enough_does_not_bind():
    # Not binding: budget 100 pays for P: 200 - CHARGE.
    res = solve(micro(BUDGET, {"firms": {"F": {"capital_budget": 100}}}))
    assert res.objective == pytest.approx(200 - CHARGE)
    assert plant_open(res, "P")
    assert produced(res, "P") == pytest.approx(10)


def test_capital_budget_too_small_for_any_plant():
    # Binding to the end: budget 40 < 50: nothing opens: 0.
    res = solve(micro(BUDGET, {"firms": {"F": {"capital_budget": 40}}}))
    assert res.objective == pytest.approx(0)
    assert not plant_open(res, "P")
    assert not plant_open(res, "PJ2")


def test_partner_budget_binds_the_jv():
    # Binding for G: G's budget 40 < its half of PJ2 (50); F's budget 50 excludes P: no
    # plant can open: 0. (Compare test_capital_budget_excludes_wholly_owned_plant: 180.)
    res = solve(
        micro(BUDGET, {"firms": {"F": {"capital_budget": 50}, "G": {"capital_budget": 40}}})
    )
    assert res.objective == pytest.approx(0)
    assert not plant_open(res, "PJ2")


def test_line_investment_counts_in_budget():
    # Binding: the investment sits on P's line instead of the plant: still 100 > 50:
    # PJ2 serves: 180 - CHARGE.
    res = solve(
        micro(
            BUDGET,
            {
                "plants": {"P": {"investment_cost": 0, "lines": {"m": {"investment_cost": 100}}}},
                "firms": {"F": {"capital_budget": 50}},
            },
        )
    )
    assert res.objective == pytest.approx(180 - CHARGE)
    assert produced(res, "PJ2") == pytest.approx(10)


def test_firm_objective_breaks_ties_for_the_alliance():
    # firm:F. G alone owns PG, the only plant that may make product g (market N buys 10
    # at 25, unit cost 5: margin 20 per unit for G, nothing for F). F's optimum (200 from
    # P) does not depend on PG, so F's objective alone leaves PG's decision free; the second
    # stage maximises the alliance among F's optima: PG makes 10, G earns 200.
    raw = micro(
        {
            "firms": {"G": {}},
            "products": {"g": {"tier": "medium", "firm": "G"}},
            "plants": {"PG": {"country": "A", "owners": {"G": 1.0}, "lines": {"g": {"unit_cost": 5}}}},
            "markets": {"N": {"country": "A", "demand": {"g": {"quantity": 10, "price": 25}}}},
        }
    )
    res = solve(raw, objective="firm:F")
    assert res.objective == pytest.approx(200)
    assert produced(res, "PG") == pytest.approx(10)
    assert res.firm_profit["G"] == pytest.approx(200)


# --- the one-period annuity (issue 13) ------------------------------------------------------
# annuity(r, n) = r / (1 - (1+r)^-n); at 10% over 5 years 0.263797..., at r = 0 1/n.
ANNUITY_10_5 = 0.1 / (1 - 1.1**-5)


def test_capital_charge_binding_closes_the_plant():
    # Binding: P's investment 1,000 at 10% over 5 years costs 263.80 a year, more than its
    # 200: P stays closed: 0.
    res = solve(micro({"finance": {"discount_rate": 0.1},
                       "plants": {"P": {"investment_cost": 1000, "lifetime": 5}}}))
    assert res.objective == pytest.approx(0)
    assert not plant_open(res, "P")


def test_capital_charge_not_binding_lowers_the_profit():
    # Not binding: 500 costs 131.90 a year: P opens: 200 - 131.90 = 68.10, in P's own cost.
    res = solve(micro({"finance": {"discount_rate": 0.1},
                       "plants": {"P": {"investment_cost": 500, "lifetime": 5}}}))
    assert res.objective == pytest.approx(200 - 500 * ANNUITY_10_5)
    assert plant_open(res, "P")
    assert plant_profit(res, "P") == pytest.approx(200 - 500 * ANNUITY_10_5)


def test_capital_charge_uses_the_default_lifetime_and_zero_rate():
    # r = 0 and finance.asset_lifetime 4: the line's 400 costs 100 a year: 200 - 100 = 100.
    res = solve(micro({"finance": {"discount_rate": 0.0, "asset_lifetime": 4},
                       "plants": {"P": {"lines": {"m": {"investment_cost": 400}}}}}))
    assert res.objective == pytest.approx(100)


def test_existing_asset_carries_no_capital_charge():
    # The same plant as in the binding test, existing: no charge: 200.
    res = solve(micro({"finance": {"discount_rate": 0.1},
                       "plants": {"P": {"investment_cost": 1000, "lifetime": 5, "existing": True}}}))
    assert res.objective == pytest.approx(200)
    assert plant_open(res, "P")


def test_a_persistent_re_solve_updates_the_participation_rows():
    # The participation row holds F's profit, so its coefficients are prices and costs: a
    # ScenarioSolver re-solves a new unit cost on the kept model with the row's new
    # coefficients (gpnopt.solver.row_updates). At PJ's unit cost 6 (margin 24) F earns
    # 20 (10 - x) + 0.3 * 24 x = 200 - 12.8 x >= 100, so x <= 100 / 12.8 = 7.8125, and the
    # alliance 200 + 4x = 231.25 (a kept row would still read 200 - 13.4 x: x = 7.46).
    raw = micro(JV, {"firms": {"F": {"reservation_profit": 100}}})
    solver = ScenarioSolver(mip_gap=MIP_GAP)
    assert solver.solve(gpnopt.instance_from_dict(raw, name="micro")).objective == (
        pytest.approx(200 + 2 * 100 / 13.4)
    )
    cheaper = gpnopt.instance_from_dict(
        merge(raw, {"plants": {"PJ": {"lines": {"m": {"unit_cost": 6}}}}}), name="micro"
    )
    res = solver.solve(cheaper)
    assert solver.persistent == 1
    assert res.objective == pytest.approx(231.25)
    assert produced(res, "PJ") == pytest.approx(7.8125)
    assert res.firm_profit["F"] == pytest.approx(100)
