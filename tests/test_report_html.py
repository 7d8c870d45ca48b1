"""The interactive report: the figures carry the results' numbers, the page is self-contained
and reproducible, and in a real headless browser it loads with no console error, fetches
nothing, switches scenarios and shows hover labels (docs/report.md).

The browser test needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium``
package (the test extras); ``.ci/run`` installs the browser. Without them the test skips with
the reason, except under CI (the variable ``CI`` set), where it fails instead.
"""

from __future__ import annotations

import os
import re
import sys
from html import escape
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gpnopt
from gpnopt import plots
from gpnopt.cli import app
from gpnopt.generate import generate

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "instances" / "tiny.yaml"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def comparison():
    """The tiny instance, base and expensive_china compared once (a line moves, flows
    vanish)."""
    return gpnopt.compare(TINY, ["base", "expensive_china"])


@pytest.fixture(scope="module")
def page_path(comparison, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    base = comparison.results["base"]
    return plots.write_report_html(comparison.instances["base"], base, out, comparison=comparison)


def _hovers(fig) -> list[str]:
    return [h for tr in fig.data if getattr(tr, "hovertext", None) is not None
            for h in tr.hovertext if h]


def test_map_hover_shows_every_flow_with_component_volume_and_value(comparison):
    inst, res = comparison.instances["base"], comparison.results["base"]
    hovers = _hovers(plots.network_map(inst, res))
    flows = res.component_flows
    between = flows[flows["source"] != flows["destination"]]
    assert not between.empty
    for r in between.itertuples():
        text = (f"<b>{r.component}</b><br>{r.source} → {r.destination}<br>"
                f"volume {r.quantity:,.0f} units/year<br>"
                f"value {r.quantity * r.unit_value:,.0f} kUSD/year")
        assert text in hovers
    sales = res.production.assign(value=res.production["quantity"] * res.production["price"])
    for (p, m, t), g in sales.groupby(["plant", "market", "tier"]):
        text = (f"<b>machines, {t} tier</b><br>{p} → {m}<br>"
                f"volume {g['quantity'].sum():,.0f} units/year<br>"
                f"value {g['value'].sum():,.0f} kUSD/year")
        assert text in hovers
    # one arrow per flow: component flows between entities and machine flows by tier
    arrows = [tr for tr in plots.network_map(inst, res).data
              if tr.marker is not None and tr.marker.symbol == "arrow"]
    assert sum(len(tr.x) for tr in arrows) == len(between) + sales.groupby(
        ["plant", "market", "tier"]).ngroups


def test_map_lays_countries_out_by_their_real_positions(comparison):
    inst, res = comparison.instances["base"], comparison.results["base"]
    fig = plots.network_map(inst, res)
    where = {n: (x, y) for tr in fig.data if tr.mode and "markers" in tr.mode and tr.text
             for n, x, y in zip(tr.text, tr.x, tr.y, strict=True)}
    assert where["JP_TM"][0] > where["CN_TM"][0] + 20  # Japan lies east of China
    assert abs(where["JP_TM"][1] - 36.5) < 10
    assert abs(where["CN_TM"][1] - 35) < 10
    assert fig.layout.xaxis.title.text == "longitude (°E)"
    assert plots.centroid("JP") == (138.5, 36.5)
    assert plots.centroid("chn") == plots.centroid("CN")
    assert plots.centroid("X1", "China (Hangzhou; Shanghai port)") == plots.centroid("CN")
    assert plots.centroid("X1", "Atlantis") is None


def test_unknown_countries_get_a_fallback_layout(comparison):
    inst = comparison.instances["base"]
    mixed = plots.country_positions(inst, ["JP", "ZZ", "CN", "QQ"])
    assert mixed.geographic
    assert mixed.unplaced == ("ZZ", "QQ")
    assert mixed.positions["JP"] == plots.centroid("JP")
    lowest_known = min(mixed.positions["JP"][1], mixed.positions["CN"][1])
    assert all(mixed.positions[c][1] < lowest_known for c in ("ZZ", "QQ"))
    assert mixed.positions["ZZ"] != mixed.positions["QQ"]
    synthetic = gpnopt.instance_from_dict(generate(1, countries=5))
    layout = plots.country_positions(synthetic, list(synthetic.countries))
    assert not layout.geographic
    assert sorted(layout.positions) == sorted(synthetic.countries)
    assert len(set(layout.positions.values())) == len(synthetic.countries)


def test_sankey_carries_component_flows_into_final_sales(comparison):
    inst, res = comparison.instances["base"], comparison.results["base"]
    sankey = plots.flow_sankey(inst, res).data[0]
    labels = list(sankey.node.label)
    into_markets = sum(v for t, v in zip(sankey.link.target, sankey.link.value, strict=True)
                       if labels[t].startswith("market "))
    sales = res.production["quantity"] * res.production["price"]
    assert into_markets == pytest.approx(float(sales.sum()))
    flows = res.component_flows
    components = sum(v for t, v in zip(sankey.link.target, sankey.link.value, strict=True)
                     if not labels[t].startswith("market "))
    assert components == pytest.approx(float((flows["quantity"] * flows["unit_value"]).sum()))
    assert any(c.startswith("casting: ") for c in sankey.link.customdata)


def test_heatmap_shows_each_plants_output_shares(comparison):
    inst, res = comparison.instances["base"], comparison.results["base"]
    cells = plots.specialization_cells(inst, res)
    fig = plots.specialization_map(inst, res)
    assert [tr.name for tr in fig.data] == ["machines", "supplies"]
    for tr in fig.data:
        assert list(tr.x) == list(cells.columns)
        for i, p in enumerate(cells.index):
            for j, c in enumerate(cells.columns):
                v, z = cells.at[p, c], tr.z[i][j]
                if c.startswith(tr.name) and v > 0:
                    assert z == pytest.approx(v / cells.loc[p].sum())
                else:
                    assert z is None


def test_page_is_self_contained_reproducible_and_shows_the_diff(comparison, page_path):
    html = page_path.read_text(encoding="utf-8")
    assert page_path.name == "report.html"
    assert "plotly.js v" in html[:20000]  # Plotly's JavaScript embedded in the head
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert not re.search(r"<link[^>]*stylesheet", html)
    for i in (0, 1):
        for kind in ("scenario", "network", "sankey", "heatmap", "diff"):
            assert f'id="{kind}-{i}"' in html
    assert '<option value="scenario-1">expensive_china</option>' in html
    diff = comparison.diff
    section = html[html.index('id="scenario-1"'):]
    for entity in diff["entity"]:
        assert f"<td>{escape(entity)}</td>" in section
    assert "base is the reference scenario." in html
    # plants whose lines moved are ringed on the map of that scenario
    assert '"name":"differs from the base"' in section.replace(": ", ":")
    again = plots.report_page(comparison.instances["base"], comparison.results["base"],
                              comparison=comparison)
    assert again == html


def test_page_adds_a_scenario_solved_outside_the_comparison(comparison, tiny):
    alone = gpnopt.solve(tiny)  # a Result that is not one of the comparison's
    html = plots.report_page(tiny, alone, comparison=comparison)
    assert html.count('<section class="scenario"') == 3
    assert '<option value="scenario-2" selected>base (solved alone)</option>' in html
    assert "base (solved alone) is not one of the scenarios compared." in html
    assert "<td>not compared</td>" in html


def test_report_command_writes_the_page(tmp_path):
    out = tmp_path / "plots"
    res = CliRunner().invoke(
        app, ["report", str(TINY), "--scenarios", "base,expensive_china", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "report.html" in res.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count('<section class="scenario"') == 2


def _browser_or_skip() -> None:
    """Skip (or under CI fail) when the headless browser or selenium is missing."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if missing:
        reason = (f"no headless browser: {', '.join(missing)} missing (apt-get install "
                  "chromium chromium-driver; pip install -e '.[test]')")
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; under CI the browser test must run")
        pytest.skip(reason)


def test_missing_browser_skips_with_a_reason_but_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setattr(sys.modules[__name__], "CHROMEDRIVER", tmp_path / "no-chromedriver")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-chromium, .*no-chromedriver missing"):
        _browser_or_skip()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="under CI the browser test must run"):
        _browser_or_skip()


@pytest.fixture
def browser(tmp_path):
    _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1800", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def test_page_in_a_headless_browser(browser, page_path, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(page_path.as_uri())
    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script("return document.body.getAttribute('data-shown')"))
    # loaded: no console error, nothing fetched, every figure drawn
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert fetched == []
    drawn = browser.execute_script("return document.querySelectorAll('.js-plotly-plot').length")
    assert drawn == 6

    def shown(div: str) -> bool:
        return browser.find_element(By.ID, div).is_displayed()

    assert shown("network-0")
    assert not shown("network-1")
    # the selector switches scenarios: the other network, Sankey, heatmap and diff show
    Select(browser.find_element(By.ID, "scenario-select")).select_by_visible_text(
        "expensive_china")
    assert browser.execute_script("return document.body.getAttribute('data-shown')") == (
        "scenario-1")
    assert all(shown(f"{k}-1") for k in ("network", "sankey", "heatmap", "diff"))
    assert not any(shown(f"{k}-0") for k in ("network", "sankey", "heatmap"))
    # hovering a flow's arrow shows its component, volume and value
    k = browser.execute_script(
        "return document.getElementById('network-1').data"
        ".findIndex(t => t.marker && t.marker.symbol === 'arrow')")
    assert k >= 0
    arrow = browser.find_element(
        By.CSS_SELECTOR, f"#network-1 .scatterlayer .trace:nth-child({k + 1}) path.point")
    ActionChains(browser).move_to_element(arrow).perform()
    WebDriverWait(browser, 5).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#network-1 .hoverlayer .hovertext"))
    label = browser.find_element(By.CSS_SELECTOR, "#network-1 .hoverlayer .hovertext").text
    assert "volume" in label
    assert "value" in label
    assert "→" in label
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 20_000


# --- a multi-period result (issue 13) ------------------------------------------------------------


@pytest.fixture(scope="module")
def periods_page(tmp_path_factory):
    """tiny.yaml over three periods (tests/test_period_plots.py), solved, its page written."""
    from test_period_plots import periods_tiny

    inst = gpnopt.instance_from_dict(periods_tiny(TINY), name="tiny_periods")
    res = gpnopt.solve(inst)
    assert res.periods == ("Y1", "Y2", "Y3")
    out = tmp_path_factory.mktemp("periods_report")
    return inst, res, plots.write_report_html(inst, res, out)


def test_multi_period_page_has_a_period_selector_timeline_and_each_periods_figures(
    periods_page,
):
    inst, res, path = periods_page
    html = path.read_text(encoding="utf-8")
    assert '<select id="period-select"><option value="Y1" selected>Y1 (2005)</option>' in html
    assert '<option value="Y3">Y3 (2008-2009)</option>' in html
    assert 'id="timeline-0"' in html
    for j, t in enumerate(res.periods):
        assert f'<div class="period" id="period-0-{j}" data-period="{t}">' in html
        for kind in ("network", "sankey", "heatmap", "events"):
            assert f'id="{kind}-0-{j}"' in html
    assert 'id="network-0"' not in html  # the one-period ids are not used
    assert f"net present value {res.objective:,.0f} kUSD" in html
    # each period's events are listed in its div
    tl = res.tables["timeline"]
    for j, t in enumerate(res.periods):
        div = html[html.index(f'id="period-0-{j}"'):]
        div = div[: div.index("</div>")]
        events = tl[tl["period"] == t]
        if events.empty:
            assert "No asset is built, closed or switched" in div
        for r in events.itertuples():
            assert f"<td>{escape(r.entity)}</td>" in div
    # each period's network is drawn from that period's rows: Y1's map has no Chinese plant
    # (not available before 2006, so not built yet), a later map has it open where its row
    # is open (closed where it closed after operating)
    views = plots.period_results(inst, res)
    pp = res.tables["plant_profit"].set_index(["plant", "period"])["open"]
    operated = False
    for t, (inst_t, view) in views.items():
        fig = plots.network_map(inst_t, view)
        where = {n: tr.name for tr in fig.data if tr.mode and "markers" in tr.mode and tr.text
                 for n in tr.text}
        operated |= bool(pp[("CN_TM", t)] == 1)
        if not operated:
            assert "CN_TM" not in where, t
        else:
            assert (where["CN_TM"] == "plant (closed)") == (pp[("CN_TM", t)] != 1), t
    assert pp[("CN_TM", "Y1")] == 0
    assert "period Y3 (2008-2009): flows by value (kUSD\\u002fyear)" in html  # JSON escapes /
    assert plots.report_page(inst, res) == html


def test_multi_period_page_in_a_headless_browser(browser, periods_page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    _, res, path = periods_page
    browser.get(path.as_uri())
    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script("return document.body.getAttribute('data-period')"))
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    assert browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)") == []
    n = len(res.periods)
    assert browser.execute_script(
        "return document.querySelectorAll('.js-plotly-plot').length") == 1 + 3 * n

    def shown(div: str) -> bool:
        return browser.find_element(By.ID, div).is_displayed()

    assert shown("timeline-0")
    assert shown("network-0-0")
    assert not any(shown(f"network-0-{j}") for j in range(1, n))
    Select(browser.find_element(By.ID, "period-select")).select_by_visible_text(
        "Y3 (2008-2009)")
    assert browser.execute_script("return document.body.getAttribute('data-period')") == "Y3"
    assert all(shown(f"{k}-0-2") for k in ("network", "sankey", "heatmap", "events"))
    assert not any(shown(f"network-0-{j}") for j in range(n - 1))
    assert shown("timeline-0")  # the timeline stays whatever the period
    # hovering an event marker of the timeline names the event and its period
    k = browser.execute_script(
        "return document.getElementById('timeline-0').data.findIndex(t => t.type === 'scatter')")
    assert k >= 0
    marker = browser.find_element(By.CSS_SELECTOR, "#timeline-0 .scatterlayer .trace path.point")
    ActionChains(browser).move_to_element(marker).perform()
    WebDriverWait(browser, 5).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#timeline-0 .hoverlayer .hovertext"))
    label = browser.find_element(By.CSS_SELECTOR, "#timeline-0 .hoverlayer .hovertext").text
    assert "in Y2 (2006-2007)" in label or "in Y3 (2008-2009)" in label
    assert any(ev in label for ev in set(res.tables["timeline"]["event"]))
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
