"""``benchmarks/orlib_seeds.py`` compares gpnopt's OR-Library model with the textbook one
over HiGHS's seeds; both of its models must be the instance's CFLP, with the published
optimum, or the comparison says nothing. Checked on cap41 (in the repository, fast). Not
timed: the script prints the seconds (``docs/performance.md``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import highspy
import pytest

from bench_helpers import load_script
from gpnopt.orlib import read_optima

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "orlib_seeds.py"
FOLDER = ROOT / "tests" / "data" / "orlib-cap"


@pytest.fixture(scope="module")
def seeds_module():
    return load_script(SCRIPT, "gpnopt_orlib_seeds")


def _n_int(lp) -> int:
    return sum(1 for k in lp.integrality_ if k == highspy.HighsVarType.kInteger)


def test_both_models_reach_the_published_optimum(seeds_module) -> None:
    entry = read_optima(FOLDER)["cap41"]
    ours = seeds_module.gpnopt_lp("cap41", FOLDER)
    book = seeds_module.textbook_lp(entry, FOLDER)
    assert _n_int(book) == 16  # one binary per warehouse
    assert _n_int(ours) == 32  # the plant's and its line's
    for lp in (ours, book):
        for seed in (0, 1):
            out = seeds_module.solve_lp(lp, 60.0, 1, None, seed)
            assert out["optimal"]
            assert abs(abs(out["cost"]) - entry.optimal_cost) <= 1e-6 * entry.optimal_cost


def test_the_script_prints_the_medians_and_the_verdict() -> None:
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--instances", "cap41", "--seeds", "0", "1",
         "--time-limit", "60", "--dir", str(FOLDER)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert sum(1 for line in lines if line.startswith("cap41") and line.split()[1] in ("0", "1")) == 2
    assert any("ratio of medians" in line for line in lines)
    assert "worst ratio of medians (gpnopt / textbook, target <= 1)" in run.stdout
