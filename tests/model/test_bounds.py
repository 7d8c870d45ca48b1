"""The variables' upper bounds stated by their families (:mod:`gpnopt.model.bounds`).

Family 17's funding bounds a funded plant's profit from its terms' bounds. Each family states
the bound of its own variables; a new family registers one and edits nothing else. The
funding's own hand-derived optima are in ``tests/model/test_expansion.py``.
"""

from __future__ import annotations

import math

import pyomo.environ as pyo
import pytest

from gpnopt.model import bounds
from gpnopt.model.bounds import UPPER_BOUNDS, expression_bounds, states_upper, upper


def _model() -> pyo.ConcreteModel:
    m = pyo.ConcreteModel()
    m.v_new_family = pyo.Var([1, 2], domain=pyo.NonNegativeReals)
    m.v_nobody = pyo.Var(domain=pyo.NonNegativeReals)
    m.v_own = pyo.Var(domain=pyo.NonNegativeReals, bounds=(0, 7))
    return m


@pytest.fixture
def registered():
    """A family's bound for ``v_new_family``: 5 times its index (removed after the test)."""

    @states_upper("v_new_family")
    def _bound(var, data):
        return 5.0 * var.index()

    yield _bound
    UPPER_BOUNDS.pop("v_new_family")


def test_a_registered_bound_is_used(registered):
    m = _model()
    data = object()  # the registry passes the data through; this bound does not read it
    assert upper(m.v_new_family[2], data) == 10
    # 3 + 2 x1 - x2: L = 3 - 10 = -7, U = 3 + 2 * 5 = 13
    assert expression_bounds(3 + 2 * m.v_new_family[1] - m.v_new_family[2], data) == (-7, 13)


def test_own_bounds_come_first_and_unbounded_stays_infinite(registered):
    m = _model()
    assert upper(m.v_own, object()) == 7
    assert upper(m.v_nobody, object()) == math.inf
    assert expression_bounds(m.v_own + m.v_nobody, object())[1] == math.inf
    # without data only the variables' own bounds count
    assert upper(m.v_new_family[1], None) == math.inf


def test_two_families_cannot_bound_one_variable(registered):
    with pytest.raises(ValueError, match="two families state the upper bound of 'v_new_family'"):
        states_upper("v_new_family")(lambda var, data: 0.0)


def test_the_families_state_their_variables():
    import gpnopt.model  # noqa: F401  (imports every family)

    for name in ("v_sales", "v_flow", "v_output", "v_saving", "v_flow_at",
                 "v_expats", "v_locals", "v_taxable"):
        assert name in bounds.UPPER_BOUNDS, name
