"""The ``gpnopt`` command line: thin, calling the public API and mapping errors to exit codes.

Exit codes: 0 solved (optimal, or feasible at a limit, said clearly); 1 invalid instance or
scenario; 2 usage error; 3 infeasible; 4 no solution found (time limit, solver failure).
Pyomo is imported only by commands that solve.
"""

from __future__ import annotations

import json
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from gpnopt import __version__
from gpnopt.errors import GpnoptError, GpnoptWarning, SolveError

app = typer.Typer(
    name="gpnopt",
    help=(
        "Global production network design as a mixed-integer program (Pyomo + HiGHS).\n\n"
        "Exit codes: 0 solved, 1 invalid instance, 2 usage error, 3 infeasible, "
        "4 no solution found."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_INVALID = 1
EXIT_INFEASIBLE = 3
EXIT_NO_SOLUTION = 4

FileArg = Annotated[
    Path,
    typer.Argument(help="Instance YAML file.", show_default=False),
]
ScenarioOpt = Annotated[
    str | None,
    typer.Option(
        "--scenario",
        "-s",
        help="Scenario or override name; several joined by commas are applied in order.",
    ),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")]
def _objective_value(value: str | None) -> str | None:
    if value is not None and value != "alliance" and not (
        value.startswith("firm:") and len(value) > 5
    ):
        msg = f"{value!r}: use alliance or firm:ID"
        raise typer.BadParameter(msg)
    return value


ObjectiveOpt = Annotated[
    str | None,
    typer.Option(
        "--objective",
        callback=_objective_value,
        help="alliance (total profit) or firm:ID (that firm's equity-weighted profit); "
        "default: the instance's own.",
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="Write into --out even if it holds files gpnopt did not write."),
]
ScenarioFileOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--scenario-file",
        help="YAML file with more overrides and scenarios (repeatable).",
    ),
]


def _version(value: bool) -> None:
    if value:
        out.print(f"gpnopt {__version__}")
        raise typer.Exit


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Global production network design as a mixed-integer program."""


def _fail(exc: GpnoptError, debug: bool) -> typer.Exit:
    """Print an error for a person and return the Exit carrying its code."""
    if debug:
        err.print(traceback.format_exc(), markup=False)
    if isinstance(exc, SolveError):
        err.print(f"[bold red]{exc.status}:[/] ", end="")
        err.print(str(exc), markup=False)
        return typer.Exit(exc.exit_code)
    err.print("[bold red]error:[/] ", end="")
    err.print(str(exc), markup=False)
    return typer.Exit(EXIT_INVALID)


def _load(path: Path, scenario: str | None, scenario_files: list[Path] | None = None):
    import gpnopt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GpnoptWarning)
        inst = gpnopt.load(path, scenario=scenario, scenario_files=scenario_files or ())
    for w in caught:
        if issubclass(w.category, GpnoptWarning):
            err.print("[yellow]warning:[/] ", end="")
            err.print(f"{path}: {w.message}", markup=False)
    return inst


@app.command()
def validate(
    path: FileArg,
    scenario: ScenarioOpt = None,
    scenario_file: ScenarioFileOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Check an instance (schema, references, scenario) without solving it."""
    from gpnopt.data import build_data

    try:
        inst = _load(path, scenario, scenario_file)
        data = build_data(inst)
    except GpnoptError as exc:
        raise _fail(exc, debug) from None
    label = f" (scenario {scenario})" if scenario else ""
    out.print(
        f"[green]valid[/]: {path}{label}: {len(inst.plants)} plants, {len(inst.products)} "
        f"products, {len(inst.components)} components, {len(inst.markets)} markets, "
        f"{len(data.lines)} lines, {len(data.sales)} sales arcs, {len(data.flows)} flow arcs, "
        f"{len(inst.expectations)} expectations"
    )


@app.command()
def solve(
    path: FileArg,
    scenario: ScenarioOpt = None,
    objective: ObjectiveOpt = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write summary.json and the result tables (CSV) here."),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", min=0, help="Seconds HiGHS may run."),
    ] = None,
    mip_gap: Annotated[
        float | None,
        typer.Option("--mip-gap", min=0, help="Relative MIP gap to stop at (default 1e-6)."),
    ] = None,
    threads: Annotated[
        int | None, typer.Option("--threads", min=1, help="HiGHS threads.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print summary.json to standard output.")
    ] = False,
    plots_dir: Annotated[
        Path | None,
        typer.Option(
            "--plots",
            help="Write the network and specialization pictures (PNG) and index.html here.",
        ),
    ] = None,
    scenario_file: ScenarioFileOpt = None,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Solve an instance: print a summary, optionally write the result tables."""
    import gpnopt

    _check_out_dir(out_dir, force)
    try:
        inst = _load(path, scenario, scenario_file)
        result = gpnopt.solve(
            inst,
            objective=objective,
            time_limit=time_limit,
            mip_gap=mip_gap,
            threads=threads,
            scenario=scenario,
        )
    except GpnoptError as exc:
        raise _fail(exc, debug) from None
    if out_dir is not None:
        _write_or_exit(out_dir, lambda: result.write(out_dir))
    if plots_dir is not None:
        from gpnopt.cli_report import plots_for

        _check_out_dir(plots_dir, force)
        _write_or_exit(plots_dir, lambda: plots_for(inst, result, plots_dir))
    if as_json:
        sys.stdout.write(json.dumps(result.summary(), indent=2) + "\n")
        return
    print_summary(result, inst)
    if out_dir is not None:
        out.print(f"\nTables written to {out_dir}/")
    if plots_dir is not None:
        out.print(f"Pictures written to {plots_dir}/")


@app.command()
def compare(
    path: FileArg,
    scenarios: Annotated[
        str,
        typer.Option(
            "--scenarios",
            "-S",
            help="Scenarios to compare, comma-separated; the first is the reference "
            "(base = the instance as written; a+b applies a and b together; all = base and "
            "every scenario of the file).",
        ),
    ],
    objective: ObjectiveOpt = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write kpis.csv, kpis_wide.csv, diff.csv, comparison.md and each "
            "scenario's tables here.",
        ),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option("--threshold", min=0, help="Relative volume change the diff reports."),
    ] = 0.05,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0, help="Seconds per solve.")
    ] = None,
    mip_gap: Annotated[
        float | None, typer.Option("--mip-gap", min=0, help="Relative MIP gap per solve.")
    ] = None,
    scenario_file: ScenarioFileOpt = None,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Solve several scenarios and show KPIs side by side and the decisions that differ."""
    import gpnopt

    _check_out_dir(out_dir, force)
    names = [s.strip() for s in scenarios.split(",") if s.strip()]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GpnoptWarning)
            comp = gpnopt.compare(
                path,
                names,
                threshold=threshold,
                objective=objective,
                time_limit=time_limit,
                mip_gap=mip_gap,
                scenario_files=scenario_file or (),
            )
    except GpnoptError as exc:
        raise _fail(exc, debug) from None
    print_comparison(comp)
    if out_dir is not None:
        _write_or_exit(out_dir, lambda: comp.write(out_dir))
        out.print(f"\nTables written to {out_dir}/")


@app.command()
def generate(
    out_file: Annotated[Path, typer.Argument(help="YAML file to write.", show_default=False)],
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    countries: Annotated[int, typer.Option("--countries", min=1)] = 6,
    firms: Annotated[int, typer.Option("--firms", min=1)] = 3,
    plants: Annotated[int, typer.Option("--plants", min=1)] = 12,
    products: Annotated[int, typer.Option("--products", min=1)] = 8,
    components: Annotated[int, typer.Option("--components", min=1)] = 10,
    suppliers: Annotated[int, typer.Option("--suppliers", min=0)] = 20,
    markets: Annotated[int, typer.Option("--markets", min=1)] = 20,
    force: ForceOpt = False,
) -> None:
    """Write a seeded synthetic instance (feasible by construction) for tests and benchmarks."""
    from gpnopt.generate import generate as make
    from gpnopt.generate import write_instance

    if out_file.exists() and not force:
        err.print(f"[bold red]error:[/] {out_file} exists; pass --force to overwrite it")
        raise typer.Exit(EXIT_INVALID)
    raw = make(
        seed,
        countries=countries,
        firms=firms,
        plants=plants,
        products=products,
        components=components,
        suppliers=suppliers,
        markets=markets,
    )
    _write_or_exit(out_file, lambda: write_instance(raw, out_file))
    out.print(f"wrote {out_file}: {len(raw['plants'])} plants, {len(raw['markets'])} markets")


def _register_commands() -> None:
    """Commands that live in their own modules (each imports only typer and rich at first)."""
    from gpnopt.cli_report import report
    from gpnopt.cli_sweep import sweep

    app.command()(report)
    app.command(name="sweep")(sweep)


_register_commands()


def print_comparison(comp: Any) -> None:
    """Print KPIs side by side and the decision-level diff."""
    wide = comp.kpis_wide
    table = Table(title="KPIs by scenario", title_justify="left")
    table.add_column("section")
    table.add_column("item")
    for n in comp.scenarios:
        table.add_column(n, justify="right")
    last = None
    for row in wide.itertuples(index=False):
        values = list(row)
        section, item, cells = values[0], values[1], values[2:]
        table.add_row(
            section if section != last else "",
            str(item),
            *[_cell(v) for v in cells],
        )
        last = section
    out.print(table)
    ref = comp.scenarios[0]
    for n in comp.scenarios[1:]:
        rows = comp.diff[comp.diff["scenario"] == n]
        if n not in comp.results:
            continue
        if rows.empty:
            out.print(f"{n}: no decision differs from {ref}")
            continue
        t = Table(title=f"{n}: decisions that differ from {ref}", title_justify="left")
        for c in ("kind", "entity", "before", "after", "change"):
            t.add_column(c, justify="right" if c in ("before", "after") else "left")
        for r in rows.itertuples():
            t.add_row(r.kind, r.entity, _cell(r.before), _cell(r.after), r.change)
        out.print(t)
    if len(comp.results) > 1:
        from gpnopt.analysis.specialization import compare_roles

        tables = {n: r.tables["specialization"] for n, r in comp.results.items()
                  if "specialization" in r.tables}
        if tables:
            roles = compare_roles(tables)
            t = Table(
                title="Plant roles by scenario (H horizontal index, VS vertical share; "
                "* the role type changed)",
                title_justify="left",
            )
            t.add_column("plant")
            for n in tables:
                t.add_column(n)
            for plant, g in roles.groupby("plant", sort=False):
                cells = []
                for r in g.itertuples(index=False):
                    mark = "[bold yellow]*[/]" if r.changed else ""
                    idx = []
                    if r.horizontal_index == r.horizontal_index:  # not NaN
                        idx.append(f"H {r.horizontal_index:.2f}")
                    if r.vs_share == r.vs_share:
                        idx.append(f"VS {r.vs_share:.0%}")
                    cells.append(f"{r.role_type}{mark}" + (f"\n{', '.join(idx)}" if idx else ""))
                t.add_row(plant, *cells)
            out.print(t)
    for note in comp.notes:
        err.print("[yellow]not solved:[/] ", end="")
        err.print(note, markup=False)


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "-"
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1 else f"{v:,.1f}"
    return str(v)


OWN_FILES = frozenset({"summary.json", "comparison.md", "index.html"})
OWN_STEMS = frozenset({
    "lines", "production", "make_or_buy", "component_flows", "plant_profit", "channel_profit",
    "firm_profit", "technicians", "specialization", "kpis", "kpis_wide", "diff",
})


def foreign_files(out_dir: Path) -> list[str]:
    """Files in ``out_dir`` (recursively) that gpnopt does not write itself."""
    if not out_dir.exists():
        return []
    if not out_dir.is_dir():
        return [str(out_dir)]
    foreign = []
    for p in sorted(out_dir.rglob("*")):
        if p.is_dir():
            continue
        name = p.name
        own = (
            name in OWN_FILES
            or (p.suffix == ".csv" and p.stem in OWN_STEMS)
            or p.suffix in (".png", ".svg")
            or (name.startswith(".") and name.endswith(".tmp"))
        )
        if not own:
            foreign.append(str(p.relative_to(out_dir)))
    return foreign


def _check_out_dir(out_dir: Path | None, force: bool) -> None:
    """Refuse to write into a folder holding files gpnopt did not write, unless forced."""
    if out_dir is None or force:
        return
    foreign = foreign_files(out_dir)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        err.print(
            f"[bold red]error:[/] {out_dir} holds files gpnopt did not write ({shown}); "
            "choose another folder or pass --force to write there anyway",
            markup=True,
        )
        raise typer.Exit(EXIT_INVALID)


def _write_or_exit(target: Path, write: Callable[[], Any]) -> Any:
    """Run ``write``; a failure to write ``target`` is an error for the user (exit 1)."""
    try:
        return write()
    except OSError as exc:
        err.print(f"[bold red]error:[/] cannot write to {target}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_INVALID) from None


def _money(x: float) -> str:
    return f"{x:,.1f}"


def print_summary(result: Any, instance: Any = None) -> None:
    """Print a readable summary of a Result (with the roles when ``instance`` is given)."""
    head = f"[bold]{result.instance}[/] scenario [bold]{result.scenario}[/], objective {result.objective_mode}"
    out.print(head)
    if result.status == "optimal":
        out.print(
            f"status [green]optimal[/] (gap {result.mip_gap:.2g}), profit {_money(result.objective)}"
        )
    else:
        out.print(
            f"status [yellow]feasible, not proven optimal[/] ({result.highs_status}): profit "
            f"{_money(result.objective)}, bound {_money(result.bound)}, gap {result.mip_gap:.2%}"
        )
    t = result.seconds
    out.print(
        f"time: build {t.get('build', 0):.2f} s, solve {t.get('solve', 0):.2f} s, "
        f"total {t.get('total', 0):.2f} s"
    )

    firms = Table(title="Profit by firm (equity-weighted)", title_justify="left")
    firms.add_column("firm")
    firms.add_column("profit", justify="right")
    for f, v in result.firm_profit.items():
        firms.add_row(f, _money(v))
    out.print(firms)

    plants = Table(title="Profit by plant", title_justify="left")
    for c in ("plant", "country", "open", "revenue", "cost", "profit"):
        plants.add_column(c, justify="right" if c in ("revenue", "cost", "profit") else "left")
    for r in result.tables["plant_profit"].itertuples():
        plants.add_row(
            r.plant, r.country, "yes" if r.open else "no", _money(r.revenue), _money(r.cost), _money(r.profit)
        )
    out.print(plants)

    ch = result.tables["channel_profit"]
    if not ch.empty:
        chan = Table(title="Channels and offices", title_justify="left")
        for c in ("channel", "open", "units", "profit"):
            chan.add_column(c, justify="right" if c in ("units", "profit") else "left")
        for r in ch.itertuples():
            chan.add_row(r.channel, "yes" if r.open else "no", f"{r.quantity:g}", _money(r.profit))
        out.print(chan)

    prod = Table(title="Who makes what for whom (units)", title_justify="left")
    for c in ("plant", "product", "tier", "market", "channel", "units"):
        prod.add_column(c, justify="right" if c == "units" else "left")
    for r in result.tables["production"].itertuples():
        prod.add_row(r.plant, r.product, r.tier, r.market, r.channel, f"{r.quantity:g}")
    out.print(prod)

    mob = result.tables["make_or_buy"]
    if not mob.empty:
        mk = Table(title="Make or buy", title_justify="left")
        for c in ("plant", "component", "in-house", "units"):
            mk.add_column(c, justify="right" if c == "units" else "left")
        for r in mob.itertuples():
            mk.add_row(r.plant, r.component, "yes" if r.in_house else "no", f"{r.quantity:g}")
        out.print(mk)

    flows = result.tables["component_flows"]
    if not flows.empty:
        ft = Table(title="Component flows between plants (units)", title_justify="left")
        for c in ("component", "from", "to", "units"):
            ft.add_column(c, justify="right" if c == "units" else "left")
        inter = flows[(flows["source_type"] == "plant") & (flows["source"] != flows["destination"])]
        for r in inter.itertuples():
            ft.add_row(r.component, r.source, r.destination, f"{r.quantity:g}")
        if len(inter):
            out.print(ft)

    tech = result.tables["technicians"]
    for r in tech.itertuples():
        out.print(f"technicians of {r.firm}: {r.used:g} of {r.pool:g} used")

    if instance is not None and "specialization" in result.tables:
        from gpnopt.analysis.specialization import (
            format_indices,
            format_roles,
            specialization_indices,
        )

        out.print("\n[bold]Plant roles[/] (H: horizontal index; VS: Hummels-Ishii-Yi vertical "
                  "specialization; see docs/specialization.md)")
        for line in format_roles(result.tables["specialization"]):
            out.print(line, markup=False)
        for level in ("firm", "country"):
            out.print(f"\n[bold]Indices by {level}[/]")
            for line in format_indices(specialization_indices(instance, result, level)):
                out.print(line, markup=False)

    if result.expectations:
        ex = Table(title="Expectations", title_justify="left")
        for c in ("", "id", "description", "detail"):
            ex.add_column(c)
        for e in result.expectations:
            mark = "[green]holds[/]" if e["holds"] else "[red]FAILS[/]"
            desc = e["description"] + ("" if e["expected"] else " (expected not to)")
            ex.add_row(mark, e["id"], desc, e["detail"])
        out.print(ex)
        held = sum(e["holds"] for e in result.expectations)
        out.print(f"{held} of {len(result.expectations)} expectations hold")


def run() -> None:  # pragma: no cover - console-script entry for python -m
    """Entry point for ``python -m gpnopt``."""
    app()


if __name__ == "__main__":  # pragma: no cover
    run()
