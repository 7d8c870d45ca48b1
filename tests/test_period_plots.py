"""Pictures over periods (issue 13): the timeline picture, each period's network and
specialization, the files of ``solve --plots`` on a multi-period instance.

The instance is tiny.yaml over three periods (Y1 2005, Y2 2006-2007, Y3 2008-2009), with
Japan's plant and lines existing, China's plant available from 2006 only (so it cannot
operate in Y1: if built, it is built in Y2 or later), a new partner TTC taking 20% of it
from Y3 (owners given per period: an equity change in Y3 from the data), Chinese demand
for the medium tier growing and Japanese demand for it ending in Y3. What the optimiser
decides beyond that is read from the Result's tables: every test checks the pictures
against those tables, never against a hard-coded decision.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest
import yaml
from matplotlib.colors import to_hex
from typer.testing import CliRunner

import gpnopt
from gpnopt import plots
from gpnopt.cli import app
from gpnopt.io import read_yaml
from gpnopt.plots.common import firm_colors
from gpnopt.results import solution_of
from gpnopt.results.timeline import operating
from gpnopt.timeseries import period_instances

PERIODS = [{"id": "Y1", "start": 2005}, {"id": "Y2", "start": 2006},
           {"id": "Y3", "start": 2008, "length": 2}]


def periods_tiny(tiny_path) -> dict[str, Any]:
    """The raw multi-period instance of the module docstring."""
    r = copy.deepcopy(read_yaml(tiny_path))
    for key in ("overrides", "scenarios", "expectations"):
        r.pop(key, None)
    r["periods"] = copy.deepcopy(PERIODS)
    r["finance"] = {"discount_rate": 0.0, "salvage": False}
    r["firms"]["TTC"] = {"home_country": "JP"}
    jp = r["plants"]["JP_TM"]
    jp["existing"] = True
    for line in jp["lines"].values():
        line["existing"] = True
    cn = r["plants"]["CN_TM"]
    cn["investment_cost"] = 100
    cn["available_from"] = 2006
    cn["owners"] = {"Y1": {"TM": 1.0}, "Y3": {"TM": 0.8, "TTC": 0.2}}
    r["markets"]["CN"]["demand"]["lathe_medium"]["quantity"] = {"Y1": 0, "Y2": 40, "Y3": 120}
    r["markets"]["JP"]["demand"]["lathe_medium"]["quantity"] = {"Y1": 30, "Y2": 30, "Y3": 0}
    return r


@pytest.fixture(scope="module")
def raw(tiny_path) -> dict[str, Any]:
    return periods_tiny(tiny_path)


@pytest.fixture(scope="module")
def solved(raw):
    inst = gpnopt.instance_from_dict(raw, name="tiny_periods")
    res = gpnopt.solve(inst)
    assert res.status == "optimal"
    assert res.periods == ("Y1", "Y2", "Y3")
    return inst, res


def expected_operating(inst, res) -> set[tuple[str, str, str]]:
    """(kind, entity, period) of every asset operating, from the tables (the timeline's rule)."""
    sol = solution_of(res)
    insts = period_instances(inst)
    return {(k, e, t) for t in res.periods
            for k, es in operating(sol, insts[t], t).items() for e in es}


def test_timeline_cells_are_the_tables_operating_assets(solved):
    inst, res = solved
    cells = plots.timeline_cells(inst, res)
    on = {(r.kind, r.entity, r.period) for r in cells.itertuples() if r.operating == 1}
    assert on == expected_operating(inst, res)
    assert on  # something operates
    # every asset has a cell per period, with the period's years
    assert (cells.groupby(["kind", "entity"]).size() == 3).all()
    years = dict(zip(cells["period"], zip(cells["start"], cells["length"], strict=True),
                     strict=False))
    assert years == {"Y1": (2005, 1), "Y2": (2006, 2), "Y3": (2008, 2)}
    # rows: each plant followed by its lines and make options, plants sorted
    kinds = list(dict.fromkeys(zip(cells["kind"], cells["entity"], strict=True)))
    plants = [e for k, e in kinds if k == "plant"]
    assert plants == sorted(plants)
    for k, e in kinds:
        if k in ("line", "make"):
            owner = e.split("/")[0]
            assert kinds.index(("plant", owner)) < kinds.index((k, e))
    # the data: China's plant is not available in 2005
    assert ("plant", "CN_TM", "Y1") not in on


def test_timeline_figure_has_a_bar_per_operating_cell_and_a_marker_per_event(solved):
    inst, res = solved
    fig = plots.timeline_figure(inst, res)
    ax = fig.axes[0]
    bars = {p.get_gid() for p in ax.patches if (p.get_gid() or "").startswith("bar:")}
    assert bars == {f"bar:{k}:{e}:{t}" for k, e, t in expected_operating(inst, res)}
    marks = [ln.get_gid() for ln in ax.lines if (ln.get_gid() or "").startswith("event:")]
    tl = res.tables["timeline"]
    assert sorted(marks) == sorted(f"event:{r.event}:{r.entity}:{r.period}"
                                   for r in tl.itertuples())
    # the events that the data fixes: the equity change in Y3, labelled with the new owners
    assert "event:equity changed:CN_TM:Y3" in marks
    assert "owners TM 0.8, TTC 0.2" in {t.get_text() for t in ax.texts}
    # periods as columns, as wide as their years
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "Y1\n(2005)", "Y2\n(2006-2007)", "Y3\n(2008-2009)"]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(
        dict.fromkeys(plots.timeline_cells(inst, res)["label"]))
    bar = next(p for p in ax.patches if p.get_gid() == "bar:plant:JP_TM:Y3")
    assert bar.get_x() == pytest.approx(2008, abs=0.1)
    assert bar.get_width() == pytest.approx(2, abs=0.2)
    assert "net present value" in fig.get_suptitle()


def test_timeline_figure_of_a_one_period_result(solved_tiny, tiny):
    fig = plots.timeline_figure(tiny, solved_tiny)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["P1"]
    bars = {p.get_gid() for p in ax.patches if (p.get_gid() or "").startswith("bar:")}
    pp = solved_tiny.plant_profit
    assert {g for g in bars if g.startswith("bar:plant:")} == {
        f"bar:plant:{p}:P1" for p in pp.loc[pp["open"] == 1, "plant"]}
    # a one-period result's events are its openings, all in P1
    marks = {ln.get_gid() for ln in ax.lines if (ln.get_gid() or "").startswith("event:")}
    assert marks == {f"event:{r.event}:{r.entity}:P1"
                     for r in solved_tiny.tables["timeline"].itertuples()}
    assert "profit" in fig.get_suptitle()
    assert "/year" in fig.get_suptitle()


def test_timeline_chart_hovers_name_each_event_and_its_detail(solved):
    inst, res = solved
    fig = plots.timeline_chart(inst, res)
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert sum(len(tr.y) for tr in bars) == len(expected_operating(inst, res))
    hovers = [h for tr in fig.data if tr.type == "scatter" for h in tr.hovertext]
    tl = res.tables["timeline"]
    assert len(hovers) == len(tl)
    for r in tl.itertuples():
        label = plots.period_label(inst, r.period)
        text = f"<b>{r.event}</b>: {r.entity}<br>in {label}" + (
            f"<br>{r.detail}" if r.detail else "")
        assert text in hovers
    assert "<b>equity changed</b>: CN_TM<br>in Y3 (2008-2009)<br>TM 1 -> TM 0.8, TTC 0.2" in hovers
    assert list(fig.layout.xaxis.ticktext) == ["Y1 (2005)", "Y2 (2006-2007)", "Y3 (2008-2009)"]


def test_period_results_hold_each_periods_rows_and_owners(solved, solved_tiny, tiny):
    inst, res = solved
    views = plots.period_results(inst, res)
    assert list(views) == ["Y1", "Y2", "Y3"]
    by = res.tables["firm_profit_by_period"]
    for t, (_inst, view) in views.items():
        assert view.periods == (t,)
        for name, df in view.tables.items():
            if "period" in df.columns and name != "firm_profit":
                assert set(df["period"]) <= {t}, name
        assert view.firm_profit == {
            r.firm: pytest.approx(r.profit) for r in by[by["period"] == t].itertuples()}
        pp = res.tables["plant_profit"]
        cp = res.tables["channel_profit"]
        assert view.objective == pytest.approx(
            pp.loc[pp["period"] == t, "profit"].sum() + cp.loc[cp["period"] == t, "profit"].sum())
    assert views["Y2"][0].plants["CN_TM"].owners == {"TM": 1.0}
    assert views["Y3"][0].plants["CN_TM"].owners == {"TM": 0.8, "TTC": 0.2}
    # a plant not built yet has no row in the pictures' view (the plain view keeps it)
    assert "CN_TM" not in set(views["Y1"][1].tables["plant_profit"]["plant"])
    assert "CN_TM" in set(plots.period_result(res, "Y1").tables["plant_profit"]["plant"])
    assert "JP_TM" in set(views["Y1"][1].tables["plant_profit"]["plant"])  # existing
    # one period: the objects themselves
    assert plots.period_results(tiny, solved_tiny) == {"P1": (tiny, solved_tiny)}
    with pytest.raises(KeyError, match="Y9"):
        plots.period_result(res, "Y9")


def test_each_periods_network_shows_that_periods_owners(solved):
    inst, res = solved
    views = plots.period_results(inst, res)
    ttc = firm_colors(inst.firms)["TTC"]

    def colours(t: str) -> set[str]:
        fig = plots.network_figure(*views[t])
        return {to_hex(p.get_facecolor()) for p in fig.axes[0].patches
                if type(p).__name__ == "Wedge"}

    on = expected_operating(inst, res)
    if ("plant", "CN_TM", "Y3") in on:
        assert ttc in colours("Y3")
    assert ttc not in colours("Y2")


def test_write_plots_of_a_multi_period_result(solved, tmp_path):
    inst, res = solved
    first = plots.write_plots(inst, res, tmp_path / "a")
    assert [p.name for p in first] == [
        "timeline.png",
        "network-Y1.png", "specialization-Y1.png",
        "network-Y2.png", "specialization-Y2.png",
        "network-Y3.png", "specialization-Y3.png",
        "index.html",
    ]
    page = (tmp_path / "a" / "index.html").read_text()
    for p in first[:-1]:
        assert f'src="{p.name}"' in page
    assert f"net present value {res.objective:,.0f} kUSD" in page
    assert "Periods: Y1 (2005), Y2 (2006-2007), Y3 (2008-2009)." in page
    assert "Period Y3 (2008-2009), the network" in page
    second = plots.write_plots(inst, res, tmp_path / "b")
    for p, q in zip(first, second, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name
    # the periods' networks differ (the Y1 network has no Chinese plant)
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in first}
    assert digests["network-Y1.png"] != digests["network-Y2.png"]
def test_solve_plots_on_a_multi_period_file(raw, tmp_path):
    path = tmp_path / "tiny_periods.yaml"
    path.write_text(yaml.safe_dump(raw))
    out = tmp_path / "pics"
    res = CliRunner().invoke(app, ["solve", str(path), "--plots", str(out)])
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([
        ".gpnopt-manifest.json", "index.html", "report.html", "timeline.png",
        *(f"{k}-{t}.png" for k in ("network", "specialization") for t in ("Y1", "Y2", "Y3")),
    ])
    assert not (out / "network.png").exists()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="period-select"' in page
    assert "Pictures written to" in res.output


def test_report_compares_multi_period_scenarios(raw, tmp_path):
    raw = {**raw,
           "overrides": {"dear_china": {"plants": {"CN_TM": {"lines": {"lathe_medium": {
               "unit_cost": 30}}}}}},
           "scenarios": {"expensive_china": ["dear_china"]}}
    path = tmp_path / "tiny_periods.yaml"
    path.write_text(yaml.safe_dump(raw))
    out = tmp_path / "pics"
    res = CliRunner().invoke(app, ["report", str(path), "--scenarios", "base,expensive_china",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "alliance net present value" in res.output
    names = {p.name for p in out.iterdir()}
    assert {"comparison.png", "timeline.png", "network-Y3.png",
            *(f"network_expensive_china-{t}.png" for t in ("Y1", "Y2", "Y3"))} <= names
    assert "network.png" not in names
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count('<section class="scenario"') == 2
    assert 'id="timeline-1"' in page
    assert 'id="network-1-2"' in page


def test_comparison_figure_shows_each_scenarios_last_period_roles(raw):
    from gpnopt.analysis.compare import compare_results

    raw2 = {**raw, "markets": {**raw["markets"], "CN": {**raw["markets"]["CN"], "demand": {
        **raw["markets"]["CN"]["demand"], "lathe_medium": {"quantity": 0, "price": 25}}}}}
    insts = {n: gpnopt.instance_from_dict(r, name="tiny_periods")
             for n, r in (("base", raw), ("no_china", raw2))}
    results = {n: gpnopt.solve(i) for n, i in insts.items()}
    comp = compare_results(results, insts)
    fig = plots.comparison_figure(comp)
    ax3 = fig.axes[2]
    assert ax3.get_title() == "plant role types (each scenario's last period)"
    roles = comp.kpis[comp.kpis["section"] == "role type"]
    plants = [t.get_text() for t in ax3.get_xticklabels()]
    letters = {"horizontal": "H", "vertical": "V", "both": "B", "none": "-"}
    texts = {(round(t.get_position()[0]), round(t.get_position()[1])): t.get_text()
             for t in ax3.texts}
    for y, (s, r) in enumerate(results.items()):
        pp = r.tables["plant_profit"]
        last = pp[pp["period"] == "Y3"].set_index("plant")["open"]
        for x, p in enumerate(plants):
            mine = roles[(roles["scenario"] == s) & (roles["item"] == p)
                         & (roles["period"] == "Y3")]
            want = "" if last.get(p, 0) != 1 or mine.empty else letters[mine["value"].iloc[0]]
            assert texts[(x, y)] == want, (s, p)
    # not vacuous: some plant closed in Y1 (China's, not yet available) has a role in Y3
    pp = results["base"].tables["plant_profit"].set_index(["plant", "period"])["open"]
    assert any(pp[(p, "Y1")] == 0 and texts[(x, 0)] for x, p in enumerate(plants))


def test_period_label_names_the_years_unless_the_id_is_the_year(raw, tiny):
    inst = gpnopt.instance_from_dict(raw, name="tiny_periods")
    assert [plots.period_label(inst, t) for t in ("Y1", "Y2", "Y3")] == [
        "Y1 (2005)", "Y2 (2006-2007)", "Y3 (2008-2009)"]
    by_year = copy.deepcopy(raw)
    by_year["periods"] = [{"id": "2005", "start": 2005}, {"id": "2006", "start": 2006,
                                                         "length": 2}]
    for key in ("plants", "markets"):
        by_year[key] = copy.deepcopy(raw[key])
    by_year["plants"]["CN_TM"]["owners"] = {"TM": 1.0}
    for m in by_year["markets"].values():
        m["demand"]["lathe_medium"]["quantity"] = 30
    inst2 = gpnopt.instance_from_dict(by_year, name="by_year")
    assert plots.period_label(inst2, "2005") == "2005"
    assert plots.period_label(inst2, "2006") == "2006 (2006-2007)"
    assert plots.period_label(tiny, "P1") == "P1"


def test_learning_and_training_events_are_marked_in_their_own_style():
    from model.conftest import micro
    from model.test_learning_periods import THREE, TWO, cost_step, result, training

    for raw, event, cls in ((micro(TWO, cost_step(10)), "learned", "learned"),
                            (micro(THREE, training(20, lag=1)), "training started",
                             "training")):
        inst = gpnopt.instance_from_dict(raw, name="micro")
        res = result(raw)
        tl = res.tables["timeline"]
        assert event in set(tl["event"])  # the micro-instances of tests/model say so
        fig = plots.timeline_figure(inst, res)
        marks = {ln.get_gid(): ln for ln in fig.axes[0].lines
                 if (ln.get_gid() or "").startswith("event:")}
        assert sorted(marks) == sorted(f"event:{r.event}:{r.entity}:{r.period}"
                                       for r in tl.itertuples())
        marker, color, symbol = plots.EVENT_MARKERS[cls]
        for r in tl[tl["event"] == event].itertuples():
            ln = marks[f"event:{r.event}:{r.entity}:{r.period}"]
            assert (ln.get_marker(), to_hex(ln.get_color())) == (marker, color)
        legend = {t.get_text() for t in fig.legends[0].get_texts()}
        assert plots.EVENT_NAMES[cls] in legend
        chart = plots.timeline_chart(inst, res)
        styled = [tr for tr in chart.data if tr.type == "scatter" and tr.marker.symbol == symbol]
        assert len(styled) == 1
        assert len(styled[0].x) == int((tl["event"] == event).sum())
    assert plots.event_class("equity changed") == "equity"
    assert plots.event_class("something new") == "other"
