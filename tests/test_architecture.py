"""The architecture, enforced: layers, import rules and sizes (CONTRIBUTING.md explains each rule).

gpnopt is a one-way pipeline. Every module of the package belongs to one layer, and a module may
import only from its own stage package or from lower layers -- at the top of the file, inside a
function or under ``TYPE_CHECKING`` alike, since each of them is a dependency. The walk is a plain
``ast`` pass over the sources (no import is executed), so a breach fails here before it can hide
behind a lazy import.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "gpnopt"

# Lowest first. A module may import from its own layer and from any layer below it (the stages
# of one layer are independent of each other, and SIBLINGS are kept fully apart).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "foundation",
        (
            "gpnopt.errors",
            "gpnopt.fields",
            "gpnopt.dynamics",
            "gpnopt.timing",
            "gpnopt.expectation",
            "gpnopt.economics",
            "gpnopt.schema",
            "gpnopt.atomic",
            "gpnopt.callable",
        ),
    ),
    (
        "input",
        (
            "gpnopt.io",
            "gpnopt.yaml_reader",
            "gpnopt.named_scenarios",
            "gpnopt.timeseries",
            "gpnopt.patches",
            "gpnopt.checks",
            "gpnopt.generate",
            "gpnopt.orlib",
            "gpnopt.hints",
            "gpnopt.reference",
            "gpnopt.currency",
            "gpnopt.problems",
            "gpnopt.provenance",
        ),
    ),
    ("data", ("gpnopt.data", "gpnopt.transport", "gpnopt.horizon_data", "gpnopt.parts")),
    ("model", ("gpnopt.model",)),
    ("results", ("gpnopt.results",)),
    ("solve-and-analyse", ("gpnopt.solver", "gpnopt.analysis")),
    # studies the facade offers (gpnopt.alliance, gpnopt.explain): many solves, no facade
    ("facade-studies", ("gpnopt.alliance", "gpnopt.explain")),
    ("facade", ("gpnopt",)),
    # many solves built on the facade: sweeps, robust designs and sensitivity studies on the sweep
    ("studies", ("gpnopt.sweep", "gpnopt.robust", "gpnopt.sensitivity")),
    ("pictures", ("gpnopt.plots",)),
    ("cli", ("gpnopt.cli", "gpnopt.__main__")),
]

# Siblings in one layer that must not import each other.
SIBLINGS = [("gpnopt.solver", "gpnopt.analysis")]

# Heavy or solver-specific libraries and the only places allowed to import them.
CONFINED = {
    "pyomo": ("gpnopt.model", "gpnopt.results.solution", "gpnopt.solver"),
    "highspy": ("gpnopt.solver.highs",),
}

MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 120


@dataclass(frozen=True)
class Import:
    """One import statement's target, as seen in a module."""

    module: str  # the importing module
    target: str  # the imported module (``gpnopt.x.y`` or a third-party top-level name)
    names: tuple[str, ...]  # names taken with ``from target import ...``
    line: int


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = _sources()


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(module: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(module, a.name, (), node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, is_package, node)
            names = tuple(a.name for a in node.names)
            found.append(Import(module, target, names, node.lineno))
            # ``from gpnopt import io`` imports the module gpnopt.io
            for n in names:
                if f"{target}.{n}" in MODULES:
                    found.append(Import(module, f"{target}.{n}", (), node.lineno))
    return found


ALL_IMPORTS = [imp for m, p in MODULES.items() for imp in _imports(m, p)]


def _stage(module: str) -> str:
    """The stage package a module belongs to (the longest matching prefix of LAYERS)."""
    if module == "gpnopt":
        return "gpnopt"  # the facade is one module, not a prefix of everything
    best = ""
    for _, members in LAYERS:
        for prefix in members:
            if prefix == "gpnopt":
                continue
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best = prefix
    return best


def _rank(module: str) -> int:
    stage = _stage(module)
    return next(i for i, (_, members) in enumerate(LAYERS) if stage in members)


def _inside(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_every_module_has_a_layer():
    assert MODULES, "no sources found"
    unplaced = [m for m in MODULES if not _stage(m)]
    assert not unplaced, f"give these modules a layer in tests/test_architecture.py: {unplaced}"


def _internal(imp: Import) -> bool:
    return imp.target == "gpnopt" or imp.target.startswith("gpnopt.")


def test_imports_point_down_the_pipeline():
    breaches = []
    for imp in filter(_internal, ALL_IMPORTS):
        if not _stage(imp.module) or not _stage(imp.target):
            continue  # test_every_module_has_a_layer names it
        if _stage(imp.module) == _stage(imp.target):
            continue
        if _rank(imp.target) > _rank(imp.module):
            breaches.append(
                f"{imp.module}:{imp.line} imports {imp.target} "
                f"({LAYERS[_rank(imp.module)][0]} may not use {LAYERS[_rank(imp.target)][0]})"
            )
    assert not breaches, "\n".join(breaches)


def test_siblings_stay_apart():
    breaches = [
        f"{imp.module}:{imp.line} imports {imp.target}"
        for imp in filter(_internal, ALL_IMPORTS)
        for a, b in SIBLINGS
        if {_stage(imp.module), _stage(imp.target)} == {a, b}
    ]
    assert not breaches, "\n".join(breaches)


@pytest.mark.parametrize("library", sorted(CONFINED))
def test_heavy_libraries_stay_in_their_places(library):
    allowed = CONFINED[library]
    breaches = [
        f"{imp.module}:{imp.line} imports {imp.target}"
        for imp in ALL_IMPORTS
        if imp.target.split(".")[0] == library and not _inside(imp.module, allowed)
    ]
    assert not breaches, "\n".join(breaches)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_no_import_circles():
    edges: dict[str, set[str]] = defaultdict(set)
    for imp in filter(_internal, ALL_IMPORTS):
        if imp.target in MODULES and imp.target != imp.module:
            edges[imp.module].add(imp.target)
    assert not _cycles(edges), f"import circles: {_cycles(edges)}"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private_uses(path: Path, module: str) -> list[str]:
    """Private names taken from another gpnopt module: imported, or read as ``mod._name``."""
    imports = _imports(module, path)
    found = [
        f"{path.relative_to(ROOT)}:{imp.line} imports {imp.target}.{n}"
        for imp in filter(_internal, imports)
        for n in imp.names
        if _private(n) and imp.target != module
    ]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("gpnopt"):
                    aliases[a.asname or a.name.split(".")[0]] = a.asname and a.name or "gpnopt"
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path.name == "__init__.py", node)
            for a in node.names:
                if f"{target}.{a.name}" in MODULES:
                    aliases[a.asname or a.name] = f"{target}.{a.name}"
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and _private(node.attr)
            and aliases[node.value.id] != module
        ):
            found.append(
                f"{path.relative_to(ROOT)}:{node.lineno} reads {node.value.id}.{node.attr}"
            )
    return found


def test_no_private_name_crosses_a_module():
    files = [(p, m) for m, p in MODULES.items()]
    files += [(p, f"tests.{p.stem}") for p in sorted((ROOT / "tests").rglob("*.py"))]
    breaches = [b for p, m in files for b in _private_uses(p, m)]
    assert not breaches, "\n".join(breaches)


def _python_files() -> list[Path]:
    return [p for d in ("src", "tests", "benchmarks") for p in sorted((ROOT / d).rglob("*.py"))]


def test_modules_and_functions_are_short_enough_to_read():
    long = []
    for path in _python_files():
        text = path.read_text(encoding="utf-8")
        n = len(text.splitlines())
        if n > MAX_MODULE_LINES:
            long.append(f"{path.relative_to(ROOT)}: {n} lines (at most {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = node.end_lineno - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    long.append(
                        f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {size} lines "
                        f"(at most {MAX_FUNCTION_LINES})"
                    )
    assert not long, "\n".join(long)


def test_the_walk_sees_what_it_must():
    """The checks above are only as good as the walk: it must see imports inside functions and
    under TYPE_CHECKING, and every stage must hold at least one module."""
    src = "def f():\n    from gpnopt.cli import app\nif TYPE_CHECKING:\n    import pyomo.environ\n"
    tree = ast.parse(src)
    seen = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert len(seen) == 2
    for _, members in LAYERS:
        for prefix in members:
            assert any(_stage(m) == prefix for m in MODULES), f"no module in stage {prefix}"
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
