"""The bad-instance corpus: every fault gets exit 1, the file, the YAML path, no traceback.

``tests/bad_instances/`` holds one file per fault class; ``expected.yaml`` lists the message
parts each must produce (and the scenario to select, for scenario faults). The files were
made from ``instances/tiny.yaml`` with one change each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import gpnopt
from gpnopt.cli import app

CORPUS = Path(__file__).parent / "bad_instances"
SPEC = yaml.safe_load((CORPUS / "expected.yaml").read_text())
FILES = sorted(SPEC["expected"])
runner = CliRunner()


def test_corpus_is_complete():
    on_disk = sorted(p.name for p in CORPUS.glob("*.yaml") if p.name != "expected.yaml")
    assert on_disk == FILES
    assert len(FILES) >= 40


@pytest.mark.parametrize("name", FILES)
def test_bad_instance(name):
    path = CORPUS / name
    args = ["validate", str(path)]
    scenario = SPEC["scenario"].get(name)
    if scenario:
        args += ["--scenario", scenario]
    res = runner.invoke(app, args)
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    assert str(path) in res.output
    for needle in SPEC["expected"][name]:
        assert needle in res.output, f"{needle!r} not in {res.output!r}"
    with pytest.raises(gpnopt.InstanceError) as info:
        gpnopt.load(path, scenario=scenario)
    problems = info.value.problems
    assert len(problems) == len(set(problems)), "a problem is listed twice"
    assert all(p.startswith(str(path)) for p in problems)


def test_debug_shows_the_traceback():
    res = runner.invoke(app, ["validate", str(CORPUS / "unknown_country.yaml"), "--debug"])
    assert res.exit_code == 1
    assert "Traceback" in res.output


def test_oversized_file(tmp_path, monkeypatch):
    import gpnopt.yaml_reader

    monkeypatch.setattr(gpnopt.yaml_reader, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.yaml"
    path.write_text("name: big\nnotes: {pad: '" + "x" * 2000 + "'}\n")
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 1
    assert "larger than the limit of 1000" in res.output


def test_python_tag_never_executes(tmp_path):
    marker = tmp_path / "owned"
    path = tmp_path / "evil.yaml"
    path.write_text(f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 1
    assert not marker.exists()
