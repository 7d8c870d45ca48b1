"""Global sensitivity (gpnopt.sensitivity, ``gpnopt sensitivity``): rankings, groups, CLI.

The micro-instance: one product, one market (10 units at price 50), two plants that may make
it. CHEAP makes at unit cost 10, DEAR at 100; no fixed costs. Varying both unit costs by
+-20% (CHEAP 8..12, DEAR 80..120) never makes DEAR worth opening (its cost stays above the
price), so the optimum is always: CHEAP makes the 10 units, objective 10 * (50 - c_CHEAP).
Hence, by hand, for the objective:

* Morris: the objective is linear in c_CHEAP, so every elementary effect of CHEAP's cost is
  the change over its whole range, mu* = 10 * (12 - 8) = 40; DEAR's cost has no effect
  (mu* = 0): CHEAP's cost ranks first, DEAR's last.
* Sobol': all the variance comes from CHEAP's cost: ST(CHEAP) = 1, ST(DEAR) = 0.

The expectation "CHEAP serves JP" holds in every draw: nothing moves it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gpnopt.cli import app
from gpnopt.sensitivity import (
    SensitivitySpec,
    conclusions,
    family_of,
    make_design,
    run_sensitivity,
)
from gpnopt.sweep import SweepError

TINY = Path(__file__).parents[1] / "instances" / "tiny.yaml"
CHEAP = "plants.CHEAP.lines.lathe.unit_cost"
DEAR = "plants.DEAR.lines.lathe.unit_cost"
runner = CliRunner()

MICRO = """
name: one_number_matters
units: {money: kUSD, quantity: units/year}
countries: {JP: {name: Japan}}
firms: {TM: {name: TM, home_country: JP}}
products: {lathe: {tier: medium, firm: TM}}
plants:
  CHEAP:
    country: JP
    owners: {TM: 1.0}
    lines: {lathe: {unit_cost: 10}}
    provenance: "CHEAP_KIND 1: the plant of the story"
  DEAR:
    country: JP
    owners: {TM: 1.0}
    lines: {lathe: {unit_cost: 100}}
    provenance: "assumed: a plant far too dear to open"
markets:
  JP: {country: JP, demand: {lathe: {quantity: 10, price: 50}}}
expectations:
  - {id: cheap_makes, kind: makes, plant: CHEAP, market: JP, description: "CHEAP serves JP"}
"""


@pytest.fixture
def micro(tmp_path):
    def write(cheap_kind: str = "case") -> Path:
        path = tmp_path / f"micro_{cheap_kind}.yaml"
        path.write_text(MICRO.replace("CHEAP_KIND", cheap_kind))
        return path

    return write


def _objective(ind):
    return ind[ind["output"] == "objective"].set_index("group")


def test_morris_ranks_the_number_that_matters_first(micro, tmp_path):
    spec = SensitivitySpec.build(micro(), samples=4, group="path",
                                 perturb=["*unit_cost:uniform:0.2"])
    run = run_sensitivity(spec, tmp_path / "out", workers=1)
    assert len(run.sweep.table) == 4 * (2 + 1)  # N x (groups + 1)
    obj = _objective(run.indices)
    assert obj.loc[CHEAP, "rank"] == 1
    assert obj.loc[DEAR, "rank"] == 2
    assert obj.loc[CHEAP, "effect"] == pytest.approx(40, rel=1e-6)
    assert obj.loc[DEAR, "effect"] == pytest.approx(0, abs=1e-6)
    holds = run.indices[run.indices["output"] == "holds.cheap_makes"]
    assert (holds["effect"] == 0).all()  # nothing moves the expectation
    written = json.loads((run.out / "sensitivity.json").read_text())
    first = next(o for o in written["outputs"] if o["output"] == "objective")
    assert first["ranking"][0]["group"] == CHEAP
    assert written["solves"] == 12
    again = run_sensitivity(spec, tmp_path / "out", workers=1)  # resumed: nothing to solve
    assert again.sweep.computed == 0
    assert again.indices.equals(run.indices)


def test_sobol_puts_all_the_variance_on_the_number_that_matters(micro, tmp_path):
    spec = SensitivitySpec.build(micro(), method="sobol", samples=8, group="path",
                                 perturb=["*unit_cost:uniform:0.2"])
    run = run_sensitivity(spec, tmp_path / "out", workers=1)
    assert len(run.sweep.table) == 8 * (2 + 2)  # N x (groups + 2)
    obj = _objective(run.indices)
    assert obj.loc[CHEAP, "rank"] == 1
    # ST(CHEAP) = 1 by hand; SALib's estimator at N = 8 is within about 15% of it
    assert obj.loc[CHEAP, "effect"] == pytest.approx(1.0, abs=0.15)
    assert obj.loc[DEAR, "effect"] == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(("cheap_kind", "flagged"), [("case", False), ("assumed", True)])
def test_a_conclusion_resting_on_assumed_numbers_is_flagged(micro, tmp_path, cheap_kind, flagged):
    """Grouped by provenance: the objective moves only with CHEAP's cost, so it rests on
    assumed numbers exactly when CHEAP's provenance is assumed."""
    spec = SensitivitySpec.build(micro(cheap_kind), samples=4,
                                 perturb=["*unit_cost:uniform:0.2"])
    run = run_sensitivity(spec, tmp_path / "out", workers=1)
    obj = next(c for c in conclusions(run.indices) if c["output"] == "objective")
    assert obj["ranking"][0]["group"] == cheap_kind
    assert obj["weak_share"] == pytest.approx(1.0 if flagged else 0.0, abs=1e-9)
    assert obj["rests_on_assumed"] is flagged
    assert ("objective" in run.summary["rests_on_assumed"]) is flagged


def test_tiny_grouped_by_provenance():
    """tiny.yaml: the plants' and the casting's costs are assumed (11 numbers); the
    supplier's price, the market prices and the transport cost have no provenance (6)."""
    design = make_design(SensitivitySpec.build(TINY, samples=2))
    assert design.groups == ["assumed", "unstated"]
    by_kind = {g: sorted(f.path for f in design.factors if f.group == g) for g in design.groups}
    assert len(by_kind["assumed"]) == 11
    assert "components.casting.transfer_price" in by_kind["assumed"]
    assert by_kind["unstated"] == [
        "markets.CN.demand.lathe_high.price", "markets.CN.demand.lathe_medium.price",
        "markets.JP.demand.lathe_high.price", "markets.JP.demand.lathe_medium.price",
        "suppliers.CN_POOL.components.casting.unit_price", "trade.transport.0.unit_cost",
    ]
    assert len(design.plan.design.factors) == 2 * (2 + 1)
    for row in design.plan.design.factors:
        assert all(0.8 - 1e-12 <= x <= 1.2 + 1e-12 for x in row)


def test_families():
    assert family_of("plants.JP_TM.lines.tm_lathe_high.unit_cost") == "line costs"
    assert family_of("plants.CN_FFG.components.casting.fixed_cost") == "make costs"
    assert family_of("plants.CN_FFG.fixed_cost") == "plant costs"
    assert family_of("markets.CN.demand.ffg_mc.price") == "market prices"
    assert family_of("trade.transport.3.unit_cost") == "transport costs"
    assert family_of("plants.CN_FT.assembly_capacity") == "plants assembly_capacity"
    design = make_design(SensitivitySpec.build(TINY, samples=2, group="family"))
    assert set(design.groups) == {"transfer prices", "plant costs", "line costs", "make costs",
                                  "supplier prices", "market prices", "transport costs"}


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"method": "fast"}, "--method 'fast'"),
    ({"group": "colour"}, "--group 'colour'"),
    ({"method": "sobol", "samples": 10}, "power of 2"),
    ({"samples": 1}, "at least 2"),
    ({"perturb": ["*cost*:normal:0.1"]}, "PATTERN:uniform:a"),
    ({"perturb": ["nothing*:uniform:0.1"]}, "matches no number"),
])
def test_bad_specs_are_usage_errors(kwargs, needle):
    with pytest.raises(SweepError, match=needle.replace("(", r"\(")):
        make_design(SensitivitySpec.build(TINY, **kwargs))


def test_cli_runs_resumes_and_refuses_another_study(micro, tmp_path):
    path, out = micro(), tmp_path / "study"
    args = ["sensitivity", str(path), "-n", "2", "--group", "path", "-p",
            "*unit_cost:uniform:0.2", "-w", "1", "--out", str(out)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "objective" in res.output
    assert "0 of 7 outputs rest mostly" in res.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "draws", "factors.csv", "indices.csv", "sensitivity.json"]
    again = runner.invoke(app, [*args, "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["solves"] == 6
    other = runner.invoke(app, [*args[:3], "3", *args[4:]])
    assert other.exit_code == 2
    assert "holds another sweep" in other.output


@pytest.mark.parametrize(("args", "code", "needle"), [
    (["--method", "fast"], 2, "--method 'fast'"),
    (["-p", "nothing*:uniform:0.1"], 2, "matches no number"),
])
def test_cli_usage_errors(args, code, needle):
    res = runner.invoke(app, ["sensitivity", str(TINY), *args])
    assert res.exit_code == code
    assert needle in res.output
    assert "Traceback" not in res.output


def test_cli_bad_instance_is_exit_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TINY.read_text().replace('"assumed: round number"', '"round number"'))
    res = runner.invoke(app, ["sensitivity", str(bad)])
    assert res.exit_code == 1
    assert f"{bad}: components.casting.provenance" in res.output
    assert "Traceback" not in res.output


def test_help_is_listed_and_light():
    """``gpnopt --help`` lists the command; its own --help loads neither Pyomo, HiGHS nor
    SALib (the engine loads when the command runs)."""
    import subprocess
    import sys

    assert "sensitivity" in runner.invoke(app, ["--help"]).output
    code = (
        "import sys\nfrom gpnopt.cli import app\n"
        "try:\n    app(['sensitivity', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted({n.split('.')[0] for n in sys.modules} & {'pyomo', 'highspy', 'SALib'}),"
        " file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert proc.stderr.strip().endswith("[]"), proc.stderr
