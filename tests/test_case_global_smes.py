"""Korean SMEs in Qingdao and Japanese SMEs in Thailand: ``instances/global_smes.yaml``
(seed 003; docs/cases/global_smes.md).

Every expectation of the file holds in the base solve; each reproduced outcome moves when
the driver the text names moves (the scenarios of the file: the local market's price, the
cost of local ties, Thailand's supply base, capital, the labour-cost gap, the home-country
firms on site); and nothing in the file pins an ownership or a market. Solves are cached per
scenario (each well under a second after the first build).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

import gpnopt
from case_helpers import flow, sold
from gpnopt.io import read_yaml

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "instances" / "global_smes.yaml"


@functools.cache
def solve(scenario: str = "base"):
    """The instance solved as written or in one of its scenarios (cached)."""
    return gpnopt.solve(gpnopt.load(CASE, scenario=None if scenario == "base" else scenario))


def is_open(r, plant: str) -> bool:
    """Whether the plant operates in the solve."""
    df = r.tables["plant_profit"]
    return bool((df[df["plant"] == plant]["open"] == 1).any())


def local_share(r, plant: str, country: str) -> float:
    """Share of the plant's material bought from sources in the country."""
    df = r.tables["component_flows"]
    df = df[df["destination"] == plant]
    total = float(df["quantity"].sum())
    return float(df[df["source_country"] == country]["quantity"].sum()) / total


def test_base_every_expectation_holds():
    r = solve()
    assert r.status == "optimal"
    failed = [e["id"] for e in r.expectations if not e["holds"]]
    assert not failed, failed
    assert len(r.expectations) == 13


def test_nothing_pins_ownership_or_markets():
    """No min_served, sourcing rule or capacity aimed at an outcome: both entry modes are
    offered with the same costs, and only the exclusive group (one plant per site) links them."""
    raw = read_yaml(CASE)
    assert not raw.get("sourcing_rules")
    for market in raw["markets"].values():
        for entry in market["demand"].values():
            assert entry.get("min_served", 0) == 0
    for wos, jv in (("CN_QD_WOS", "CN_QD_JV"), ("TH_WOS", "TH_JV")):
        a, b = raw["plants"][wos], raw["plants"][jv]
        for key in ("fixed_cost", "investment_cost", "assembly_capacity", "lines"):
            assert a[key] == b[key], (wos, key)


def test_independence_moves_with_the_local_market():
    """Independence: the JV's only gains are the partner's local customers and suppliers, worth
    less to an export-oriented SME than the half of the plant's profit it would give away;
    when local customers pay the home price, the SMEs take a local partner and sell locally."""
    base, cf = solve(), solve("local_market_open")
    assert is_open(base, "CN_QD_WOS")
    assert not is_open(base, "CN_QD_JV")
    assert is_open(cf, "CN_QD_JV")
    assert not is_open(cf, "CN_QD_WOS")
    assert sold(base, market="CN_LOC") == 0
    assert sold(cf, market="CN_LOC") > 0
    assert cf.firm_profit["KR_SME"] > base.firm_profit["KR_SME"]


def test_thai_independence_moves_with_the_thai_market():
    base, cf = solve(), solve("thai_local_market_open")
    assert is_open(base, "TH_WOS")
    assert not is_open(base, "TH_JV")
    assert is_open(cf, "TH_JV")
    assert sold(cf, market="TH_LOC") > 0


def test_capital_tight_turns_the_entry_into_a_jv():
    """TM's constraint (seed 004): without the capital for the whole plant, the JV is chosen."""
    r = solve("capital_tight")
    assert is_open(r, "CN_QD_JV")
    assert not is_open(r, "CN_QD_WOS")
    assert r.firm_profit["KR_SME"] < solve().firm_profit["KR_SME"]


def test_exports_home_move_with_the_labour_gap():
    base, cf = solve(), solve("no_labour_gap")
    assert sold(base, plant="CN_QD_WOS", market="KR") == 1200
    assert sold(cf, plant="CN_QD_WOS", market="KR") == 0
    assert sold(cf, plant="KR_HOME", market="KR") > 0
    thai = solve("thai_no_labour_gap")
    assert sold(base, plant="TH_WOS", market="JP") > 0
    assert sold(thai, plant="TH_WOS", market="JP") == 0


def test_home_firms_on_site_move_with_their_price():
    base, cf = solve(), solve("no_korean_firms_on_site")
    assert sold(base, plant="CN_QD_WOS", market="CN_KRA") == 400
    assert sold(cf, market="CN_KRA") == 0
    assert is_open(cf, "CN_QD_WOS")  # the export to Korea keeps the plant


def test_weak_local_sourcing_moves_with_the_cost_of_local_ties():
    """The local network is reached through local equity or the chamber's links; at the
    chamber's cost (sized for larger firms) the SMEs keep their Korean suppliers, and a
    learning community at a fifth of that cost turns them local."""
    base, cf = solve(), solve("learning_community")
    assert local_share(base, "CN_QD_WOS", "CN") == 0
    assert local_share(cf, "CN_QD_WOS", "CN") == pytest.approx(1.0)
    assert flow(cf, source="CN_SUP", destination="CN_QD_WOS") == 1600
    assert cf.firm_profit["KR_SME"] > base.firm_profit["KR_SME"]


def test_thai_local_sourcing_moves_with_the_industrial_base():
    base, cf = solve(), solve("broad_thai_base")
    assert local_share(base, "TH_WOS", "TH") == pytest.approx(100 / 1200)
    assert local_share(cf, "TH_WOS", "TH") == pytest.approx(1.0)
