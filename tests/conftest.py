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
