"""The TM/FFG case instance: its expectations hold, and the pattern moves with its drivers.

Base (mature network, about 2010-2012) and ``entry_2005`` must meet every expectation in the
file. The driver tests change one mechanism of the case (the casting MPQ, FT-China's volume,
TM's technicians, FT-Japan, Taiwanese core parts, Toyota Tsusho, TM-Trading) through the
``overrides`` argument and assert that the optimum changes the way the case says
(case-facts.md, section 2.5). Each solve takes a few hundredths of a second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import gpnopt
import gpnopt.io
from bench_helpers import load_script
from case_helpers import firm_profit, flow, in_house, sold

CASE = Path(__file__).resolve().parents[1] / "instances" / "tm_ffg.yaml"
NO_EXPECTATIONS: dict[str, Any] = {"expectations": []}
"""Counterfactuals delete entities the base expectations name; they carry their own asserts."""
WITHOUT_FT_CHINA: dict[str, Any] = {
    "plants": {"CN_FT": None},
    "channels": {"CN_TTC": None},  # TTC's channel carries only FT-China's output
    "expectations": [],
}


def solve(scenario: str | None = None, overrides: dict[str, Any] | None = None):
    """Load the case with a scenario and/or overrides and solve it."""
    return gpnopt.solve(gpnopt.load(CASE, scenario=scenario, overrides=overrides))


def merged(*patches: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge override patches (later wins), as the loader does."""
    out: dict[str, Any] = {}
    for patch in patches:
        gpnopt.io.deep_merge(out, patch)
    return out


@pytest.fixture(scope="module")
def base():
    """The mature network, solved once."""
    return solve()


@pytest.fixture(scope="module")
def entry():
    """The 2005 entry network, solved once."""
    return solve("entry_2005")


# --- the calibrated snapshots ---------------------------------------------------------------


def test_base_solves_with_every_expectation(base):
    assert base.status == "optimal"
    failed = [(e["id"], e["detail"]) for e in base.expectations if not e["holds"]]
    assert not failed
    assert len(base.expectations) >= 15


def test_entry_2005_solves_with_every_expectation(entry):
    assert entry.status == "optimal"
    failed = [(e["id"], e["detail"]) for e in entry.expectations if not e["holds"]]
    assert not failed
    ids = {e["id"] for e in entry.expectations}
    assert {"ft_key_parts_japan", "ft_key_parts_taiwan", "ft_key_parts_china"} <= ids


def test_entry_key_parts_split_is_30_10_60(entry):
    key = ["casting", "control", "core", "parts"]
    df = entry.tables["component_flows"]
    df = df[(df["destination"] == "CN_FT") & df["component"].isin(key)]
    shares = df.groupby("source_country")["quantity"].sum() / df["quantity"].sum()
    assert shares.to_dict() == pytest.approx({"JP": 0.3, "TW": 0.1, "CN": 0.6})


def test_casting_mpq_sits_between_single_and_pooled_volume(base):
    """Case 1.9: d_FFG < MPQ, d_FT < MPQ, d_FFG + d_FT >= MPQ (needs at the base optimum)."""
    mpq = gpnopt.load(CASE).plants["CN_FFG"].components["casting"].min_quantity
    d_ffg = flow(base, component="casting", destination="CN_FFG")
    d_ft = flow(base, component="casting", destination="CN_FT")
    assert d_ffg < mpq
    assert d_ft < mpq
    assert d_ffg + d_ft >= mpq


def test_no_decision_is_pinned():
    """Honesty: no demand must be served, no sourcing rule, no exclusive-group trick."""
    inst = gpnopt.load(CASE)
    assert all(d.min_served == 0 for m in inst.markets.values() for d in m.demand.values())
    assert not inst.sourcing_rules
    assert not inst.exclusive_groups


# --- drivers (case-facts 2.5) ---------------------------------------------------------------


def test_without_ft_china_volume_ffg_china_buys_castings_again(base):
    """CF-1: without FT-China's castings, FFG-China's volume is below the MPQ."""
    assert in_house(base, "CN_FFG", "casting")
    r = solve(overrides=WITHOUT_FT_CHINA)
    assert not in_house(r, "CN_FFG", "casting")
    assert flow(r, component="casting", source="CN_POOL", destination="CN_FFG") > 0


def test_lower_mpq_lets_ffg_china_in_source_alone():
    """CF-1, second half: with a low enough MPQ FFG-China casts in-house without FT-China."""
    low_mpq = {"plants": {"CN_FFG": {"components": {"casting": {"min_quantity": 500}}}}}
    r = solve(overrides=merged(WITHOUT_FT_CHINA, low_mpq))
    assert in_house(r, "CN_FFG", "casting")
    assert flow(r, component="casting", source="CN_FFG", destination="CN_FFG") > 0


def test_more_technicians_let_ft_china_take_the_high_tier(base):
    """CF-4: the technician pool is why FT-China stays medium; relax it and FT-China takes
    the Chinese high tier (case 1.5: 'some high-value-added products for specific customers',
    behind the 9.7% tariff on imports) while TM Japan keeps Japan and the West and stays the
    base plant: made abroad, a high-mix lathe carries its order engineering (0.05 persons a
    unit) and the base's support (10 a unit), so Japan's 70 beats FT-China's 56 + 10 + 5.75."""
    assert sold(base, plant="CN_FT", tier="high") == 0
    r = solve(overrides={"firms": {"TM": {"technicians": {"pool": 10}}}})
    assert sold(r, plant="CN_FT", tier="high", market="CN") > 0
    assert sold(r, plant="JP_TM", market="CN") < sold(base, plant="JP_TM", market="CN")
    for market in ("JP", "WEST"):
        assert sold(r, plant="JP_TM", tier="high", market=market) == sold(
            base, plant="JP_TM", tier="high", market=market) > 0
        assert sold(r, plant="CN_FT", tier="high", market=market) == 0


def test_fewer_technicians_cost_training_or_a_foreign_line(base):
    """CF-4 reversed: with only FT-China's two expatriates TM trains the two that Thailand
    needs (case 1.10's route: 2 hires at 600, charged as their annuity, and their 200 a year
    abroad), so the shortage costs money, not a line; without that route Thailand cannot be
    staffed."""
    assert sold(base, plant="TH_TM") > 0
    assert base.tables["technicians"]["hired"].sum() == 0
    r = solve(overrides={"firms": {"TM": {"technicians": {"pool": 2}}}})
    assert sold(r, plant="TH_TM") > 0
    assert r.tables["technicians"]["hired"].sum() == 2
    assert r.objective < base.objective
    r = solve(overrides={"firms": {"TM": {"technicians": {"pool": 2, "hiring": None}}}})
    assert sold(r, plant="TH_TM") == 0
    assert sold(r, plant="CN_FT", tier="medium") > 0


def test_without_ft_japan_ffg_sells_nothing_in_japan(base):
    """CF-7: FFG has no after-sales network in Japan of its own."""
    assert sold(base, firm="FFG", market="JP") > 0
    r = solve(overrides=merged({"channels": {"JP_FTJ": None}}, NO_EXPECTATIONS))
    assert sold(r, firm="FFG", market="JP") == 0


def test_without_taiwanese_core_parts_chinese_plants_lose_quality(base):
    """CF-9: without Taiwan's core parts FFG-China loses its Taiwan-quality machining centre
    and FT-China must import Japanese core parts."""
    assert sold(base, plant="CN_FFG", product="ffg_mc") > 0
    r = solve(overrides=merged({"plants": {"TW_FFG": {"components": None}}}, NO_EXPECTATIONS))
    assert sold(r, plant="CN_FFG", product="ffg_mc") == 0
    assert sold(r, plant="CN_FFG", product="ffg_mc_basic") > 0
    assert flow(r, component="core", source_country="JP", destination="CN_FT") > 0
    assert flow(r, component="core", source_country="TW", destination="CN_FT") == 0


def test_without_toyota_tsusho_the_japanese_affiliated_segment_is_lost(base):
    """CF-3: TTC's network is FT-China's only way to Japanese-affiliated customers."""
    assert sold(base, market="CN_JPA") > 0
    r = solve(overrides=merged({"channels": {"CN_TTC": None}}, NO_EXPECTATIONS))
    assert sold(r, market="CN_JPA") == 0
    assert firm_profit(r, "TTC") < firm_profit(base, "TTC")


def test_without_tm_trading_no_high_tier_reaches_china(base):
    """Case 1.11: imports need a separate sales company; FT-China cannot make the high tier."""
    assert sold(base, tier="high", market="CN", firm="TM") > 0
    r = solve(overrides=merged({"channels": {"CN_TMTRD": None}}, NO_EXPECTATIONS))
    assert sold(r, tier="high", market="CN", firm="TM") == 0


def test_result_tables_are_dataframes(base):
    assert isinstance(base.tables["production"], pd.DataFrame)
    assert set(base.tables) >= {"lines", "production", "make_or_buy", "component_flows"}


def _numbers(node: Any, path: str = ""):
    """(YAML path, value) of every number under ``node`` (provenance text excluded)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k != "provenance":
                yield from _numbers(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for n, v in enumerate(node):
            yield from _numbers(v, f"{path}.{n}")
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield path, node


def test_every_number_is_in_the_calibration_table():
    """docs/calibration.md lists every number of the case with the value in the file."""
    raw = gpnopt.io.read_yaml(CASE)
    table = (CASE.parents[1] / "docs" / "calibration.md").read_text()
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 3 and cells[1].startswith("`"):
            rows[cells[1].strip("`")] = float(cells[2])
    skip = ("expectations", "overrides.entry_2005_expectations")
    missing = [
        (p, v)
        for p, v in _numbers({k: v for k, v in raw.items() if k != "scenarios"})
        if not p.startswith(skip) and rows.get(p) != pytest.approx(v)
    ]
    assert not missing


def test_calibration_table_quotes_each_numbers_provenance():
    """Each row's source column starts with the provenance text that covers the number in
    the file (so it begins with its kind: case, source or assumed)."""
    from gpnopt.provenance import dotted, number_provenance, override_provenance

    raw = gpnopt.io.read_yaml(CASE)
    body = {k: v for k, v in raw.items() if k not in ("scenarios", "overrides")}
    origins = {dotted(p): o for p, o in {**number_provenance(body),
                                         **override_provenance(raw)}.items()}
    table = (CASE.parents[1] / "docs" / "calibration.md").read_text()
    wrong = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 5 and cells[1].startswith("`"):
            origin = origins.get(cells[1].strip("`"))
            if origin is not None and not cells[4].startswith(origin.text.replace("|", "/")):
                wrong.append(cells[1])
    assert not wrong


def _robustness_module():
    return load_script(CASE.parents[1] / "benchmarks" / "robustness.py", "gpnopt_robustness")


@pytest.mark.slow
@pytest.mark.parametrize("scenario", [None, "entry_2005"])
def test_core_pattern_survives_cost_and_price_noise(scenario):
    # 30 seeded draws of +-20% uniform multiplicative noise on every cost and price
    # (benchmarks/robustness.py prints the per-expectation shares for more draws)
    import copy
    import random

    rob = _robustness_module()
    raw = gpnopt.io.read_yaml(CASE)
    rng = random.Random(2026)
    core = rob.CORE[scenario]
    held = 0
    for _ in range(30):
        noisy = rob.perturb(copy.deepcopy(raw), rng, 0.2)
        inst = gpnopt.instance_from_dict(noisy, name=str(CASE), scenario=scenario)
        ok = {e["id"]: e["holds"] for e in gpnopt.solve(inst).expectations}
        held += all(ok[i] for i in core)
    assert rob.count_noisy(raw) > 50
    assert held / 30 >= 0.9


def test_robustness_core_pattern_follows_the_instance():
    import argparse

    rob = _robustness_module()
    root = CASE.parents[1]

    def core(instance, ids=None, scenario=None):
        args = argparse.Namespace(instance=str(instance), core=ids, scenario=scenario)
        return rob.core_pattern(args, gpnopt.io.read_yaml(instance))

    assert core(CASE) == rob.CORE[None]
    assert core(CASE, scenario="entry_2005") == rob.CORE["entry_2005"]
    other = core(CASE, scenario="no_ttc")  # no core pattern of its own: every expectation
    assert other == [e.id for e in gpnopt.load(CASE, scenario="no_ttc").expectations]
    assert other
    ems = root / "instances" / "ems_sme.yaml"
    every = [e.id for e in gpnopt.load(ems).expectations]
    assert core(ems) == every
    assert len(every) > 5
    assert core(ems, "thin_margin, bangkok_open") == ["thin_margin", "bangkok_open"]
    assert "no expectation jp_high_for_jp" in core(ems, "jp_high_for_jp")
