"""Family 7, capability and quality: max_tier and minimum component quality."""

from __future__ import annotations

import pytest

from gpnopt.errors import GpnoptWarning

from .conftest import flow, micro, produced, solve

# m needs 1 part per unit (10 parts). S_low sells medium-quality parts at 2, S_high
# high-quality parts at 5. Margin before parts: 200.
SOURCES = {
    "components": {"part": {}},
    "products": {"m": {"bom": {"part": 1}}},
    "suppliers": {
        "S_low": {"country": "A", "components": {"part": {"unit_price": 2, "quality": "medium"}}},
        "S_high": {"country": "A", "components": {"part": {"unit_price": 5, "quality": "high"}}},
    },
}


def test_min_quality_forces_dearer_high_quality_source():
    # Binding: m's bill of materials asks for high quality: only S_high qualifies:
    # 200 - 10 * 5 = 150.
    res = solve(
        micro(
            SOURCES, {"products": {"m": {"bom": {"part": {"quantity": 1, "min_quality": "high"}}}}}
        )
    )
    assert res.objective == pytest.approx(150)
    assert flow(res, "S_high", "P", "part") == pytest.approx(10)
    assert flow(res, "S_low") == pytest.approx(0)


def test_min_quality_met_by_cheap_source_does_not_bind():
    # Not binding: asking for medium, S_low qualifies: 200 - 10 * 2 = 180.
    res = solve(
        micro(
            SOURCES,
            {"products": {"m": {"bom": {"part": {"quantity": 1, "min_quality": "medium"}}}}},
        )
    )
    assert res.objective == pytest.approx(180)
    assert flow(res, "S_low", "P", "part") == pytest.approx(10)


def test_higher_quality_serves_lower_requirement():
    # Quality is nested: with a low-quality pool at 1 and the high-quality one at 5 (no
    # medium pool), a medium requirement is met by high parts only: 200 - 50 = 150.
    res = solve(
        micro(
            SOURCES,
            {
                "suppliers": {
                    "S_low": {"components": {"part": {"unit_price": 1, "quality": "low"}}}
                },
                "products": {"m": {"bom": {"part": {"quantity": 1, "min_quality": "medium"}}}},
            },
        )
    )
    assert res.objective == pytest.approx(150)
    assert flow(res, "S_high", "P", "part") == pytest.approx(10)


def test_quality_requirement_of_one_product_leaves_others_free():
    # Two products at P, each 10 units at 30, unit cost 10: m asks for high parts, m_b has
    # no requirement. 10 high parts (50) and 10 medium parts (20): 400 - 70 = 330.
    res = solve(
        micro(
            SOURCES,
            {
                "products": {
                    "m": {"bom": {"part": {"quantity": 1, "min_quality": "high"}}},
                    "m_b": {"tier": "medium", "firm": "F", "bom": {"part": 1}},
                },
                "plants": {"P": {"lines": {"m_b": {"unit_cost": 10}}}},
                "markets": {"M": {"demand": {"m_b": {"quantity": 10, "price": 30}}}},
            },
        )
    )
    assert res.objective == pytest.approx(330)
    assert flow(res, "S_high", "P", "part") == pytest.approx(10)
    assert flow(res, "S_low", "P", "part") == pytest.approx(10)


def test_in_house_quality_counts():
    # P may cast high-quality parts in-house at 3 each: cheaper than S_high (5) and the only
    # other source of high quality: 200 - 30 = 170.
    res = solve(
        micro(
            SOURCES,
            {
                "products": {"m": {"bom": {"part": {"quantity": 1, "min_quality": "high"}}}},
                "plants": {"P": {"components": {"part": {"unit_cost": 3, "quality": "high"}}}},
            },
        )
    )
    assert res.objective == pytest.approx(170)
    assert flow(res, "P", "P", "part") == pytest.approx(10)


# Product m is of the high tier; the cheap plant P (unit cost 5, fixed cost 1) and the dear
# plant P2 (unit cost 10) both list a line of it; P has a fixed cost of 1.
CAPABILITY = {
    "products": {"m": {"tier": "high"}},
    "plants": {
        "P": {"fixed_cost": 1, "lines": {"m": {"unit_cost": 5}}},
        "P2": {"country": "A", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 10}}},
    },
}


def test_max_tier_below_product_tier_removes_line():
    # Binding: P's max_tier medium is below m's tier high: its line is unavailable (with a
    # warning) and P stays closed, so P2 makes m: 10 * 20 = 200.
    raw = micro(CAPABILITY, {"plants": {"P": {"max_tier": "medium"}}})
    with pytest.warns(GpnoptWarning, match="above the plant's max_tier"):
        res = solve(raw)
    assert res.objective == pytest.approx(200)
    assert produced(res, "P2") == pytest.approx(10)
    assert produced(res, "P") == pytest.approx(0)


def test_max_tier_at_product_tier_keeps_line():
    # Not binding: max_tier high: the cheap plant P makes m: 10 * 25 - 1 = 249.
    res = solve(micro(CAPABILITY, {"plants": {"P": {"max_tier": "high"}}}))
    assert res.objective == pytest.approx(249)
    assert produced(res, "P") == pytest.approx(10)


def test_min_quality_in_a_component_bill_of_materials():
    # Multi-level: m needs 1 core, made in-house at P (unit cost 1); each core needs 2
    # castings of high quality. Castings: medium at 0.5 (S_low), high at 1 (S_high).
    # 10 cores (10) + 20 high castings (20): 200 - 30 = 170.
    res = solve(
        micro(
            {
                "components": {
                    "core": {"bom": {"casting": {"quantity": 2, "min_quality": "high"}}},
                    "casting": {},
                },
                "products": {"m": {"bom": {"core": 1}}},
                "plants": {"P": {"components": {"core": {"unit_cost": 1}}}},
                "suppliers": {
                    "S_low": {
                        "country": "A",
                        "components": {"casting": {"unit_price": 0.5, "quality": "medium"}},
                    },
                    "S_high": {
                        "country": "A",
                        "components": {"casting": {"unit_price": 1, "quality": "high"}},
                    },
                },
            }
        )
    )
    assert res.objective == pytest.approx(170)
    assert flow(res, "S_high", "P", "casting") == pytest.approx(20)
    assert flow(res, "S_low") == pytest.approx(0)
