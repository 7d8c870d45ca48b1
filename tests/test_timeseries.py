"""Per-period values: resolution (carry-forward, growth, owners), scenarios, imports, a base.

Every case is built from ``instances/tiny.yaml`` with periods added; the numbers expected are
worked out by hand from the rules in ``gpnopt.timeseries``.
"""

from __future__ import annotations

import copy
import shutil
import warnings
from pathlib import Path

import pytest
import yaml

import gpnopt
from gpnopt.currency import to_model_money
from gpnopt.dynamics import ONE_PERIOD
from gpnopt.errors import GpnoptWarning
from gpnopt.timeseries import horizon, period_instances

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "instances" / "tiny.yaml"
PERIODS = [{"id": "P2005", "start": 2005}, {"id": "P2006", "start": 2006},
           {"id": "P2008", "start": 2008, "length": 2}]


def tiny(**sections):
    raw = yaml.safe_load(TINY.read_text())
    raw["periods"] = copy.deepcopy(PERIODS)
    raw.update(sections)
    return raw


def write(path: Path, raw) -> Path:
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def values(inst, get):
    return {t: get(x) for t, x in period_instances(inst).items()}


def cn_fixed(x):
    return x.plants["CN_TM"].fixed_cost


def cn_demand(x):
    return x.markets["CN"].demand["lathe_medium"].quantity


def test_carry_forward_from_the_listed_period_until_the_next():
    raw = tiny()
    raw["plants"]["CN_TM"]["fixed_cost"] = {"P2005": 30, "P2008": 45}
    inst = gpnopt.instance_from_dict(raw, name="x.yaml")
    assert values(inst, cn_fixed) == {"P2005": 30, "P2006": 30, "P2008": 45}
    assert inst.plants["CN_TM"].fixed_cost == 30  # the loader returns the first period


def test_growth_compounds_from_the_first_year():
    raw = tiny()
    raw["markets"]["CN"]["demand"]["lathe_medium"]["quantity"] = {"value": 80, "growth": 0.1}
    got = values(gpnopt.instance_from_dict(raw, name="x.yaml"), cn_demand)
    assert got == pytest.approx({"P2005": 80, "P2006": 88, "P2008": 80 * 1.1**3})


def test_owners_per_period_ft_china_50_50_then_40_40_20():
    raw = tiny()
    raw["firms"]["FT"] = {"home_country": "JP"}
    raw["firms"]["TT"] = {"home_country": "JP"}
    raw["plants"]["CN_TM"]["owners"] = {
        "P2005": {"TM": 0.5, "FT": 0.5},
        "P2006": {"TM": 0.4, "FT": 0.4, "TT": 0.2},
    }
    inst = gpnopt.instance_from_dict(raw, name="x.yaml")
    got = values(inst, lambda x: x.plants["CN_TM"].owners)
    assert got == {
        "P2005": {"TM": 0.5, "FT": 0.5},
        "P2006": {"TM": 0.4, "FT": 0.4, "TT": 0.2},
        "P2008": {"TM": 0.4, "FT": 0.4, "TT": 0.2},
    }


def test_null_leaves_an_entity_out_of_its_periods():
    raw = tiny()
    raw["suppliers"]["TW_POOL"] = {
        "P2005": None,
        "P2008": {"country": "CN", "components": {"casting": {"unit_price": 1.2}}},
    }
    got = values(gpnopt.instance_from_dict(raw, name="x.yaml"), lambda x: sorted(x.suppliers))
    assert got == {"P2005": ["CN_POOL"], "P2006": ["CN_POOL"], "P2008": ["CN_POOL", "TW_POOL"]}


def test_year_keys_read_as_numbers_name_periods_with_year_ids():
    raw = tiny(periods=[{"id": "2005", "start": 2005}, {"id": "2010", "start": 2010}])
    raw["plants"]["CN_TM"]["fixed_cost"] = {2005: 30, 2010: 20}  # YAML reads 2005: as a number
    got = values(gpnopt.instance_from_dict(raw, name="x.yaml"), cn_fixed)
    assert got == {"2005": 30, "2010": 20}


def test_each_period_is_a_plain_instance_with_the_periods_kept():
    raw = tiny()
    raw["plants"]["CN_TM"]["fixed_cost"] = {"P2005": 30, "P2008": 45}
    by_period = period_instances(gpnopt.instance_from_dict(raw, name="x.yaml"))
    assert list(by_period) == ["P2005", "P2006", "P2008"]
    for x in by_period.values():
        assert [p.id for p in x.periods] == ["P2005", "P2006", "P2008"]
    later = by_period["P2008"]
    assert period_instances(later) == dict.fromkeys(by_period, later)  # nothing attached to it
    h = horizon(by_period["P2006"])
    assert h.ids == ("P2005", "P2006", "P2008")
    assert h.length == {"P2005": 1, "P2006": 2, "P2008": 2}
    assert h.operating_weight["P2006"] == pytest.approx(1 / 1.08 + 1 / 1.08**2)
    assert h.end_year == 2010


def test_one_period_instances_are_their_own_period():
    inst = gpnopt.load(TINY)
    assert period_instances(inst) == {ONE_PERIOD: inst}
    h = horizon(inst)
    assert h.single
    assert h.ids == (ONE_PERIOD,)
    assert h.operating_weight == {ONE_PERIOD: 1.0}


def test_an_instance_built_in_python_gives_itself_for_every_period():
    inst = gpnopt.instance_from_dict(tiny(), name="x.yaml")
    built = gpnopt.schema.Instance.model_validate(inst.model_dump())
    assert period_instances(built) == dict.fromkeys(["P2005", "P2006", "P2008"], built)


ONE_PERIOD_FILES = [
    p for p in sorted((ROOT / "instances").glob("*.yaml"))
    if "periods" not in yaml.safe_load(p.read_text())
]
"""The instances written without ``periods:`` (the timeline case is tested by period, in
``tests/test_timeline_case.py``)."""


def test_the_one_period_files_are_found():
    names = {p.name for p in ONE_PERIOD_FILES}
    assert {"tm_ffg.yaml", "tiny.yaml"} <= names
    assert "tm_ffg_timeline.yaml" not in names


@pytest.mark.parametrize("path", ONE_PERIOD_FILES, ids=lambda p: p.name)
def test_every_instance_loads_unchanged(path):
    """The loader gives the same instance as validating the file as written (no periods),
    its money in other currencies converted (family 24: only showcase.yaml states one)."""
    raw = yaml.safe_load(path.read_text())
    for key in ("imports", "overrides", "scenarios"):
        raw.pop(key, None)
    inst = gpnopt.load(path)
    assert not inst.periods
    written = gpnopt.schema.Instance.model_validate(raw)
    assert inst == to_model_money(written)
    assert (inst == written) is (not raw.get("currencies"))
    assert period_instances(inst) == {ONE_PERIOD: inst}


# ---------------------------------------------------------------------------------------------
# Scenarios and overrides on a multi-period file


def test_an_override_replaces_adds_and_grows_by_period(tmp_path):
    raw = tiny()
    raw["plants"]["CN_TM"]["fixed_cost"] = {"P2005": 30, "P2008": 45}
    raw["overrides"] = {
        "later_cost": {"plants": {"CN_TM": {"fixed_cost": {"P2006": 40}}}},
        "flat_cost": {"plants": {"CN_TM": {"fixed_cost": 25}}},
        "china_grows": {"markets": {"CN": {"demand": {"lathe_medium": {"quantity": {"growth": 0.1}}}}}},
        "new_owner_in_2008": {"plants": {"CN_TM": {"owners": {"P2008": {"TM": 0.6}}}}},
    }
    raw["scenarios"] = {"both": ["later_cost", "china_grows"]}
    path = write(tmp_path / "t.yaml", raw)
    got = values(gpnopt.load(path, scenario="later_cost"), cn_fixed)
    assert got == {"P2005": 30, "P2006": 40, "P2008": 45}
    assert values(gpnopt.load(path, scenario="flat_cost"), cn_fixed) == dict.fromkeys(got, 25)
    inst = gpnopt.load(path, scenario="both")
    assert inst.scenario == "both"
    assert all(x.scenario == "both" for x in period_instances(inst).values())
    assert values(inst, cn_demand) == pytest.approx({"P2005": 80, "P2006": 88, "P2008": 80 * 1.1**3})
    owners = values(gpnopt.load(path, scenario="new_owner_in_2008"), lambda x: x.plants["CN_TM"].owners)
    assert owners == {"P2005": {"TM": 1.0}, "P2006": {"TM": 1.0}, "P2008": {"TM": 0.6}}


def test_a_plain_patch_onto_a_per_period_entity_patches_every_period():
    raw = tiny()
    plant = raw["plants"]["CN_TM"]
    raw["plants"]["CN_TM"] = {"P2005": plant, "P2008": {**plant, "fixed_cost": 45}}
    patch = {"plants": {"CN_TM": {"assembly_capacity": 99}}}
    inst = gpnopt.instance_from_dict(raw, name="x.yaml", overrides=patch)
    assert values(inst, lambda x: x.plants["CN_TM"].assembly_capacity) == dict.fromkeys(
        ["P2005", "P2006", "P2008"], 99
    )
    assert values(inst, cn_fixed) == {"P2005": 30, "P2006": 30, "P2008": 45}


def test_a_scenario_file_import_still_brings_overrides(tmp_path):
    raw = tiny(imports=["more.yaml"])
    write(tmp_path / "more.yaml", {
        "overrides": {"dear": {"plants": {"CN_TM": {"fixed_cost": {"P2006": 50}}}}},
        "scenarios": {"dear_later": ["dear"]},
    })
    path = write(tmp_path / "t.yaml", raw)
    got = values(gpnopt.load(path, scenario="dear"), cn_fixed)
    assert got == {"P2005": 30, "P2006": 50, "P2008": 50}
    assert gpnopt.io.scenario_names(path) == ["expensive_china", "dear_later"]


# ---------------------------------------------------------------------------------------------
# A file built on a base instance through imports


@pytest.fixture
def base_dir(tmp_path):
    shutil.copy(TINY, tmp_path / "tiny.yaml")
    return tmp_path


def timeline(folder: Path, text: str) -> Path:
    path = folder / "timeline.yaml"
    head = (
        "imports: [tiny.yaml]\nname: tiny_timeline\nperiods:\n  - {id: P2005, start: 2005}\n"
        "  - {id: P2006, start: 2006}\n  - {id: P2008, start: 2008, length: 2}\n"
    )
    path.write_text(head + text)
    return path


def test_a_file_on_a_base_changes_only_what_it_states(base_dir):
    path = timeline(
        base_dir,
        "plants:\n  CN_TM:\n    owners: {P2006: {TM: 0.8}}\n    fixed_cost: {P2008: 35}\n"
        "markets: {CN: {demand: {lathe_medium: {quantity: {growth: 0.1}}}}}\n",
    )
    inst = gpnopt.load(path)
    assert inst.name == "tiny_timeline"
    assert values(inst, cn_fixed) == {"P2005": 30, "P2006": 30, "P2008": 35}  # 30 from tiny.yaml
    owners = values(inst, lambda x: x.plants["CN_TM"].owners)
    assert owners == {"P2005": {"TM": 1.0}, "P2006": {"TM": 0.8}, "P2008": {"TM": 0.8}}
    assert values(inst, cn_demand) == pytest.approx({"P2005": 80, "P2006": 88, "P2008": 80 * 1.1**3})
    assert values(inst, lambda x: x.plants["JP_TM"].fixed_cost) == dict.fromkeys(owners, 50)
    # the base's overrides and scenarios come along
    dear = values(gpnopt.load(path, scenario="expensive_china"),
                  lambda x: x.plants["CN_TM"].lines["lathe_medium"].unit_cost)
    assert dear == dict.fromkeys(owners, 30)


def test_the_base_is_checked_on_its_own_with_its_file_name(base_dir):
    raw = yaml.safe_load(TINY.read_text())
    raw["plants"]["CN_TM"]["fixed_cost"] = -1
    write(base_dir / "tiny.yaml", raw)
    path = timeline(base_dir, "")
    with pytest.raises(gpnopt.InstanceError) as info:
        gpnopt.load(path)
    assert info.value.problems == [
        f"{base_dir / 'tiny.yaml'}: plants.CN_TM.fixed_cost: Input should be greater than or "
        "equal to 0"
    ]


def test_a_base_scenario_name_may_not_be_defined_again(base_dir):
    path = timeline(base_dir, "overrides: {dear_china: {plants: {CN_TM: {fixed_cost: 1}}}}\n")
    with pytest.raises(gpnopt.InstanceError) as info:
        gpnopt.load(path)
    assert info.value.problems == [
        f"{path}: overrides.dear_china: the name is already defined in {base_dir / 'tiny.yaml'} "
        "(write null to remove it here, then define it under a new name)"
    ]


def test_a_file_on_a_base_may_remove_an_inherited_scenario_with_null(base_dir):
    path = timeline(base_dir, "overrides: {dear_china: null}\nscenarios: {expensive_china: null}\n")
    gpnopt.load(path)
    for name in ("expensive_china", "dear_china"):
        with pytest.raises(gpnopt.InstanceError, match="is neither a scenario nor an override"):
            gpnopt.load(path, scenario=name)
    assert gpnopt.load(base_dir / "tiny.yaml", scenario="expensive_china")  # the base keeps it


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("scenarios: {cheap_china: null}\n",
         "scenarios.cheap_china: null removes an inherited name, but {base} defines none of "
         "this name"),
        ("overrides: {dear_china: null}\n",  # expensive_china still names it
         "scenarios.expensive_china: unknown override 'dear_china'"),
    ],
)
def test_removing_what_is_not_there_or_still_named_is_refused(base_dir, text, problem):
    path = timeline(base_dir, text)
    base = base_dir / "tiny.yaml"
    with pytest.raises(gpnopt.InstanceError) as info:
        gpnopt.load(path, scenario="expensive_china" if "dear" in text else None)
    assert problem.format(base=base) in str(info.value)


@pytest.mark.parametrize("periods", [False, True])
def test_null_in_a_file_without_a_base_is_refused(tmp_path, periods):
    raw = yaml.safe_load(TINY.read_text())
    if periods:  # the file keys are checked on their own then
        raw["periods"] = [{"id": "P2005", "start": 2005}]
    raw["scenarios"]["expensive_china"] = None
    write(tmp_path / "t.yaml", raw)
    with pytest.raises(gpnopt.InstanceError, match=r"scenarios\.expensive_china: null removes an "
                       r"inherited name, but the file has no base"):
        gpnopt.load(tmp_path / "t.yaml")


def test_two_bases_and_loops_are_refused(base_dir):
    shutil.copy(TINY, base_dir / "other.yaml")
    path = timeline(base_dir, "")
    path.write_text(path.read_text().replace("[tiny.yaml]", "[tiny.yaml, other.yaml]"))
    with pytest.raises(gpnopt.InstanceError, match="at most one base instance"):
        gpnopt.load(path)
    loop = base_dir / "loop.yaml"
    loop.write_text("imports: [timeline.yaml]\nname: loop\n")
    path.write_text(path.read_text().replace("[tiny.yaml, other.yaml]", "[loop.yaml]"))
    with pytest.raises(gpnopt.InstanceError, match="imports this file again"):
        gpnopt.load(path)


def test_restating_a_base_value_warns(base_dir):
    path = timeline(base_dir, "plants: {CN_TM: {fixed_cost: 30}}\n")
    with pytest.warns(GpnoptWarning, match="plants.CN_TM.fixed_cost: states the same value"):
        gpnopt.load(path)


def test_a_base_without_periods_loads_as_one_period(base_dir):
    path = base_dir / "on_tiny.yaml"
    path.write_text("imports: [tiny.yaml]\nname: on_tiny\nplants: {CN_TM: {fixed_cost: 31}}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inst = gpnopt.load(path)
    assert inst.name == "on_tiny"
    assert inst.plants["CN_TM"].fixed_cost == 31
    assert period_instances(inst) == {ONE_PERIOD: inst}


def test_the_json_schema_accepts_per_period_numbers_and_owners():
    import jsonschema

    from gpnopt.reference import instance_json_schema

    check = jsonschema.Draft202012Validator(instance_json_schema())
    raw = tiny()
    raw["plants"]["CN_TM"]["fixed_cost"] = {"P2005": 30, "P2008": 45}
    raw["plants"]["CN_TM"]["owners"] = {"P2005": {"TM": 1.0}, "P2008": {"TM": 0.8}}
    raw["markets"]["CN"]["demand"]["lathe_medium"]["quantity"] = {"value": 80, "growth": 0.1}
    assert check.is_valid(raw), [e.message for e in check.iter_errors(raw)]
    assert gpnopt.instance_from_dict(raw, name="x.yaml")
    raw["finance"] = {"discount_rate": {"P2005": 0.1}}  # finance holds for the whole horizon
    assert not check.is_valid(raw)


def test_a_patch_that_removes_a_key_some_periods_lack_is_fine_none_is_an_error():
    raw = tiny()
    raw["firms"]["FT"] = {"home_country": "JP"}
    raw["plants"]["CN_TM"]["owners"] = {"P2005": {"TM": 1.0}, "P2006": {"TM": 0.8, "FT": 0.2}}
    inst = gpnopt.instance_from_dict(raw, name="x.yaml",
                                     overrides={"plants": {"CN_TM": {"owners": {"FT": None}}}})
    owners = values(inst, lambda x: x.plants["CN_TM"].owners)
    assert owners == {"P2005": {"TM": 1.0}, "P2006": {"TM": 0.8}, "P2008": {"TM": 0.8}}
    with pytest.raises(gpnopt.InstanceError) as info:
        gpnopt.instance_from_dict(raw, name="x.yaml",
                                  overrides={"plants": {"CN_TM": {"owners": {"XX": None}}}})
    assert info.value.problems == [
        "x.yaml: overrides (argument).plants.CN_TM.owners.XX: removes nothing (no such key)"
    ]


def test_problems_name_the_series_entry_that_holds_in_the_period():
    raw = tiny()
    plant = raw["plants"]["CN_TM"]
    raw["plants"]["CN_TM"] = {"P2005": plant, "P2008": {**plant, "fixed_cost": -1}}
    raw["trade"]["transport"] = [
        {"P2005": None, "P2008": {"from_country": "JP", "to_country": "CN", "unit_cost": 1}},
        {"from_country": "CN", "to_country": "JP", "unit_cost": -2},
    ]
    with pytest.raises(gpnopt.InstanceError) as info:
        gpnopt.instance_from_dict(raw, name="x.yaml")
    ge0 = "Input should be greater than or equal to 0"
    assert sorted(info.value.problems) == sorted([
        f"x.yaml: plants.CN_TM.P2008.fixed_cost: {ge0} (in period P2008)",
        f"x.yaml: trade.transport.1.unit_cost: {ge0}",  # item 0 is absent before 2008
    ])


def test_multi_period_errors_reach_the_cli_with_exit_1(tmp_path):
    from typer.testing import CliRunner

    from gpnopt.cli import app

    raw = tiny()
    raw["plants"]["CN_TM"]["fixed_cost"] = {"P2005": 30, "P2010": 45}
    path = write(tmp_path / "bad.yaml", raw)
    for command in ("validate", "solve"):
        res = CliRunner().invoke(app, [command, str(path), "--scenario", "expensive_china"])
        assert res.exit_code == 1, res.output
        assert "Traceback" not in res.output
        assert f"{path} (scenario expensive_china): plants.CN_TM.fixed_cost.P2010: 'P2010' is " in (
            " ".join(res.output.split())
        )


def test_deep_merge_by_period_rules():
    from gpnopt.patches import deep_merge

    ids = ["P1", "P2", "P3"]
    base = {"a": 5, "b": {"P1": 1, "P3": 3}, "c": 7, "d": {"P1": {"x": 1}, "P2": {"x": 2, "y": 0}},
            "e": {"x": 1}}
    patch = {"a": {"P2": 6}, "b": {"P2": 2}, "c": {"growth": 0.1}, "d": {"y": 9}, "e": {"P1": {"x": 2}}}
    assert deep_merge(base, patch, periods=ids) == []
    assert base == {
        "a": {"P1": 5, "P2": 6},  # the plain value holds before the first listed period
        "b": {"P1": 1, "P2": 2, "P3": 3},  # period by period
        "c": {"value": 7, "growth": 0.1},  # the base's number grows
        "d": {"P1": {"x": 1, "y": 9}, "P2": {"x": 2, "y": 9}},  # every period patched
        "e": {"P1": {"x": 2}},  # the patch lists the first period: it replaces
    }
    plain = {"a": 5, "b": {"x": 1}}  # without periods: today's deep merge
    assert deep_merge(plain, {"a": {"P2": 6}, "b": {"y": 2}, "z": None}) == ["z: removes nothing (no such key)"]
    assert plain == {"a": {"P2": 6}, "b": {"x": 1, "y": 2}}


def test_an_option_available_in_no_period_warns():
    raw = tiny()
    raw["plants"]["CN_TM"]["available_from"] = 2030
    with pytest.warns(GpnoptWarning, match=r"plants.CN_TM: available 2030-\.\.\., so in no period"):
        gpnopt.instance_from_dict(raw, name="x.yaml")
    raw["plants"]["CN_TM"]["available_from"] = 2006
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inst = gpnopt.instance_from_dict(raw, name="x.yaml")
    assert inst.plants["CN_TM"].available_from == 2006
