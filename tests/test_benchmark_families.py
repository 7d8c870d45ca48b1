"""The family switches of ``benchmarks/families/`` (timed by ``benchmarks/families_build.py``)
really turn their family on: each ``enable`` gives an instance that validates, and the model
built from it uses the family (so a switch cannot silently do nothing). On the ``xs``
generated size, so that it stays fast; the contract is in ``benchmarks/families/__init__.py``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import ModuleType

import pyomo.environ as pyo
import pytest

import gpnopt
from bench_helpers import load_script
from gpnopt.data import build_data
from gpnopt.generate import generate
from gpnopt.model import build_model

ROOT = Path(__file__).resolve().parents[1]
FAMILIES = ROOT / "benchmarks" / "families"
XS = dict(countries=6, firms=3, plants=12, products=8, components=10, suppliers=20, markets=20)
"""The ``xs`` size of ``benchmarks/scale.py``."""


def _module(path: Path) -> ModuleType:
    return load_script(path, f"gpnopt_family_{path.stem}")


SWITCHES = sorted(p.stem for p in FAMILIES.glob("*.py") if p.stem != "__init__")


def _raw() -> dict:
    return generate(0, min_served_share=0.0, name="synthetic-xs", **XS)


def _names(model: pyo.ConcreteModel) -> set[str]:
    """Local names of every constraint, variable and expression, on the model or a block."""
    kinds = (pyo.Constraint, pyo.Var, pyo.Expression)
    return {c.local_name for c in model.component_objects(kinds, descend_into=True)}


@pytest.fixture(scope="module")
def off():
    data = build_data(gpnopt.instance_from_dict(_raw(), name="xs"))
    return data, _names(build_model(data))


def test_the_sizes_match_the_scale_benchmark():
    scale = _module(ROOT / "benchmarks" / "scale.py")
    assert scale.SIZES["xs"] == XS
    assert "sourcing" in SWITCHES  # this family's own switch (family 25)


@pytest.mark.parametrize("name", SWITCHES)
def test_switch_turns_its_family_on(name, off):
    module = _module(FAMILIES / f"{name}.py")
    raw = _raw()
    on_raw = module.enable(raw)
    inst = gpnopt.instance_from_dict(on_raw, name=f"xs-{name}")
    data = build_data(inst)
    names = _names(build_model(data))
    off_data, off_names = off
    uses = tuple(getattr(module, "USES", ()))
    if uses:
        assert set(uses) & names, f"{name}: none of {uses} is built with the family on"
        assert not set(uses) & off_names, f"{name}: {uses} are built without the family too"
    elif not names - off_names:
        differs = [
            f.name for f in dataclasses.fields(data)
            if f.name != "instance" and getattr(data, f.name) != getattr(off_data, f.name)
        ]
        assert differs, f"{name}: enable() changes neither the model nor the derived data"
