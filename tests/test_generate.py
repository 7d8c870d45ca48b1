"""Synthetic networks (gpnopt.generate): seeded, valid, feasible, and exercising the families.

Timed figures belong to benchmarks/scale.py; here only correctness: the same seed gives the
same mapping, every mapping validates (no warnings), the counts asked for are the counts
made, the model uses most constraint families, and instances with many minimum-served
demands still solve (feasible by construction).
"""

from __future__ import annotations

import hashlib

import pytest

import gpnopt
from gpnopt.data import build_data
from gpnopt.generate import generate, write_instance

SMALL = dict(countries=4, firms=2, plants=6, products=5, components=6, suppliers=8, markets=8)
MEDIUM = dict(
    countries=10, firms=5, plants=30, products=20, components=25, suppliers=60, markets=60
)


def test_same_seed_same_mapping_other_seed_other_mapping():
    assert generate(7, **SMALL) == generate(7, **SMALL)
    assert generate(7, **SMALL) != generate(8, **SMALL)


@pytest.mark.parametrize("seed", range(5))
def test_mappings_validate_and_have_the_counts_asked_for(seed):
    raw = generate(seed, **MEDIUM)
    inst = gpnopt.instance_from_dict(raw)  # warnings are errors in this suite
    assert len(inst.countries) == MEDIUM["countries"]
    assert len(inst.firms) == MEDIUM["firms"]
    assert len(inst.plants) == MEDIUM["plants"]
    assert len(inst.products) == MEDIUM["products"]
    assert len(inst.components) == MEDIUM["components"]
    left_out = raw["notes"].get("markets_left_out", [])
    assert len(inst.markets) + len(left_out) == MEDIUM["markets"]
    assert not set(left_out) & set(inst.markets)
    listed = {m for ch in inst.channels.values() for m in ch.markets}
    assert set(inst.markets) <= listed  # every market written is some channel's
    pools = [s for s in inst.suppliers if not s.startswith("G_")]
    assert len(pools) == MEDIUM["suppliers"]
    assert len(inst.suppliers) == MEDIUM["suppliers"] + MEDIUM["components"]  # + global pools


def test_lanes_are_sparse():
    """A plant reaches only the markets of its owners' channel regions."""
    inst = gpnopt.instance_from_dict(generate(2, **MEDIUM))
    data = build_data(inst)
    reached = {(p, mk) for p, _i, _h, mk in data.sales}
    assert len(reached) < 0.8 * len(inst.plants) * len(inst.markets)


def test_the_model_uses_most_families():
    from gpnopt.model import build_model

    inst = gpnopt.instance_from_dict(generate(1, **MEDIUM))
    data = build_data(inst)
    m = build_model(data)
    rows = {
        "line_sales_link",
        "line_capacity",
        "entry_mode_exclusive",
        "component_balance",
        "output_balance",
        "minimum_quantity",
        "in_house_link",
        "assembly_capacity",
        "component_capacity",
        "supplier_capacity",
        "demand_limit",
        "demand_minimum",
        "channel_link",
        "channel_capacity",
        "quality_cover",
        "technician_pool",
        "sourcing_share_lower",
        "capital_budget",
    }
    missing = sorted(r for r in rows if not hasattr(m, r) or len(getattr(m, r)) == 0)
    assert not missing, missing
    assert any(arc.office is not None for arc in data.flows.values()), "no office arcs"
    assert any(arc.tariff_cost > 0 for arc in data.sales.values()), "no tariffs"
    assert any(arc.channel_revenue > 0 for arc in data.sales.values()), "no channel margins"
    assert any(len(p.owners) > 1 for p in inst.plants.values()), "no joint ventures"
    assert any(s.access and s.access.firms for s in inst.suppliers.values())
    assert any(s.access and s.access.plants for s in inst.suppliers.values())
    assert any(len(k.bom) > 0 for k in inst.components.values()), "no multi-level BOM"


@pytest.mark.parametrize("seed", range(4))
def test_feasible_with_many_minimum_served_demands(seed):
    raw = generate(seed, min_served_share=1.0, **SMALL)
    forced = [
        e for mk in raw["markets"].values() for e in mk["demand"].values() if e.get("min_served")
    ]
    assert forced, "min_served_share=1 should force some demand"
    result = gpnopt.solve(gpnopt.instance_from_dict(raw), mip_gap=0.05)
    assert result.status in ("optimal", "feasible")
    served = result.tables["production"].groupby(["market", "product"])["quantity"].sum()
    for mk, market in raw["markets"].items():
        for i, e in market["demand"].items():
            if e.get("min_served"):
                assert served.get((mk, i), 0.0) >= e["min_served"] * e["quantity"] - 1e-6


def test_no_min_served_when_share_is_zero():
    raw = generate(3, min_served_share=0.0, **MEDIUM)
    assert not any(
        e.get("min_served") for mk in raw["markets"].values() for e in mk["demand"].values()
    )


def test_write_instance_round_trips(tmp_path):
    raw = generate(4, **SMALL)
    path = write_instance(raw, tmp_path / "sub" / "g.yaml")
    assert path.read_text().startswith("# Synthetic network")
    assert gpnopt.load(path).model_dump() == gpnopt.instance_from_dict(raw).model_dump()


# sha256 of the YAML file written for these arguments, recorded before generate() was split
# into one function per section (commit f4936ab): the same seed must keep giving the same
# bytes. A deliberate change of the generator re-records them and says so in its commit.
# Re-recorded (issue 14): the independent distributors write ``owners: {}`` out (a channel
# that leaves owners out and has costs is refused); the derived data are unchanged
# (tests/build_data_digests.json).
# Re-recorded (issue 22): plants' and lines' fixed and investment costs are drawn in
# proportion to the lines' gross margin instead of flat ranges (the same draws in the same
# order, so the structure of every network is unchanged; docs/performance.md, "Solve time
# at scale"); the derived data are unchanged.
YAML_DIGESTS = [
    (5, SMALL, "1be0b2c81cf685c090864babbdc0b35e73e7d81deae05b268ad285cecd841991"),
    (
        42,
        {**MEDIUM, "min_served_share": 0.3},
        "192aa641e132d5b37d4e60ec0d712839edf7d1bd2bcebde120b2f2144996f260",
    ),
]


@pytest.mark.parametrize(("seed", "kwargs", "digest"), YAML_DIGESTS)
def test_same_seed_gives_the_recorded_yaml_bytes(tmp_path, seed, kwargs, digest):
    path = write_instance(generate(seed, **kwargs), tmp_path / "g.yaml")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"countries": 0}, "countries"),
        ({"suppliers": -1}, "suppliers"),
        ({"min_served_share": 2}, "min_served_share"),
    ],
)
def test_bad_arguments_are_refused(kwargs, word):
    with pytest.raises(ValueError, match=word):
        generate(0, **kwargs)


def test_markets_no_channel_can_reach_are_left_out_and_said_so():
    """Seed 3 of MEDIUM draws M0027 in a region no channel covers: it is left out of the
    mapping (no sales arc could reach it, so the model is the same) and named in the notes
    and the description; the other markets keep their ids."""
    raw = generate(3, **MEDIUM)
    assert raw["notes"]["markets_left_out"] == ["M0027"]
    assert "M0027" not in raw["markets"]
    assert {"M0026", "M0028"} <= set(raw["markets"])
    assert "59 markets (1 more drawn that no channel could reach, left out)." in (
        raw["description"]
    )
    assert "markets_left_out" not in generate(0, **MEDIUM)["notes"]


def test_degenerate_sizes_still_validate():
    raw = generate(
        0, countries=1, firms=1, plants=1, products=1, components=1, suppliers=0, markets=1
    )
    gpnopt.instance_from_dict(raw)
