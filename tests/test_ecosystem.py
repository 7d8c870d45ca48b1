"""Ecosystem and user friendliness: the field reference and JSON Schema, hints for slips,
the solver's log, one consistent command line, progress."""

from __future__ import annotations

import copy
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import typer
import yaml
from pydantic import TypeAdapter
from typer.testing import CliRunner

import gpnopt
from gpnopt import dynamics, schema
from gpnopt.cli import app
from gpnopt.cli.compare import grid_fits
from gpnopt.cli.progress import Steps
from gpnopt.errors import GpnoptWarning, InstanceError
from gpnopt.hints import did_you_mean, keys_at
from gpnopt.io import read_instance_file, read_yaml
from gpnopt.reference import (
    EXAMPLES,
    SCHEMA_FILE,
    instance_json_schema,
    reference_markdown,
    schema_text,
)

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = sorted((ROOT / "instances").glob("*.yaml"))
runner = CliRunner()


@pytest.fixture
def tiny_raw(tiny_path):
    return read_yaml(tiny_path)


def _problems(raw, name="x.yaml"):
    with pytest.raises(InstanceError) as info:
        gpnopt.instance_from_dict(raw, name=name)
    return info.value.problems


# --- 1. the field reference and the JSON Schema ---------------------------------------------


def test_reference_is_current():
    committed = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert committed == reference_markdown(), (
        "docs/reference.md is stale: run python -c 'from gpnopt.reference import "
        "reference_markdown; open(\"docs/reference.md\", \"w\").write(reference_markdown())'"
    )


def test_schema_file_is_current():
    assert (ROOT / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text(), (
        f"{SCHEMA_FILE} is stale: run gpnopt schema > {SCHEMA_FILE}"
    )


def test_reference_documents_every_field_of_every_section():
    text = reference_markdown()
    defs = instance_json_schema()["$defs"]
    for name, model in defs.items():
        assert f"## {name}" in text, name
        for field in model.get("properties", {}):
            assert f"| `{field}` |" in text, f"{name}.{field}"
    for field in schema.InstanceFile.model_fields:
        assert f"| `{field}` |" in text, field
    # type, unit, bounds and default of a known field
    assert "| `fixed_cost` | number | money/year | >= 0 | `0.0` |" in text
    assert "| `rate` | number | fraction | 0 to 1 | **required** |" in text


def _example_records(name, value):
    """The records of a section example (a mapping by id, a list, or one record)."""
    model = getattr(schema, name, None) or getattr(dynamics, name)
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and not set(value) <= set(model.model_fields):
        return list(value.values())
    return [value]


@pytest.mark.parametrize("name", sorted(set(EXAMPLES) - {"InstanceFile"}))
def test_every_section_example_is_valid(name):
    parsed = yaml.safe_load(EXAMPLES[name].split("#")[0] if name == "BomEntry" else EXAMPLES[name])
    (value,) = parsed.values()
    if name == "ScenarioSpec":
        for spec in value.values():
            TypeAdapter(schema.Scenario).validate_python(spec)
        return
    records = _example_records(name, value)
    assert records
    for record in records:
        (getattr(schema, name, None) or getattr(dynamics, name)).model_validate(record)


def test_every_section_has_an_example():
    assert set(instance_json_schema()["$defs"]) <= set(EXAMPLES)


@pytest.mark.parametrize("path", INSTANCES, ids=lambda p: p.name)
def test_instances_name_the_schema_for_editors(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert target == (ROOT / SCHEMA_FILE).resolve()
    jsonschema.validate(  # as merged with its imports (a file built on a base is partial)
        read_instance_file(path),
        json.loads(target.read_text(encoding="utf-8")),
        cls=jsonschema.Draft202012Validator,
    )


def test_json_schema_refuses_what_validation_refuses(tiny_raw):
    check = jsonschema.Draft202012Validator(instance_json_schema())
    assert check.is_valid(tiny_raw)
    dotted = copy.deepcopy(tiny_raw)
    dotted["plants"]["CN.TM"] = dotted["plants"].pop("CN_TM")
    assert not check.is_valid(dotted)
    typo = copy.deepcopy(tiny_raw)
    typo["plants"]["JP_TM"]["fixed_cots"] = 1
    assert not check.is_valid(typo)
    percent = copy.deepcopy(tiny_raw)
    percent["trade"]["tariffs"][0]["rate"] = 10
    assert not check.is_valid(percent)


def test_schema_command_prints_and_writes(tmp_path):
    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == json.loads(schema_text())
    res = runner.invoke(app, ["schema", "--out", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "s" / "gpnopt-instance.schema.json").read_text() == schema_text()
    assert (tmp_path / "s" / "reference.md").read_text() == reference_markdown()


# --- 1. "did you mean ...?" ------------------------------------------------------------------


def test_did_you_mean_picks_close_names():
    assert did_you_mean("fixed_cots", ["fixed_cost", "unit_cost", "name"]) == (
        " (did you mean 'fixed_cost'?)"
    )
    assert did_you_mean("zzz", ["fixed_cost"]) == ""
    assert keys_at(schema.InstanceFile, ("plants", "JP_TM", "lines", "x")) == sorted(
        schema.Line.model_fields
    )
    assert keys_at(schema.InstanceFile, ("trade", "tariffs", 0)) == sorted(
        schema.Tariff.model_fields
    )
    assert keys_at(schema.InstanceFile, ("no_such",)) == []


def test_unknown_keys_get_suggestions(tiny_raw):
    raw = copy.deepcopy(tiny_raw)
    raw["plantz"] = raw.pop("plants")
    problems = _problems(raw)
    assert any(p.startswith("x.yaml: plantz: unknown key") and "'plants'" in p for p in problems)
    raw = copy.deepcopy(tiny_raw)
    raw["plants"]["JP_TM"]["lines"]["lathe_high"]["unit_cots"] = 3
    (problem,) = _problems(raw)
    assert problem.startswith("x.yaml: plants.JP_TM.lines.lathe_high.unit_cots: unknown key")
    assert "did you mean 'unit_cost'?" in problem


def test_unknown_ids_get_suggestions(tiny_raw):
    raw = copy.deepcopy(tiny_raw)
    raw["plants"]["CN_TM"]["country"] = "CNN"
    (problem,) = _problems(raw)
    assert problem == "x.yaml: plants.CN_TM.country: unknown country 'CNN' (did you mean 'CN'?)"


def test_unknown_scenario_gets_a_suggestion(tiny_path):
    with pytest.raises(InstanceError, match=r"did you mean 'expensive_china'\?"):
        gpnopt.load(tiny_path, scenario="expensive_chna")


# --- 2. silent slips -------------------------------------------------------------------------


def test_a_tariff_in_percent_is_refused(tiny_raw):
    raw = copy.deepcopy(tiny_raw)
    raw["trade"]["tariffs"][0]["rate"] = 10
    (problem,) = _problems(raw)
    assert problem.startswith("x.yaml: trade.tariffs.0.rate: ")
    assert "10 means 1000%; write 0.1 for 10%" in problem


def test_a_share_in_percent_is_refused(tiny_raw):
    raw = copy.deepcopy(tiny_raw)
    raw["plants"]["JP_TM"]["owners"]["TM"] = 60
    (problem,) = _problems(raw)
    assert "plants.JP_TM.owners.TM" in problem
    assert "60 means 6000%; write 0.6 for 60%" in problem


@pytest.mark.parametrize("bad", ["CN TM", "CN.TM"])
def test_ids_with_spaces_or_dots_are_refused(tiny_raw, bad):
    raw = copy.deepcopy(tiny_raw)
    raw["plants"][bad] = raw["plants"].pop("CN_TM")
    problems = _problems(raw)
    assert any(f"x.yaml: plants: key '{bad}'" in p and "an id is letters, digits" in p
               for p in problems), problems


def _components_by_sea(raw):
    """tiny with its machine lane priced but no entry for components, which cross borders."""
    raw = copy.deepcopy(raw)
    raw["trade"]["transport"] = [
        {"from_country": "JP", "to_country": "CN", "unit_cost": 2, "goods": "machine",
         "symmetric": True},
    ]
    return raw


def test_a_goods_class_without_any_transport_entry_is_warned_of(tiny_raw):
    raw = _components_by_sea(tiny_raw)
    with pytest.warns(GpnoptWarning, match=r"trade\.transport: no entry applies to components"):
        gpnopt.instance_from_dict(raw, name="x.yaml")


def test_no_lane_warning_when_declared_or_when_no_transport_is_modelled(tiny_raw, caplog):
    gpnopt.instance_from_dict(tiny_raw)  # an "all" entry covers both classes
    raw = _components_by_sea(tiny_raw)
    raw["trade"]["transport"].append(
        {"from_country": "JP", "to_country": "CN", "unit_cost": 0, "goods": "component"}
    )
    with caplog.at_level(logging.INFO, logger="gpnopt.checks"):
        gpnopt.instance_from_dict(raw)  # warnings are errors in this suite
    # the one lane left out of a listed class is told at information level
    assert any("1 cross-border component lane(s)" in r.getMessage() for r in caplog.records)
    raw["trade"]["transport"] = []  # no transport modelled at all: stated, not a slip
    gpnopt.instance_from_dict(raw)


def test_the_cli_names_the_file_with_the_lane_warning(tiny_raw, tmp_path):
    path = tmp_path / "sea.yaml"
    path.write_text(yaml.safe_dump(_components_by_sea(tiny_raw)))
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 0, res.output
    assert f"warning: {path}: trade.transport: no entry applies to components" in res.stderr
    res = runner.invoke(app, ["validate", str(path), "-q"])
    assert res.exit_code == 0
    assert "warning" not in res.stderr


# --- 4. the solver's log ---------------------------------------------------------------------


def test_verbose_shows_the_solver_progress_on_stderr(tiny_path):
    res = runner.invoke(app, ["solve", str(tiny_path), "-v"])
    assert res.exit_code == 0, res.output
    assert "BestBound" in res.stderr
    assert "Gap" in res.stderr
    assert "HiGHS on" in res.stderr  # gpnopt's own message
    assert "BestBound" not in res.stdout  # the summary stays clean


def test_the_solver_is_silent_by_default(tiny_path):
    res = runner.invoke(app, ["solve", str(tiny_path)])
    assert res.exit_code == 0, res.output
    assert "HiGHS" not in res.stderr
    assert "Running HiGHS" not in res.stdout


def test_log_file_gets_the_solver_log(tiny_path, tmp_path):
    log = tmp_path / "solve.log"
    res = runner.invoke(app, ["solve", str(tiny_path), "-q", "--log-file", str(log)])
    assert res.exit_code == 0, res.output
    text = log.read_text()
    assert "gpnopt.highs INFO" in text
    assert "Running HiGHS" in text
    assert res.stderr == ""


def test_log_file_that_cannot_be_opened_exits_1(tiny_path, tmp_path):
    res = runner.invoke(app, ["validate", str(tiny_path), "--log-file", str(tmp_path / "no" / "x")])
    assert res.exit_code == 1
    assert "--log-file" in res.stderr
    assert "Traceback" not in res.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_log_file_that_is_not_a_regular_file_is_refused_at_once(tiny_path, tmp_path):
    # a FIFO would block the open until a reader came; a folder cannot be appended to
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target in (fifo, tmp_path):
        res = runner.invoke(app, ["validate", str(tiny_path), "--log-file", str(target)])
        assert res.exit_code == 1
        assert "not a regular file" in res.stderr
        assert "Traceback" not in res.output


def test_library_log_through_logging(tiny, caplog):
    with caplog.at_level(logging.INFO, logger="gpnopt"):
        gpnopt.solve(tiny)
    names = {r.name for r in caplog.records}
    assert {"gpnopt.highs", "gpnopt.solver.highs"} <= names


# --- 5. one command line ---------------------------------------------------------------------


def _commands():
    group = typer.main.get_command(app)
    return group.commands


def _is_option(param):
    return getattr(param, "param_type_name", "") == "option"


def _options(command):
    return {o for p in command.params if _is_option(p) for o in p.opts}


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_has_the_shared_options(name):
    opts = _options(_commands()[name])
    assert {"-v", "--verbose", "-q", "--quiet", "--log-file"} <= opts, name
    shown = {o for p in _commands()[name].params if _is_option(p) and not p.hidden for o in p.opts}
    assert "--overwrite" not in shown
    if "--out" in opts:
        assert "-o" in opts, name
        # schema writes only its own two files into --out, so there is nothing to force
        assert "--force" in opts or name == "schema", name


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_help_keeps_no_source_line_breaks(name):
    # `gpnopt --help` lists each command with the first paragraph of its help, line breaks
    # kept: a summary wrapped in the source shows broken mid-sentence in the list
    summary, *details = (_commands()[name].help or "").strip().split("\n\n")
    assert summary, name
    assert "\n" not in summary, f"{name}: {summary!r}"
    assert len(summary) <= 88, f"{name}: {len(summary)} characters"
    # Typer's rich mode keeps the line breaks of the later paragraphs too (a paragraph that
    # starts with \\b is a block kept as written)
    for par in details:
        assert par.startswith("\b") or "\n" not in par.strip(), f"{name}: {par!r}"


def test_sweep_takes_force_and_still_the_old_overwrite(tiny_path, tmp_path):
    out = tmp_path / "sw"
    args = ["sweep", str(tiny_path), "--samples", "2", "--out", str(out), "-q"]
    assert runner.invoke(app, args).exit_code == 0
    other = [*args[:3], "3", *args[4:]]
    res = runner.invoke(app, other)
    assert res.exit_code == 2
    assert "--force to replace it" in res.stderr
    assert runner.invoke(app, [*other, "--force"]).exit_code == 0
    assert runner.invoke(app, [*args, "--overwrite"]).exit_code == 0


def test_solve_json_prints_an_error_object(tiny_path, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(tiny_path.read_text().replace("country: CN\n", "country: CNN\n", 1))
    res = runner.invoke(app, ["solve", str(bad), "--json"])
    assert res.exit_code == 1
    obj = json.loads(res.stdout)
    assert obj["status"] == "invalid"
    assert obj["exit_code"] == 1
    assert any("unknown country 'CNN'" in p for p in obj["problems"])


def test_solve_json_error_object_of_an_infeasible_instance(tiny_path, tmp_path):
    raw = read_yaml(tiny_path)
    raw["markets"]["JP"]["demand"]["lathe_high"]["min_served"] = 1.0
    raw["markets"]["JP"]["demand"]["lathe_high"]["quantity"] = 10_000
    path = tmp_path / "inf.yaml"
    path.write_text(yaml.safe_dump(raw))
    res = runner.invoke(app, ["solve", str(path), "--json"])
    assert res.exit_code == 3, res.output
    obj = json.loads(res.stdout)
    assert obj["status"] == "infeasible"
    assert obj["exit_code"] == 3
    assert "infeasible" in obj["message"]


def test_solve_json_error_object_of_a_refused_folder(tiny_path, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("x")
    res = runner.invoke(app, ["solve", str(tiny_path), "--json", "--out", str(out)])
    assert res.exit_code == 1
    obj = json.loads(res.stdout)
    assert obj["exit_code"] == 1
    assert "thesis.docx" in obj["message"]


def test_shell_completion_is_installable():
    res = runner.invoke(app, ["--help"])
    assert "--install-completion" in res.output
    res = runner.invoke(app, ["--show-completion", "bash"])
    assert res.exit_code == 0, res.output
    assert "_GPNOPT_COMPLETE" in res.output


def test_compare_grid_switches_to_rows_when_it_does_not_fit():
    assert grid_fits(3, 120)
    assert not grid_fits(23, 120)


def test_compare_many_scenarios_as_rows(tiny_path):
    args = ["compare", str(tiny_path), "--scenarios", "base,expensive_china,dear_china"]
    res = runner.invoke(app, args, env={"COLUMNS": "60"})
    assert res.exit_code == 0, res.output
    assert "Scenarios (the first, base, is the reference)" in res.stdout
    assert "Other KPIs that differ from base" in res.stdout
    assert "KPIs by scenario" not in res.stdout
    res = runner.invoke(app, [*args, "--wide"], env={"COLUMNS": "60"})
    assert res.exit_code == 0, res.output
    assert "KPIs by scenario" in res.stdout


# --- 6. signatures and 9. progress -----------------------------------------------------------


def test_compare_reports_progress(tiny_path):
    calls = []
    gpnopt.compare(tiny_path, ["base", "expensive_china"], progress=lambda *a: calls.append(a))
    assert calls == [(0, 2, "base"), (1, 2, "expensive_china"), (2, 2, "")]


def test_progress_is_off_when_not_a_terminal():
    with Steps("scenarios") as steps:  # pytest captures standard error: not a terminal
        steps.update(0, 2, "base")
        assert not steps.enabled
        assert steps.bar is None


def test_solve_has_explicit_keywords(tiny):
    with pytest.raises(TypeError):
        gpnopt.solve(tiny, objectiv="alliance")  # a typo is an error, not ignored


def test_a_command_leaves_logging_as_it_found_it(tiny_path):
    logger = logging.getLogger("gpnopt")
    level, handlers = logger.level, list(logger.handlers)
    assert runner.invoke(app, ["validate", str(tiny_path), "-v"]).exit_code == 0
    assert logger.level == level
    assert logger.handlers == handlers


@pytest.mark.parametrize("args", [["schema"], ["validate", "instances/tiny.yaml"]])
def test_a_broken_pipe_exits_1_without_a_traceback(args):
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written: every write fails
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "gpnopt", *args], stdout=write, stderr=subprocess.PIPE,
            cwd=ROOT, timeout=120, check=False,
        )
    finally:
        os.close(write)
    assert proc.returncode == 1, proc.stderr
    assert b"Traceback" not in proc.stderr


def test_a_scenario_file_key_gets_a_suggestion(tiny_path, tmp_path):
    extra = tmp_path / "more.yaml"
    extra.write_text("overides: {x: {name: other}}\n")
    with pytest.raises(InstanceError, match=r"overides: unknown key .*did you mean 'overrides'\?"):
        gpnopt.load(tiny_path, scenario_files=[extra])
