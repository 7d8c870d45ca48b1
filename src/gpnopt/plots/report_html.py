"""The interactive report: one self-contained HTML page, ``report.html``.

:func:`report_page` builds the page and :func:`write_report_html` writes it atomically. The
page embeds Plotly's JavaScript (what ``include_plotlyjs=True`` does, once in the head rather
than with the first figure), so it opens with no network; every figure has a fixed div id
and nothing in the page depends on the time or on a random number, so the same results give
the same bytes.

A scenario selector (a ``<select id="scenario-select">`` and a few lines of inline script
that show one ``<section class="scenario">`` and hide the others) switches between the
scenarios of a comparison: for each, its KPIs, what differs from the reference (the decision
diff of :func:`gpnopt.compare`), its network map (:func:`~gpnopt.plots.interactive.network_map`,
plants whose decisions differ ringed in red), the Sankey of its flows
(:func:`~gpnopt.plots.interactive.flow_sankey`) and its specialization heatmap
(:func:`~gpnopt.plots.interactive.specialization_map`). Without a comparison the page shows
the one scenario solved.

A multi-period result (an instance with ``periods:``) adds a period selector (``<select
id="period-select">``) beside the scenario selector. Each scenario's section then holds its
net present values, its timeline (:func:`~gpnopt.plots.timeline.timeline_chart`,
``timeline-<i>``) and a ``<div class="period" data-period="T">`` per period (``period-<i>-<j>``,
``j`` the period's position): the period's yearly profits, its events, what differs from the
reference in that period, and its network, Sankey and heatmap (``network-<i>-<j>``,
``sankey-<i>-<j>``, ``heatmap-<i>-<j>``), drawn from the period's rows with the period's
instance (:func:`~gpnopt.plots.periods.period_results`). The selectors show one scenario's
section and, in it, one period. A page of one-period results is exactly as before.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from gpnopt.atomic import OutputFolder
from gpnopt.plots.common import money_unit
from gpnopt.plots.interactive import flow_sankey, network_map, specialization_map
from gpnopt.plots.periods import period_label, period_results
from gpnopt.plots.timeline import timeline_chart
from gpnopt.schema import Instance

if TYPE_CHECKING:
    from gpnopt.analysis.compare import Comparison
    from gpnopt.results import Result

REPORT_NAME = "report.html"
"""File name of the interactive report in the output folder."""

PLOTLY_CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": False, "scrollZoom": True}
"""Plotly's config for every figure of the page (no logo, fixed size, wheel zoom)."""

_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:1200px;margin:1em auto;padding:0 1em;"
    "color:#222}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.5em}"
    "table{border-collapse:collapse;font-size:13px;margin:.5em 0}"
    "th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f4f4f4}"
    "td.num{text-align:right}.diff{max-height:320px;overflow:auto;display:inline-block}"
    "#selector{position:sticky;top:0;background:#fff;padding:.5em 0;z-index:10;"
    "border-bottom:1px solid #eee}select{font-size:15px;padding:2px 6px}"
    ".note{color:#555}"
)

_SCRIPT = """\
(function () {
  var select = document.getElementById("scenario-select");
  function show() {
    var sections = document.querySelectorAll("section.scenario");
    for (var i = 0; i < sections.length; i++) {
      sections[i].style.display = sections[i].id === select.value ? "" : "none";
    }
    document.body.setAttribute("data-shown", select.value);
  }
  select.addEventListener("change", show);
  window.addEventListener("load", show);
})();
"""

_PERIOD_SCRIPT = """\
(function () {
  var scenario = document.getElementById("scenario-select");
  var period = document.getElementById("period-select");
  function show() {
    var sections = document.querySelectorAll("section.scenario");
    for (var i = 0; i < sections.length; i++) {
      sections[i].style.display = sections[i].id === scenario.value ? "" : "none";
    }
    var periods = document.querySelectorAll("div.period");
    for (var j = 0; j < periods.length; j++) {
      var p = periods[j];
      p.style.display = p.getAttribute("data-period") === period.value ? "" : "none";
    }
    document.body.setAttribute("data-shown", scenario.value);
    document.body.setAttribute("data-period", period.value);
  }
  scenario.addEventListener("change", show);
  period.addEventListener("change", show);
  window.addEventListener("load", show);
})();
"""


def _scenarios(
    result: Result, comparison: Comparison | None, instance: Instance
) -> list[tuple[str, Instance, Result]]:
    """The scenarios of the page in order: the comparison's solved ones, then ``result`` if
    it is not one of them (or ``result`` alone without a comparison)."""
    own = (result.scenario or "base", instance, result)
    if comparison is None or not comparison.results:
        return [own]
    scen = [(s, comparison.instances[s], r) for s, r in comparison.results.items()]
    if all(r is not result for _, _, r in scen):
        names = {s for s, _, _ in scen}
        scen.append(own if own[0] not in names else (f"{own[0]} (solved alone)", *own[1:]))
    return scen


def _changed(diff: pd.DataFrame) -> set[str]:
    """The plants whose structural decisions (open, lines, make or buy) differ."""
    out = set()
    for r in diff.itertuples(index=False):
        if r.kind == "plant":
            out.add(str(r.entity))
        elif r.kind in ("line", "make_or_buy"):
            out.add(str(r.entity).split("/")[0])
    return out


def _table(df: pd.DataFrame, numeric: tuple[str, ...] = ()) -> str:
    e = html.escape
    head = "".join(f"<th>{e(str(c))}</th>" for c in df.columns)
    rows = []
    for r in df.itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, r, strict=True):
            cls = ' class="num"' if c in numeric else ""
            cells.append(f"<td{cls}>{e('' if v is None else str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _summary(
    scen: list[tuple[str, Instance, Result]], diff: pd.DataFrame, money: str, compared: set[str]
) -> str:
    rows = []
    multi = any(not r.single for _, _, r in scen)
    objective = f"objective ({money}, net present value)" if multi else f"objective ({money}/year)"
    for i, (s, _, r) in enumerate(scen):
        n = int((diff["scenario"] == s).sum()) if not diff.empty else 0
        rows.append({
            "scenario": s, "status": r.status,
            objective: f"{r.objective:,.0f}",
            "profit by firm": ", ".join(f"{f} {v:,.0f}" for f, v in r.firm_profit.items()),
            "decisions differing": "reference" if i == 0 else str(n) if s in compared
            else "not compared",
        })
    return _table(pd.DataFrame(rows), numeric=(objective,))


def _figure(fig: go.Figure, div_id: str) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config=PLOTLY_CONFIG)


def _section(
    i: int, name: str, inst: Instance, res: Result, ref: str, diff: pd.DataFrame,
    compared: bool,
) -> list[str]:
    e = html.escape
    money = money_unit(inst)
    mine = diff[diff["scenario"] == name] if not diff.empty else diff
    firms = ", ".join(f"{f} {v:,.0f}" for f, v in res.firm_profit.items())
    parts = [
        f'<section class="scenario" id="scenario-{i}" data-scenario="{e(name)}">',
        f"<h2>Scenario {e(name)}{' (reference)' if i == 0 else ''}</h2>",
        f"<p>Status {e(res.status)}; objective ({e(res.objective_mode)}) "
        f"{res.objective:,.0f} {e(money)}/year; profit by firm: {e(firms)}.</p>",
        f"<h3>What differs from {e(ref)}</h3>",
    ]
    if i == 0:
        parts.append(f'<p class="note" id="diff-{i}">{e(name)} is the reference scenario.</p>')
    elif not compared:
        parts.append(f'<p class="note" id="diff-{i}">{e(name)} is not one of the scenarios '
                     "compared.</p>")
    elif mine.empty:
        parts.append(f'<p class="note" id="diff-{i}">No decision differs from {e(ref)}.</p>')
    else:
        cols = ["kind", "entity", "before", "after", "change"]
        parts.append(f'<div class="diff" id="diff-{i}">{_table(mine[cols])}</div>')
    changed = _changed(mine) if i > 0 and not mine.empty else set()
    net = network_map(inst, res, changed=changed)
    where = ("Countries at their real positions (longitude, latitude)"
             if net.layout.xaxis.title.text != "schematic layout"
             else "Countries on a grid (their ids are not in the table of country positions)")
    parts += [
        "<h3>Network</h3>",
        f'<p class="note">{where}; hover an arrow for the goods, volume and value of a flow, '
        "a node for its details; drag to pan, scroll to zoom, click a legend entry to hide "
        "those flows."
        + (" Plants whose decisions differ from the reference are ringed in red." if changed
           else "") + "</p>",
        _figure(net, f"network-{i}"),
        "<h3>Component flows into final sales</h3>",
        _figure(flow_sankey(inst, res), f"sankey-{i}"),
        "<h3>Plant specialization</h3>",
        _figure(specialization_map(inst, res), f"heatmap-{i}"),
        "</section>",
    ]
    return parts


def _diff_block(
    div_id: str, name: str, ref: str, mine: pd.DataFrame, first: bool, compared: bool
) -> str:
    e = html.escape
    if first:
        return f'<p class="note" id="{div_id}">{e(name)} is the reference scenario.</p>'
    if not compared:
        return (f'<p class="note" id="{div_id}">{e(name)} is not one of the scenarios '
                "compared.</p>")
    if mine.empty:
        return f'<p class="note" id="{div_id}">No decision differs from {e(ref)}.</p>'
    cols = ["kind", "entity", "before", "after", "change"]
    return f'<div class="diff" id="{div_id}">{_table(mine[cols])}</div>'


def _period_div(
    i: int, j: int, t: str, label: str, inst: Instance, view: Result, name: str, ref: str,
    mine: pd.DataFrame, compared: bool,
) -> list[str]:
    """One period of a multi-period scenario: its yearly profits, events, diff and figures."""
    e = html.escape
    money = money_unit(inst)
    firms = ", ".join(f"{f} {v:,.0f}" for f, v in view.firm_profit.items())
    tl = view.tables["timeline"]
    events = (_table(tl[["event", "kind", "entity", "detail"]]) if not tl.empty
              else '<p class="note">No asset is built, closed or switched in this period.</p>')
    here = mine[mine["period"].astype(str) == t] if "period" in mine.columns else mine
    changed = _changed(here) if i > 0 and not here.empty else set()

    def title(what: str) -> str:
        return (f"{inst.name}, scenario {name}, period {label}: {what}<br>"
                f"<sup>profit in the period {view.objective:,.0f} {money}/year "
                f"({view.status})</sup>")

    net = network_map(inst, view, changed=changed, title=title("production network"))
    return [
        f'<div class="period" id="period-{i}-{j}" data-period="{e(t)}">',
        f"<h3>Period {e(label)}</h3>",
        f"<p>Profit in the period {view.objective:,.0f} {e(money)}/year; by firm "
        f"(equity-weighted, the period's owners): {e(firms)}.</p>",
        "<h4>Events at the start of the period</h4>",
        f'<div id="events-{i}-{j}">{events}</div>',
        f"<h4>What differs from {e(ref)} in this period</h4>",
        _diff_block(f"diff-{i}-{j}", name, ref, here, i == 0, compared),
        "<h4>Network</h4>",
        '<p class="note">Hover an arrow for the goods, volume and value of a flow, a node for '
        "its details; drag to pan, scroll to zoom."
        + (" Plants whose decisions differ from the reference in this period are ringed in "
           "red." if changed else "") + "</p>",
        _figure(net, f"network-{i}-{j}"),
        "<h4>Component flows into final sales</h4>",
        _figure(flow_sankey(inst, view, title=title(f"flows by value ({money}/year)")),
                f"sankey-{i}-{j}"),
        "<h4>Plant specialization</h4>",
        _figure(specialization_map(
            inst, view, title=title(f"plant specialization ({money}/year)")), f"heatmap-{i}-{j}"),
        "</div>",
    ]


def _period_section(
    i: int, name: str, inst: Instance, res: Result, ref: str, diff: pd.DataFrame,
    compared: bool, periods: list[str],
) -> list[str]:
    """A scenario of a multi-period page: its KPIs, its timeline, then a div per period
    (``periods``: the page's periods, so every scenario answers the period selector)."""
    e = html.escape
    money = money_unit(inst)
    mine = diff[diff["scenario"] == name] if not diff.empty else diff
    firms = ", ".join(f"{f} {v:,.0f}" for f, v in res.firm_profit.items())
    value = (f"net present value {res.objective:,.0f} {e(money)}; net present value by firm"
             if not res.single else f"{res.objective:,.0f} {e(money)}/year; profit by firm")
    parts = [
        f'<section class="scenario" id="scenario-{i}" data-scenario="{e(name)}">',
        f"<h2>Scenario {e(name)}{' (reference)' if i == 0 else ''}</h2>",
        f"<p>Status {e(res.status)}; objective ({e(res.objective_mode)}) {value}: "
        f"{e(firms)}.</p>",
        "<h3>Timeline</h3>",
        '<p class="note">Each plant, line, in-house component, channel and office by period: '
        "bars where it operates, markers for the events at the start of a period (hover a "
        "marker for the event and its detail). The period selector above shows one period's "
        "network below.</p>",
        _figure(timeline_chart(inst, res), f"timeline-{i}"),
    ]
    views = period_results(inst, res)
    for j, t in enumerate(periods):
        if t not in views:
            parts.append(f'<div class="period" id="period-{i}-{j}" data-period="{e(t)}">'
                         f'<p class="note">Scenario {e(name)} has no period {e(t)}.</p></div>')
            continue
        inst_t, view = views[t]
        label = period_label(inst, t) if not res.single else t
        parts += _period_div(i, j, t, label, inst_t, view, name, ref, mine, compared)
    parts.append("</section>")
    return parts


def report_page(
    instance: Instance, result: Result, *, comparison: Comparison | None = None
) -> str:
    """The interactive report of ``result`` (and of the scenarios of ``comparison``).

    Args:
        instance: the instance solved for ``result``.
        result: its Result; the scenario shown first.
        comparison: an optional :class:`~gpnopt.analysis.compare.Comparison`: the page then
            has a section per solved scenario, the first the reference of the diff.

    A multi-period result gets a period selector, a timeline per scenario and each period's
    figures (see the module docstring).

    Returns:
        The page, a complete HTML document with Plotly's JavaScript embedded.
    """
    e = html.escape
    scen = _scenarios(result, comparison, instance)
    diff = comparison.diff if comparison is not None else pd.DataFrame(columns=["scenario"])
    ref = scen[0][0]
    shown = next((i for i, (_, _, r) in enumerate(scen) if r is result), 0)
    options = "".join(
        f'<option value="scenario-{i}"{" selected" if i == shown else ""}>{e(s)}'
        f"{' (reference)' if i == 0 and len(scen) > 1 else ''}</option>"
        for i, (s, _, _) in enumerate(scen)
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(instance.name)}: gpnopt interactive report</title>",
        '<link rel="icon" href="data:,">',
        f"<style>{_CSS}</style>",
        f"<script>{plotly.offline.get_plotlyjs()}</script>",
        "</head>",
        "<body>",
        f"<h1>{e(instance.name)}: interactive report</h1>",
        _summary(scen, diff, money_unit(instance),
                 set(comparison.results) if comparison is not None else set()),
    ]
    notes = comparison.notes if comparison is not None else []
    parts += [f'<p class="note">Not solved: {e(n)}</p>' for n in notes]
    if all(r.single for _, _, r in scen):
        parts += [
            '<div id="selector"><label for="scenario-select">Scenario: </label>'
            f'<select id="scenario-select">{options}</select></div>',
        ]
        for i, (s, inst, res) in enumerate(scen):
            compared = comparison is not None and comparison.results.get(s) is res
            parts += _section(i, s, inst, res, ref, diff, compared or i == 0)
        parts += [f"<script>{_SCRIPT}</script>", "</body>", "</html>", ""]
        return "\n".join(parts)
    periods = list(dict.fromkeys(t for _, _, r in [scen[shown], *scen] for t in r.periods))
    first = scen[shown][2].periods[0]
    labels = {t: next((period_label(i, t) for _, i, r in scen if t in r.periods), t)
              for t in periods}
    period_options = "".join(
        f'<option value="{e(t)}"{" selected" if t == first else ""}>{e(labels[t])}</option>'
        for t in periods
    )
    parts += [
        '<div id="selector"><label for="scenario-select">Scenario: </label>'
        f'<select id="scenario-select">{options}</select> '
        '<label for="period-select">Period: </label>'
        f'<select id="period-select">{period_options}</select></div>',
    ]
    for i, (s, inst, res) in enumerate(scen):
        compared = comparison is not None and comparison.results.get(s) is res
        parts += _period_section(i, s, inst, res, ref, diff, compared or i == 0, periods)
    parts += [f"<script>{_PERIOD_SCRIPT}</script>", "</body>", "</html>", ""]
    return "\n".join(parts)


def write_report_html(
    instance: Instance,
    result: Result,
    out_dir: str | Path,
    *,
    comparison: Comparison | None = None,
) -> Path:
    """Write :func:`report_page` as ``report.html`` into ``out_dir`` (created if missing),
    atomically (a temporary file renamed into place), with the folder's manifest listing it
    (:class:`gpnopt.atomic.OutputFolder`). To write it beside the pictures, in one manifest,
    use :func:`~gpnopt.plots.write_plots` with ``report=True``.

    Returns:
        The path written.
    """
    page = report_page(instance, result, comparison=comparison)
    with OutputFolder(out_dir, files=[REPORT_NAME]) as folder:
        return folder.write(REPORT_NAME, page)
