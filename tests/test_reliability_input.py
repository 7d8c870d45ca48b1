"""Input-side reliability (issue 20): odd files, odd YAML and odd values give exit 1 with the
file and the YAML path, never a traceback, a hang or a silent acceptance."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import gpnopt
from gpnopt.cli import app
from gpnopt.errors import InstanceError
from gpnopt.io import read_yaml

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "instances" / "tiny.yaml"
runner = CliRunner()


def _tiny_raw() -> dict:
    return read_yaml(TINY)


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _problems(path, **kw) -> list[str]:
    with pytest.raises(InstanceError) as info:
        gpnopt.load(path, **kw)
    return info.value.problems


def _validate(*args: str):
    res = runner.invoke(app, ["validate", *args])
    assert "Traceback" not in res.output, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res


def _cli(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the CLI in a subprocess that cannot hang the test run."""
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "gpnopt", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=ROOT,
    )


# 1. unhashable mapping keys


@pytest.mark.parametrize(
    "text",
    ["name: x\n? [1, 2]\n: y\n", "name: x\n? objective: {mode: alliance}\n: 1\n"],
)
def test_unhashable_key_is_an_input_error(tmp_path, text):
    path = tmp_path / "k.yaml"
    path.write_text(text)
    res = _validate(str(path))
    assert res.exit_code == 1
    assert str(path) in res.output
    assert "line 2" in res.output
    assert "key" in res.output


# 2. malformed scenarios


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ({"overrides": 5}, "scenarios.bad.overrides"),
        ([["a"]], "scenarios.bad"),
        ({"overrides": "dear_china"}, "scenarios.bad.overrides"),
        ("dear_china", "scenarios.bad"),
    ],
)
def test_malformed_scenario_is_an_input_error(tmp_path, spec, needle):
    raw = _tiny_raw()
    raw["scenarios"]["bad"] = spec
    path = _write(tmp_path / "s.yaml", raw)
    for args in (["validate", str(path), "--scenario", "bad"], ["compare", str(path), "--scenarios", "all"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 1, res.output
        assert "Traceback" not in res.output
        assert not isinstance(res.exception, TypeError | AttributeError), res.exception
        assert needle in res.output, res.output
        assert "unknown override 'd'" not in res.output


def test_malformed_scenario_from_a_mapping_is_an_input_error():
    raw = _tiny_raw()
    raw["scenarios"]["bad"] = {"overrides": 5}
    with pytest.raises(InstanceError, match=r"scenarios\.bad"):
        gpnopt.instance_from_dict(raw, name="x.yaml", scenario="bad")
    raw["scenarios"]["bad"] = {"overrides": "dear_china"}
    with pytest.raises(InstanceError, match=r"scenarios\.bad") as info:
        gpnopt.instance_from_dict(raw, name="x.yaml", scenario="bad")
    assert "'d'" not in str(info.value)


# 6. special files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_instance_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    res = _cli(["validate", str(fifo)], timeout=60)
    assert res.returncode == 1, res.stderr
    assert "not a regular file" in res.stdout + res.stderr
    assert "Traceback" not in res.stdout + res.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_import_and_scenario_file_are_refused(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    raw = _tiny_raw()
    raw["imports"] = ["pipe.yaml"]
    path = _write(tmp_path / "inst.yaml", raw)
    res = _cli(["validate", str(path)], timeout=60)
    assert res.returncode == 1, res.stderr
    assert "not a regular file" in res.stdout + res.stderr
    res = _cli(["validate", str(TINY), "--scenario-file", str(fifo)], timeout=60)
    assert res.returncode == 1, res.stderr
    assert "not a regular file" in res.stdout + res.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_scenario_file_is_refused_quickly():
    start = time.perf_counter()
    res = _cli(["validate", str(TINY), "--scenario-file", "/dev/zero"], timeout=60)
    assert res.returncode == 1, res.stderr
    assert "/dev/zero: not a regular file" in res.stdout + res.stderr
    assert "Traceback" not in res.stdout + res.stderr
    assert time.perf_counter() - start < 30


def test_file_growing_past_its_stat_size_is_cut(tmp_path, monkeypatch):
    """The read is bounded by the limit, whatever st_size said."""
    import gpnopt.yaml_reader

    monkeypatch.setattr(gpnopt.yaml_reader, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.yaml"
    path.write_text("name: big\nnotes: {pad: '" + "x" * 5000 + "'}\n")
    real_stat = os.stat

    class Small:
        def __init__(self, st):
            self.st_mode = st.st_mode
            self.st_size = 10

    monkeypatch.setattr(gpnopt.yaml_reader.os, "fstat", lambda fd: Small(real_stat(fd)))
    probs = _problems(path)
    assert any("larger than the limit of 1000" in p for p in probs), probs


def test_directory_is_refused(tmp_path):
    probs = _problems(tmp_path)
    assert "not a regular file" in probs[0]


# 9. booleans are not numbers


@pytest.mark.parametrize(
    ("where", "value", "loc"),
    [
        (("plants", "JP_TM", "fixed_cost"), True, "plants.JP_TM.fixed_cost"),
        (("plants", "JP_TM", "assembly_capacity"), "on", "plants.JP_TM.assembly_capacity"),
        (("plants", "JP_TM", "owners", "TM"), "yes", "plants.JP_TM.owners.TM"),
        (("products", "lathe_high", "bom", "casting"), {"quantity": "yes"}, "bom.casting.quantity"),
        (("trade", "tariffs"), [{"to_country": "CN", "rate": True}], "trade.tariffs.0.rate"),
    ],
)
def test_booleans_are_not_numbers(tmp_path, where, value, loc):
    raw = _tiny_raw()
    node = raw
    for key in where[:-1]:
        node = node.setdefault(key, {})
    node[where[-1]] = value
    path = tmp_path / "b.yaml"
    # write yes/on unquoted, as a user would
    text = yaml.safe_dump(raw, sort_keys=False).replace("'yes'", "yes").replace("'on'", "on")
    path.write_text(text)
    probs = _problems(path)
    assert any(loc in p and "boolean" in p for p in probs), probs


def test_ints_still_accepted_for_float_fields(tiny):
    assert tiny.plants["JP_TM"].fixed_cost == 50
    assert isinstance(tiny.plants["JP_TM"].fixed_cost, float)


# 10. imports are confined; echoes are cut


def test_import_outside_the_folder_is_refused(tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("overrides: {}\n")
    folder = tmp_path / "inst"
    folder.mkdir()
    raw = _tiny_raw()
    raw["imports"] = ["../elsewhere.yaml"]
    path = _write(folder / "x.yaml", raw)
    probs = _problems(path)
    assert any("imports.0" in p and "outside" in p for p in probs), probs
    inst = gpnopt.load(path, allow_imports_outside=True)
    assert inst.name == "tiny"


def test_absolute_system_import_is_refused_and_not_echoed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:TOPSECRET-hash-value:19000:0:99999:7:::\n" * 3)
    folder = tmp_path / "inst"
    folder.mkdir()
    raw = _tiny_raw()
    raw["imports"] = [str(secret)]
    path = _write(folder / "x.yaml", raw)
    probs = _problems(path)
    assert not any("TOPSECRET" in p for p in probs), probs
    assert any("imports.0" in p for p in probs), probs
    # even when allowed: not a .yaml file
    probs = _problems(path, allow_imports_outside=True)
    assert not any("TOPSECRET" in p for p in probs), probs
    assert any(".yaml" in p for p in probs), probs


def test_long_content_is_never_echoed_in_full(tmp_path):
    long_key = "k" * 500
    extra = tmp_path / "extra.yaml"
    extra.write_text(f"{long_key}: 1\n")
    probs = _problems(TINY, scenario_files=[extra])
    assert probs
    assert all(len(p) < 400 for p in probs), probs
    assert any("..." in p or "\u2026" in p for p in probs), probs


def test_long_unknown_override_name_is_cut(tmp_path):
    probs = _problems(TINY, scenario="x" * 1000)
    assert all(len(p) < 600 for p in probs), probs


# 12. overrides inside an override


@pytest.mark.parametrize("key", ["overrides", "scenarios", "imports"])
def test_file_keys_inside_an_override_are_refused(tmp_path, key):
    raw = _tiny_raw()
    raw["overrides"]["nested"] = {key: {"inner": {"plants": {"JP_TM": {"fixed_cost": 1}}}}}
    if key == "imports":
        raw["overrides"]["nested"] = {key: ["other.yaml"]}
    path = _write(tmp_path / "x.yaml", raw)
    probs = _problems(path, scenario="nested")
    assert any(f"overrides.nested.{key}" in p for p in probs), probs
    res = _validate(str(path), "--scenario", "nested")
    assert res.exit_code == 1


# 13. the Norway problem


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("NO", "boolean false"),
        ("yes", "boolean true"),
        ("on", "boolean true"),
        ("01", "number 1"),
        ("1.5", "number 1.5"),
        ("2005-01-01", "date"),
    ],
)
def test_ids_read_as_other_types_get_a_quoting_hint(tmp_path, text, hint):
    old = "countries:\n  JP: {name: Japan}\n"
    assert old in TINY.read_text()
    src = TINY.read_text().replace(old, f"countries:\n  {text}: {{name: odd}}\n  JP: {{name: Japan}}\n")
    path = tmp_path / "n.yaml"
    path.write_text(src)
    probs = _problems(path)
    line = next((p for p in probs if p.startswith(f"{path}: countries")), None)
    assert line is not None, probs
    assert hint in line, line
    assert "quotes" in line, line


def test_value_read_as_boolean_gets_a_quoting_hint(tmp_path):
    assert "country: CN" in TINY.read_text()
    src = TINY.read_text().replace("country: CN", "country: NO", 1)
    path = tmp_path / "n.yaml"
    path.write_text(src)
    probs = _problems(path)
    assert any("country" in p and "boolean false" in p and "quotes" in p for p in probs), probs


# 14. size limits


def test_plain_large_list_is_not_an_alias_problem(tmp_path, monkeypatch):
    import gpnopt.yaml_reader

    monkeypatch.setattr(gpnopt.yaml_reader, "MAX_NODES", 1000)
    path = tmp_path / "long.yaml"
    path.write_text("name: long\nnotes: {pad: [" + ", ".join(["1"] * 5000) + "]}\n")
    probs = _problems(path)
    assert len(probs) == 1
    assert "alias" not in probs[0]
    assert "more than 1000 values" in probs[0]


def test_alias_bomb_still_refused_as_alias_problem(tmp_path, monkeypatch):
    import gpnopt.yaml_reader

    monkeypatch.setattr(gpnopt.yaml_reader, "MAX_NODES", 1000)
    lines = ["name: bomb", "notes:", '  a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for n in range(1, 4):
        lines.append(f"  a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    probs = _problems(path)
    assert "expands to more than 1000 values through its aliases" in probs[0]


def test_too_many_aliases(tmp_path, monkeypatch):
    import gpnopt.yaml_reader

    monkeypatch.setattr(gpnopt.yaml_reader, "MAX_ALIASES", 5)
    path = tmp_path / "a.yaml"
    path.write_text("name: a\nnotes: {x: &x 1, l: [" + ", ".join(["*x"] * 6) + "]}\n")
    probs = _problems(path)
    assert "more than 5 aliases" in probs[0]


def test_duplicate_key_with_the_fast_loader(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("name: a\nnotes: {x: 1, x: 2}\n")
    probs = _problems(path)
    assert "duplicate key 'x' (line 2)" in probs[0]


def test_deep_nesting_is_refused(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("name: a\nnotes: {x: " + "[" * 500 + "]" * 500 + "}\n")
    res = _cli(["validate", str(path)], timeout=60)
    assert res.returncode == 1, res.stderr
    assert "nested too deeply" in res.stdout + res.stderr


def test_yaml_error_does_not_echo_the_line(tmp_path):
    path = tmp_path / "y.yaml"
    path.write_text("name: x\ncountries: {JP: [SECRETSECRET\n")
    probs = _problems(path)
    assert "invalid YAML" in probs[0]
    assert "(line 3, column 1)" in probs[0]
    assert "SECRETSECRET" not in probs[0]


# 15. out-of-range numbers


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("markets", "JP", "demand", "lathe_high", "price"), 1e300),
        (("markets", "JP", "demand", "lathe_high", "quantity"), 1e300),
        (("plants", "JP_TM", "fixed_cost"), 2e12),
        (("firms", "TM", "reservation_profit"), -1e13),
    ],
)
def test_numbers_beyond_the_bound_are_refused(tmp_path, where, value):
    raw = _tiny_raw()
    node = raw
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    path = _write(tmp_path / "big.yaml", raw)
    probs = _problems(path)
    loc = ".".join(where)
    assert any(loc in p and "1e+12" in p for p in probs), probs


# 16. ids


@pytest.mark.parametrize(
    "bad", ["", "a\nb", "../CN_TM", "x" * 65, "=HYPERLINK(1)", "a.b", "a b", "-x", "_x"]
)
def test_entity_ids_follow_one_pattern(bad):
    raw = _tiny_raw()
    raw["countries"][bad] = {"name": "odd"}
    with pytest.raises(InstanceError) as info:
        gpnopt.instance_from_dict(raw, name="x.yaml")
    assert any(p.startswith("x.yaml: countries") and "pattern" in p for p in info.value.problems)


@pytest.mark.parametrize("section", ["overrides", "scenarios"])
def test_scenario_and_override_names_follow_the_pattern(tmp_path, section):
    raw = _tiny_raw()
    raw[section]["a.b"] = {} if section == "overrides" else []
    path = _write(tmp_path / "x.yaml", raw)
    probs = _problems(path)
    assert any(f"{section}: key 'a.b'" in p and "pattern" in p for p in probs), probs


def test_expectation_id_with_a_dot_is_refused():
    raw = _tiny_raw()
    raw.setdefault("expectations", []).append(
        {"id": "a.b", "kind": "open", "plant": "JP_TM"}
    )
    with pytest.raises(InstanceError, match="expectations"):
        gpnopt.instance_from_dict(raw, name="x.yaml")


def test_ids_of_64_characters_are_fine():
    raw = _tiny_raw()
    raw["countries"]["A" * 64] = {"name": "long"}
    assert gpnopt.instance_from_dict(raw, name="x.yaml").countries["A" * 64].name == "long"


# sourcing rule ids


def _with_rules(*rules: dict) -> dict:
    raw = _tiny_raw()
    raw["sourcing_rules"] = list(rules)
    return raw


def test_sourcing_rules_get_default_ids():
    rule = {"plant": "CN_TM", "sources": {"countries": ["CN"]}, "max_share": 1.0}
    raw = _with_rules(rule, {**rule, "id": "china_cap"}, rule)
    inst = gpnopt.instance_from_dict(raw, name="x.yaml")
    assert [r.id for r in inst.sourcing_rules] == ["rule0", "china_cap", "rule2"]
    assert "id" not in raw["sourcing_rules"][0]  # the input is not changed


def test_sourcing_rule_ids_are_unique_and_safe():
    rule = {"plant": "CN_TM", "sources": {"countries": ["CN"]}}
    with pytest.raises(InstanceError, match=r"sourcing_rules\.1\.id: duplicate sourcing rule id 'x'"):
        gpnopt.instance_from_dict(_with_rules({**rule, "id": "x"}, {**rule, "id": "x"}), name="x.yaml")
    with pytest.raises(InstanceError, match=r"sourcing_rules\.0\.id"):
        gpnopt.instance_from_dict(_with_rules({**rule, "id": "a b"}), name="x.yaml")


# 11. a missing import or an import loop is named first, as such


def test_missing_base_is_named_not_its_consequences(tmp_path):
    # A copy of a file built on a base, without the base: the missing base is the problem,
    # not the sections it would give or the inherited names the file removes.
    raw = {"imports": ["base.yaml"], "name": "x", "scenarios": {"dear_china": None},
           "overrides": {"dear_china": None}}
    path = _write(tmp_path / "x.yaml", raw)
    probs = _problems(path)
    assert probs == [f"{path}: imports.0: the imported file 'base.yaml' does not exist "
                     f"(looked for {tmp_path / 'base.yaml'})"], probs


def test_missing_import_named_with_other_import_problems(tmp_path):
    (tmp_path / "broken.yaml").write_text("a: [\n")
    raw = {"imports": ["broken.yaml", "gone.yaml"], "name": "x", "scenarios": {"s": 3}}
    path = _write(tmp_path / "x.yaml", raw)
    probs = _problems(path)
    assert probs[0].startswith(f"{path}: imports.0: cannot import 'broken.yaml': "
                               f"{tmp_path / 'broken.yaml'}: invalid YAML"), probs
    assert probs[1].startswith(f"{path}: imports.1: the imported file 'gone.yaml' does not"), probs
    assert probs[2].startswith(f"{path}: scenarios.s: "), probs  # the file's own, after
    assert len(probs) == 3, probs


def test_refused_import_named_when_the_file_is_incomplete(tmp_path):
    (tmp_path / "inst").mkdir()
    path = _write(tmp_path / "inst" / "x.yaml", {"name": "x", "imports": ["../base.yaml"]})
    probs = _problems(path)
    assert len(probs) == 1, probs
    assert probs[0].startswith(f"{path}: imports.0: '../base.yaml' lies outside"), probs


def test_import_loops_are_named(tmp_path):
    raw = _tiny_raw()
    raw["imports"] = ["x.yaml"]
    path = _write(tmp_path / "x.yaml", raw)
    assert _problems(path) == [f"{path}: imports.0: 'x.yaml' is this file itself: a file "
                               "cannot import itself (an import loop)"]
    (tmp_path / "s.yaml").write_text("imports: [s.yaml]\noverrides: {}\n")  # no instance
    assert "an import loop" in _problems(tmp_path / "s.yaml")[0]
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    _write(a, {"imports": ["b.yaml"], "name": "a"})
    _write(b, {**_tiny_raw(), "imports": ["a.yaml"]})
    assert _problems(a) == [f"{b}: imports.0: 'a.yaml' imports this file again: an import "
                            f"loop ({a} -> {b} -> {a})"]


# 12. the names the command line gives a meaning are refused in files


def test_reserved_scenario_names_are_refused(tmp_path):
    raw = _tiny_raw()
    raw["scenarios"]["base"] = ["dear_china"]  # -s base would solve the file as written
    path = _write(tmp_path / "x.yaml", raw)
    assert _problems(path) == [
        f"{path}: scenarios.base: the name 'base' is reserved (--scenario base means the file "
        "as written, so such a scenario would never run); choose another name"]
    sf = tmp_path / "sf.yaml"  # compare --scenarios all would never select it
    sf.write_text("overrides:\n  all: {plants: {CN_TM: {fixed_cost: 1}}}\n")
    probs = _problems(TINY, scenario_files=[sf])
    assert len(probs) == 1, probs
    assert probs[0].startswith(f"{sf}: overrides.all: the name 'all' is reserved"), probs
    raw = _tiny_raw()
    raw["overrides"]["base"] = {}
    for scenario in (None, "dear_china"):  # also when another scenario is applied
        with pytest.raises(InstanceError, match=r"<dict>: overrides\.base: the name 'base'"):
            gpnopt.instance_from_dict(raw, scenario=scenario)


# --- 13. problems of a --scenario-file's overrides name that file ------------------------------


def test_a_scenario_files_problem_names_that_file(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(yaml.safe_dump({
        "overrides": {"x": {"plants": {"NOPE": {"fixed_cost": 1}}}},
        "scenarios": {"y": ["x", "missing_override"]},
    }))
    with pytest.raises(InstanceError) as info:
        gpnopt.load(TINY, scenario="x", scenario_files=[extra])
    assert info.value.problems[0].startswith(f"{extra}: overrides.x.plants.NOPE: there is no")
    res = CliRunner().invoke(app, ["validate", str(TINY), "--scenario-file", str(extra)])
    assert f"{extra}: overrides.x.plants.NOPE" in res.output
    assert f"{TINY}: overrides.x" not in res.output
    assert f"{extra}: scenarios.y" in " ".join(res.output.split())


def test_an_inherited_or_imported_overrides_problem_names_its_file(tmp_path):
    # an override of the base instance, and one of a scenario file the instance imports
    base = read_yaml(TINY)
    base["overrides"] = {"x": {"plants": {"NOPE": {"fixed_cost": 1}}}}
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(base))
    (tmp_path / "more.yaml").write_text(yaml.safe_dump(
        {"overrides": {"z": {"plants": {"NADA": {"fixed_cost": 1}}}}}))
    child = tmp_path / "child.yaml"
    child.write_text(yaml.safe_dump({"imports": ["base.yaml", "more.yaml"],
                                     "name": "child", "overrides": {"y": {}}}))
    for scenario, where in (("x", "base.yaml: overrides.x.plants.NOPE"),
                            ("z", "more.yaml: overrides.z.plants.NADA")):
        with pytest.raises(InstanceError) as info:
            gpnopt.load(child, scenario=scenario)
        assert info.value.problems[0].startswith(f"{tmp_path / where}: there is no"), scenario
