"""The numpy-only matrices of Pyomo's standard-form compiler (``gpnopt.solver.sparse``).

They stand in for ``scipy.sparse`` in the compiler's hooks (``NumpyStandardForm``), so that
the hand-over imports no scipy; the HighsLp must be the same, array for array, bit for bit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sps
from pyomo.common.gc_manager import PauseGC
from pyomo.repn.plugins import standard_form
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

import gpnopt
from gpnopt.data import build_data
from gpnopt.generate import generate
from gpnopt.model import build_model
from gpnopt.solver.highs import (
    NumpyStandardForm,
    RowTerms,
    RowTermsVisitor,
    compile_model,
    highs_lp,
)
from gpnopt.solver.sparse import CscMatrix, CsrMatrix

INSTANCES = Path(__file__).resolve().parents[1] / "instances"


class ScipyStandardForm(standard_form._LinearStandardFormCompiler_impl):
    """The compiler with ``scipy.sparse``'s arrays (its default hooks), for comparison."""

    _to_vector = np.fromiter
    _csc_matrix = sps.csc_array
    _csr_matrix = sps.csr_array

    def __init__(self, config):
        self.config = config


def scipy_lp(model):
    config = LinearStandardFormCompiler().config({"mixed_form": True})
    with PauseGC():
        info = ScipyStandardForm(config).write(model)
    return info, *highs_lp(info)


def lp_arrays(lp):
    a = lp.a_matrix_
    out = {
        "start": a.start_, "index": a.index_, "value": a.value_, "cost": lp.col_cost_,
        "col_lower": lp.col_lower_, "col_upper": lp.col_upper_,
        "row_lower": lp.row_lower_, "row_upper": lp.row_upper_,
        "integrality": [int(v) for v in lp.integrality_],
    }
    return {k: np.asarray(v) for k, v in out.items()} | {"offset": np.asarray(lp.offset_)}


def assert_same_lp(model):
    info, lp, nnz = compile_model(model, "x")
    ref_info, ref_lp, ref_nnz = scipy_lp(model)
    assert nnz == ref_nnz
    assert [id(v) for v in info.columns] == [id(v) for v in ref_info.columns]
    assert [(id(c), k) for c, k in info.rows] == [(id(c), k) for c, k in ref_info.rows]
    got, want = lp_arrays(lp), lp_arrays(ref_lp)
    for k in want:
        assert got[k].dtype == want[k].dtype, k
        assert got[k].tobytes() == want[k].tobytes(), k
    return nnz


def case_models():
    yield "tm_ffg", gpnopt.load(INSTANCES / "tm_ffg.yaml")
    for name in ("tiny", "showcase", "ems_sme", "ns_casting", "global_smes", "tm_ffg_timeline"):
        yield name, gpnopt.load(INSTANCES / f"{name}.yaml")
    raw = generate(3, countries=5, firms=3, plants=10, products=6, components=8, suppliers=15,
                   markets=15, min_served_share=0.0, name="g")
    yield "generated", gpnopt.instance_from_dict(raw, name="g")


@pytest.mark.parametrize(("name", "inst"), list(case_models()), ids=lambda x: x if isinstance(x, str) else "")
def test_hand_over_is_the_same_as_with_scipy(name, inst):
    model = build_model(build_data(inst))
    assert assert_same_lp(model) > 0


def test_fixed_and_unused_columns_as_with_scipy():
    """Fixed variables are constants of the rows and the objective, unused ones are no
    columns (the compiler's column selection and products are covered below)."""
    import pyomo.environ as pyo

    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(6), bounds=(0, 10))
    m.y = pyo.Var(domain=pyo.Binary)
    m.unused = pyo.Var()
    m.x[2].fix(3.3)
    m.x[4].fix(1.7)
    m.c1 = pyo.Constraint(expr=0.1 * m.x[0] + 0.2 * m.x[2] + 0.3 * m.x[4] <= 5)
    m.c2 = pyo.Constraint(expr=m.x[1] - 0.7 * m.x[2] + m.y >= -1)
    m.c3 = pyo.Constraint(expr=m.x[3] + m.x[5] + 1e-3 * m.x[4] == 2)
    m.o = pyo.Objective(expr=m.x[0] + 0.3 * m.x[2] + 2 * m.y + 0.1 * m.x[4], sense=pyo.maximize)
    assert assert_same_lp(m) == 5  # x[2] and x[4] fixed


def random_csr(rng, n_rows, n_cols, per_row, dup=False, zeros=False):
    data, index, ptr = [], [], [0]
    for _ in range(n_rows):
        cols = list(rng.choice(n_cols, size=min(per_row, n_cols), replace=False))
        if dup and cols:
            cols += list(rng.choice(cols, size=2))
        vals = rng.normal(size=len(cols))
        if zeros:
            vals[rng.random(len(cols)) < 0.2] = 0.0
        data += list(vals)
        index += cols
        ptr.append(len(index))
    return (np.array(data), np.array(index, dtype=np.int32), np.array(ptr, dtype=np.int32))


def same(mine, ref):
    ref = ref.tocsc()
    assert mine.shape == ref.shape
    assert mine.nnz == ref.nnz
    for k in ("data", "indices", "indptr"):
        assert getattr(mine, k).tobytes() == getattr(ref, k).astype(getattr(mine, k).dtype).tobytes(), k


@pytest.mark.parametrize("seed", range(6))
def test_matrices_match_scipy(seed):
    rng = np.random.default_rng(seed)
    n_rows, n_cols = int(rng.integers(1, 30)), int(rng.integers(1, 40))
    arg = random_csr(rng, n_rows, n_cols, int(rng.integers(0, 6)), dup=seed % 2 == 0,
                     zeros=seed % 3 == 0)
    mine = CsrMatrix(arg, [n_rows, n_cols]).tocsc()
    ref = sps.csr_array(arg, shape=(n_rows, n_cols)).tocsc()
    same(mine, ref)
    mine.sum_duplicates()
    ref.sum_duplicates()
    same(mine, ref)
    mine.eliminate_zeros()
    ref.eliminate_zeros()
    same(mine, ref)
    mask = rng.random(n_cols) < 0.5
    same(mine[:, mask], ref[:, mask])
    x = rng.normal(size=n_cols)
    assert (mine @ x).tobytes() == (ref @ x).tobytes()
    assert mine.toarray().tobytes() == ref.toarray().tobytes()
    mine.sort_indices()
    same(mine, ref)
    rebuilt = CscMatrix((mine.data, mine.indices, mine.indptr), mine.shape)
    same(rebuilt, ref)


def test_empty_matrix_matches_scipy():
    arg = (np.array([]), np.array([], dtype=np.int32), np.array([0], dtype=np.int32))
    mine = CsrMatrix(arg, [0, 5]).tocsc()
    same(mine, sps.csr_array(arg, shape=(0, 5)).tocsc())
    assert mine.toarray().shape == (0, 5)
    with pytest.raises(TypeError, match="only m"):
        mine[0, :]


def test_pyomo_keeps_its_scipy_hooks():
    """Pyomo's own class is left alone for its other users (its Gurobi interface)."""
    base = standard_form._LinearStandardFormCompiler_impl
    assert base._csc_matrix is None or base._csc_matrix is sps.csc_array
    assert NumpyStandardForm._csc_matrix is CscMatrix


def test_row_terms_visitor_gives_pyomo_s_rows():
    """``RowTermsVisitor`` hands each row over as tuples: the same matrix as Pyomo's own
    visitor on rows that share a named expression (cached by the visitor, which must keep
    its dicts), a row that is a named expression, ranged rows and a maximised objective."""
    import pyomo.environ as pyo

    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(5), bounds=(0, 10))
    m.y = pyo.Var(domain=pyo.Binary)
    m.e = pyo.Expression(expr=0.5 * m.x[0] + 0.25 * m.x[1] - m.y)
    m.c1 = pyo.Constraint(expr=m.e + m.x[2] <= 4)
    m.c2 = pyo.Constraint(expr=(1, 2 * m.e - m.x[3], 7))  # ranged: two rows of the mixed form
    m.c3 = pyo.Constraint(expr=m.e >= -1)  # the body is the named expression itself
    m.c4 = pyo.Constraint(expr=m.x[4] - 0.1 * m.x[0] + 0.0 * m.x[1] == 1)  # a zero dropped
    m.o = pyo.Objective(expr=3 * m.e + m.x[4], sense=pyo.maximize)
    assert NumpyStandardForm._get_visitor is RowTermsVisitor
    assert assert_same_lp(m) == 17  # 4 + 2 x 4 + 3 + 2
    for body in (m.e, m.c1.body, m.c2.body):  # Pyomo's reading of the expressions unchanged
        repn = RowTermsVisitor({}).walk_expression(body)
        assert isinstance(repn.linear, RowTerms)
        assert len(repn.linear) == len(repn.linear.values()) > 0


def test_row_terms_read_as_a_dict_is_read():
    terms = RowTerms({7: 0.5, 3: -1.0, 11: 2.0})
    assert len(terms) == 3
    assert list(terms) == [7, 3, 11]
    assert list(terms.values()) == [0.5, -1.0, 2.0]
