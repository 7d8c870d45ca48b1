"""Scenario files, override clashes, and `compare` (API and CLI)."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import gpnopt
from gpnopt.cli import app
from gpnopt.io import read_yaml


def _copy_tiny(tiny_path, tmp_path, **extra):
    raw = read_yaml(tiny_path)
    raw.update(extra)
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def test_scenarios_from_imported_file(tiny_path, tmp_path):
    (tmp_path / "more.yaml").write_text(
        "overrides:\n  no_jp_fixed: {plants: {JP_TM: {fixed_cost: 0}}}\n"
        "scenarios:\n  cheap_japan: [no_jp_fixed]\n"
    )
    path = _copy_tiny(tiny_path, tmp_path, imports=["more.yaml"])
    inst = gpnopt.load(path, scenario="cheap_japan,expensive_china")
    assert inst.plants["JP_TM"].fixed_cost == 0
    assert inst.plants["CN_TM"].lines["lathe_medium"].unit_cost == 30


def test_scenario_file_argument(tiny_path, tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text("overrides:\n  big_cn: {markets: {CN: {demand: {lathe_medium: {quantity: 90}}}}}\n")
    inst = gpnopt.load(tiny_path, scenario="big_cn", scenario_files=[extra])
    assert inst.markets["CN"].demand["lathe_medium"].quantity == 90


def test_scenario_file_name_clash_and_unknown_key(tiny_path, tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text("overrides:\n  dear_china: {}\nplants: {}\n")
    with pytest.raises(gpnopt.InstanceError) as info:
        gpnopt.load(tiny_path, scenario_files=[extra])
    text = str(info.value)
    assert "extra.yaml: plants: unknown key" in text


def test_scenario_file_name_defined_twice(tiny_path, tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text("overrides:\n  dear_china: {plants: {CN_TM: {fixed_cost: 1}}}\n")
    with pytest.raises(gpnopt.InstanceError, match=r"overrides.dear_china: the name is already defined"):
        gpnopt.load(tiny_path, scenario_files=[extra])


def test_clashing_overrides_are_an_error(tiny_path, tmp_path):
    path = _copy_tiny(
        tiny_path,
        tmp_path,
        overrides={
            "a": {"plants": {"CN_TM": {"fixed_cost": 10}}},
            "b": {"plants": {"CN_TM": {"fixed_cost": 20}}},
            "c": {"plants": {"CN_TM": None}},
            "d": {"plants": {"CN_TM": {"fixed_cost": 10}}},
        },
    )
    with pytest.raises(gpnopt.InstanceError, match=r"overrides 'a' and 'b' clash at plants.CN_TM.fixed_cost"):
        gpnopt.load(path, scenario="a,b")
    with pytest.raises(gpnopt.InstanceError, match=r"overrides 'a' and 'c' clash at plants.CN_TM"):
        gpnopt.load(path, scenario="a,c")
    # the same value twice is no clash
    assert gpnopt.load(path, scenario="a,d").plants["CN_TM"].fixed_cost == 10


@pytest.fixture(scope="module")
def comparison(tiny_path):
    return gpnopt.compare(tiny_path, ["base", "expensive_china"])


def test_compare_kpis_side_by_side(comparison):
    wide = comparison.kpis_wide
    assert list(wide.columns) == ["section", "item", "period", "base", "expensive_china"]
    assert set(wide["period"]) == {"P1"}  # a one-period instance: every KPI in its one period
    obj = wide[wide["section"] == "objective"].iloc[0]
    assert obj["base"] == pytest.approx(3740.0)
    # with a unit cost of 30, CN_TM's medium lathes no longer pay (price 25 in CN, 30 in JP)
    assert obj["expensive_china"] < obj["base"]
    shares = wide[wide["section"] == "sourcing share"]
    assert set(shares["item"]) >= {"CN_TM from CN", "JP_TM from CN"}


def test_compare_diff_names_the_decisions(comparison):
    diff = comparison.diff
    assert set(diff["scenario"]) == {"expensive_china"}
    changes = {(r.kind, r.entity, r.change) for r in diff.itertuples()}
    assert ("line", "CN_TM/lathe_medium", "line closed") in changes
    vol = diff[(diff["kind"] == "volume") & (diff["entity"] == "CN_TM: lathe_medium for CN")]
    assert vol["after"].iloc[0] == 0


def test_compare_writes_tables(comparison, tmp_path):
    comparison.write(tmp_path)
    for name in ("kpis.csv", "kpis_wide.csv", "diff.csv", "comparison.md"):
        assert (tmp_path / name).exists()
    assert (tmp_path / "expensive_china" / "production.csv").exists()
    diff = pd.read_csv(tmp_path / "diff.csv")
    assert len(diff) == len(comparison.diff)
    assert "| section" in (tmp_path / "comparison.md").read_text()


def test_compare_cli(tiny_path, tmp_path):
    res = CliRunner().invoke(
        app, ["compare", str(tiny_path), "--scenarios", "base,expensive_china", "--out", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    assert "KPIs by scenario" in res.output
    assert "decisions that differ from base" in res.output
    assert (tmp_path / "diff.csv").exists()


def test_compare_unknown_scenario_exit_1(tiny_path):
    res = CliRunner().invoke(app, ["compare", str(tiny_path), "--scenarios", "base,nope"])
    assert res.exit_code == 1
    assert "nope" in res.output


def test_compare_reports_an_infeasible_scenario(tiny_path, tmp_path):
    path = _copy_tiny(
        tiny_path,
        tmp_path,
        overrides={
            "too_much": {"markets": {"JP": {"demand": {"lathe_high": {"quantity": 500, "min_served": 1}}}}}
        },
    )
    comp = gpnopt.compare(path, ["base", "too_much"])
    assert list(comp.results) == ["base"]
    status = comp.kpis[(comp.kpis["section"] == "status") & (comp.kpis["scenario"] == "too_much")]
    assert status["value"].iloc[0].startswith("infeasible")


def test_persistent_resolve_equals_a_fresh_solve(tiny_path):
    from gpnopt.solver import ScenarioSolver

    solver = ScenarioSolver()
    base = gpnopt.load(tiny_path)
    dearer = gpnopt.load(tiny_path, overrides={"plants": {"JP_TM": {"lines": {"lathe_high": {"unit_cost": 45}}}}})
    moved = gpnopt.load(tiny_path, overrides={"plants": {"JP_TM": {"assembly_capacity": 30}}})
    first = solver.solve(base)
    again = solver.solve(dearer)  # costs only: the model and HiGHS object are re-used
    assert (solver.rebuilt, solver.persistent) == (1, 1)
    fresh = gpnopt.solve(dearer)
    assert again.objective == pytest.approx(fresh.objective)
    assert again.objective < first.objective
    for name, table in again.tables.items():
        pd.testing.assert_frame_equal(table, fresh.tables[name], check_dtype=False)
    solver.solve(moved)  # a capacity is a row: rebuilt
    assert (solver.rebuilt, solver.persistent) == (2, 1)


def test_compare_with_and_without_persistence_agree(tiny_path):
    a = gpnopt.compare(tiny_path, ["base", "expensive_china"], persistent=True)
    b = gpnopt.compare(tiny_path, ["base", "expensive_china"], persistent=False)
    pd.testing.assert_frame_equal(a.kpis, b.kpis)
    pd.testing.assert_frame_equal(a.diff, b.diff)


def test_compare_all_expands_to_every_scenario(tiny_path):
    comp = gpnopt.compare(tiny_path, ["all"])
    assert comp.scenarios == ["base", "expensive_china"]


def test_every_scenario_infeasible_exits_3_with_the_diagnosis(infeasible_path):
    res = CliRunner().invoke(app, ["compare", str(infeasible_path), "--scenarios", "base,smaller"])
    assert res.exit_code == 3
    assert "no scenario could be solved" in res.output
    assert "assembly capacity is 5 capacity units short" in res.output
    assert "Traceback" not in res.output
