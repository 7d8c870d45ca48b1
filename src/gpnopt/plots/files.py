"""The pictures as files: PNGs written atomically and reproducibly, and an ``index.html``."""

from __future__ import annotations

import functools
import html
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from gpnopt.atomic import OutputFolder
from gpnopt.plots.common import DPI, PNG_METADATA, money_unit
from gpnopt.plots.comparison import comparison_figure
from gpnopt.plots.heatmap import specialization_heatmap
from gpnopt.plots.network import network_figure
from gpnopt.plots.periods import period_label, period_results
from gpnopt.plots.report_html import REPORT_NAME, report_page
from gpnopt.plots.timeline import timeline_figure
from gpnopt.schema import Instance

if TYPE_CHECKING:
    from gpnopt.analysis.compare import Comparison
    from gpnopt.results import Result


def write_plots(
    instance: Instance,
    result: Result,
    out_dir: str | Path,
    comparison: Comparison | None = None,
    *,
    report: bool = False,
) -> list[Path]:
    """Write the pictures of ``result`` (and of ``comparison``) as PNG files, and an index.

    Files of a one-period result: ``network.png`` (:func:`network_figure`),
    ``specialization.png`` (:func:`specialization_heatmap`). Of a multi-period result:
    ``timeline.png`` (:func:`~gpnopt.plots.timeline.timeline_figure`), then for each
    period in order ``network-<period>.png`` and ``specialization-<period>.png``, each
    drawn from the period's rows with the period's instance (its owners;
    :func:`~gpnopt.plots.periods.period_results`). With a comparison also
    ``comparison.png`` (:func:`comparison_figure`) and ``network_<scenario>.png`` for each
    solved scenario of the comparison other than ``result`` itself
    (``network_<scenario>-<period>.png`` for each period of a multi-period one); then
    ``index.html``, a page showing them all; with ``report`` then ``report.html``
    (:func:`~gpnopt.plots.report_html.report_page`). Each file is written to a temporary file in ``out_dir`` and renamed into place,
    and the folder's manifest last (:class:`gpnopt.atomic.OutputFolder`), which lists every
    file written; the PNGs carry no metadata, so identical results give identical bytes.

    Args:
        instance: the instance solved.
        result: its Result.
        out_dir: the folder (created if missing).
        comparison: an optional :class:`~gpnopt.analysis.compare.Comparison`.
        report: also write the interactive ``report.html`` (of the comparison too).

    Returns:
        The paths written, ``index.html`` last (``report.html`` after it with ``report``).
    """
    scen = result.scenario or "base"
    plan: list[tuple[str, Callable[[], Figure], str]] = (
        _one_period_plan(instance, result, scen) if result.single
        else _period_plan(instance, result, scen)
    )
    if comparison is not None:
        plan.append(("comparison.png", lambda: comparison_figure(comparison),
                     "Scenarios compared: objective, profit by firm and plant role types."))
        used = {name for name, _, _ in plan}
        for s, r in comparison.results.items():
            name = f"network_{_slug(s)}.png"
            if r is result or name in used:
                continue
            used.add(name)
            if r.single:
                plan.append((name, functools.partial(network_figure, comparison.instances[s], r),
                             f"The network of scenario {s}."))
                continue
            for t, (inst_t, view) in period_results(comparison.instances[s], r).items():
                name_t = f"network_{_slug(s)}-{_slug(t)}.png"
                if name_t not in used:
                    used.add(name_t)
                    label = period_label(comparison.instances[s], t)
                    plan.append((name_t, functools.partial(
                        network_figure, inst_t, view,
                        title=_period_title(inst_t, view, label, "production network")),
                        f"The network of scenario {s} in period {label}."))
    pictures: list[tuple[Path, str]] = []
    pages = ["index.html", REPORT_NAME] if report else ["index.html"]
    with OutputFolder(out_dir, files=[n for n, _, _ in plan] + pages) as folder:
        for name, draw, caption in plan:
            pictures.append((folder.write(name, png_bytes(draw())), caption))
        written = [folder.write("index.html", _index_html(instance, result, pictures))]
        if report:
            page = report_page(instance, result, comparison=comparison)
            written.append(folder.write(REPORT_NAME, page))
    return [p for p, _ in pictures] + written


def _one_period_plan(
    instance: Instance, result: Result, scen: str
) -> list[tuple[str, Callable[[], Figure], str]]:
    """The pictures of a one-period result: its network and its specialization."""
    return [
        ("network.png", lambda: network_figure(instance, result),
         f"The network of scenario {scen}: component flows between plants and from supplier "
         "pools, machine flows to markets; arrow width proportional to the value per year."),
        ("specialization.png", lambda: specialization_heatmap(instance, result),
         f"Plant specialization in scenario {scen}: each plant's gross output split into "
         "machines sold by tier (horizontal) and components supplied to other plants "
         "(vertical)."),
    ]


def _period_title(instance: Instance, view: Result, label: str, what: str) -> str:
    scen = view.scenario or "base"
    return (f"{instance.name}, scenario {scen}, period {label}: {what}\n"
            f"profit in the period {view.objective:,.0f} {money_unit(instance)}/year "
            f"({view.status})")


def _period_plan(
    instance: Instance, result: Result, scen: str
) -> list[tuple[str, Callable[[], Figure], str]]:
    """The pictures of a multi-period result: the timeline, then each period's network and
    specialization (``network-<period>.png``, ``specialization-<period>.png``)."""
    plan: list[tuple[str, Callable[[], Figure], str]] = [
        ("timeline.png", lambda: timeline_figure(instance, result),
         f"The timeline of scenario {scen}: each plant, line, in-house component, channel and "
         "office by period (bars where it operates), the events marked at the start of their "
         "period (built or opened, closed, equity changed)."),
    ]
    for t, (inst_t, view) in period_results(instance, result).items():
        label = period_label(instance, t)
        money = money_unit(inst_t)
        plan += [
            (f"network-{_slug(t)}.png", functools.partial(
                network_figure, inst_t, view,
                title=_period_title(inst_t, view, label, "production network")),
             f"Period {label}, the network of scenario {scen}: component flows between "
             "plants and from supplier pools, machine flows to markets, with the period's "
             "owners; arrow width proportional to the value per year."),
            (f"specialization-{_slug(t)}.png", functools.partial(
                specialization_heatmap, inst_t, view,
                title=_period_title(inst_t, view, label,
                                    f"plant specialization, output in {money}/year")),
             f"Period {label}, plant specialization in scenario {scen}: each plant's gross "
             "output split into machines sold by tier and components supplied to other "
             "plants."),
        ]
    return plan


def png_bytes(fig: Figure) -> bytes:
    """``fig`` as PNG bytes at :data:`~gpnopt.plots.common.DPI`, without metadata (the
    bytes of :func:`~gpnopt.plots.common.save_figure`)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata=PNG_METADATA)
    return buf.getvalue()


def _headline(instance: Instance, result: Result) -> str:
    """The index's line under the title: status, objective, profit by firm."""
    e = html.escape
    money = money_unit(instance)
    firms = ", ".join(f"{f} {v:,.0f}" for f, v in result.firm_profit.items())
    if result.single:
        return (f"<p>Status {e(result.status)}; objective ({e(result.objective_mode)}) "
                f"{result.objective:,.0f} {e(money)}/year; profit by firm: {e(firms)}.</p>")
    periods = ", ".join(period_label(instance, t) for t in result.periods)
    return (f"<p>Status {e(result.status)}; objective ({e(result.objective_mode)}) net present "
            f"value {result.objective:,.0f} {e(money)}; net present value by firm: "
            f"{e(firms)}. Periods: {e(periods)}.</p>")


def _index_html(instance: Instance, result: Result, pictures: list[tuple[Path, str]]) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(instance.name)}: gpnopt pictures</title>",
        "<style>body{font-family:sans-serif;max-width:1400px;margin:1em auto;padding:0 1em}"
        "img{max-width:100%;border:1px solid #ddd}figure{margin:2em 0}"
        "figcaption{color:#555}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(instance.name)}, scenario {e(result.scenario or 'base')}</h1>",
        _headline(instance, result),
    ]
    for path, caption in pictures:
        parts += [
            "<figure>",
            f'<img src="{e(path.name)}" alt="{e(caption)}">',
            f"<figcaption>{e(caption)}</figcaption>",
            "</figure>",
        ]
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.+-]+", "_", name).strip("_") or "base"
