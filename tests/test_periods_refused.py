"""Multi-period instances where only one period works for now (issue 13): a clear refusal.

ScenarioSolver re-solves, explain and alliance refuse an instance with ``periods:``
with a message naming the command ("works on one-period instances for now"), exit 1 on the
command line; ``gpnopt solve --foresight`` checks its value. Sweeps work on periods now
(tests/test_sweep_periods.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import gpnopt
from gpnopt.cli import app
from gpnopt.errors import InstanceError
from gpnopt.solver import ScenarioSolver

runner = CliRunner()

RAW = {
    "name": "two periods",
    "periods": [{"id": "Y1", "start": 2000}, {"id": "Y2", "start": 2001, "length": 1}],
    "countries": {"A": {}},
    "firms": {"F": {"home_country": "A"}, "G": {"home_country": "A"}},
    "products": {"m": {"tier": "medium", "firm": "F"}},
    "plants": {"P": {"country": "A", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 10}}}},
    "markets": {"M": {"country": "A", "demand": {"m": {"quantity": 10, "price": 30}}}},
}
MESSAGE = "works on one-period instances for now"


@pytest.fixture
def periods_file(tmp_path: Path) -> Path:
    path = tmp_path / "periods.yaml"
    path.write_text(yaml.safe_dump(RAW), encoding="utf-8")
    return path


def instance() -> gpnopt.Instance:
    return gpnopt.instance_from_dict(RAW, name="periods")


def test_scenario_solver_refuses_periods():
    with pytest.raises(InstanceError, match=rf"re-solving scenarios \(ScenarioSolver\) {MESSAGE}"):
        ScenarioSolver().solve(instance())


def test_explain_refuses_periods():
    import gpnopt.explain

    with pytest.raises(InstanceError, match=f"gpnopt explain {MESSAGE}"):
        gpnopt.explain.explain_instance(instance())


def test_alliance_refuses_periods():
    import gpnopt.alliance

    with pytest.raises(InstanceError, match=f"gpnopt alliance {MESSAGE}"):
        gpnopt.alliance(instance())


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["explain", "--all"], "gpnopt explain"),
        (["alliance"], "gpnopt alliance"),
    ],
)
def test_commands_refuse_periods_with_exit_1(periods_file, tmp_path, args, command):
    res = runner.invoke(app, [args[0], str(periods_file), *args[1:], "--out", str(tmp_path / "o")])
    assert res.exit_code == 1, res.output
    assert f"{command} {MESSAGE}" in " ".join(res.output.split())
    assert "Traceback" not in res.output


def test_solve_refuses_an_unknown_foresight(periods_file):
    res = runner.invoke(app, ["solve", str(periods_file), "--foresight", "hindsight"])
    assert res.exit_code == 2, res.output
    assert "perfect or myopic" in res.output


@pytest.mark.parametrize(
    ("make", "args"),
    [("ForcedSolver", ()), ("TwoStageSolver", ("firm:F",)), ("CoalitionSolver", ())],
)
def test_kept_model_solvers_refuse_periods(make, args):
    import gpnopt.solver as solver

    cls = getattr(solver, make)
    with pytest.raises(InstanceError, match=f"{make} .*{MESSAGE}"):
        cls(instance(), *args)
