"""Shape and meaning errors: every problem reported once, with the file and the YAML path."""

from __future__ import annotations

import copy

import pytest
import yaml

import gpnopt
from gpnopt.errors import InstanceError
from gpnopt.io import read_yaml


@pytest.fixture
def raw(tiny_path):
    return read_yaml(tiny_path)


def write(tmp_path, data, name="x.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def problems_of(path, **kw):
    with pytest.raises(InstanceError) as info:
        gpnopt.load(path, **kw)
    return info.value.problems


def test_tiny_is_valid(tiny):
    assert set(tiny.plants) == {"JP_TM", "CN_TM"}
    assert tiny.products["lathe_high"].bom["casting"].quantity == 1


def test_owner_shares_above_one(tmp_path, raw):
    raw["plants"]["CN_TM"]["owners"] = {"TM": 1.2}
    probs = problems_of(write(tmp_path, raw))
    assert any("plants.CN_TM.owners.TM" in p and "less than or equal to 1" in p for p in probs), probs


def test_owner_sum_above_one_names_the_sum(tmp_path, raw):
    raw["firms"]["FFG"] = {"home_country": "CN"}
    raw["plants"]["CN_TM"]["owners"] = {"TM": 0.6, "FFG": 0.6}
    probs = problems_of(write(tmp_path, raw))
    assert any(p.endswith("plants.CN_TM.owners: shares sum to 1.2, must be at most 1") for p in probs), probs


def test_unknown_key_is_an_error_with_path(tmp_path, raw):
    raw["plants"]["JP_TM"]["capasity"] = 5
    probs = problems_of(write(tmp_path, raw))
    assert any("x.yaml: plants.JP_TM.capasity: unknown key" in p for p in probs), probs


def test_all_shape_problems_at_once(tmp_path, raw):
    raw["plants"]["JP_TM"]["fixed_cost"] = -1
    raw["markets"]["JP"]["demand"]["lathe_high"]["price"] = "cheap"
    raw["products"]["lathe_high"]["tier"] = "premium"
    probs = problems_of(write(tmp_path, raw))
    assert len(probs) == 3
    joined = "\n".join(probs)
    assert "plants.JP_TM.fixed_cost" in joined
    assert "markets.JP.demand.lathe_high.price" in joined
    assert "products.lathe_high.tier" in joined
    assert all(p.startswith(str(tmp_path / "x.yaml")) for p in probs)


def test_all_meaning_problems_at_once(tmp_path, raw):
    raw["plants"]["CN_TM"]["country"] = "TW"
    raw["plants"]["CN_TM"]["owners"] = {"FFG": 1.0}
    raw["markets"]["CN"]["demand"]["lathe_low"] = {"quantity": 1, "price": 1}
    probs = problems_of(write(tmp_path, raw))
    joined = "\n".join(probs)
    assert "plants.CN_TM.country: unknown country 'TW'" in joined
    assert "plants.CN_TM.owners: unknown firm 'FFG'" in joined
    assert "markets.CN.demand: unknown product 'lathe_low'" in joined
    assert len(probs) == 3


def test_bom_loop(tmp_path, raw):
    raw["components"]["core"] = {"bom": {"spindle": 1}}
    raw["components"]["spindle"] = {"bom": {"core": 2}}
    raw["suppliers"]["CN_POOL"]["components"]["core"] = {"unit_price": 1}
    raw["suppliers"]["CN_POOL"]["components"]["spindle"] = {"unit_price": 1}
    probs = problems_of(write(tmp_path, raw))
    assert any("bill of materials loops" in p and "core" in p and "spindle" in p for p in probs), probs


def test_product_no_plant_may_make(tmp_path, raw):
    raw["products"]["lathe_low"] = {"tier": "low"}
    probs = problems_of(write(tmp_path, raw))
    assert any("products.lathe_low: no plant may make it" in p for p in probs), probs


def test_component_without_source(tmp_path, raw):
    raw["components"]["control"] = {}
    raw["products"]["lathe_high"]["bom"]["control"] = 1
    probs = problems_of(write(tmp_path, raw))
    assert any("components.control: used in a bill of materials" in p for p in probs), probs


def test_line_above_capability_warns(tmp_path, raw):
    raw["plants"]["CN_TM"]["lines"]["lathe_high"] = {"unit_cost": 1}
    with pytest.warns(gpnopt.GpnoptWarning, match="above the plant's max_tier"):
        inst = gpnopt.load(write(tmp_path, raw))
    assert "lathe_high" in inst.plants["CN_TM"].lines


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "the file is empty"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("name: x\n\tcountries: {}\n", "invalid YAML"),
        ("name: a\nname: b\n", "duplicate key 'name'"),
        ("name: !!python/object/apply:os.system ['echo hi']\n", "invalid YAML"),
    ],
)
def test_unreadable_files(tmp_path, text, needle):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    probs = problems_of(path)
    assert len(probs) == 1
    assert probs[0].startswith(str(path))
    assert needle in probs[0]


def test_not_utf8(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"name: \xff\xfe\n")
    assert "not UTF-8" in problems_of(path)[0]


def test_alias_bomb_is_refused(tmp_path):
    lines = ['notes:', '  a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for n in range(1, 12):
        prev = f"*a{n - 1}"
        lines.append(f"  a{n}: &a{n} [{', '.join([prev] * 10)}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    probs = problems_of(path)
    assert len(probs) == 1
    assert "expands to more than" in probs[0]


def test_missing_file():
    probs = problems_of("no/such/file.yaml")
    assert "no/such/file.yaml: cannot read the file" in probs[0]


def test_scenario_applies_override(tiny_path):
    inst = gpnopt.load(tiny_path, scenario="expensive_china")
    assert inst.plants["CN_TM"].lines["lathe_medium"].unit_cost == 30
    assert gpnopt.load(tiny_path, scenario="base").plants["CN_TM"].lines["lathe_medium"].unit_cost == 6


def test_unknown_scenario(tiny_path):
    probs = problems_of(tiny_path, scenario="nope")
    assert "scenario 'nope' is neither a scenario nor an override" in probs[0]
    assert "expensive_china" in probs[0]


def test_override_removing_nothing(tiny_path):
    probs = problems_of(tiny_path, overrides={"plants": {"XX": None}})
    assert "plants.XX: removes nothing" in probs[0]


def test_override_removes_entity(tiny_path, raw):
    patch = {
        "plants": {"CN_TM": None, "JP_TM": {"lines": {"lathe_medium": None}}},
        "products": {"lathe_medium": None},
        "markets": {"JP": {"demand": {"lathe_medium": None}}, "CN": {"demand": {"lathe_medium": None}}},
        "expectations": [],
    }
    inst = gpnopt.load(tiny_path, overrides=patch)
    assert list(inst.plants) == ["JP_TM"]
    # the file itself is untouched
    assert "CN_TM" in read_yaml(tiny_path)["plants"]


def test_instance_from_dict_does_not_mutate(raw):
    before = copy.deepcopy(raw)
    gpnopt.instance_from_dict(raw, scenario="expensive_china")
    assert raw == before
