"""Property-based fuzzing: a mutated valid instance either loads or raises InstanceError.

Mutations drop keys, swap types, perturb numbers, rename references and null values of
``instances/tiny.yaml`` and ``instances/tm_ffg.yaml``. Whatever the mutation, loading must end
in a validated instance (whose derived model data can then be built) or in gpnopt's own
input error: never another exception, never a hang.

``GPNOPT_FUZZ_EXAMPLES`` raises the number of examples (default 150, derandomized) for a
longer run, which then draws at random and honours ``--hypothesis-seed``, e.g.
``GPNOPT_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py --hypothesis-seed=7``.
"""

from __future__ import annotations

import copy
import math
import os
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gpnopt
from gpnopt.data import build_data
from gpnopt.io import read_yaml

ROOT = Path(__file__).resolve().parents[1]
BASES = {name: read_yaml(ROOT / "instances" / f"{name}.yaml") for name in ("tiny", "tm_ffg")}


def _paths(node: Any, where: tuple = ()) -> list[tuple]:
    out = [where] if where else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*where, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*where, i))
    return out


PATHS = {name: _paths(raw) for name, raw in BASES.items()}
IDS = {name: sorted({p[-1] for p in PATHS[name] if isinstance(p[-1], str)}) for name in BASES}
ODD = [
    None, "text", 3, -1.5, 0, [], {}, True, math.nan, math.inf, "1e999", ["x"], {"a": 1},
    False, 1e300, "", "a.b", "=SUM(1)", "x" * 200, [["a"]], {"overrides": 5}, [1, 2],
]
BAD_IDS = ["", "a.b", "has space", "../up", "=HYPERLINK(1)", "x" * 65, "ab\n"]
EXAMPLES = int(os.environ.get("GPNOPT_FUZZ_EXAMPLES", "150"))
DERANDOMIZE = "GPNOPT_FUZZ_EXAMPLES" not in os.environ


def _parent(doc: Any, path: tuple) -> tuple[Any, Any]:
    node = doc
    for key in path[:-1]:
        node = node[key]
    return node, path[-1]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, dict]:
    name = draw(st.sampled_from(sorted(BASES)))
    doc = copy.deepcopy(BASES[name])
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(PATHS[name]))
        try:
            parent, key = _parent(doc, path)
            current = parent[key]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this part
        op = draw(st.sampled_from(["drop", "type", "number", "rename", "null", "bad_id"]))
        if op == "drop":
            del parent[key]
        elif op == "type":
            parent[key] = draw(st.sampled_from(ODD))
        elif op == "number" and isinstance(current, int | float) and not isinstance(current, bool):
            parent[key] = current * draw(st.sampled_from([-1, 0, 0.5, 2, 1e12, 1e300]))
        elif op == "bad_id" and isinstance(parent, dict) and isinstance(key, str):
            parent[draw(st.sampled_from(BAD_IDS))] = parent.pop(key)
        elif op == "rename":
            new = draw(st.sampled_from(IDS[name]))
            if isinstance(parent, dict) and isinstance(key, str):
                parent[new] = parent.pop(key)
            else:
                parent[key] = new
        else:
            parent[key] = None
    return name, doc


@settings(
    max_examples=EXAMPLES,
    deadline=2000,
    derandomize=DERANDOMIZE,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mutated())
def test_mutated_instance_loads_or_raises_input_error(case):
    name, doc = case
    problems: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gpnopt.GpnoptWarning)
        try:
            inst = gpnopt.instance_from_dict(doc, name=f"{name}.yaml")
        except gpnopt.InstanceError as exc:
            problems = exc.problems or ["(an InstanceError without problems)"]
            inst = None
    if inst is None:
        assert all(p.startswith(f"{name}.yaml") for p in problems), problems
    else:
        build_data(inst)


@pytest.mark.parametrize("name", sorted(BASES))
def test_unmutated_bases_load(name):
    assert gpnopt.instance_from_dict(BASES[name], name=name).name
