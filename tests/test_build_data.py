"""``build_data`` is pinned field by field: the per-section derivation must give the very
ModelData the single-function build gave (same values, same order of every set and dict).

The expected digests were recorded on the code before ``build_data`` was split by section
(commit f4936ab) and are kept in ``build_data_digests.json``. A digest is the sha256 of the
``repr`` of one field; ``repr`` of dicts, lists, tuples, floats and the frozen arc records is
exact and keeps insertion order, so any change of a value or of an order changes it. Should
the model's data legitimately change, re-record with ``python tests/test_build_data.py``
(it rewrites the file) and say why in the commit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

import gpnopt
from gpnopt.data import ModelData, build_data
from gpnopt.generate import generate

ROOT = Path(__file__).resolve().parents[1]
TM_FFG = ROOT / "instances" / "tm_ffg.yaml"
DIGESTS = Path(__file__).with_name("build_data_digests.json")
GENERATED = dict(
    countries=8, firms=3, plants=14, products=9, components=12, suppliers=16, markets=18
)


def field_digests(data: ModelData) -> dict[str, str]:
    """sha256 of the repr of every ModelData field but the instance itself."""
    return {
        f.name: hashlib.sha256(repr(getattr(data, f.name)).encode()).hexdigest()[:20]
        for f in dataclasses.fields(ModelData)
        if f.name != "instance"
    }


def cases() -> dict[str, ModelData]:
    from gpnopt.io import scenario_names

    out = {}
    for name in ["base", *scenario_names(TM_FFG)]:
        out[f"tm_ffg:{name}"] = build_data(gpnopt.load(TM_FFG, scenario=name))
    for seed in (3, 11):
        inst = gpnopt.instance_from_dict(generate(seed, min_served_share=0.2, **GENERATED))
        out[f"generated:{seed}"] = build_data(inst)
    return out


EXPECTED: dict[str, dict[str, str]] = json.loads(DIGESTS.read_text(encoding="utf-8"))


def test_every_field_and_every_scenario_is_pinned():
    from gpnopt.io import scenario_names

    names = {f.name for f in dataclasses.fields(ModelData)} - {"instance"}
    for digests in EXPECTED.values():
        assert set(digests) == names
    assert set(EXPECTED) == set(cases_cached())
    assert len(scenario_names(TM_FFG)) >= 10


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_build_data_is_unchanged(case):
    got = field_digests(cases_cached()[case])
    changed = sorted(k for k in EXPECTED[case] if got[k] != EXPECTED[case][k])
    assert not changed, f"{case}: fields differ from the recorded build: {changed}"


_CACHE: dict[str, ModelData] = {}


def cases_cached() -> dict[str, ModelData]:
    if not _CACHE:
        _CACHE.update(cases())
    return _CACHE


if __name__ == "__main__":  # re-record the digests
    recorded = {case: field_digests(data) for case, data in cases().items()}
    DIGESTS.write_text(json.dumps(recorded, indent=1) + "\n", encoding="utf-8")


def test_the_digest_sees_a_changed_value_and_a_changed_order():
    data = build_data(gpnopt.load(TM_FFG, scenario="base"))
    before = field_digests(data)
    key = next(iter(data.demand))
    data.demand[key] += 1e-9
    assert field_digests(data)["demand"] != before["demand"]
    data.demand[key] -= 1e-9
    data.lines.reverse()
    assert field_digests(data)["lines"] != before["lines"]


def test_the_generated_networks_fill_every_field():
    for case, data in cases_cached().items():
        if case.startswith("generated:"):
            empty = [k for k in field_digests(data) if not getattr(data, k)]
            assert not empty, f"{case}: empty fields {empty}"
