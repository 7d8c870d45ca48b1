"""Docs match the code: every constraint of every family is written down."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "src" / "gpnopt" / "model"
FAMILIES = sorted(p.stem for p in MODEL.glob("*.py") if p.stem not in {"__init__", "variables"})


def constraint_names(path: Path) -> list[str]:
    """Names of functions decorated with ``@m.Constraint(...)`` in a module."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef):
            for dec in node.decorator_list:
                if isinstance(dec, ast.Call) and getattr(dec.func, "attr", "") == "Constraint":
                    names.append(node.name)
    return names


@pytest.mark.parametrize("family", FAMILIES)
def test_family_constraints_documented(family):
    text = (ROOT / "docs" / "formulation.md").read_text()
    doc = importlib.import_module(f"gpnopt.model.{family}").__doc__ or ""
    names = constraint_names(MODEL / f"{family}.py")
    for name in names:
        assert f"{name}[" in doc, f"{name} missing from the docstring of model/{family}.py"
        assert f"{name}[" in text, f"{name} missing from docs/formulation.md"
    assert f"model/{family}.py" in text


def test_readme_quick_start_has_the_two_commands():
    text = (ROOT / "README.md").read_text()
    assert "make run" in text
    assert "make test" in text


def test_readme_library_example_runs(monkeypatch, tmp_path, capsys):
    text = (ROOT / "README.md").read_text()
    section = text.split("## Use as a library", 1)[1]
    code = section.split("```python", 1)[1].split("```", 1)[0]
    code = code.replace('"out/tiny"', repr(str(tmp_path / "tiny")))
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "optimal 3740.0" in printed
    assert "{'TM': 3740.0}" in printed
    assert (tmp_path / "tiny" / "production.csv").exists()
