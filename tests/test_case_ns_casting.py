"""NS, a Japanese casting SME with a Chinese subsidiary: ``instances/ns_casting.yaml``
(seed 000; docs/cases/ns_casting.md).

Every expectation holds in the base solve (2003-2013, four periods); each reproduced outcome
moves when its driver moves (the labour-cost gap, the new Chinese customers' price and
volume, the output that masters the new parts, the Japanese customers' lead-time limit); and
nothing in the file pins a decision. Reverse technology transfer is family 15's
``requires.output``: the parent's line for complicated parts needs the subsidiary's
cumulative output for its new customers. Solves are cached per scenario.
"""

from __future__ import annotations

import functools
from pathlib import Path

import gpnopt
from gpnopt.io import read_yaml

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "instances" / "ns_casting.yaml"
PERIODS = ("2003", "2005", "2008", "2011")


@functools.cache
def solve(scenario: str = "base"):
    """The instance solved as written or in one of its scenarios (cached)."""
    return gpnopt.solve(gpnopt.load(CASE, scenario=None if scenario == "base" else scenario))


def made(r, plant: str, product: str, period: str, market: str | None = None) -> float:
    """Tonnes a year of the product the plant sells in the period (to the market, if given)."""
    df = r.tables["production"]
    df = df[(df["plant"] == plant) & (df["product"] == product) & (df["period"] == period)]
    if market is not None:
        df = df[df["market"] == market]
    return float(df["quantity"].sum())


def first(r, plant: str, product: str) -> str | None:
    """The first period in which the plant makes the product (None: never)."""
    return next((t for t in PERIODS if made(r, plant, product, t) > 0), None)


def test_base_every_expectation_holds():
    r = solve()
    assert r.status == "optimal"
    failed = [e["id"] for e in r.expectations if not e["holds"]]
    assert not failed, failed
    assert len(r.expectations) == 5


def test_nothing_pins_the_decisions():
    """No minimum, sourcing rule or date on the subsidiary's use, and the subsidiary's
    opening is a choice (available from 2003 is the data of Table 1, not an obligation)."""
    raw = read_yaml(CASE)
    assert not raw.get("sourcing_rules")
    assert not raw.get("exclusive_groups")
    for market in raw["markets"].values():
        for entry in market["demand"].values():
            assert entry.get("min_served", 0) == 0
    cn = raw["plants"]["CN_NS"]
    assert not cn.get("existing")
    assert cn["available_from"] == 2003


def test_reverse_transfer_follows_the_subsidiary_output():
    """The parent makes complicated parts from 2008: the subsidiary's 600 t a year for its
    new customers reach the 1,500 t the new designs need after 2003-2004 (1,200 t) and 2005-2007."""
    base = solve()
    assert first(base, "CN_NS", "part_new") == "2003"
    assert first(base, "JP_NS", "part_complex") == "2008"
    assert made(base, "JP_NS", "part_complex", "2011") == 300


def test_reverse_transfer_moves_with_its_threshold():
    assert first(solve("transfer_fast"), "JP_NS", "part_complex") == "2005"
    assert first(solve("transfer_slow"), "JP_NS", "part_complex") == "2011"
    cf = solve("superior_subordinate")
    assert first(cf, "JP_NS", "part_complex") is None
    assert cf.objective < solve().objective


def test_no_new_customers_no_reverse_transfer():
    """The transfer rests on the new customers abroad (case 3.1): without them the subsidiary
    only exports and the parent never gains the complicated parts."""
    r = solve("no_new_customers")
    assert first(r, "CN_NS", "part_std") == "2003"
    assert first(r, "JP_NS", "part_complex") is None


def test_subsidiary_serves_new_customers_below_cost_for_the_transfer():
    """A link between decisions: at a price below its cost the subsidiary still works for its
    new customers, just long enough to master the new parts; without the transfer it does not."""
    cheap = solve("new_customers_cheap")
    assert sum(made(cheap, "CN_NS", "part_new", t) for t in PERIODS) > 0
    assert made(cheap, "CN_NS", "part_new", "2011") == 0
    assert first(cheap, "JP_NS", "part_complex") is not None
    plain = solve("new_customers_cheap_no_transfer")
    assert sum(made(plain, "CN_NS", "part_new", t) for t in PERIODS) == 0


def test_the_subsidiary_moves_with_the_labour_gap():
    """The labour-cost motive: with the gap the subsidiary exports to Japan in every period;
    without it, it runs only 2003-2007, as a school (the parent learns its process and the
    new parts from it, then makes everything at home); without gap and transfer it never opens."""
    base, cf = solve(), solve("no_labour_gap")
    assert all(made(base, "CN_NS", "part_std", t, market="JP_STD") == 800 for t in PERIODS)
    assert made(cf, "CN_NS", "part_std", "2003", market="JP_STD") == 800
    assert made(cf, "CN_NS", "part_std", "2011") == 0
    assert made(cf, "JP_NS", "part_std", "2011", market="JP_STD") > 0
    plain = solve("no_labour_gap_no_transfer")
    assert all(made(plain, "CN_NS", p, t) == 0 for p in ("part_std", "part_new") for t in PERIODS)
    assert made(plain, "JP_NS", "part_std", "2003", market="JP_STD") == 800


def learned(r, entity: str, period: str) -> tuple[float, int, float]:
    """(cumulative output counted, steps passed, unit cost) of an option in a period."""
    df = r.tables["learning"]
    row = df[(df["entity"] == entity) & (df["period"] == period)].iloc[0]
    return float(row["cumulative"]), int(row["step"]), float(row["unit_cost"])


def test_process_transfer_lowers_the_parent_cost_by_the_subsidiary_output():
    """Manufacturing technology flowing home (learning_from): the parent's unit cost of
    standard parts counts the subsidiary's standard output, 800 t a year: 1,600 by 2005, 4,000
    by 2008, past the 3,000 of the step, so 3.3 instead of 3.6 from 2008."""
    base = solve()
    assert learned(base, "JP_NS/part_std", "2005") == (1600, 0, 3.6)
    assert learned(base, "JP_NS/part_std", "2008") == (4000, 1, 3.3)
    cf = solve("no_process_transfer")
    assert cf.objective < base.objective
    assert "JP_NS/part_std" not in set(cf.tables["learning"]["entity"])
    assert first(cf, "JP_NS", "part_complex") == "2008"  # the product transfer is unchanged


def test_the_parent_keeps_short_notice_parts_by_the_lead_time():
    base, cf = solve(), solve("no_lead_time_limit")
    assert made(base, "JP_NS", "part_std", "2011", market="JP_JIT") == 1200
    assert made(cf, "JP_NS", "part_std", "2011", market="JP_JIT") == 0
    assert made(cf, "CN_NS", "part_std", "2011", market="JP_JIT") > 0
