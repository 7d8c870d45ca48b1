"""``benchmarks/knife_edges.py`` and ``benchmarks/drivers.py`` (issue 15's evidence) on a
micro-instance whose flips are derived by hand (``tests/data/knife_edge.yaml``).

Line ``thin`` (plant JP_A) sells 10 units at price 10 for a unit cost 8 plus a bought part at
1: its margin 10 x 1 = 10 covers its fixed cost 5. Scaled one at a time:

* price x0.9 = 9: margin 0 -> the line closes (flip); price x1.1: holds;
* unit cost x1.1 = 8.8: margin 2 < 5 -> closes (flip); unit cost x0.9: holds;
* quantity x0.9 = 9: 9 >= 5 holds; fixed cost x1.1 = 5.5 <= 10 holds; the part's price
  x1.1 = 1.1: 10 x 0.9 = 9 >= 5 holds.

Line ``wide`` (JP_B) earns 8 a unit with no fixed cost: no noise below 60% closes it, so the
drivers script must flag it (it holds in every draw at +-60% and no case rule carries it),
while ``thin`` is a coin flip under +-60% noise.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from bench_helpers import load_script

ROOT = Path(__file__).resolve().parents[1]
MICRO = ROOT / "tests" / "data" / "knife_edge.yaml"


def _script(name: str) -> ModuleType:
    return load_script(ROOT / "benchmarks" / f"{name}.py", f"gpnopt_bench_{name}")


def test_knife_edges_finds_the_hand_derived_flips(capsys: pytest.CaptureFixture[str]) -> None:
    code = _script("knife_edges").main(["--instance", str(MICRO), "--factors", "0.9,1.1",
                                        "--workers", "1"])
    text = capsys.readouterr().out
    flips = sorted(line.strip() for line in text.splitlines() if "->" in line)
    assert flips == [
        "markets.JP.demand.thin.price x0.9: makes_thin True -> False",
        "plants.JP_A.lines.thin.unit_cost x1.1: makes_thin True -> False",
    ]
    assert "NOT met (2 flips)" in text
    assert code == 1


def test_drivers_flags_an_expectation_no_noise_moves(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drivers = _script("drivers")
    monkeypatch.setattr(drivers, "ROOT", tmp_path)  # its sweep folders go there
    code = drivers.main(["--instance", str(MICRO), "--samples", "40", "--levels", "0.6",
                         "--workers", "1"])
    text = capsys.readouterr().out
    rows = {line.split()[-1]: line for line in text.splitlines() if line.rstrip().endswith("makes")}
    wide = next(line for line in text.splitlines() if "makes_wide:" in line)
    thin = next(line for line in text.splitlines() if "makes_thin:" in line)
    assert wide.split()[0] == "100%"
    share = float(thin.split()[0].rstrip("%")) / 100
    assert 0.2 < share < 0.8, thin  # margin 1 of 10 against a fixed cost: a coin flip
    assert "NOT met (makes_wide)" in text
    assert code == 1
    assert rows  # the table was printed
