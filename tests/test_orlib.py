"""OR-Library capacitated facility location: parser, mapping, and published optima.

The small instances (cap41..cap134) and their published optima are kept in the repository,
``tests/data/orlib-cap/`` (source and terms in its README), so the suite needs nothing beside
the clone; ``GPNOPT_ORLIB_DIR`` points the tests at another copy. The large capa/capb/capc
belong to ``benchmarks/orlib_cap.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from gpnopt.errors import InstanceError
from gpnopt.orlib import (
    ENV_DIR,
    CapData,
    cap_to_instance,
    load_cap,
    read_cap,
    read_optima,
)


def _orlib_dir() -> Path:
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / "data" / "orlib-cap"


ORLIB_DIR = _orlib_dir()


def _small_instances() -> list[str]:
    return [
        name
        for name, entry in read_optima(ORLIB_DIR).items()
        if entry.capacity is None and not name.startswith(("capa", "capb", "capc"))
    ]


SMALL = _small_instances()

# 2 warehouses, 3 customers; records wrap across lines and the second capacity is written
# as a float, the first fixed cost as "10." (as in the OR-Library files).
TINY = """\
 2 3
 100 10.
 50.5 20
 10
 30.0 50
 4 8.0
 0
 2.0 5 0
"""


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.txt"
    path.write_text(TINY)
    return path


# --- parser ---------------------------------------------------------------------------


def test_read_cap_values(tiny_file: Path) -> None:
    data = read_cap(tiny_file)
    assert isinstance(data, CapData)
    assert (data.m, data.n) == (2, 3)
    np.testing.assert_array_equal(data.capacities, [100.0, 50.5])
    np.testing.assert_array_equal(data.fixed_costs, [10.0, 20.0])
    np.testing.assert_array_equal(data.demands, [10.0, 4.0, 2.0])
    # costs[i, j]: serving all of customer j from warehouse i
    np.testing.assert_array_equal(data.costs, [[30.0, 8.0, 5.0], [50.0, 0.0, 0.0]])
    np.testing.assert_allclose(data.unit_costs(), [[3.0, 2.0, 2.5], [5.0, 0.0, 0.0]])
    assert data.source == str(tiny_file)
    with pytest.raises(ValueError, match="read-only"):
        data.demands[0] = 1.0


def test_read_cap_capacity_word(tmp_path: Path) -> None:
    path = tmp_path / "word.txt"
    path.write_text("2 1\ncapacity 5\n CAPACITY 6\n 3 9 12\n")
    data = read_cap(path, capacity=7.5)
    np.testing.assert_array_equal(data.capacities, [7.5, 7.5])
    np.testing.assert_array_equal(data.fixed_costs, [5.0, 6.0])
    with pytest.raises(InstanceError, match=r"word\.txt: line 2: the capacity of warehouse 1"):
        read_cap(path)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "expected 'm n'"),
        ("2 x\n", "number of customers n must be a positive integer"),
        ("0 3\n", "number of warehouses m must be a positive integer"),
        (
            "2 3\n 100 10\n 50 20\n 10 30 50\n 4 8\n",
            r"file ends early.*missing the cost of customer 2 from warehouse 2",
        ),
        (TINY + " 7\n", r"line 9: 1 unexpected token"),
        (
            TINY.replace("4 8.0", "4 abc"),
            r"line 6: the cost of customer 2 from warehouse 1 .*'abc'",
        ),
        (TINY.replace(" 10\n", " -10\n"), r"line 4: the demand of customer 1 .*'-10'"),
        (TINY.replace("100 10.", "100 nan"), r"line 2: the fixed cost of warehouse 1"),
    ],
)
def test_read_cap_malformed(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(InstanceError, match=match) as info:
        read_cap(path)
    assert str(path) in str(info.value)


def test_read_cap_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(InstanceError, match=r"nope\.txt: cannot read the file"):
        read_cap(path)


# --- mapping --------------------------------------------------------------------------


def test_cap_to_instance_tiny(tiny_file: Path) -> None:
    inst = cap_to_instance(read_cap(tiny_file), name="tiny")
    assert inst.name == "tiny"
    assert list(inst.countries) == ["X"]
    assert list(inst.firms) == ["F"]
    assert inst.firms["F"].home_country == "X"
    assert list(inst.products) == ["good"]
    assert inst.products["good"].tier == "low"
    assert inst.channels is None
    assert list(inst.plants) == ["W001", "W002"]
    w2 = inst.plants["W002"]
    assert (w2.country, w2.owners, w2.fixed_cost, w2.assembly_capacity) == ("X", {"F": 1.0}, 20.0, None)
    assert list(w2.lines) == ["good"]
    # the capacity is the line's, whose binary carries every row of the CFLP
    assert (w2.lines["good"].fixed_cost, w2.lines["good"].capacity) == (0.0, 50.5)
    assert list(inst.markets) == ["C0001", "C0002", "C0003"]
    d = inst.markets["C0002"].demand["good"]
    assert (d.quantity, d.price, d.min_served) == (4.0, 0.0, 1.0)
    lanes = {(t.from_plant, t.to_market): t for t in inst.trade.transport}
    assert len(lanes) == 6
    assert lanes["W001", "C0003"].unit_cost == pytest.approx(2.5)
    assert lanes["W001", "C0003"].goods == "machine"
    assert inst.objective.mode == "alliance"


def test_cap_to_instance_skips_zero_demand(tmp_path: Path) -> None:
    path = tmp_path / "zero.txt"
    path.write_text("1 2\n10 1\n0 0\n3 6\n")
    inst = cap_to_instance(read_cap(path), name="zero")
    assert list(inst.markets) == ["C0002"]
    assert [(t.from_plant, t.to_market, t.unit_cost) for t in inst.trade.transport] == [
        ("W001", "C0002", 2.0)
    ]


def test_load_cap41_counts() -> None:
    inst = load_cap("cap41", ORLIB_DIR)
    assert inst.name == "cap41"
    assert len(inst.plants) == 16
    assert len(inst.markets) == 50
    assert len(inst.trade.transport) == 16 * 50
    assert inst.plants["W011"].fixed_cost == 0.0
    assert inst.plants["W001"].lines["good"].capacity == 5000.0
    assert inst.markets["C0001"].demand["good"].quantity == 146.0
    lane = next(t for t in inst.trade.transport if (t.from_plant, t.to_market) == ("W002", "C0001"))
    assert lane.unit_cost == pytest.approx(10355.05 / 146)
    # a path works as well as a name
    same = load_cap(ORLIB_DIR / "cap41.txt")
    assert same.name == "cap41"
    assert same.trade.transport == inst.trade.transport


def test_load_cap_capacity_from_optima(tmp_path: Path) -> None:
    """capa/capb/capc write the word ``capacity``; load_cap takes the value from optima.csv."""
    (tmp_path / "capz.txt").write_text("2 1\ncapacity 5\n capacity 6\n 3 9 12\n")
    (tmp_path / "optima.csv").write_text(
        "instance,file,capacity,optimal_cost\ncapz-7,capz.txt,7,14.0\n"
    )
    inst = load_cap("capz-7", tmp_path)
    assert [p.lines["good"].capacity for p in inst.plants.values()] == [7.0, 7.0]
    with pytest.raises(InstanceError, match="word 'capacity'"):
        read_cap(tmp_path / "capz.txt")


def test_load_cap_unknown_name() -> None:
    with pytest.raises(InstanceError, match="neither a file nor an instance"):
        load_cap("cap999", ORLIB_DIR)


def test_load_cap_name_without_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_DIR, raising=False)
    with pytest.raises(InstanceError, match="give the benchmark folder"):
        load_cap("cap41-not-a-file")


# --- optima ---------------------------------------------------------------------------


def _reference_cost(data: CapData) -> float:
    """Solve the CFLP directly with scipy's HiGHS MILP (checks the parser, not the model)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import eye, hstack, kron, vstack

    m, n = data.m, data.n
    # variables: y (m), then x[i, j] = share of customer j served by i, row-major (m*n)
    c = np.concatenate([data.fixed_costs, data.costs.ravel()])
    assign = hstack([np.zeros((n, m)), kron(np.ones((1, m)), eye(n))])
    capacity = hstack([-np.diag(data.capacities), kron(eye(m), data.demands[None, :])])
    link = hstack([-kron(eye(m), np.ones((n, 1))), eye(m * n)])  # x_ij <= y_i
    a = vstack([assign, capacity, link]).tocsr()
    lo = np.concatenate([np.ones(n), np.full(m, -np.inf), np.full(m * n, -np.inf)])
    hi = np.concatenate([np.ones(n), np.zeros(m), np.zeros(m * n)])
    res = milp(
        c,
        constraints=LinearConstraint(a, lo, hi),
        integrality=np.concatenate([np.ones(m), np.zeros(m * n)]),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 1e-9},
    )
    assert res.success, res.message
    return float(res.fun)


@pytest.mark.parametrize("name", SMALL)
def test_parser_reproduces_optimum(name: str) -> None:
    """The parsed data, solved as a textbook CFLP, gives the published optimum."""
    entry = read_optima(ORLIB_DIR)[name]
    data = read_cap(ORLIB_DIR / entry.file, capacity=entry.capacity)
    assert _reference_cost(data) == pytest.approx(entry.optimal_cost, rel=1e-6)


@pytest.mark.parametrize("name", SMALL)
def test_gpnopt_reproduces_optimum(name: str) -> None:
    """gpnopt's model of the mapped instance gives the published optimum."""
    import gpnopt

    entry = read_optima(ORLIB_DIR)[name]
    inst = load_cap(name, ORLIB_DIR)
    result = gpnopt.solve(inst, mip_gap=1e-9)
    assert result.status == "optimal"
    assert -result.objective == pytest.approx(entry.optimal_cost, rel=1e-6)


def test_the_suite_needs_nothing_beside_the_clone() -> None:
    """The small files are in the repository: nothing here may skip for want of them."""
    assert (Path(__file__).resolve().parent / "data" / "orlib-cap" / "optima.csv").is_file()
    assert all((ORLIB_DIR / read_optima(ORLIB_DIR)[n].file).is_file() for n in SMALL)


def test_small_instances_listed() -> None:
    assert len(SMALL) == 19
    assert SMALL[0] == "cap41"
    assert SMALL[-1] == "cap134"
