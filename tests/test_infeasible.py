"""Designed infeasible instances: exit 3 and the culprit named in the instance's terms.

Each case starts from ``instances/tiny.yaml``, makes some demand compulsory
(``min_served``) and adds one limit it cannot meet; the diagnosis must name that limit and
by how much it falls short. (tests/test_solver.py has three more: assembly capacity,
technicians, and a market no plant reaches.)
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import gpnopt
from gpnopt.cli import app
from gpnopt.io import read_yaml


@pytest.fixture
def raw(tiny_path):
    doc = read_yaml(tiny_path)
    doc.pop("overrides")
    doc.pop("scenarios")
    return doc


def diagnosis(raw) -> str:
    with pytest.raises(gpnopt.SolveError) as info:
        gpnopt.solve(gpnopt.instance_from_dict(raw, name="designed.yaml"))
    assert info.value.exit_code == 3
    assert info.value.status == "infeasible"
    return str(info.value)


def test_supplier_capacity(raw):
    # CN_TM may not cast (no make option) and the pool sells at most 20 castings, but 80
    # medium lathes must be made for CN: 60 castings short
    del raw["plants"]["CN_TM"]["components"]
    raw["suppliers"]["CN_POOL"]["components"]["casting"]["capacity"] = 20
    raw["markets"]["CN"]["demand"]["lathe_medium"]["min_served"] = 1
    del raw["markets"]["JP"]["demand"]["lathe_medium"]
    del raw["plants"]["JP_TM"]["lines"]["lathe_medium"]
    text = diagnosis(raw)
    assert "supplier_capacity[CN_POOL,casting]" in text
    assert "60 units short" in text


def test_quality(raw):
    # the high tier now needs high-quality castings; only the pool (medium) may supply them
    del raw["plants"]["CN_TM"]["components"]
    raw["products"]["lathe_high"]["bom"] = {"casting": {"quantity": 1, "min_quality": "high"}}
    raw["markets"]["JP"]["demand"]["lathe_high"]["min_served"] = 0.5
    text = diagnosis(raw)
    assert "quality_cover[JP_TM,casting,2]" in text
    assert "20 units of quality rank >= 2 are missing" in text


def test_sourcing_rule(raw):
    # JP_TM must take at least 50% of its castings from Japan, where nobody offers any
    raw["sourcing_rules"] = [
        {"plant": "JP_TM", "sources": {"countries": ["JP"]}, "min_share": 0.5}
    ]
    raw["markets"]["JP"]["demand"]["lathe_high"]["min_served"] = 1
    text = diagnosis(raw)
    assert "sourcing_share_lower[0]" in text
    assert "minimum share is missed" in text
    assert "sourcing rule rule0 (sourcing_rules.0)" in text  # the default id


def test_sourcing_rule_named_by_its_id(raw):
    raw["sourcing_rules"] = [
        {"plant": "JP_TM", "sources": {"countries": ["CN"]}, "max_share": 1.0},
        {"id": "japan_castings", "plant": "JP_TM", "sources": {"countries": ["JP"]},
         "min_share": 0.5},
    ]
    raw["markets"]["JP"]["demand"]["lathe_high"]["min_served"] = 1
    text = diagnosis(raw)
    assert "sourcing rule japan_castings (sourcing_rules.1)" in text


def test_exclusive_entry_modes(raw):
    # the two plants are alternative entry modes, yet both tiers' demand is compulsory and
    # each tier has one plant able to make it
    raw["exclusive_groups"] = {"entry": ["JP_TM", "CN_TM"]}
    raw["markets"]["JP"]["demand"]["lathe_high"]["min_served"] = 1
    raw["markets"]["CN"]["demand"]["lathe_medium"]["min_served"] = 1
    del raw["plants"]["JP_TM"]["lines"]["lathe_medium"]
    text = diagnosis(raw)
    assert "entry_mode_exclusive[entry]" in text
    assert "1 more plant(s) would have to open" in text


def test_participation(raw):
    # the optimum earns TM 3740; TM asks for 5000
    raw["firms"]["TM"]["reservation_profit"] = 5000
    text = diagnosis(raw)
    assert "participation[TM]" in text
    assert "cannot reach its reservation profit: 1260 short" in text


def test_capital_budget(raw):
    # JP_TM needs 500 of capital, TM has 300, and Japan's high-tier demand is compulsory
    raw["plants"]["JP_TM"]["investment_cost"] = 500
    raw["firms"]["TM"]["capital_budget"] = 300
    raw["markets"]["JP"]["demand"]["lathe_high"]["min_served"] = 1
    text = diagnosis(raw)
    assert "capital_budget[TM]" in text
    assert "capital budget is 200 short" in text


def test_cli_exit_3_with_diagnosis(raw, tmp_path):
    import yaml

    raw["firms"]["TM"]["reservation_profit"] = 5000
    path = tmp_path / "greedy.yaml"
    path.write_text(yaml.safe_dump(raw))
    res = CliRunner().invoke(app, ["solve", str(path)])
    assert res.exit_code == 3
    assert "participation[TM]" in res.output
    assert "Traceback" not in res.output
