"""Pictures: the figures read the Result tables, the files are written atomically and
reproducibly, and ``gpnopt report`` writes them from the command line."""

from __future__ import annotations

import re
import zlib
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import typer
from matplotlib.figure import Figure
from typer.testing import CliRunner

import gpnopt
from gpnopt import plots
from gpnopt.cli.report import plots_for, report

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "instances" / "tm_ffg.yaml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, payload) of every chunk of a PNG file."""
    assert data[:8] == PNG_SIGNATURE
    chunks, i = [], 8
    while i < len(data):
        n = int.from_bytes(data[i : i + 4], "big")
        kind, body = data[i + 4 : i + 8], data[i + 8 : i + 8 + n]
        assert zlib.crc32(kind + body) == int.from_bytes(data[i + 8 + n : i + 12 + n], "big")
        chunks.append((kind, body))
        i += 12 + n
    return chunks


def png_size(data: bytes) -> tuple[int, int]:
    ihdr = png_chunks(data)[0][1]
    return int.from_bytes(ihdr[:4], "big"), int.from_bytes(ihdr[4:8], "big")


@pytest.fixture(scope="module")
def case():
    """The TM/FFG case, base and entry_2005 solved and compared once."""
    comp = gpnopt.compare(CASE, ["base", "entry_2005"])
    return comp.instances["base"], comp.results["base"], comp


def test_specialization_cells_add_up_to_gross_output(case):
    inst, res, _ = case
    cells = plots.specialization_cells(inst, res)
    spec = res.specialization.set_index("plant")
    assert list(cells.index) == sorted(spec.index[spec["open"] == 1])
    assert list(cells.columns) == [
        "machines: high", "machines: medium", "machines: low",
        "supplies: casting", "supplies: core", "supplies: lathe_kit",
    ]
    for p, row in cells.iterrows():
        assert row.sum() == pytest.approx(spec.loc[p, "output"])
        assert row.filter(like="supplies").sum() == pytest.approx(spec.loc[p, "component_sales"])
    # the case: FT-China sells the medium tier and ships kits to Thailand, TM Japan the high tier
    assert cells.loc["CN_FT", "machines: medium"] == pytest.approx(950 * 45)
    assert cells.loc["CN_FT", "supplies: lathe_kit"] == pytest.approx(300 * 27)
    assert cells.loc["JP_TM", "machines: high"] == pytest.approx(330 * 180)


def test_network_figure_draws_every_flow_and_a_legend(case):
    inst, res, _ = case
    fig = plots.network_figure(inst, res)
    assert isinstance(fig, Figure)
    assert tuple(fig.get_size_inches()) == (13, 8.5)
    ax = fig.axes[0]
    flows = res.component_flows
    between = flows[flows["source"] != flows["destination"]]
    sales = res.production.groupby(["plant", "market", "tier"]).ngroups
    arrows = [p for p in ax.patches if type(p).__name__ == "FancyArrowPatch"]
    assert len(arrows) == len(between) + sales
    texts = {t.get_text() for t in ax.texts}
    assert {"CN_FT\nmakes lathe_kit", "CN_FFG\nmakes casting", "market WEST"} <= texts
    legend_texts = {t.get_text() for leg in fig.axes[1].artists + [fig.axes[1].get_legend()]
                    for t in leg.get_texts()}
    assert {"FFG", "TM", "TTC", "component: casting", "machines: high tier"} <= legend_texts
    # without supplier pools only plant-to-plant and plant-to-market arrows are left
    fig = plots.network_figure(inst, res, suppliers=False, color_by="firm", width_by="quantity")
    arrows = [p for p in fig.axes[0].patches if type(p).__name__ == "FancyArrowPatch"]
    by_firm = res.production.groupby(["plant", "market", "firm"]).ngroups
    assert len(arrows) == int((between["source_type"] == "plant").sum()) + by_firm


def test_network_figure_shows_closed_plants():
    inst = gpnopt.load(CASE, scenario="fewer_technicians")
    res = gpnopt.solve(inst, scenario="fewer_technicians")
    assert res.plant_profit.set_index("plant").loc["TH_TM", "open"] == 0
    fig = plots.network_figure(inst, res)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert "TH_TM\n(closed)" in texts
    assert "scenario fewer_technicians" in fig.get_suptitle()


def test_network_figure_rejects_unknown_options(case):
    inst, res, _ = case
    with pytest.raises(ValueError, match="color_by"):
        plots.network_figure(inst, res, color_by="country")
    with pytest.raises(ValueError, match="width_by"):
        plots.network_figure(inst, res, width_by="weight")


def test_heatmap_labels_rows_with_roles(case):
    inst, res, _ = case
    fig = plots.specialization_heatmap(inst, res)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "JP_TM (JP)\nhorizontal" in labels
    assert "CN_SUPJV (CN)\nvertical" in labels
    assert len(labels) == len(plots.specialization_cells(inst, res))


def test_comparison_figure_marks_role_changes(case):
    _, _, comp = case
    fig = plots.comparison_figure(comp)
    ax1, ax2, ax3 = fig.axes[:3]
    assert [t.get_text() for t in ax1.get_yticklabels()] == ["base", "entry_2005"]
    values = {t.get_text() for t in ax1.texts}
    assert f"{comp.results['entry_2005'].objective:,.0f}" in values
    assert {t.get_text() for t in ax2.get_legend().get_texts()} == {"TM", "FFG", "TTC"}
    # FFG-China is both in the mature network, horizontal at entry: outlined as changed
    plants = [t.get_text() for t in ax3.get_xticklabels()]
    cells = [p for p in ax3.patches if p.get_linewidth() > 2]
    assert any(round(p.get_x() + 0.45) == plants.index("CN_FFG") for p in cells)
    # a scenario that failed shows as not solved, without breaking the figure
    failed = pd.DataFrame([["status", "status", "P1", "broken", "infeasible: test"]],
                          columns=comp.kpis.columns)
    fig = plots.comparison_figure(replace(comp, kpis=pd.concat([comp.kpis, failed])))
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][-1] == "broken"
    assert " infeasible: test" in {t.get_text() for t in fig.axes[0].texts}


def test_write_plots_files_index_and_reproducible_bytes(case, tmp_path):
    inst, res, comp = case
    first = plots.write_plots(inst, res, tmp_path / "a", comparison=comp)
    names = [p.name for p in first]
    assert names == [
        "network.png", "specialization.png", "comparison.png", "network_entry_2005.png",
        "index.html",
    ]
    page = (tmp_path / "a" / "index.html").read_text()
    for name in names[:-1]:
        assert f'src="{name}"' in page
        data = (tmp_path / "a" / name).read_bytes()
        kinds = [k for k, _ in png_chunks(data)]
        assert not {b"tEXt", b"iTXt", b"zTXt", b"tIME"} & set(kinds), name
    assert png_size((tmp_path / "a" / "network.png").read_bytes()) == (1300, 850)
    assert not list((tmp_path / "a").glob("*.tmp"))
    assert re.search(r"alliance\) 48,326 kUSD/year", page)
    second = plots.write_plots(inst, res, tmp_path / "b", comparison=comp)
    for p, q in zip(first, second, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name


def test_plots_for_tiny(solved_tiny, tiny, tmp_path):
    written = plots_for(tiny, solved_tiny, tmp_path / "out")
    assert [p.name for p in written] == [
        "network.png", "specialization.png", "index.html", "report.html",
    ]
    assert all(p.stat().st_size > 1000 for p in written[:2])


# --- the command --------------------------------------------------------------------------------

app = typer.Typer()
app.command()(report)


@app.callback()
def _main() -> None:
    """A local app with the report command, as gpnopt.cli registers it."""


runner = CliRunner()


def test_report_writes_pictures_of_a_comparison(tmp_path):
    out = tmp_path / "plots"
    res = runner.invoke(
        app, ["report", str(CASE), "--scenarios", "base,entry_2005", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "scenario base: optimal" in res.output
    assert "Pictures written to" in res.output
    assert sorted(p.name for p in out.iterdir()) == [
        ".gpnopt-manifest.json", "comparison.png", "index.html", "network.png",
        "network_entry_2005.png", "report.html", "specialization.png",
    ]


def test_report_one_scenario(tiny_path, tmp_path):
    out = tmp_path / "plots"
    res = runner.invoke(
        app, ["report", str(tiny_path), "--scenario", "expensive_china", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "scenario expensive_china" in res.output
    assert sorted(p.name for p in out.iterdir()) == [
        ".gpnopt-manifest.json", "index.html", "network.png", "report.html",
        "specialization.png",
    ]


def test_report_default_folder(tiny_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["report", str(tiny_path)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "tiny" / "plots" / "network.png").exists()


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["--scenario", "nope"], 1, "nope"),
        (["--scenarios", "base,nope"], 1, "nope"),
        (["--objective", "firms"], 2, "alliance or firm:ID"),
        (["--scenarios", " , "], 2, "at least one"),
    ],
)
def test_report_errors(tiny_path, tmp_path, args, code, text):
    res = runner.invoke(app, ["report", str(tiny_path), "--out", str(tmp_path / "o"), *args])
    assert res.exit_code == code, res.output
    assert text in res.output
    assert not (tmp_path / "o").exists()


def test_report_unwritable_folder(tiny_path, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    res = runner.invoke(app, ["report", str(tiny_path), "--out", str(blocker / "plots")])
    assert res.exit_code == 1
    assert "cannot write" in res.output


# --- one-period pictures are pinned --------------------------------------------------------------

# sha256 of what write_plots and plots_for wrote for tiny.yaml before pictures learnt periods
# (issue 13): a one-period instance still writes exactly these bytes. The digests belong to
# the matplotlib and plotly versions below (the PNG rasteriser and the embedded plotly.js).
PINNED_VERSIONS = {"matplotlib": "3.11", "plotly": "7.1"}
PINNED_TINY = {
    "network.png": "f744ad7dee3286802a70b7ef00fc5b0357ed2e74d3cb64a3656a346fe4462b3f",
    "specialization.png": "aad2baa7313b6f79bd4c0907dbe3074111afe9d9f8459c156837842a6ef2cdaa",
    "index.html": "d9a2bd6949e32fe3e27e787d056e424cd4c3b605c81f7a44b6473e90d9bab439",
    "report.html": "ac7ed5b9633610ee2e8bbabc95de2f24e269f512ae093edfa9c63c05f0b13081",
}


def test_one_period_pictures_keep_their_bytes(solved_tiny, tiny, tmp_path):
    import hashlib
    from importlib.metadata import version

    installed = {p: ".".join(version(p).split(".")[:2]) for p in PINNED_VERSIONS}
    if installed != PINNED_VERSIONS:
        pytest.skip(f"digests pinned for {PINNED_VERSIONS}, installed {installed}")
    written = plots_for(tiny, solved_tiny, tmp_path / "out")
    got = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in written}
    assert got == PINNED_TINY
