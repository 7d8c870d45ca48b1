"""The pictures as files: PNGs written atomically and reproducibly, and an ``index.html``."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from gpnopt.atomic import write_text
from gpnopt.plots.common import money_unit, save_figure
from gpnopt.plots.comparison import comparison_figure
from gpnopt.plots.heatmap import specialization_heatmap
from gpnopt.plots.network import network_figure
from gpnopt.schema import Instance

if TYPE_CHECKING:
    from gpnopt.analysis.compare import Comparison
    from gpnopt.results import Result


def write_plots(
    instance: Instance,
    result: Result,
    out_dir: str | Path,
    comparison: Comparison | None = None,
) -> list[Path]:
    """Write the pictures of ``result`` (and of ``comparison``) as PNG files, and an index.

    Files: ``network.png`` (:func:`network_figure`), ``specialization.png``
    (:func:`specialization_heatmap`); with a comparison also ``comparison.png``
    (:func:`comparison_figure`) and ``network_<scenario>.png`` for each solved scenario of
    the comparison other than ``result`` itself; then ``index.html``, a page showing them
    all. Each file is written to a temporary file in ``out_dir`` and renamed into place;
    the PNGs carry no metadata, so identical results give identical bytes.

    Args:
        instance: the instance solved.
        result: its Result.
        out_dir: the folder (created if missing).
        comparison: an optional :class:`~gpnopt.analysis.compare.Comparison`.

    Returns:
        The paths written, ``index.html`` last.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pictures: list[tuple[Path, str]] = []

    def put(name: str, fig: Figure, caption: str) -> None:
        pictures.append((save_figure(fig, out / name), caption))

    scen = result.scenario or "base"
    put("network.png", network_figure(instance, result),
        f"The network of scenario {scen}: component flows between plants and from supplier "
        "pools, machine flows to markets; arrow width proportional to the value per year.")
    put("specialization.png", specialization_heatmap(instance, result),
        f"Plant specialization in scenario {scen}: each plant's gross output split into "
        "machines sold by tier (horizontal) and components supplied to other plants "
        "(vertical).")
    if comparison is not None:
        put("comparison.png", comparison_figure(comparison),
            "Scenarios compared: objective, profit by firm and plant role types.")
        used = {"network.png"}
        for s, r in comparison.results.items():
            if r is result:
                continue
            name = f"network_{_slug(s)}.png"
            if name in used:
                continue
            used.add(name)
            put(name, network_figure(comparison.instances[s], r),
                f"The network of scenario {s}.")
    page = _index_html(instance, result, pictures)
    index = write_text(out / "index.html", page)
    return [p for p, _ in pictures] + [index]


def _index_html(instance: Instance, result: Result, pictures: list[tuple[Path, str]]) -> str:
    e = html.escape
    money = money_unit(instance)
    firms = ", ".join(f"{f} {v:,.0f}" for f, v in result.firm_profit.items())
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
        f"<p>Status {e(result.status)}; objective ({e(result.objective_mode)}) "
        f"{result.objective:,.0f} {e(money)}/year; profit by firm: {e(firms)}.</p>",
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
