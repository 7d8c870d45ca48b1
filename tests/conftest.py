"""Shared fixtures: the tiny instance, loaded and solved once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

import gpnopt

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = ROOT / "instances"


@pytest.fixture(scope="session")
def tiny_path() -> Path:
    """Path of instances/tiny.yaml."""
    return INSTANCES / "tiny.yaml"


@pytest.fixture(scope="session")
def tiny(tiny_path):
    """The tiny instance, validated."""
    return gpnopt.load(tiny_path)


@pytest.fixture(scope="session")
def solved_tiny(tiny):
    """The tiny instance, solved once."""
    return gpnopt.solve(tiny)


INFEASIBLE = {
    # plant P (F and G half each) can assemble 5 units; market M must get all of its 10
    "name": "infeas",
    "countries": {"A": {}},
    "firms": {"F": {"home_country": "A"}, "G": {"home_country": "A"}},
    "products": {"m": {"tier": "medium", "firm": "F"}},
    "plants": {"P": {"country": "A", "owners": {"F": 0.5, "G": 0.5}, "assembly_capacity": 5,
                     "lines": {"m": {"unit_cost": 1}}}},
    "markets": {"M": {"country": "A",
                      "demand": {"m": {"quantity": 10, "price": 5, "min_served": 1.0}}}},
    "overrides": {"smaller": {"plants": {"P": {"assembly_capacity": 4}}}},
}


@pytest.fixture
def infeasible_path(tmp_path) -> Path:
    """A two-firm instance no network can serve (:data:`INFEASIBLE`), written to a file;
    its diagnosis says "assembly capacity is 5 capacity units short"."""
    import yaml

    path = tmp_path / "infeas.yaml"
    path.write_text(yaml.safe_dump(INFEASIBLE))
    return path
