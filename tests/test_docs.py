"""Docs match the code: every constraint of every family is written down."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import types
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


# --- docs/api.md against the real signatures -------------------------------------------------

_CALL = re.compile(r"\.?([A-Za-z_][\w.]*)(\((?:[^()]|\([^()]*\))*\))?")


def _calls(snippet: str) -> list[tuple[str, str | None]]:
    """The names and argument lists of a snippet such as ``a.b(x, y=1).c(z) -> T``."""
    snippet = snippet.split(" -> ")[0].strip()
    found, pos = [], 0
    while pos < len(snippet):
        m = _CALL.match(snippet, pos)
        if m is None or m.end() == pos:
            break
        found.append((m.group(1), m.group(2)[1:-1] if m.group(2) else None))
        pos = m.end()
    return found


def _resolve(name: str, context: object | None):
    if name == "Result" or name.startswith("Result."):
        obj: object = importlib.import_module("gpnopt.results").Result
        parts = name.split(".")[1:]
    elif name.startswith("gpnopt"):
        parts = name.split(".")
        for k in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:k]))
            except ImportError:
                continue
            parts = parts[k:]
            break
    else:  # a bare name: beside the previous snippet's object
        obj, parts = context, name.split(".")
        if not isinstance(obj, type | types.ModuleType):
            obj = importlib.import_module(obj.__module__)
    for p in parts:
        obj = getattr(obj, p)
    return obj


def _split(args: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in args:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch in "([{"
        depth -= ch in ")]}"
        cur += ch
    out.append(cur)
    return [" ".join(a.split()).replace("'", '"') for a in out if a.strip()]


def _rendered(obj) -> list[str]:
    sig = inspect.signature(obj)
    params = list(sig.parameters.values())
    if params and params[0].name in ("self", "cls"):
        params = params[1:]
    out, star = [], False
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            out.append(f"*{p.name}")
            star = True
        elif p.kind is p.VAR_KEYWORD:
            out.append(f"**{p.name}")
        else:
            if p.kind is p.KEYWORD_ONLY and not star:
                out.append("*")
                star = True
            default = "" if p.default is p.empty else "=" + repr(p.default).replace("'", '"')
            out.append(p.name + default)
    return out


def _api_snippets() -> list[str]:
    text = (ROOT / "docs" / "api.md").read_text().split("## The Result", 1)[0]  # functions
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    return [s for row in rows for s in re.findall(r"`([^`]+)`", row.split(" | ")[0])]


def test_api_md_lists_real_signatures():
    snippets = _api_snippets()
    assert len(snippets) >= 20
    wrong, context, owner = [], None, None
    for snippet in snippets:
        if snippet.startswith("."):  # a method of the class named just before
            context = owner
        for name, args in _calls(snippet):
            obj = _resolve(name, context)
            if isinstance(obj, type):
                owner = obj
            if args is not None:
                documented, real = _split(args), _rendered(obj)
                if "..." in documented:  # a shortened list: the names shown, in order
                    rest = iter(real)
                    ok = all(any(d == r for r in rest) for d in documented if d != "...")
                else:
                    ok = documented == real
                if not ok:
                    wrong.append(f"{snippet}: documented ({', '.join(documented)}), "
                                 f"real ({', '.join(real)})")
            context = obj
    assert not wrong, "docs/api.md differs from the code:\n" + "\n".join(wrong)


def test_readme_shows_the_shared_options_and_every_exit_code():
    text = (ROOT / "README.md").read_text()
    for option in ("--out DIR", "--force", "--verbose", "--quiet", "--log-file", "--json",
                   "--wide", "--install-completion", "gpnopt schema", "docs/reference.md",
                   "yaml-language-server"):
        assert option in text, option
    table = text.split("Exit codes:", 1)[1].split("\n\n", 2)[1]
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 4 |", "| 130 |"):
        assert code in table, code
    for cause in ("output folder refused", "broken pipe", "--log-file"):
        assert cause in table, cause


def test_readme_states_the_instance_rules():
    text = (ROOT / "README.md").read_text().split("## Writing an instance", 1)[1]
    for rule in ("letters, digits, `_` and `-`", "at most 64", "1e12", "boolean",
                 "`.yaml`/`.yml` files beside the instance", "fractions"):
        assert rule in text, rule


def table_breaks(text: str) -> list[int]:
    """Line numbers of blank lines inside a Markdown table: a blank line between two rows,
    the second not a new table's header (a blank line ends a table in GitHub's Markdown,
    so the rows after it render as loose text)."""
    lines = text.split("\n")
    breaks = []
    for i in range(1, len(lines) - 1):
        if lines[i].strip() or not lines[i - 1].startswith("|"):
            continue
        nxt = lines[i + 1]
        header = i + 2 < len(lines) and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[i + 2])
        if nxt.startswith("|") and not header:
            breaks.append(i + 1)
    return breaks


def test_table_breaks_are_found():
    assert table_breaks("| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n") == [4]
    assert table_breaks("| a |\n|---|\n| 1 |\n\n| b |\n|---|\n| 2 |\n") == []


@pytest.mark.parametrize(
    "path", sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]), ids=lambda p: p.name
)
def test_no_blank_line_splits_a_table(path):
    assert table_breaks(path.read_text(encoding="utf-8")) == [], path.name
