"""Family 1's sales links summed over the channels into a market (gpnopt.model.market_links):
micro-instances whose LP relaxation the row closes, and the shadow prices without it."""

from __future__ import annotations

import pytest

import gpnopt
from gpnopt.data import build_data
from gpnopt.model import DERIVED_ROWS, build_model

from .conftest import line_open, lp_bound, micro, produced, solve

SMALL = dict(countries=4, firms=2, plants=6, products=5, components=6, suppliers=8, markets=8)
PRICED_SUM = 887.3802
"""The sum of the shadow prices of explain's priced families on generate(0, **SMALL), as
main gave them before the derived rows (commit b7b6b97)."""


# Two channels, D1 and D2 (no costs, no margin), both reach market M: P's line can sell its
# 10 units through either. Family 1's row per arc (sales <= 10 * v_line_open on each) lets the
# LP relaxation open the line at 1/2 and still sell 5 + 5 units; line_market_link sums the
# two channels, so the relaxation pays the whole fixed cost for them.
TWO_CHANNELS = {
    "channels": {
        "D1": {"owners": {"F": 1.0}, "markets": ["M"]},
        "D2": {"owners": {"F": 1.0}, "markets": ["M"]},
    }
}


def test_market_link_binding():
    # Fixed cost 150 below the margin 10 * 20 = 200: the line opens, profit 50. The LP
    # relaxation: 20 * s - 150 * x with s <= 10 * x gives 50 * x, at most 50 (x = 1): the
    # optimum itself. With a row per arc it was 200 - 150 / 2 = 125 (x = 1/2, 5 units each way).
    raw = micro(TWO_CHANNELS, {"plants": {"P": {"lines": {"m": {"fixed_cost": 150}}}}})
    res = solve(raw)
    assert res.objective == pytest.approx(50)
    assert line_open(res, "P")
    assert produced(res, "P") == pytest.approx(10)
    assert lp_bound(raw) == pytest.approx(50)


def test_market_link_not_binding():
    # Fixed cost 250 above the margin 200: nothing opens, profit 0; the relaxation's 50 - 100
    # per unit of x is negative, so its bound is 0 too (a row per arc: 200 - 250 / 2 = 75).
    raw = micro(TWO_CHANNELS, {"plants": {"P": {"lines": {"m": {"fixed_cost": 250}}}}})
    res = solve(raw)
    assert res.objective == pytest.approx(0)
    assert not line_open(res, "P")
    assert lp_bound(raw) == pytest.approx(0)


def test_one_channel_adds_no_row():
    # One channel into the market: family 1's row per arc is the lane's row, no
    # line_market_link; the relaxation is already the optimum (x = 1, profit 50).
    raw = micro({"plants": {"P": {"lines": {"m": {"fixed_cost": 150}}}}})
    model = build_model(build_data(gpnopt.instance_from_dict(raw, name="micro")))
    assert model.component("line_market_link") is None
    assert lp_bound(raw) == pytest.approx(50)
    assert solve(raw).objective == pytest.approx(50)


def test_shadow_prices_are_read_without_derived_rows():
    # With every binary fixed a derived row is implied but may be tight beside the row it
    # derives from (line_market_link beside demand_limit when one plant serves a market);
    # gpnopt explain's shadow prices are read with the derived rows free, so they are those
    # of the model before them: on generate(0, **SMALL), 48 rows of
    # explain's priced families summing to the figure recorded on main (commit b7b6b97).
    from gpnopt.explain.core import PRICED
    from gpnopt.generate import generate
    from gpnopt.solver.forced import ForcedSolver

    duals = ForcedSolver(gpnopt.instance_from_dict(generate(0, **SMALL), name="g")).lp_duals()
    assert not [r for r in duals if r["family"] in DERIVED_ROWS]
    priced = [r["value"] for r in duals if r["family"] in PRICED]
    assert len(priced) == 48
    assert sum(priced) == pytest.approx(PRICED_SUM, rel=1e-6)
