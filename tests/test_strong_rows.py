"""The strengthened rows (issue 22 item 1, ``docs/performance.md``, "Solve time at scale")
cut off no integer point: the optimum of every small generated network is the one the
formulation before them gave.

The optima were recorded on main before the change (commit b7b6b97, gap 1e-9); each
network solves in about a second. The optima of the case files are pinned by their own
tests (tests/test_case*.py), the OR-Library optima by tests/test_orlib.py.
"""

from __future__ import annotations

import pytest

import gpnopt
from gpnopt.generate import generate

SMALL = dict(countries=4, firms=2, plants=6, products=5, components=6, suppliers=8, markets=8)
"""tests/test_generate.py's small size."""

OPTIMA = {
    0: 56542.417998576384,
    1: 73024.08996856725,
    2: 29085.735064133325,
    3: 20606.514142285967,
    4: 69590.10661534451,
    5: 41492.261244726695,
}
"""Profit at the optimum of ``generate(seed, **SMALL)`` before the strengthened rows."""


@pytest.mark.parametrize("seed", sorted(OPTIMA))
def test_generated_optimum_unchanged(seed):
    result = gpnopt.solve(gpnopt.instance_from_dict(generate(seed, **SMALL)), mip_gap=1e-9)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(OPTIMA[seed], rel=1e-9)
