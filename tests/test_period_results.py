"""Results over periods: the period column, the timeline, expectations per period (issue 13).

Rows are made by hand here (a Solution of two or three periods, as the reader gives them), so
each expected timeline and each expectation's truth can be read off the rows; the solved
multi-period models are in tests/test_period_solve.py.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import gpnopt
from gpnopt.analysis.expectations import evaluate_expectations
from gpnopt.analysis.specialization import specialization_table
from gpnopt.dynamics import ONE_PERIOD
from gpnopt.io import instance_from_dict, read_yaml
from gpnopt.results import COLUMNS, TABLE_NAMES, Solution, tables_of
from gpnopt.results.solution import ALL_PERIODS, sorted_rows
from gpnopt.results.timeline import TIMELINE_COLUMNS, timeline_rows

PERIODS = [{"id": "Y1", "start": 2005}, {"id": "Y2", "start": 2006}, {"id": "Y3", "start": 2008}]


@pytest.fixture(scope="module")
def raw(tiny_path) -> dict[str, Any]:
    """tiny.yaml with a channel and a purchasing office, its expectations left out."""
    r = copy.deepcopy(read_yaml(tiny_path))
    for key in ("overrides", "scenarios", "expectations"):
        r.pop(key, None)
    r["channels"] = {"CH": {"markets": ["CN", "JP"], "owners": {"TM": 1.0}, "investment_cost": 7}}
    r["purchasing_offices"] = {
        "PO": {"country": "CN", "owners": {"TM": 1.0}, "suppliers": ["CN_POOL"],
               "plants": ["CN_TM"], "closure_cost": 3},
    }
    r["plants"]["JP_TM"]["existing"] = True
    r["plants"]["CN_TM"]["investment_cost"] = 400
    return r


def plan_rows(plan: dict[str, dict[str, set[str]]]) -> dict[str, list[dict[str, Any]]]:
    """Rows of a solution from which assets operate in which period (quantities 0)."""
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "lines", "make_or_buy", "plant_profit", "channel_profit", "production",
        "component_flows")}
    for t, on in plan.items():
        for p, country in (("CN_TM", "CN"), ("JP_TM", "JP")):
            rows["plant_profit"].append({"plant": p, "period": t, "revenue": 0.0, "cost": 0.0,
                                         "profit": 1.0, "country": country,
                                         "open": int(p in on["plant"])})
        for p, i in (("CN_TM", "lathe_medium"), ("JP_TM", "lathe_high"),
                     ("JP_TM", "lathe_medium")):
            rows["lines"].append({"plant": p, "product": i, "period": t,
                                  "open": int(f"{p}/{i}" in on["line"]), "tier": "medium",
                                  "quantity": 0.0})
        rows["make_or_buy"].append({"plant": "CN_TM", "component": "casting", "period": t,
                                    "in_house": int("CN_TM/casting" in on["make"]),
                                    "quantity": 0.0})
        for h in ("CH", "PO"):
            rows["channel_profit"].append({"channel": h, "period": t, "revenue": 0.0,
                                           "cost": 0.0, "profit": 0.0,
                                           "open": int(h in on["channel"] | on["office"]),
                                           "quantity": 0.0})
    return rows


def solution(plan: dict[str, dict[str, set[str]]], **extra: Any) -> Solution:
    rows = plan_rows(plan)
    periods = tuple(plan)
    return Solution(
        instance="tiny", objective_mode="alliance", objective=0.0,
        **{k: sorted_rows(k, v, periods) for k, v in rows.items()},
        firm_profit={"TM": 0.0}, technicians=(), periods=periods, single=False,
        **extra,
    )


def on(plant=(), line=(), make=(), channel=(), office=()) -> dict[str, set[str]]:
    return {"plant": set(plant), "line": set(line), "make": set(make), "channel": set(channel),
            "office": set(office)}


# CN_TM is built in Y1 with its line; it in-sources casting in Y2, when the office opens
# (the channel too); in Y3 JP_TM (existing) closes, the office closes, CN_TM out-sources.
PLAN = {
    "Y1": on(plant=["JP_TM", "CN_TM"], line=["JP_TM/lathe_high", "CN_TM/lathe_medium"]),
    "Y2": on(plant=["JP_TM", "CN_TM"], line=["JP_TM/lathe_high", "CN_TM/lathe_medium"],
             make=["CN_TM/casting"], channel=["CH"], office=["PO"]),
    "Y3": on(plant=["CN_TM"], line=["CN_TM/lathe_medium"], channel=["CH"]),
}


def events(rows) -> list[tuple[str, str, str, str]]:
    return [(r["period"], r["event"], r["kind"], r["entity"]) for r in rows]


def test_timeline_lists_builds_switches_and_closures_in_period_order(raw):
    inst = instance_from_dict({**raw, "periods": PERIODS})
    rows = timeline_rows(solution(PLAN), {t: inst for t in PLAN})
    assert events(rows) == [
        # JP_TM exists: no event; its line does not (lines are assets of their own)
        ("Y1", "built", "plant", "CN_TM"),
        ("Y1", "line opened", "line", "CN_TM/lathe_medium"),
        ("Y1", "line opened", "line", "JP_TM/lathe_high"),
        ("Y2", "in-sourced", "make", "CN_TM/casting"),
        ("Y2", "channel opened", "channel", "CH"),
        ("Y2", "office opened", "office", "PO"),
        ("Y3", "closed", "plant", "JP_TM"),
        ("Y3", "line closed", "line", "JP_TM/lathe_high"),
        ("Y3", "out-sourced", "make", "CN_TM/casting"),
        ("Y3", "office closed", "office", "PO"),
    ]
    detail = {(r["event"], r["entity"]): r["detail"] for r in rows}
    assert detail["built", "CN_TM"] == "investment 400"
    assert detail["channel opened", "CH"] == "investment 7"
    assert detail["office closed", "PO"] == "closure cost 3"
    assert detail["closed", "JP_TM"] == ""
    assert list(rows[0]) == TIMELINE_COLUMNS


def test_timeline_reopening_is_a_new_build_and_equity_changes_come_from_data(raw):
    plan = {
        "Y1": on(plant=["JP_TM"]),
        "Y2": on(plant=["JP_TM", "CN_TM"]),
        "Y3": on(plant=["JP_TM"]),
    }
    plan["Y4"] = on(plant=["JP_TM", "CN_TM"])
    periods = [*PERIODS, {"id": "Y4", "start": 2010}]
    first = instance_from_dict({**raw, "periods": periods})
    shared = copy.deepcopy(raw)
    shared["firms"]["TTC"] = {"home_country": "JP"}
    shared["plants"]["CN_TM"]["owners"] = {"TM": 0.8, "TTC": 0.2}
    later = instance_from_dict({**shared, "periods": periods})
    insts = {"Y1": first, "Y2": first, "Y3": later, "Y4": later}
    rows = timeline_rows(solution(plan), insts)
    assert events(rows) == [
        ("Y2", "built", "plant", "CN_TM"),
        ("Y3", "closed", "plant", "CN_TM"),
        ("Y4", "built", "plant", "CN_TM"),
        # owners changed in Y3, but CN_TM is closed then: the change shows once it operates
        # (Y4 is compared with Y3, whose owners are the same: no event)
    ]
    insts = {"Y1": first, "Y2": first, "Y3": first, "Y4": later}
    rows = timeline_rows(solution(plan), insts)
    assert ("Y4", "equity changed", "plant", "CN_TM") in events(rows)
    change = next(r for r in rows if r["event"] == "equity changed")
    assert change["detail"] == "TM 1 -> TM 0.8, TTC 0.2"


def test_one_period_timeline_lists_what_is_built(solved_tiny):
    result = solved_tiny
    tl = result.tables["timeline"]
    assert list(tl.columns) == TIMELINE_COLUMNS
    assert set(tl["period"]) == {ONE_PERIOD}
    assert set(tl["event"]) == {"built", "line opened", "in-sourced"}
    # tiny: both plants, one line each, CN_TM casts in-house (docs/formulation.md, worked example)
    assert sorted(tl["entity"]) == sorted(
        ["CN_TM", "JP_TM", "CN_TM/lathe_medium", "JP_TM/lathe_high", "CN_TM/casting"])


def test_every_table_has_a_period_column_and_one_period_is_p1(solved_tiny):
    result = solved_tiny
    assert result.periods == (ONE_PERIOD,)
    assert result.summary()["periods"] == [ONE_PERIOD]
    for name in TABLE_NAMES:
        df = result.tables[name]
        assert "period" in df.columns, name
        assert set(df["period"]) <= {ONE_PERIOD}, name
    assert "period" in result.tables["specialization"].columns
    fp = result.tables["firm_profit"]
    assert list(fp["period"]) == [ONE_PERIOD]
    by = result.tables["firm_profit_by_period"]
    assert list(by.columns) == COLUMNS["firm_profit_by_period"]
    assert by["profit"].tolist() == fp["profit"].tolist() == [pytest.approx(3740.0)]
    assert by["weight"].tolist() == [1.0]
    assert result.expectations[0]["period"] == ONE_PERIOD


def test_multi_period_tables_keep_period_order_and_firm_profit_is_the_npv(raw):
    # ids chosen so that alphabetical order is not period order
    plan = {"b": PLAN["Y1"], "a": PLAN["Y2"], "c": PLAN["Y3"]}
    by_period = tuple(
        {"firm": "TM", "period": t, "profit": p, "weight": w, "value": p * w}
        for t, p, w in (("b", 10.0, 1.0), ("a", 20.0, 1.9), ("c", 30.0, 0.8)))
    sol = solution(plan, firm_profit_by_period=by_period)
    sol = Solution(**{**sol.__dict__, "firm_profit": {"TM": 72.0}})
    tables = tables_of(sol)
    assert list(dict.fromkeys(tables["plant_profit"]["period"])) == ["b", "a", "c"]
    assert tables["firm_profit"].to_dict("records") == [
        {"firm": "TM", "period": ALL_PERIODS, "profit": 72.0}]
    assert sol.overall == ALL_PERIODS
    a = sol.in_period("a")
    assert a.periods == ("a",)
    assert a.firm_profit == {"TM": 20.0}
    assert {r["period"] for r in a.lines} == {"a"}
    assert {r["plant"] for r in a.plant_profit if r["open"]} == {"JP_TM", "CN_TM"}
    assert a.objective == pytest.approx(2.0)  # two plants of profit 1, channels 0
    with pytest.raises(KeyError, match="not one of b, a, c"):
        sol.in_period("d")


def test_specialization_is_per_period(raw):
    inst = instance_from_dict({**raw, "periods": PERIODS})
    table = specialization_table(inst, solution(PLAN))
    assert list(table.columns[:2]) == ["plant", "period"]
    assert list(zip(table["period"], table["plant"], table["open"], strict=True)) == [
        ("Y1", "CN_TM", 1), ("Y1", "JP_TM", 1), ("Y2", "CN_TM", 1), ("Y2", "JP_TM", 1),
        ("Y3", "CN_TM", 1), ("Y3", "JP_TM", 0)]


# --- expectations per period ----------------------------------------------------------------


def expect(raw, *items: dict[str, Any], periods=PERIODS):
    return instance_from_dict({**raw, "periods": periods, "expectations": list(items)})


def holds(inst, sol) -> dict[str, bool]:
    return {e["id"]: e["holds"] for e in evaluate_expectations(inst, sol)}


def test_in_period_and_the_default_last_period(raw):
    inst = expect(
        raw,
        {"id": "jp_y2", "kind": "open", "plant": "JP_TM", "in_period": "Y2"},
        {"id": "jp_y3", "kind": "open", "plant": "JP_TM", "in_period": "Y3"},
        {"id": "jp_last", "kind": "open", "plant": "JP_TM"},  # the last period, Y3
        {"id": "jp_last_closed", "kind": "open", "plant": "JP_TM", "holds": False},
        {"id": "cast_y2", "kind": "in_house", "plant": "CN_TM", "component": "casting",
         "in_period": "Y2", "min_quantity": 0, "holds": False},  # 0 units: not in-house
    )
    got = evaluate_expectations(inst, solution(PLAN))
    assert {e["id"]: e["holds"] for e in got} == {
        "jp_y2": True, "jp_y3": False, "jp_last": False, "jp_last_closed": True,
        "cast_y2": True}
    assert {e["id"]: e["period"] for e in got}["jp_last"] == "Y3"
    assert got[0]["detail"] == "Y2: open"


def test_first_period_windows_in_years_and_period_ids(raw):
    inst = expect(
        raw,
        # the office first opens in Y2 (2006)
        {"id": "po_by_2006", "kind": "open", "channel": "CH", "first_period": {"at_most": 2006}},
        {"id": "po_by_2005", "kind": "open", "channel": "CH", "first_period": {"at_most": 2005}},
        {"id": "po_from_2006", "kind": "open", "channel": "CH",
         "first_period": {"at_least": 2006, "at_most": 2007}},
        {"id": "po_from_y3", "kind": "open", "channel": "CH", "first_period": {"at_least": "Y3"}},
        {"id": "po_by_y2", "kind": "open", "channel": "CH", "first_period": {"at_most": "Y2"}},
        {"id": "never", "kind": "makes", "plant": "JP_TM", "first_period": {"at_most": 2030}},
        {"id": "never_false", "kind": "makes", "plant": "JP_TM",
         "first_period": {"at_most": 2030}, "holds": False},
    )
    got = {e["id"]: e for e in evaluate_expectations(inst, solution(PLAN))}
    assert {k: e["holds"] for k, e in got.items()} == {
        "po_by_2006": True, "po_by_2005": False, "po_from_2006": True, "po_from_y3": False,
        "po_by_y2": True, "never": False, "never_false": True}
    assert got["po_by_2006"]["period"] == "Y2"
    assert got["po_by_2005"]["detail"] == "first holds in Y2: open (not at most 2005)"
    assert got["never"]["period"] == ""
    assert got["never"]["detail"] == "never holds"


def test_before_and_after_other_expectations(raw):
    inst = expect(
        raw,
        {"id": "cn_open", "kind": "open", "plant": "CN_TM", "holds": False},  # Y1 (untimed)
        {"id": "office", "kind": "open", "channel": "CH"},                     # first in Y2
        {"id": "cn_before_office", "kind": "open", "plant": "CN_TM", "before": "office"},
        {"id": "office_before_cn", "kind": "open", "channel": "CH", "before": "cn_open"},
        {"id": "office_after_cn", "kind": "open", "channel": "CH", "after": "cn_open"},
        {"id": "cn_after_office", "kind": "open", "plant": "CN_TM", "after": "office"},
        # the same period is neither before nor after
        {"id": "same", "kind": "open", "channel": "CH", "after": "office"},
        {"id": "same_b", "kind": "open", "channel": "CH", "before": "office", "holds": False},
        # with a window: both must hold
        {"id": "both", "kind": "open", "channel": "CH", "after": "cn_open",
         "first_period": {"at_most": 2005}},
    )
    got = holds(inst, solution(PLAN))
    assert got["cn_before_office"] is True
    assert got["office_before_cn"] is False
    assert got["office_after_cn"] is True
    assert got["cn_after_office"] is False
    assert got["same"] is False
    assert got["same_b"] is True
    assert got["both"] is False


def test_before_an_event_that_never_happens(raw):
    plan = {"Y1": on(plant=["JP_TM"]), "Y2": on(plant=["JP_TM"]), "Y3": on(plant=["JP_TM"])}
    inst = expect(
        raw,
        {"id": "cn", "kind": "open", "plant": "CN_TM"},  # never
        {"id": "jp_before_cn", "kind": "open", "plant": "JP_TM", "before": "cn"},
        {"id": "jp_after_cn", "kind": "open", "plant": "JP_TM", "after": "cn"},
    )
    got = holds(inst, solution(plan))
    assert got == {"cn": False, "jp_before_cn": True, "jp_after_cn": False}


def test_one_period_expectations_are_unchanged_and_accept_p1(tiny_path):
    raw = read_yaml(tiny_path)
    raw = {**raw, "expectations": [
        *raw["expectations"],
        {"id": "in_p1", "kind": "open", "plant": "CN_TM", "in_period": "P1"},
        {"id": "by_p1", "kind": "open", "plant": "CN_TM", "first_period": {"at_most": "P1"}},
    ]}
    result = gpnopt.solve(instance_from_dict(raw))
    got = {e["id"]: e for e in result.expectations}
    assert all(e["holds"] for e in got.values())
    assert got["jp_high_for_jp"]["detail"] == "40 units"  # no period in one-period details
    assert got["by_p1"]["period"] == ONE_PERIOD


@pytest.mark.parametrize(
    ("item", "periods", "message"),
    [
        ({"in_period": "Y9"}, PERIODS, r"expectations\.0\.in_period: unknown period 'Y9'"),
        ({"in_period": "Y1"}, [], r"expectations\.0\.in_period: unknown period 'Y1'"),
        ({"first_period": {"at_most": "Y9"}}, PERIODS,
         r"expectations\.0\.first_period\.at_most: unknown period 'Y9'"),
        ({"first_period": {"at_least": 2006}}, [],
         r"expectations\.0\.first_period\.at_least: a year \(2006\) needs periods:"),
        ({"before": "nope"}, PERIODS, r"expectations\.0\.before: unknown expectation 'nope'"),
        ({"after": "e"}, PERIODS, r"expectations\.0: .*cannot be timed against itself"),
        ({"in_period": "Y1", "after": "x"}, PERIODS,
         r"in_period .* cannot be combined with after"),
        ({"first_period": {}}, PERIODS, r"names at_least, at_most or both"),
        ({"first_period": {"at_least": 2008, "at_most": 2006}}, PERIODS,
         r"at_most \(2006\) is before at_least \(2008\)"),
    ],
)
def test_bad_timing_is_named_with_its_path(raw, item, periods, message):
    e = {"id": "e", "kind": "open", "plant": "CN_TM", **item}
    data = {**raw, "expectations": [e]}
    if periods:
        data["periods"] = periods
    with pytest.raises(gpnopt.InstanceError, match=message):
        instance_from_dict(data, name="x.yaml")


def test_solve_summary_of_a_multi_period_result_is_per_period(raw, capsys):
    from gpnopt.cli.solve import print_summary
    from gpnopt.results import Result

    inst = instance_from_dict({**raw, "periods": PERIODS})
    by_period = tuple(
        {"firm": "TM", "period": t, "profit": p, "weight": w, "value": p * w}
        for t, p, w in (("Y1", 10.0, 1.0), ("Y2", 20.0, 1.85), ("Y3", 30.0, 0.86)))
    sol = solution(PLAN, firm_profit_by_period=by_period)
    sol = Solution(**{**sol.__dict__, "firm_profit": {"TM": 72.5},
                      "timeline": timeline_rows(sol, {t: inst for t in PLAN})})
    result = Result(
        instance="tiny", scenario="base", objective_mode="alliance", status="optimal",
        objective=72.5, bound=72.5, mip_gap=0.0, seconds={}, tables=tables_of(sol),
        firm_profit={"TM": 72.5}, periods=sol.periods, single=False)
    result.tables["specialization"] = specialization_table(inst, sol)
    print_summary(result, inst)
    text = capsys.readouterr().out
    assert "net present value 72.5" in text
    assert "Net present value by firm" in text
    for period in ("Period Y1", "Period Y2", "Period Y3"):
        assert period in text
    assert "in-sourced" in text
    assert "investment 400" in text
    # each period's view holds that period's rows only: JP_TM is closed in Y3
    y3 = text.split("Period Y3", 1)[1]
    plants = y3.split("Profit by plant", 1)[1].split("Who makes", 1)[0]
    assert "│ JP_TM │ JP      │ no " in plants
    assert "│ CN_TM │ CN      │ yes " in plants
    assert plants.count("JP_TM") == 1


def test_a_period_called_all_is_refused(raw):
    periods = [{"id": "all", "start": 2005}, {"id": "Y2", "start": 2006}]
    with pytest.raises(gpnopt.InstanceError, match=r"x\.yaml: periods\.0\.id: 'all' is reserved"):
        instance_from_dict({**raw, "periods": periods}, name="x.yaml")
