"""Family 12, the coalition restriction: what a coalition may use on its own.

Values v(S) come from :class:`gpnopt.solver.CoalitionSolver` (column bounds on one kept
model); each is derived by hand from the micro-instance of conftest (market M: 10 units of m
at 30).
"""

from __future__ import annotations

import pytest

import gpnopt
from gpnopt.data import build_data
from gpnopt.errors import InstanceError
from gpnopt.model.coalition import closed_for, usable_entity
from gpnopt.solver import CoalitionSolver

from .conftest import MIP_GAP, micro

# P owned by F alone (unit cost 10: 20 a unit); the JV PJ, F 30% and G 70% (unit cost 8: 22 a
# unit, F 6.6 and G 15.4).
JV = {
    "firms": {"G": {}},
    "plants": {
        "PJ": {"country": "A", "owners": {"F": 0.3, "G": 0.7}, "lines": {"m": {"unit_cost": 8}}},
    },
}


def values(raw, coalitions):
    solver = CoalitionSolver(gpnopt.instance_from_dict(raw, name="micro"), mip_gap=MIP_GAP)
    return {tuple(c): solver.solve(c).objective for c in coalitions}


def test_a_jv_runs_only_with_all_its_owners():
    # {F}: PJ needs G, so P alone: 200. {G}: PJ needs F and P is F's: 0. {F, G}: PJ makes the
    # 10 (22 > 20): 220, all of it equity-weighted (0.3 + 0.7 = 1).
    v = values(micro(JV), [["F"], ["G"], ["F", "G"]])
    assert v["F",] == pytest.approx(200)
    assert v["G",] == pytest.approx(0, abs=1e-6)
    assert v["F", "G"] == pytest.approx(220)


def test_a_jv_that_may_run_without_its_minority_owner():
    # runs_without [F] (and m no firm's design): in {G}, PJ runs; G keeps its 70%:
    # 10 * 15.4 = 154 (F's 30% is a silent partner's, not G's). {F} is unchanged (PJ may not
    # run without G): 200.
    raw = micro(JV, {"plants": {"PJ": {"runs_without": ["F"]}}, "products": {"m": {"firm": None}}})
    v = values(raw, [["F"], ["G"]])
    assert v["G",] == pytest.approx(154)
    assert v["F",] == pytest.approx(200)


def test_a_product_design_belongs_to_its_firm():
    # G's own plant PG could make m (unit cost 10), but m is F's design: {G} gets 0. Without
    # a designing firm PG may make it: 10 * 20 = 200.
    raw = micro({"firms": {"G": {}}, "plants": {"PG": {"country": "A", "owners": {"G": 1.0},
                                                       "lines": {"m": {"unit_cost": 10}}}}})
    assert values(raw, [["G"]])["G",] == pytest.approx(0, abs=1e-6)
    raw["products"]["m"].pop("firm")
    assert values(raw, [["G"]])["G",] == pytest.approx(200)


def test_a_channel_of_a_firm_outside_is_closed():
    # P (F's) sells only through C: C owned by G is closed to {F} (0); a channel without owners
    # is everyone's: 200.
    own = micro({"firms": {"G": {}}, "channels": {"C": {"owners": {"G": 1.0}, "markets": ["M"]}}})
    assert values(own, [["F"]])["F",] == pytest.approx(0, abs=1e-6)
    free = micro({"firms": {"G": {}}, "channels": {"C": {"markets": ["M"]}}})
    assert values(free, [["F"]])["F",] == pytest.approx(200)


def test_supplier_access_through_a_firm_outside_is_closed():
    # m needs 2 parts; S1 sells at 3 to anyone, S2 at 2 only to plants with G's equity. PJ
    # (F 50, G 50, may run without G; unit cost 10) is the only plant. In {F, G}: S2, 20 parts
    # at 2: 10 * 20 - 40 = 160 (F 80, G 80). In {F}: S2's access through G is gone: S1 at 3:
    # F's half of 200 - 60 = 70.
    raw = {
        "name": "micro",
        "countries": {"A": {}},
        "firms": {"F": {}, "G": {}},
        "components": {"part": {}},
        "products": {"m": {"tier": "medium", "bom": {"part": 2}}},
        "plants": {"PJ": {"country": "A", "owners": {"F": 0.5, "G": 0.5}, "runs_without": ["G"],
                          "lines": {"m": {"unit_cost": 10}}}},
        "suppliers": {
            "S1": {"country": "A", "components": {"part": {"unit_price": 3}}},
            "S2": {"country": "A", "access": {"firms": ["G"]},
                   "components": {"part": {"unit_price": 2}}},
        },
        "markets": {"M": {"country": "A", "demand": {"m": {"quantity": 10, "price": 30}}}},
    }
    v = values(raw, [["F"], ["F", "G"]])
    assert v["F", "G"] == pytest.approx(160)
    assert v["F",] == pytest.approx(70)
    closed = closed_for(build_data(gpnopt.instance_from_dict(raw, name="micro")), ["F"])
    assert closed.columns["v_flow"] == [("part", "S2", "PJ")]
    assert closed.columns["v_is_open"] == []


def test_usable_entity_rule():
    assert usable_entity({"F": 0.5, "G": 0.5}, (), ["F", "G"])
    assert not usable_entity({"F": 0.5, "G": 0.5}, (), ["F"])
    assert usable_entity({"F": 0.5, "G": 0.5}, ["G"], ["F"])
    assert not usable_entity({"F": 1.0}, (), ["G"])
    assert usable_entity({}, (), ["G"])  # a third party's entity


def test_runs_without_must_name_an_owner():
    raw = micro(JV, {"plants": {"PJ": {"runs_without": ["H"]}}})
    with pytest.raises(InstanceError, match=r"plants\.PJ.*runs_without.*'H'"):
        gpnopt.instance_from_dict(raw, name="micro")


def test_unknown_firm_in_a_coalition_is_refused():
    solver = CoalitionSolver(gpnopt.instance_from_dict(micro(JV), name="micro"))
    with pytest.raises(InstanceError, match="unknown firm.*X"):
        solver.solve(["X"])


def test_market_minimums_hold_for_the_whole_network_only():
    # M must be served in full (min_served 1). {G} alone has no usable plant: held to the
    # minimum it would be infeasible; a coalition short of a firm is not held to it: 0. The
    # whole network is: {F, G} 220 as before (PJ serves the 10), and so is {F}: P's 200.
    raw = micro(JV, {"markets": {"M": {"demand": {"m": {"min_served": 1.0}}}}})
    v = values(raw, [["G"], ["F"], ["F", "G"], ["G"]])
    assert v["G",] == pytest.approx(0, abs=1e-6)
    assert v["F",] == pytest.approx(200)
    assert v["F", "G"] == pytest.approx(220)
