"""Family 13, profit floors, and the participation of a firm objective built on them.

Micro-instance (conftest): market M buys 10 units of m at 30. P owned by F (unit cost 10: 20 a
unit); the JV PJ, F 30% and G 70% (unit cost 8: 22 a unit, F 6.6 and G 15.4). With x units at
PJ and 10 - x at P: F earns 200 - 13.4x, G earns 15.4x.
"""

from __future__ import annotations

import pytest

import gpnopt
from gpnopt.data import build_data
from gpnopt.errors import InstanceError, SolveError
from gpnopt.model import build_model
from gpnopt.model.profit_floors import add_profit_floors
from gpnopt.solver import CoalitionSolver, run_highs

from .conftest import MIP_GAP, micro, produced, solve

JV = {
    "firms": {"G": {}},
    "plants": {
        "PJ": {"country": "A", "owners": {"F": 0.3, "G": 0.7}, "lines": {"m": {"unit_cost": 8}}},
    },
}


def solve_with_floors(raw, objective, floors):
    model = build_model(build_data(gpnopt.instance_from_dict(raw, name="micro")), objective)
    add_profit_floors(model, floors)
    return run_highs(model, mip_gap=MIP_GAP), model


def test_floor_binds():
    # firm:F with G >= 100: 15.4x >= 100, F's best is the least x = 100 / 15.4: F earns
    # 200 - 13.4 * 100 / 15.4 = 112.987...
    x = 100 / 15.4
    outcome, model = solve_with_floors(micro(JV), "firm:F", {"G": 100})
    assert outcome.objective == pytest.approx(200 - 13.4 * x)
    assert model.v_sales["PJ", "m", "direct", "M"].value == pytest.approx(x)


def test_floor_not_binding():
    # G >= 0 is met with G earning nothing: F's 200 from P.
    outcome, _ = solve_with_floors(micro(JV), "firm:F", {"G": 0})
    assert outcome.objective == pytest.approx(200)


def test_floor_on_the_persistent_solver_matches_a_fresh_build():
    solver = CoalitionSolver(gpnopt.instance_from_dict(micro(JV), name="micro"), mip_gap=MIP_GAP)
    got = solver.solve(["F", "G"], objective_firms=["F"], floors={"G": 100})
    assert got.objective == pytest.approx(200 - 13.4 * 100 / 15.4)
    assert got.firm_profit["G"] == pytest.approx(100)
    # the floor is lifted again for the next solve
    assert solver.solve(["F", "G"], objective_firms=["F"]).objective == pytest.approx(200)


def test_floor_for_an_unknown_firm_is_refused():
    with pytest.raises(InstanceError, match="unknown firm"):
        solve_with_floors(micro(JV), "firm:F", {"X": 0})


def test_participation_binds_a_firm_objective():
    # firm:G: alone, G could decide PJ makes the 10 (G 154, F 66). But F alone earns
    # v({F}) = 200 with P, so F's floor 200 allows x = 0 only: G gets 0, F 200.
    res = solve(micro(JV), objective="firm:G")
    assert res.objective == pytest.approx(0, abs=1e-3)
    assert res.firm_profit["F"] == pytest.approx(200)
    assert produced(res, "P") == pytest.approx(10, abs=1e-4)
    # Without participation G decides everything: 154.
    old = solve(micro(JV), objective="firm:G", participation=False)
    assert old.objective == pytest.approx(154)


def test_participation_not_binding():
    # firm:F: G alone earns 0 (PJ needs F), a floor F's best (P, G 0) already meets: 200.
    res = solve(micro(JV), objective="firm:F")
    assert res.objective == pytest.approx(200)
    assert res.firm_profit["G"] == pytest.approx(0, abs=1e-6)


def test_participation_that_no_network_meets_is_reported():
    # G and H own a plant each (margin 15 a unit): alone each sells the 10 units: 150. Under
    # firm:F both floors of 150 need 20 units of a market of 10: infeasible, said so.
    raw = micro({
        "firms": {"G": {}, "H": {}},
        "products": {"m": {"firm": None}},
        "plants": {
            "PG": {"country": "A", "owners": {"G": 1.0}, "lines": {"m": {"unit_cost": 15}}},
            "PH": {"country": "A", "owners": {"H": 1.0}, "lines": {"m": {"unit_cost": 15}}},
        },
    })
    inst = gpnopt.instance_from_dict(raw, name="micro")
    with pytest.raises(SolveError, match="stand-alone value") as info:
        gpnopt.solve(inst, objective="firm:F", mip_gap=MIP_GAP)
    assert info.value.exit_code == 3
