"""Meta-test: every constraint family module has its micro-instance test module."""

from __future__ import annotations

from pathlib import Path

import gpnopt.model

NOT_FAMILIES = {"__init__", "families", "parts", "variables"}
"""Modules of gpnopt.model that are not constraint families (the variables, and the list
of families one period is built from, the registry of their money parts)."""

HERE = Path(__file__).resolve().parent


def family_modules() -> list[str]:
    """Names of the constraint-family modules in src/gpnopt/model/."""
    folder = Path(gpnopt.model.__file__).resolve().parent
    return sorted(p.stem for p in folder.glob("*.py") if p.stem not in NOT_FAMILIES)


def test_family_modules_found():
    # Guard against a vacuous pass (wrong folder, renamed package).
    assert len(family_modules()) >= 11
    assert "lines" in family_modules()


def test_every_family_has_a_test_module():
    missing = [m for m in family_modules() if not (HERE / f"test_{m}.py").is_file()]
    assert not missing, "constraint families without tests/model/test_<module>.py: " + ", ".join(
        missing
    )
