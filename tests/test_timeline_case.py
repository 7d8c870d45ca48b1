"""The TM/FFG case over time: ``instances/tm_ffg_timeline.yaml`` (docs/cases/tm_ffg.md, section 9).

Two kinds of test. The dated data (owners per period, FT-China's capacity per period, the
years from which Toyota Tsusho's network and TM Thailand's plant exist) are checked as
loaded. The events that must emerge (FT-China's opening and its break-even in year 2, the
purchasing office in 2007, FT-Japan in 2008, FFG-China's in-house casting once the pooled
volume meets the MPQ, TM-Trading in 2010, TM Japan's falling share of Japanese parts,
FFG-China's rising in-house rate) are checked in the solve, and each again with its driver
moved (the MPQ, the import volume, the demand growth, the learning thresholds, TM's capital),
so that none of them is an artefact of a number chosen for it. Nothing in the file pins them:
``test_nothing_pins_the_emerging_events`` reads the file for rules, bounds and dates on their
assets.

The drivers are the file's own scenarios (``timeline_*``, one override each). Each solve takes
about a second; the solves are cached per scenario.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

import gpnopt
import gpnopt.io
from gpnopt.io import read_yaml
from gpnopt.timeseries import period_instances

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "instances" / "tm_ffg_timeline.yaml"
DOC = ROOT / "docs" / "cases" / "tm_ffg.md"
PERIODS = ("2005", "2006", "2007", "2008", "2010", "2012")


@functools.cache
def solve(scenario: str = "base"):
    """The timeline solved as written or in one of its driver scenarios (cached)."""
    return gpnopt.solve(gpnopt.load(CASE, scenario=None if scenario == "base" else scenario))


def rows(r, table: str, **conds: str):
    """Rows of a result table matching column == value for every condition."""
    df = r.tables[table]
    for col, v in conds.items():
        df = df[df[col] == v]
    return df


def open_periods(r, kind: str, entity: str, sub: str = "") -> list[str]:
    """Periods (in order) in which an asset operates, read off the per-period tables."""
    if kind == "plant":
        df = rows(r, "plant_profit", plant=entity)
        df = df[df["open"] == 1]
    elif kind in ("channel", "office"):
        df = rows(r, "channel_profit", channel=entity)
        df = df[df["open"] == 1]
    elif kind == "line":
        df = rows(r, "lines", plant=entity, product=sub)
        df = df[df["open"] == 1]
    elif kind == "make":
        df = rows(r, "make_or_buy", plant=entity, component=sub)
        df = df[(df["in_house"] == 1) & (df["quantity"] > 0)]
    else:
        raise ValueError(kind)
    got = {str(p) for p in df["period"]}
    return [p for p in PERIODS if p in got]


def first_period(r, kind: str, entity: str, sub: str = "") -> str | None:
    """The first period in which the asset operates (``None``: never)."""
    found = open_periods(r, kind, entity, sub)
    return found[0] if found else None


def profit(r, plant: str, period: str) -> float:
    """A plant's yearly profit in a period."""
    return float(rows(r, "plant_profit", plant=plant, period=period)["profit"].sum())


def share_from(r, destination: str, period: str, *, country: str | None = None,
               source: str | None = None) -> float:
    """Share of a plant's component supply (units) from a source country or a source."""
    df = rows(r, "component_flows", destination=destination, period=period)
    total = float(df["quantity"].sum())
    if country is not None:
        df = df[df["source_country"] == country]
    if source is not None:
        df = df[df["source"] == source]
    return float(df["quantity"].sum()) / total


@pytest.fixture(scope="module")
def base():
    """The timeline as written, solved once."""
    return solve()


# --- the file: dated data, and nothing that pins an emerging event --------------------------


def test_periods_and_dated_data():
    inst = gpnopt.load(CASE)
    assert [p.id for p in inst.periods] == list(PERIODS)
    by_period = period_instances(inst)
    assert list(by_period) == list(PERIODS)
    ft = {t: i.plants["CN_FT"] for t, i in by_period.items()}
    assert ft["2005"].owners == {"TM": 0.5, "FFG": 0.5}
    for t in PERIODS[1:]:
        assert ft[t].owners == {"TM": 0.4, "FFG": 0.4, "TTC": 0.2}
        assert ft[t].assembly_capacity == 900
    assert ft["2005"].assembly_capacity == 200
    assert inst.channels["CN_TTC"].available_from == 2006
    assert inst.plants["TH_TM"].available_from == 2006
    # Chinese demand grows 12% a year from the 2005 volumes
    medium = [i.markets["CN"].demand["tm_lathe_medium"].quantity for i in by_period.values()]
    assert medium[0] == pytest.approx(350)
    assert medium[-1] == pytest.approx(350 * 1.12**7)


def test_built_on_the_base():
    """The file imports the mature network and states no plant, product or trade cost again:
    what it writes is only what changes over time."""
    raw = read_yaml(CASE)
    assert raw["imports"] == ["tm_ffg.yaml"]
    for section in ("countries", "products", "components", "trade"):
        assert section not in raw, section
    # one supplier price: the Hangzhou parts at what the mature network pays, since the
    # timeline leaves joint purchasing's pool out (the case does not date it)
    assert raw["suppliers"] == {"CN_POOL": {"components": {"parts": {"unit_price": 0.7}},
                                            "provenance": raw["suppliers"]["CN_POOL"]["provenance"]}}
    assert raw["purchasing_pools"] == {"TMFFG_MATERIALS": None}
    for plant in raw["plants"].values():
        assert "country" not in plant
        assert "lines" not in plant or all("fixed_cost" not in ln for ln in plant["lines"].values())


EMERGING = {
    ("plants", "CN_FT"): "FT-China's opening",
    ("purchasing_offices", "TM_IPO"): "the purchasing office",
    ("channels", "JP_FTJ"): "FT-Japan",
    ("channels", "CN_TMTRD"): "TM-Trading",
    ("plants", "CN_SUPJV"): "the supplier JV",
}


def _walk(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for n, v in enumerate(value):
            yield from _walk(v, f"{path}.{n}")
    else:
        yield path, value


def test_nothing_pins_the_emerging_events():
    """No sourcing rule, exclusive group, served minimum or availability year forces an event
    the optimisation must choose; none of their assets exists at the start."""
    raw = read_yaml(CASE)
    for key in ("sourcing_rules", "exclusive_groups"):
        assert key not in raw
    assert not [p for p, _ in _walk(raw) if p.endswith("min_served")]
    for (section, name), what in EMERGING.items():
        spec = raw[section].get(name, {})
        for key in ("available_from", "available_until", "existing"):
            assert key not in spec, (what, key)
    casting = raw["plants"]["CN_FFG"]["components"]["casting"]
    assert set(casting) == {"requires"}  # the MPQ and costs are tm_ffg.yaml's


# --- the solve: each event in its case year -------------------------------------------------


def test_solves_to_optimality(base):
    assert base.status == "optimal"


@pytest.mark.parametrize(
    ("kind", "entity", "sub", "year"),
    [
        ("plant", "CN_FT", "", "2005"),
        ("plant", "TH_TM", "", "2006"),
        ("channel", "CN_TTC", "", "2006"),
        ("office", "TM_IPO", "", "2007"),
        ("channel", "JP_FTJ", "", "2008"),
        ("make", "CN_FFG", "casting", "2008"),
        ("channel", "CN_TMTRD", "", "2010"),
        ("make", "CN_SUPJV", "core", "2010"),
    ],
)
def test_event_in_its_period(base, kind, entity, sub, year):
    """Each asset starts in the period the case dates (or, for the casting, between the entry
    and about 2010) and keeps operating to the end (no closure, no re-opening)."""
    assert first_period(base, kind, entity, sub) == year
    assert open_periods(base, kind, entity, sub) == list(PERIODS[PERIODS.index(year):])


def test_ft_china_buys_its_castings_at_the_start(base):
    castings = rows(base, "component_flows", component="casting", destination="CN_FT",
                    period="2005")
    assert set(castings["source"]) == {"CN_POOL"}


def test_ft_china_breaks_even_in_year_two_and_profits_in_year_three(base):
    """SF-N2: a loss in 2005, about zero in 2006 (within 5% of its revenue), a profit in 2007."""
    p = {t: profit(base, "CN_FT", t) for t in ("2005", "2006", "2007")}
    revenue = float(rows(base, "plant_profit", plant="CN_FT", period="2006")["revenue"].sum())
    assert p["2005"] < 0
    assert 0 <= p["2006"] <= 0.05 * revenue
    assert p["2007"] > 0.05 * revenue


def test_tm_japan_buys_less_in_japan(base):
    """SF-V8: TM Japan's share of components from Japan falls once the office qualifies the
    Hangzhou suppliers (only the controls stay Japanese)."""
    share = {t: share_from(base, "JP_TM", t, country="JP") for t in PERIODS}
    assert share["2005"] > 0.8
    assert share["2012"] < 0.4
    assert all(share[a] >= share[b] - 1e-9 for a, b in zip(PERIODS, PERIODS[1:], strict=False))


def test_ffg_china_in_house_rate_rises(base):
    """SF-V9: FFG-China makes none of its key parts in 2005 and a tenth of them (castings, one
    unit in ten) from its in-sourcing on."""
    assert share_from(base, "CN_FFG", "2005", source="CN_FFG") == 0
    assert share_from(base, "CN_FFG", "2010", source="CN_FFG") >= 0.09


def test_equity_change_is_in_the_timeline(base):
    events = base.tables["timeline"]
    equity = events[events["entity"] == "CN_FT"]
    assert "2006" in {str(p) for p in equity[equity["event"].str.contains("equity")]["period"]}


def test_expectations_per_period_hold(base):
    failed = [(e["id"], e["detail"]) for e in base.expectations if not e["holds"]]
    assert base.expectations
    assert not failed


# --- drivers: each emerging event moves when its driver moves -------------------------------


DRIVERS = (
    "timeline_mpq_low", "timeline_mpq_high", "timeline_slow_growth", "timeline_imports_high",
    "timeline_imports_low", "timeline_ffg_learns_fast", "timeline_ffg_learns_slow",
    "timeline_ft_learns_slow", "timeline_ft_no_learning", "timeline_more_tm_capital",
    "timeline_no_tms_guidance",
)
"""The file's own driver scenarios (one override each, beside the base's scenarios)."""


def test_every_driver_scenario_is_tested_here():
    names = {n for n in gpnopt.io.scenario_names(CASE) if n.startswith("timeline_")}
    assert names == set(DRIVERS)


def test_driver_mpq_moves_the_in_sourcing(base):
    """A lower MPQ is met by a smaller pooled volume, earlier; a higher one later (and the
    supplier JV, which follows the casting, moves with it)."""
    assert first_period(base, "make", "CN_FFG", "casting") == "2008"
    assert first_period(solve("timeline_mpq_low"), "make", "CN_FFG", "casting") == "2006"
    high = solve("timeline_mpq_high")
    assert first_period(high, "make", "CN_FFG", "casting") == "2010"
    assert first_period(high, "make", "CN_SUPJV", "core") == "2012"


def test_driver_demand_growth_moves_the_in_sourcing(base):
    """Half the Chinese growth: the pooled volume meets the MPQ a period later."""
    assert first_period(solve("timeline_slow_growth"), "make", "CN_FFG", "casting") == "2010"


def test_driver_import_volume_moves_tm_trading(base):
    """Twice the early import volume pays TM-Trading's fixed cost from 2006; half of it only
    in 2012."""
    assert first_period(solve("timeline_imports_high"), "channel", "CN_TMTRD") == "2006"
    assert first_period(solve("timeline_imports_low"), "channel", "CN_TMTRD") == "2012"


def test_driver_learning_threshold_moves_ft_japan(base):
    """FFG's lines for Japan unlock after FT-China's cumulative output: a lower threshold
    opens FT-Japan a period earlier, a higher one later."""
    assert first_period(solve("timeline_ffg_learns_fast"), "channel", "JP_FTJ") == "2007"
    assert first_period(solve("timeline_ffg_learns_slow"), "channel", "JP_FTJ") == "2010"


def test_driver_learning_threshold_moves_the_break_even(base):
    """FT-China's first learning step after 400 lathes instead of 200: 2006 is a loss too."""
    r = solve("timeline_ft_learns_slow")
    assert profit(r, "CN_FT", "2006") < 0 < profit(r, "CN_FT", "2007")


def test_driver_learning_opens_ft_china_at_a_loss(base):
    """FT-China opens in 2005 at a loss because its learning pays later: at its start-up cost
    throughout (no learning) it opens only when the Chinese market has grown."""
    assert profit(base, "CN_FT", "2005") < 0
    assert first_period(solve("timeline_ft_no_learning"), "plant", "CN_FT") not in (None, "2005")


def test_driver_capital_moves_the_purchasing_office(base):
    """With more capital TM opens the office at once, beside FT-China."""
    r = solve("timeline_more_tm_capital")
    assert first_period(r, "office", "TM_IPO") == "2005"
    assert share_from(r, "JP_TM", "2005", country="JP") < 0.4


def test_cf8_without_tms_guidance_ffg_china_never_casts(base):
    """CF-8: without TM's technical guidance (a prohibitive training cost) FFG-China buys its
    castings throughout, and its in-house rate stays at zero."""
    r = solve("timeline_no_tms_guidance")
    assert first_period(r, "make", "CN_FFG", "casting") is None
    assert all(share_from(r, "CN_FFG", t, source="CN_FFG") == 0 for t in PERIODS)


def test_myopic_foresight_does_not_follow_the_case(base):
    """Period by period, no period pays for FT-China's start-up: it opens late and the NPV is
    lower; the case's path (FT-China in 2005) is the planned one."""
    inst = gpnopt.load(CASE)
    r = gpnopt.solve(inst, foresight="myopic")
    assert r.status == "optimal"
    assert first_period(r, "plant", "CN_FT") not in (None, "2005")
    assert r.objective < base.objective


# --- docs -----------------------------------------------------------------------------------


def test_docs_section_names_every_event():
    section = DOC.read_text(encoding="utf-8").split("## 9. The case over time", 1)[1]
    for word in ("Toyota Tsusho", "purchasing office", "FT-Japan", "TM-Trading", "MPQ",
                 "break", "SF-V8", "SF-V9", "**data**", "**emerges**"):
        assert word in section, word
