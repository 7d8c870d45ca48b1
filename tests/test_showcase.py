"""instances/showcase.yaml as a whole: every economic family's keys at once, each in use.

Each family's own showcase test (tests/model/test_<family>.py) solves the file with the other
families' keys removed, where its hand derivation holds. Here the whole file is solved once
and every family must leave its trace: its table has rows, its profit part is there, its
rows exist in the model.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import gpnopt
from gpnopt.results import profit_parts
from gpnopt.solver import ForcedSolver

SHOWCASE = Path(__file__).resolve().parents[1] / "instances" / "showcase.yaml"


@pytest.fixture(scope="module")
def solved():
    inst = gpnopt.load(SHOWCASE)
    return inst, gpnopt.solve(inst, threads=1)


def test_the_whole_showcase_solves(solved):
    _inst, res = solved
    assert res.status == "optimal"
    assert res.objective > 0


@pytest.mark.parametrize("table", ["demand", "expansions", "discounts", "taxes",
                                   "transfer_prices"])
def test_each_family_table_has_rows(solved, table):
    _inst, res = solved
    assert table in res.tables
    assert len(res.tables[table]) > 0


def test_each_family_part_is_in_the_profits(solved):
    inst, _res = solved
    fs = ForcedSolver(inst)
    types = {r["type"] for r in profit_parts(fs.model, fs.data)}
    assert {"demand curve", "expansion", "technicians", "base support", "volume discount",
            "tax"} <= types


def test_lead_times_and_rules_are_in_the_model(solved):
    inst, res = solved
    fs = ForcedSolver(inst)
    for name in ("lead_time_average", "sourcing_customer_min", "base_supports",
                 "staff_need", "transfer_split", "tax_base", "curve_drop"):
        assert fs.model.component(name) is not None, name
    assert res.tables["production"]["lead_time"].max() > 0


def test_solve_prints_each_family_table():
    from typer.testing import CliRunner

    from gpnopt.cli import app

    res = CliRunner().invoke(app, ["solve", str(SHOWCASE), "--threads", "1"])
    assert res.exit_code == 0, res.output
    for name in ("demand", "expansions", "discounts", "taxes", "transfer_prices"):
        assert f"{name}: " in res.output, name
