"""Issue 14: an economic family the instance does not use adds nothing to the model.

The base micro-instance (tests/model/conftest.py) states no key of families 16-23; its
model holds none of their components. instances/showcase.yaml states every one of them
(tests/test_showcase.py), and its model holds each: the names checked here exist.
"""

from __future__ import annotations

from pathlib import Path

import gpnopt
from gpnopt.data import build_data
from gpnopt.model import build_model

from .conftest import micro

FAMILY_COMPONENTS = {
    "16 demand curves": ("v_curve_step", "curve_first"),
    "17 expansion": ("v_modules", "expansion_cost"),
    "18 staffing": ("v_expats", "technicians_abroad", "technician_cost"),
    "19 base plants": ("base_supports", "base_support_cost"),
    "21 discounts": ("v_tier",),
    "22 taxes": ("v_taxable", "tax_base"),
    "23 transfer prices": ("v_flow_at", "transfer_split"),
}
"""A family -> components only it adds (families 20 and the sourcing rules add rows only
where their keys are stated: checked by their own tests)."""

SHOWCASE = Path(__file__).resolve().parents[2] / "instances" / "showcase.yaml"


def test_a_family_the_instance_does_not_use_adds_nothing():
    m = build_model(build_data(gpnopt.instance_from_dict(micro(), name="micro")))
    present = {f: [c for c in names if m.component(c) is not None]
               for f, names in FAMILY_COMPONENTS.items()}
    assert not any(present.values()), present


def test_the_showcase_has_every_component_checked():
    # the names above are real: the instance that uses every family has each of them
    m = build_model(build_data(gpnopt.load(SHOWCASE)))
    missing = [c for names in FAMILY_COMPONENTS.values() for c in names
               if m.component(c) is None]
    assert not missing, missing
