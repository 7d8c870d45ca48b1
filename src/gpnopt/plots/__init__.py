"""Pictures of a solved network: flows on a schematic map, roles as a heatmap, scenarios.

Everything here reads an :class:`~gpnopt.schema.Instance` (names, countries, owners) and the
tables of a :class:`~gpnopt.results.Result` or a
:class:`~gpnopt.analysis.compare.Comparison`; nothing here touches Pyomo. Figures are
matplotlib :class:`~matplotlib.figure.Figure` objects made without ``pyplot`` (no global
state, no display needed: the Agg canvas renders them), with fixed sizes, sorted inputs and
matplotlib's default style, so the same result gives the same picture.

Functions:

* :func:`network_figure`: plants placed by country on a schematic map, component flows
  between plants (and from supplier pools) and machine flows to markets as arrows whose
  width is proportional to the flow's value (or quantity), coloured by goods or by firm;
* :func:`specialization_heatmap`: plants x (machines sold by tier, components supplied to
  other plants), each cell the share of the plant's gross output, with its role type;
* :func:`comparison_figure`: objective and profit by firm per scenario, and each plant's
  role type per scenario (changes against the first scenario outlined);
* :func:`frontier_figure`: the Pareto frontier between two firms of an alliance analysis
  (:func:`gpnopt.alliance`), with its marked points;
* :func:`waterfall_figure`: a decision's profit difference by revenue and cost type
  (``gpnopt explain``);
* :func:`timeline_figure` (:func:`timeline_chart` interactive, :func:`timeline_cells` the
  table they draw): the assets (plants, lines, in-house make options, channels, offices)
  as rows, the periods as columns, bars where an asset operates and the events of the
  ``timeline`` table marked;
* :func:`period_results` (:func:`period_result`, :func:`period_label`): each period of a
  multi-period Result as that period's instance and a Result of its rows, what the
  pictures of one period read;
* :func:`write_plots`: the pictures as PNG files (a multi-period result: the timeline and
  each period's network and specialization) and an ``index.html`` referencing them,
  each file written atomically;
* :func:`network_map`, :func:`flow_sankey`, :func:`specialization_map`: the interactive
  (Plotly) figures: the network laid out by the countries' real positions
  (:data:`COUNTRY_CENTROIDS`, :func:`country_positions`), a Sankey of the flows into final
  sales, the specialization heatmap;
* :func:`write_report_html` (:func:`report_page`): them in one self-contained page,
  ``report.html``, with a scenario selector (``docs/report.md``).

Modules: :mod:`gpnopt.plots.network`, :mod:`gpnopt.plots.heatmap`,
:mod:`gpnopt.plots.comparison`, :mod:`gpnopt.plots.timeline` (one figure each),
:mod:`gpnopt.plots.periods` (the periods of a Result), :mod:`gpnopt.plots.files` (the files),
:mod:`gpnopt.plots.geo` (country centroids), :mod:`gpnopt.plots.interactive` (the Plotly
figures), :mod:`gpnopt.plots.report_html` (the interactive page) and
:mod:`gpnopt.plots.common` (sizes, colours, style, the flow tables they share); every public
name is importable from :mod:`gpnopt.plots` itself.

Values are those of ``docs/specialization.md``: a machine sale is worth quantity x market
price, a component flow quantity x ``unit_value`` (transfer price or supplier price).
"""

from __future__ import annotations

from gpnopt.plots.common import (
    DPI,
    FIRM_COLORS,
    GOODS_COLORS,
    OUTSIDE,
    PNG_METADATA,
    ROLE_COLORS,
    TIER_COLORS,
    TIERS,
    save_figure,
)
from gpnopt.plots.comparison import comparison_figure
from gpnopt.plots.files import write_plots
from gpnopt.plots.frontier import frontier_figure
from gpnopt.plots.geo import COUNTRY_CENTROIDS, CountryLayout, centroid, country_positions
from gpnopt.plots.heatmap import specialization_cells, specialization_heatmap
from gpnopt.plots.interactive import flow_sankey, network_map, specialization_map
from gpnopt.plots.network import COUNTRY_LAYOUT, network_figure
from gpnopt.plots.periods import period_label, period_result, period_results
from gpnopt.plots.report_html import REPORT_NAME, report_page, write_report_html
from gpnopt.plots.timeline import (
    EVENT_MARKERS,
    EVENT_NAMES,
    KIND_COLORS,
    event_class,
    timeline_cells,
    timeline_chart,
    timeline_figure,
)
from gpnopt.plots.waterfall import waterfall_figure

__all__ = [
    "COUNTRY_CENTROIDS",
    "COUNTRY_LAYOUT",
    "DPI",
    "EVENT_MARKERS",
    "EVENT_NAMES",
    "FIRM_COLORS",
    "GOODS_COLORS",
    "KIND_COLORS",
    "OUTSIDE",
    "PNG_METADATA",
    "REPORT_NAME",
    "ROLE_COLORS",
    "TIERS",
    "TIER_COLORS",
    "CountryLayout",
    "centroid",
    "comparison_figure",
    "country_positions",
    "event_class",
    "flow_sankey",
    "frontier_figure",
    "network_map",
    "network_figure",
    "period_label",
    "period_result",
    "period_results",
    "report_page",
    "save_figure",
    "specialization_cells",
    "specialization_heatmap",
    "specialization_map",
    "timeline_cells",
    "timeline_chart",
    "timeline_figure",
    "waterfall_figure",
    "write_plots",
    "write_report_html",
]
