"""The command line: exit codes, messages, written tables."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from gpnopt.cli import app
from gpnopt.io import read_yaml

runner = CliRunner()

# PRODUCT.md's columns, with the period column (issue 13) right after those that say what a
# row is about: the first columns of each file, in this order
CONTRACT = {
    "lines.csv": ["plant", "product", "period", "open"],
    "production.csv": ["plant", "country", "product", "market", "channel", "period", "quantity"],
    "make_or_buy.csv": ["plant", "component", "period", "in_house", "quantity"],
    "component_flows.csv": [
        "component", "source", "source_type", "source_country",
        "destination", "destination_country", "period", "quantity",
    ],
    "plant_profit.csv": ["plant", "period", "revenue", "cost", "profit"],
    "firm_profit.csv": ["firm", "period", "profit"],
}


def test_help_lists_commands():
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for command in ("validate", "solve", "compare", "report", "sweep", "alliance"):
        assert command in res.output


def test_validate_ok(tiny_path):
    res = runner.invoke(app, ["validate", str(tiny_path)])
    assert res.exit_code == 0, res.output
    assert "valid" in res.output
    assert "2 plants" in res.output


def test_solve_writes_every_contract_table(tiny_path, tmp_path):
    out = tmp_path / "out"
    res = runner.invoke(app, ["solve", str(tiny_path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "optimal" in res.output
    assert "2 of 2 expectations hold" in res.output
    for name, cols in CONTRACT.items():
        df = pd.read_csv(out / name)
        assert list(df.columns[: len(cols)]) == cols, name
        assert set(df["period"]) == {"P1"}, name  # a one-period instance has one period
    summary = json.loads((out / "summary.json").read_text())
    for key in ("instance", "scenario", "objective_mode", "status", "objective", "mip_gap",
                "seconds", "firm_profit", "expectations"):
        assert key in summary
    assert set(summary["seconds"]) >= {"build", "solve", "total"}
    assert summary["objective"] == pytest.approx(3740.0)
    assert {"id", "description", "holds", "detail"} <= set(summary["expectations"][0])
    assert not list(out.glob("*.tmp"))


def test_solve_json(tiny_path):
    res = runner.invoke(app, ["solve", str(tiny_path), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["status"] == "optimal"
    assert summary["firm_profit"]["TM"] == pytest.approx(3740.0)


def test_solve_scenario_and_objective(tiny_path):
    res = runner.invoke(
        app, ["solve", str(tiny_path), "-s", "expensive_china", "--objective", "firm:TM", "--json"]
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["scenario"] == "expensive_china"
    assert summary["objective_mode"] == "firm:TM"
    assert summary["objective"] < 3740.0


def test_bad_file_exit_1_names_file_and_key(tiny_path, tmp_path):
    raw = read_yaml(tiny_path)
    raw["plants"]["JP_TM"]["owners"] = {"TM": 1.5}
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw))
    res = runner.invoke(app, ["solve", str(bad)])
    assert res.exit_code == 1
    assert "bad.yaml: plants.JP_TM.owners.TM" in res.output
    assert "Traceback" not in res.output


def test_unknown_firm_objective_exit_1(tiny_path):
    res = runner.invoke(app, ["solve", str(tiny_path), "--objective", "firm:NOPE"])
    assert res.exit_code == 1
    assert "NOPE" in res.output


def test_usage_errors_exit_2(tiny_path):
    assert runner.invoke(app, ["solve", str(tiny_path), "--bogus"]).exit_code == 2
    assert runner.invoke(app, ["solve", str(tiny_path), "--objective", "nonsense"]).exit_code == 2
    assert runner.invoke(app, ["solve"]).exit_code == 2


def test_infeasible_exit_3(tiny_path, tmp_path):
    raw = read_yaml(tiny_path)
    # all Japanese high-tier demand must be served, but Japan's capacity is 100 < 40 + 80
    raw["markets"]["JP"]["demand"]["lathe_high"]["quantity"] = 120
    raw["markets"]["JP"]["demand"]["lathe_high"]["min_served"] = 1
    bad = tmp_path / "infeasible.yaml"
    bad.write_text(yaml.safe_dump(raw))
    res = runner.invoke(app, ["solve", str(bad)])
    assert res.exit_code == 3, res.output
    assert "infeasible" in res.output


def test_missing_file_exit_1():
    res = runner.invoke(app, ["validate", "nowhere.yaml"])
    assert res.exit_code == 1
    assert "nowhere.yaml" in res.output


def test_out_dir_with_foreign_files_needs_force(tiny_path, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    res = runner.invoke(app, ["solve", str(tiny_path), "--out", str(out)])
    assert res.exit_code == 1
    assert "thesis.docx" in res.output
    assert "--force" in res.output
    assert not (out / "production.csv").exists()
    res = runner.invoke(app, ["solve", str(tiny_path), "--out", str(out), "--force"])
    assert res.exit_code == 0, res.output
    assert (out / "production.csv").exists()
    assert (out / "thesis.docx").read_text() == "precious"


def test_rewriting_own_out_dir_needs_no_force(tiny_path, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["solve", str(tiny_path), "--out", str(out)]).exit_code == 0
    assert runner.invoke(app, ["solve", str(tiny_path), "--out", str(out)]).exit_code == 0


def test_summary_of_a_solve_stopped_at_its_limit(solved_tiny, capsys):
    import dataclasses

    from gpnopt.cli import print_summary

    stopped = dataclasses.replace(
        solved_tiny, status="feasible", highs_status="Time limit reached", bound=4000.0,
        mip_gap=0.065, time_limit=5.0,
    )
    print_summary(stopped)
    text = capsys.readouterr().out
    assert "feasible, not proven optimal" in text
    assert "Time limit reached" in text
    assert "bound 4,000.0" in text
    assert "gap 6.50%" in text
    summary = stopped.summary()
    assert summary["status"] == "feasible"
    assert summary["bound"] == pytest.approx(4000.0)
    assert summary["mip_gap"] == pytest.approx(0.065)
    assert summary["time_limit"] == 5.0


def test_solve_writes_plots(tiny_path, tmp_path):
    res = runner.invoke(app, ["solve", str(tiny_path), "--plots", str(tmp_path / "p")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "p" / "network.png").exists()
    assert (tmp_path / "p" / "index.html").exists()


def test_report_is_a_command():
    res = runner.invoke(app, ["report", "--help"])
    assert res.exit_code == 0
    assert "--scenarios" in res.output


def test_generate_writes_a_valid_instance(tmp_path):
    path = tmp_path / "syn.yaml"
    res = runner.invoke(app, ["generate", str(path), "--seed", "3", "--plants", "4", "--markets", "5"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 0, res.output
    assert "4 plants" in res.output
    assert runner.invoke(app, ["generate", str(path)]).exit_code == 1  # exists: needs --force


LIGHT = """
import sys
from gpnopt.cli import app
sys.argv = ["gpnopt", *sys.argv[1:]]
try:
    app()
except SystemExit as exc:
    code = exc.code
heavy = sorted({n.split(".")[0] for n in sys.modules} & {"pyomo", "highspy", "matplotlib"})
print("HEAVY", ",".join(heavy), "CODE", code, file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["validate", "{tiny}"], ["sweep", "--help"]])
def test_help_and_validate_import_no_solver(args, tiny_path):
    """``gpnopt --help`` and ``gpnopt validate`` load neither Pyomo, HiGHS nor matplotlib."""
    import subprocess
    import sys

    argv = [a.format(tiny=tiny_path) for a in args]
    proc = subprocess.run(
        [sys.executable, "-c", LIGHT, *argv], capture_output=True, text=True, check=False
    )
    assert "HEAVY  CODE 0" in proc.stderr, proc.stderr
    # the check itself can fail: a solving command does import Pyomo
    if args == ["--help"]:
        solving = subprocess.run(
            [sys.executable, "-c", LIGHT, "solve", str(tiny_path), "--json"],
            capture_output=True, text=True, check=False,
        )
        assert "pyomo" in solving.stderr.split("HEAVY", 1)[1].split("CODE")[0], solving.stderr


def test_python_dash_m_runs_the_same_app():
    import subprocess
    import sys

    for module in ("gpnopt", "gpnopt.cli"):
        proc = subprocess.run(
            [sys.executable, "-m", module, "--version"], capture_output=True, text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith("gpnopt "), proc.stdout


@pytest.mark.parametrize("command", ["solve", "compare", "report", "sweep", "alliance"])
def test_a_relative_gap_above_1_is_a_usage_error(tiny_path, command):
    # a gap of 1e300 was taken and reported as "optimal (gap 0.023)"
    res = runner.invoke(app, [command, str(tiny_path), "--mip-gap", "2"])
    assert res.exit_code == 2
    assert "--mip-gap" in res.output


@pytest.mark.parametrize(
    "args",
    [
        ["sweep", "TINY", "-n", "1000000000000"],
        ["robust", "TINY", "-k", "1000000000000"],
        ["robust", "TINY", "-n", "1000000000"],
        ["sensitivity", "TINY", "-n", "1000000000000"],
        ["alliance", "TINY", "--points", "1000000"],
        ["generate", "OUT", "--countries", "1000"],
    ],
)
def test_counts_beyond_any_machine_are_usage_errors(tiny_path, tmp_path, args):
    # such counts ran out of memory (a MemoryError traceback) or did not end
    args = [str(tiny_path) if a == "TINY" else str(tmp_path / "g.yaml") if a == "OUT" else a
            for a in args]
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    assert "less than or equal to" in " ".join(res.output.split())
