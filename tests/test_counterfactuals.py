"""The counterfactuals of the TM/FFG case (case-facts.md 2.5) as scenarios of the instance.

Each scenario of ``instances/tm_ffg.yaml`` other than ``entry_2005`` changes one driver the case
names (``overrides.cf_*``) and carries its own expectations (``overrides.cf_*_expectations``).
Every test here solves a scenario and compares it with the base solve in the direction the case
states or implies; ``docs/cases/tm_ffg.md`` section 4 lists the numbers. Each solve takes a few tenths
of a second with the model build; results are cached per (scenario, objective).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

import gpnopt
import gpnopt.io
from case_helpers import firm_profit, flow, in_house, sold

CASE = Path(__file__).resolve().parents[1] / "instances" / "tm_ffg.yaml"
DOC = CASE.parents[1] / "docs" / "cases" / "tm_ffg.md"

COUNTERFACTUALS = {
    "no_partner_casting_volume": "CF-1",
    "no_ft_china": "CF-1",
    "no_ft_china_low_mpq": "CF-1",
    "tm_alone_in_china": "CF-2",
    "no_ttc": "CF-3",
    "more_technicians": "CF-4",
    "fewer_technicians": "CF-4",
    "no_tm_trading_rule": "CF-5",
    "no_sales_company_law": "CF-6",
    "early_import_volume": "CF-6",
    "no_sales_company_law_early_volume": "CF-6",
    "no_ft_japan": "CF-7",
    "no_taiwanese_core_parts": "CF-9",
    "china_demand_moves_up": "CF-10",
    "china_demand_moves_up_more_technicians": "CF-10",
    "automakers_keep_importing": "CF-11",
    "no_supplier_jvs": "CF-12",
    "higher_china_wages": "CF-14",
    "jv_tax_preference": "CF-13",
    "no_jv_tax_preference": "CF-13",
    "tm_alone_with_taxes": "CF-13",
    "tm_alone_without_jv_tax_preference": "CF-13",
    "no_tm_trading": "case 1.11",
    "strong_yen": "shock",
    "lower_tariffs": "shock",
    "lower_tariffs_more_technicians": "shock",
    "china_growth": "shock",
}
"""Every counterfactual scenario of the instance and the case-facts item it expresses."""

NOT_EXPRESSED = ("CF-8",)
"""Counterfactuals the instance cannot express (docs/cases/tm_ffg.md gives the reasons)."""


@functools.cache
def _solve(scenario: str, objective: str | None = None):
    inst = gpnopt.load(CASE, scenario=None if scenario == "base" else scenario)
    return inst, gpnopt.solve(inst, objective=objective)


def solve(scenario: str = "base", objective: str | None = None):
    """The solved scenario (cached: each scenario and objective is solved once), with the
    scenario's own objective unless ``objective`` is given (CF-13's scenarios: ``firm:TM``;
    every other scenario and the base: ``alliance``)."""
    return _solve(scenario, objective)[1]


def instance(scenario: str = "base"):
    """The loaded scenario (from the same cache)."""
    return _solve(scenario)[0]


def plant_profit(r, plant: str) -> float:
    """Profit of one plant (0 if the scenario removes it)."""
    df = r.tables["plant_profit"]
    return float(df.loc[df["plant"] == plant, "profit"].sum())


def equity_profit_in(r, inst, firm: str, country: str) -> float:
    """A firm's equity-weighted profit of the plants it owns in a country."""
    df = r.tables["plant_profit"]
    return sum(
        pl.owners.get(firm, 0.0) * float(df.loc[df["plant"] == p, "profit"].sum())
        for p, pl in inst.plants.items()
        if pl.country == country
    )


def foreign_tm_lines(r) -> int:
    """Open lines of TM products at plants outside Japan (each needs TM technicians)."""
    lines = r.tables["lines"]
    tm_products = {p for p, prod in instance().products.items() if prod.firm == "TM"}
    plants_abroad = {p for p, pl in instance().plants.items() if pl.country != "JP"}
    mask = (
        (lines["open"] == 1)
        & lines["plant"].isin(plants_abroad)
        & lines["product"].isin(tm_products)
    )
    return int(mask.sum())


@pytest.fixture(scope="module")
def base():
    """The mature network, solved once."""
    return solve()


# --- the scenarios as a set -------------------------------------------------------------


def test_every_scenario_is_listed_here():
    """A new scenario must get a test (and this list) before it ships."""
    names = set(gpnopt.io.scenario_names(CASE)) - {"entry_2005"}
    assert names == set(COUNTERFACTUALS)


@pytest.mark.parametrize("scenario", sorted(COUNTERFACTUALS))
def test_scenario_meets_its_own_expectations(scenario):
    """Each counterfactual replaces the base expectations; its own must hold."""
    raw = gpnopt.io.read_yaml(CASE)
    spec = raw["scenarios"][scenario]
    assert any(o.endswith("expectations") for o in spec["overrides"]), "own expectations"
    r = solve(scenario)
    assert r.status == "optimal"
    failed = [(e["id"], e["detail"]) for e in r.expectations if not e["holds"]]
    assert not failed


def test_docs_list_every_counterfactual():
    """docs/cases/tm_ffg.md names every scenario and every CF-n, expressed or not."""
    text = DOC.read_text()
    section = text.split("## 4. Counterfactuals", 1)[1].split("\n## ", 1)[0]
    for name in COUNTERFACTUALS:
        assert f"`{name}`" in section, name
    for n in range(1, 15):
        assert f"CF-{n}" in section, f"CF-{n}"
    for cf in NOT_EXPRESSED:
        assert cf in section.split("### Not expressible", 1)[1]


# --- CF-1: the partner volume behind FFG-China's casting ----------------------------------


def test_cf1_without_ft_chinas_castings_ffg_china_buys_again(base):
    """FT-China stops buying FFG-China's castings: the pooled volume is gone, and FFG-China's
    own need (with TM Japan's and FFG Taiwan's) stays below the MPQ."""
    assert in_house(base, "CN_FFG", "casting")
    r = solve("no_partner_casting_volume")
    assert not in_house(r, "CN_FFG", "casting")
    assert flow(r, component="casting", source="CN_POOL", destination="CN_FFG") > 0
    assert firm_profit(r, "FFG") < firm_profit(base, "FFG")


def test_cf1_without_ft_china_ffg_china_buys_castings(base):
    r = solve("no_ft_china")
    assert not in_house(r, "CN_FFG", "casting")
    assert r.objective < base.objective


def test_cf1_a_low_enough_mpq_lets_ffg_china_cast_alone():
    """'If the MPQ is lowered far enough, FFG-China in-sources alone.'"""
    r = solve("no_ft_china_low_mpq")
    assert in_house(r, "CN_FFG", "casting")
    assert flow(r, component="casting", source="CN_FFG", destination="CN_FFG") > 0
    assert r.objective > solve("no_ft_china").objective


# --- CF-2: TM alone in China --------------------------------------------------------------


def test_cf2_tm_alone_earns_less_in_china(base):
    """Dearer own plant, no FFG supply base, facilities or channel: TM's China profit falls
    and TM serves China by exports through TM-Trading."""
    r = solve("tm_alone_in_china")
    inst = instance("tm_alone_in_china")
    assert "CN_TM_WOS" in inst.plants
    assert "CN_FT" not in inst.plants
    assert equity_profit_in(r, inst, "TM", "CN") < equity_profit_in(base, instance(), "TM", "CN")
    assert firm_profit(r, "TM") < firm_profit(base, "TM")
    assert sold(r, plant="CN_TM_WOS") == 0
    assert sold(r, firm="TM", market="CN") == sold(r, firm="TM", market="CN", channel="CN_TMTRD")


def test_cf2_tm_alone_imports_more_of_its_parts_from_japan(base):
    """Probe: even with its fixed costs waived, TM's own plant takes its parts from Japan
    (no local supply base), far above FT-China's 30%, and TM still earns less than with
    the JV."""
    waived = {
        "plants": {
            "CN_TM_WOS": {
                "fixed_cost": 0,
                "lines": {"tm_lathe_medium": {"fixed_cost": 0}},
                "components": {"lathe_kit": {"fixed_cost": 0}},
            }
        },
        "channels": {"CN_TMWOS": {"fixed_cost": 0}},
    }
    r = gpnopt.solve(gpnopt.load(CASE, scenario="tm_alone_in_china", overrides=waived))
    assert sold(r, plant="CN_TM_WOS") > 0
    df = r.tables["component_flows"]
    into = df[df["destination"] == "CN_TM_WOS"]
    japan = float(into.loc[into["source_country"] == "JP", "quantity"].sum())
    assert japan / float(into["quantity"].sum()) > 0.9
    assert firm_profit(r, "TM") < firm_profit(base, "TM")


# --- CF-3: no Toyota Tsusho ---------------------------------------------------------------


def test_cf3_without_ttc_ft_china_stays_small_and_loses_the_japanese_segment(base):
    r = solve("no_ttc")
    inst = instance("no_ttc")
    assert inst.plants["CN_FT"].owners == {"TM": 0.5, "FFG": 0.5}
    assert sold(base, market="CN_JPA") > 0
    assert sold(r, market="CN_JPA") == 0
    assert 0 < sold(r, plant="CN_FT") < sold(base, plant="CN_FT")
    assert plant_profit(r, "CN_FT") < plant_profit(base, "CN_FT")


# --- CF-4: TM's technicians ---------------------------------------------------------------


def test_cf4_more_technicians_let_ft_china_take_the_high_tier(base):
    assert sold(base, plant="CN_FT", tier="high") == 0
    r = solve("more_technicians")
    assert sold(r, plant="CN_FT", tier="high") > 0
    assert sold(r, plant="JP_TM", market="CN") < sold(base, plant="JP_TM", market="CN")


def test_cf4_fewer_technicians_drop_a_foreign_line(base):
    """The reverse: with only FT-China's two expatriates TM staffs one foreign line."""
    assert sold(base, plant="TH_TM") > 0
    r = solve("fewer_technicians")
    assert sold(r, plant="TH_TM") == 0
    assert sold(r, plant="CN_FT", tier="medium") > 0
    assert sold(r, plant="CN_FT", tier="high") == 0
    assert foreign_tm_lines(r) < foreign_tm_lines(base)


# --- CF-5: the TM-Trading rule ------------------------------------------------------------


def test_cf5_without_the_rule_little_changes_for_the_alliance(base):
    r = solve("no_tm_trading_rule")
    assert r.objective == pytest.approx(base.objective, rel=0.01)
    assert sold(r, plant="CN_FT", channel="CN_TMTRD") == 0


def test_cf5_without_the_rule_tm_alone_would_cannibalise_ft_china():
    """With TM's own equity-weighted objective TM routes FT-China's lathes through its
    wholly owned TM-Trading: the JV (40% TM) and FFG's channel lose, FFG's share falls.

    Only what TM's objective decides is compared: under ``firm:TM`` the decisions that do
    not touch TM's profit (FFG's own machining centres) are ties, so FFG's total is not.
    """
    kept = solve("base", "firm:TM")
    dropped = solve("no_tm_trading_rule", "firm:TM")
    assert sold(kept, plant="CN_FT", channel="CN_TMTRD") == 0
    assert sold(dropped, plant="CN_FT", channel="CN_TMTRD") > 0
    assert sold(dropped, plant="CN_FT", channel="CN_FFGCH") < sold(
        kept, plant="CN_FT", channel="CN_FFGCH"
    )
    assert firm_profit(dropped, "TM") > firm_profit(kept, "TM")
    assert plant_profit(dropped, "CN_FT") < plant_profit(kept, "CN_FT")
    ffg_in_ft = instance().plants["CN_FT"].owners["FFG"]
    assert ffg_in_ft * plant_profit(dropped, "CN_FT") < ffg_in_ft * plant_profit(kept, "CN_FT")


# --- CF-6: the separate-sales-company law -------------------------------------------------


def test_cf6_without_the_law_exports_start_at_a_lower_volume(base):
    """At the mature volume nothing moves (TM saves the fixed cost); at an early, small
    volume only the network without the law exports."""
    r = solve("no_sales_company_law")
    assert sold(r, plant="JP_TM", market="CN") == sold(base, plant="JP_TM", market="CN")
    assert firm_profit(r, "TM") > firm_profit(base, "TM")
    with_law = solve("early_import_volume")
    without = solve("no_sales_company_law_early_volume")
    assert sold(with_law, plant="JP_TM", market="CN") == 0
    assert sold(without, plant="JP_TM", market="CN") > 0


def test_without_tm_trading_no_japan_made_machine_reaches_china(base):
    """Case 1.11: imports need a separate sales company; FT-China cannot make the high tier."""
    assert sold(base, tier="high", market="CN", firm="TM") > 0
    r = solve("no_tm_trading")
    assert sold(r, tier="high", market="CN", firm="TM") == 0


# --- CF-7: FT-Japan -------------------------------------------------------------------------


def test_cf7_without_ft_japan_ffg_sells_nothing_in_japan(base):
    assert sold(base, firm="FFG", market="JP") > 0
    r = solve("no_ft_japan")
    assert sold(r, firm="FFG", market="JP") == 0
    assert firm_profit(r, "FFG") < firm_profit(base, "FFG")


# --- CF-9: Taiwanese core parts -----------------------------------------------------------


def test_cf9_without_taiwanese_core_parts_chinese_plants_lose_quality(base):
    """Lower tiers only, or import."""
    assert sold(base, plant="CN_FFG", product="ffg_mc") > 0
    r = solve("no_taiwanese_core_parts")
    assert sold(r, plant="CN_FFG", product="ffg_mc") == 0
    assert sold(r, plant="CN_FFG", product="ffg_mc_basic") > 0
    assert flow(r, component="core", source_country="JP", destination="CN_FT") > 0
    assert flow(r, component="core", source_country="TW", destination="CN_FT") == 0


# --- CF-10: Chinese demand moves up -------------------------------------------------------


def test_cf10_chinese_demand_moving_up_means_more_imports_from_japan(base):
    r = solve("china_demand_moves_up")
    assert sold(r, plant="JP_TM", tier="high", market="CN", channel="CN_TMTRD") > sold(
        base, plant="JP_TM", tier="high", market="CN", channel="CN_TMTRD"
    )
    assert sold(r, plant="CN_FT", tier="high") == 0  # TM's technicians do not allow it


def test_cf10_ft_china_upgrades_if_technicians_allow():
    r = solve("china_demand_moves_up_more_technicians")
    assert sold(r, plant="CN_FT", tier="high", market="CN") > 0


# --- CF-11: automakers keep importing -----------------------------------------------------


def test_cf11_if_automakers_keep_importing_ft_china_loses_them(base):
    """The Japanese-affiliated segment buys only Japan-made machines: FT-China (TM's entry)
    is worth less; TM Japan's exports to China do not fall."""
    r = solve("automakers_keep_importing")
    assert sold(r, plant="CN_FT", market="CN_JPA") == 0
    assert sold(r, plant="CN_FT") < sold(base, plant="CN_FT")
    assert plant_profit(r, "CN_FT") < plant_profit(base, "CN_FT")
    assert sold(r, plant="JP_TM", market="CN") >= sold(base, plant="JP_TM", market="CN")


# --- CF-12: supplier JVs ------------------------------------------------------------------


def test_cf12_without_the_supplier_jv_core_units_come_from_outside_china(base):
    """The model's motive for the JV is cost only (no lead time or leakage)."""
    assert flow(base, component="core", source="CN_SUPJV") > 0
    r = solve("no_supplier_jvs")
    assert sold(r, plant="CN_FFG", product="ffg_mc_basic") == sold(
        base, plant="CN_FFG", product="ffg_mc_basic"
    )
    core_cn = flow(r, component="core", source_country="CN", destination="CN_FFG")
    assert core_cn == 0
    assert r.objective < base.objective


# --- CF-14: Chinese wages -----------------------------------------------------------------


def test_cf14_higher_chinese_wages_move_assembly_out_of_china(base):
    """Instance-dependent: the Taiwan-quality MC moves to Taiwan; Thailand cannot take
    Chinese demand (no channel carries Thai output into China)."""
    r = solve("higher_china_wages")
    assert sold(base, plant="TW_FFG", market="CN") == 0
    assert sold(r, plant="TW_FFG", product="ffg_mc", market="CN") > 0
    assert sold(r, country="CN") < sold(base, country="CN")
    inst = instance()
    assert equity_profit_in(r, inst, "FFG", "CN") < equity_profit_in(base, inst, "FFG", "CN")
    assert sold(r, plant="TH_TM") == sold(base, plant="TH_TM")


# --- CF-13: the JV's preferential tax -----------------------------------------------------


def _tax_rate(r, entity: str) -> float:
    df = r.tables["taxes"]
    return float(df.loc[df["entity"] == entity, "rate"].iloc[0])


def test_cf13_without_the_jv_tax_preference_the_jvs_advantage_shrinks():
    """Case 1.3: 'TM could receive preferential tax treatment for a foreign company by
    forming a joint venture with Taiwanese's HQ'. Under profit taxes, solved for TM
    (``firm:TM``): the JV's advantage over direct investment (TM's profit with FT-China less
    TM's profit alone in China, its own plant possible) shrinks without the preference, and
    stays positive (the JV's other advantages: FFG's supply base, facilities and channel)."""
    jv, jv0 = solve("jv_tax_preference"), solve("no_jv_tax_preference")
    alone, alone0 = solve("tm_alone_with_taxes"), solve("tm_alone_without_jv_tax_preference")
    for r in (jv, jv0, alone, alone0):
        assert r.objective == pytest.approx(firm_profit(r, "TM"))  # TM's own objective
    assert (_tax_rate(jv, "CN_FT"), _tax_rate(jv0, "CN_FT")) == (0.15, 0.25)
    advantage = firm_profit(jv, "TM") - firm_profit(alone, "TM")
    advantage0 = firm_profit(jv0, "TM") - firm_profit(alone0, "TM")
    assert 0 < advantage0 < advantage
    # the preference is TM's through FT-China: its JV route loses more than its direct route
    assert (firm_profit(jv, "TM") - firm_profit(jv0, "TM")
            > firm_profit(alone, "TM") - firm_profit(alone0, "TM") >= 0)


def test_cf13_taxes_change_no_decision_of_the_mature_network(base):
    """The taxes of CF-13 keep the base's pattern: FT-China, Thailand and TM Japan make what
    they make untaxed (the 25 base expectations hold on the taxed network, alliance)."""
    inst = gpnopt.load(CASE, scenario="cf_taxes,cf_tax_incentives")
    r = gpnopt.solve(inst)
    assert inst.taxes is not None
    assert r.status == "optimal"
    assert [e["id"] for e in r.expectations if not e["holds"]] == []
    for table in ("production", "make_or_buy"):
        cols = [c for c in base.tables[table].columns if c not in ("profit", "revenue", "cost")]
        assert r.tables[table][cols].equals(base.tables[table][cols]), table


# --- Economic shocks (issue 15, item 3): one economic number each, not a rule -------------


def decisions(r) -> dict:
    """What was decided: open lines, production by plant/product/market and component flows."""
    lines = r.tables["lines"]
    opened = sorted(map(tuple, lines.loc[lines["open"] == 1, ["plant", "product"]].values))
    prod = r.tables["production"]
    made = prod.groupby(["plant", "product", "market"])["quantity"].sum().round(6)
    flows = r.tables["component_flows"]
    moved = flows.groupby(["component", "source", "destination"])["quantity"].sum().round(6)
    return {"lines": opened, "made": made[made > 0].to_dict(), "flows": moved[moved > 0].to_dict()}


def test_strong_yen_changes_no_decision_and_costs_tm_most(base):
    """TM Japan's high tier has no other maker while TM's technicians bind, TM Japan already
    buys every part abroad but its controls, and Japan's controls have no equal elsewhere:
    a dearer yen lowers profits and moves nothing (docs/cases/tm_ffg.md, section 4)."""
    r = solve("strong_yen")
    assert instance("strong_yen").plants["JP_TM"].fixed_cost == pytest.approx(
        1.25 * instance().plants["JP_TM"].fixed_cost)
    assert decisions(r) == decisions(base)
    assert r.objective < base.objective
    loss = {f: firm_profit(base, f) - firm_profit(r, f) for f in ("TM", "FFG", "TTC")}
    assert all(v > 0 for v in loss.values())
    assert loss["TM"] == max(loss.values())


def test_lower_tariffs_change_no_decision_in_the_base(base):
    """With TM's technicians used up nothing can move behind or away from the duty: the
    duties only cost money (parts into FT-China, Japan-made lathes through TM-Trading)."""
    r = solve("lower_tariffs")
    assert decisions(r) == decisions(base)
    assert r.objective > base.objective
    assert firm_profit(r, "TM") > firm_profit(base, "TM")


def test_lower_tariffs_keep_the_high_tier_in_japan_when_technicians_allow_a_move():
    """CF-4 moves China's high tier to FT-China behind the 9.7% duty; without the duty the
    same technicians leave it with TM Japan (the duty, not the cost, made local assembly pay)."""
    more = solve("more_technicians")
    free = solve("lower_tariffs_more_technicians")
    assert sold(more, plant="CN_FT", tier="high", market="CN") > 0
    assert sold(free, plant="CN_FT", tier="high") == 0
    assert sold(free, plant="JP_TM", tier="high", market="CN") > sold(
        more, plant="JP_TM", tier="high", market="CN")


def test_faster_chinese_growth_expands_ft_china(base):
    """Case 1.8: FT-China's capacity grew with demand. 50% more Chinese demand fills the
    second bay; TM Japan's imports into China grow too."""
    r = solve("china_growth")

    def modules(res):
        ex = res.tables["expansions"]
        return int(ex.loc[ex["entity"] == "CN_FT", "modules"].sum())

    assert modules(r) > modules(base)
    assert sold(r, plant="CN_FT") > sold(base, plant="CN_FT")
    assert sold(r, plant="JP_TM", market="CN") > sold(base, plant="JP_TM", market="CN")
    assert sold(r, plant="CN_FT", tier="high") == 0
