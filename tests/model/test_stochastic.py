"""Family 26, two-stage stochastic programs: hand-derived optima of the extensive form.

The newsvendor of capacity. The base micro-instance (``tests/model/conftest.py``) with P's
line of m at a unit cost of 20 (each unit sold at 30 earns 10), a line capacity of 50 and an
expansion of modules of 10 units at 40 a year each (no investment, so no capital charge):
the capacity Q = 50 + 10 n is chosen first (n modules, first stage), the demand D of M is
uncertain, and the sales min(D, Q) follow (second stage). Scenario profit
z(n, D) = 10 * min(D, 50 + 10 n) - 40 n. A module pays when the chance that demand uses
its 10 units, P(D >= Q + 10), times 10 * 10 exceeds 40: P(D > Q) >= 0.4.

* D in {60, 60, 60, 140}, equally likely (binding): a module beyond Q = 60 is used in one
  scenario of four (25 < 40), so n* = 1 (Q = 60) and the expected profit is
  10 * 60 - 40 = 560. The mean-value scenario (D = 80) would take n = 3 (Q = 80: each of
  the three modules earns 100 - 40), worth under the distribution
  10 * (60 + 60 + 60 + 80) / 4 - 120 = 530: the value of the stochastic solution is 30.
  Each scenario on its own takes n = 1 (560) or n = 9 (1400 - 360 = 1040): wait-and-see
  (3 * 560 + 1040) / 4 = 680, so the EVPI is 680 - 560 = 120.
* One scenario D = 100 (not binding: nothing to anticipate): n = 5, 1000 - 200 = 800,
  the deterministic optimum.
* D in {60, 140}, equally likely: risk neutral, a module beyond 60 is used half the time
  (50 > 40): n = 9, (600 + 1400) / 2 - 360 = 640. With a CVaR term of alpha = 0.5 and
  weight 1 the objective is the worse scenario's profit: n = 9 gives 600 - 360 = 240,
  n = 1 gives 560 in both: n* = 1, value 560 (the risk term changes the design).
* A fixed design (n = 3) on D = 100: 10 * 80 - 120 = 680.
"""

from __future__ import annotations

import pytest

import gpnopt
from gpnopt.data import build_data
from gpnopt.model.stochastic import (
    FIRST_STAGE_FAMILIES,
    build_extensive_form,
    design_key,
    first_stage_variables,
)
from gpnopt.solver import solve_design, solve_extensive_form

from .conftest import MIP_GAP, micro

MODULES = "expansions:line:P:m"


def newsvendor(demand: float) -> gpnopt.Instance:
    """The newsvendor micro-instance (module docstring) with demand ``demand``."""
    raw = micro({
        "plants": {"P": {"lines": {"m": {
            "unit_cost": 20, "capacity": 50,
            "expansion": {"module": 10, "fixed_cost": 40, "max_modules": 10}}}}},
        "markets": {"M": {"demand": {"m": {"quantity": demand, "price": 30}}}},
    })
    return gpnopt.instance_from_dict(raw, name="newsvendor")


def test_keys_name_each_first_stage_decision():
    m_data = build_data(newsvendor(100))
    m = build_extensive_form([m_data])
    keys = list(m.__dict__["first_stage"])
    assert keys == ["plants:P", "lines:P:m", MODULES]
    assert design_key("expansions", "v_funded", "P") == "expansions:funded:P"
    only_lines = first_stage_variables(m.scenario[0], ["lines"])
    assert list(only_lines) == ["lines:P:m"]
    assert set(FIRST_STAGE_FAMILIES) == {"plants", "lines", "in_house", "channels", "offices",
                                         "expansions"}


def test_nonanticipativity_binds():
    # Binding: the shared capacity is n = 1 (560), not the mean scenario's n = 3.
    sol = solve_extensive_form([newsvendor(d) for d in (60, 60, 60, 140)], mip_gap=MIP_GAP)
    assert sol.design[MODULES] == 1
    assert sol.objective == pytest.approx(560)
    assert sol.expected_profit == pytest.approx(560)
    assert sol.scenario_profits == pytest.approx([560, 560, 560, 560])
    mean = solve_extensive_form([newsvendor(80)], mip_gap=MIP_GAP)
    assert mean.design[MODULES] == 3
    fixed = solve_extensive_form([newsvendor(d) for d in (60, 60, 60, 140)],
                                 design=mean.design, mip_gap=MIP_GAP)
    assert fixed.objective == pytest.approx(530)  # VSS = 560 - 530 = 30
    own = [solve_design(newsvendor(d), None, mip_gap=MIP_GAP).outcome.objective
           for d in (60, 140)]
    assert own == pytest.approx([560, 1040])  # wait-and-see (3 * 560 + 1040) / 4 = 680


def test_one_scenario_is_the_deterministic_optimum():
    # Not binding: one scenario, nothing to anticipate: n = 5, 800, as gpnopt.solve.
    inst = newsvendor(100)
    sol = solve_extensive_form([inst], mip_gap=MIP_GAP)
    assert sol.design[MODULES] == 5
    assert sol.objective == pytest.approx(800)
    assert gpnopt.solve(inst, mip_gap=MIP_GAP).objective == pytest.approx(800)


def test_cvar_term_changes_the_design():
    scenarios = [newsvendor(d) for d in (60, 140)]
    neutral = solve_extensive_form(scenarios, mip_gap=MIP_GAP)
    assert neutral.design[MODULES] == 9
    assert neutral.objective == pytest.approx(640)
    averse = solve_extensive_form(scenarios, risk=(0.5, 1.0), mip_gap=MIP_GAP)
    assert averse.design[MODULES] == 1
    assert averse.objective == pytest.approx(560)
    assert averse.cvar == pytest.approx(560)


def test_fixed_design_optimises_the_second_stage_only():
    design = {"plants:P": 1, "lines:P:m": 1, MODULES: 3}
    solved = solve_design(newsvendor(100), design, mip_gap=MIP_GAP)
    assert solved.outcome.objective == pytest.approx(680)
    closed = solve_design(newsvendor(100), {}, mip_gap=MIP_GAP)  # nothing open
    assert closed.outcome.objective == pytest.approx(0)
