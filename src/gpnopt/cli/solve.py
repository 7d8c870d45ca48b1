"""``gpnopt validate``, ``gpnopt solve`` and ``gpnopt generate``, and the printed summary.

Registered by :mod:`gpnopt.cli`. ``validate`` imports the data layer only (no Pyomo);
``solve`` imports the solver when it runs; ``generate`` the generator.
"""

from __future__ import annotations

import json
import logging
import numbers
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from gpnopt.cli.common import (
    EXIT_INVALID,
    EXIT_USAGE,
    AllowImportsOpt,
    DebugOpt,
    FileArg,
    ForceOpt,
    ForesightOpt,
    FormatOpt,
    LogFileOpt,
    NoParticipationOpt,
    ObjectiveOpt,
    QuietOpt,
    ScenarioFileOpt,
    ScenarioOpt,
    SeedOpt,
    SolverOpt,
    ThreadsOpt,
    VerboseOpt,
    check_out_dir,
    err,
    fail,
    foreign_files,
    load_instance,
    money,
    out,
    write_or_exit,
)
from gpnopt.cli.logs import setup_logging
from gpnopt.errors import GpnoptError, InstanceError, SolveError


def validate(
    path: FileArg,
    scenario: ScenarioOpt = None,
    scenario_file: ScenarioFileOpt = None,
    allow_imports_outside: AllowImportsOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
    log_file: LogFileOpt = None,
) -> None:
    """Check an instance without solving it: schema, references, scenarios, every period.

    Checks the schema, the references, the scenario and every period's data. Without --scenario, every scenario the file names is applied and checked too (and each override no scenario names, alone); --scenario base checks the file as written only."""
    from gpnopt.horizon_data import build_horizon_data
    from gpnopt.named_scenarios import scenario_problems

    setup_logging(verbose=verbose, quiet=quiet, log_file=log_file)
    checked = (0, 0)
    try:
        inst = load_instance(
            path, scenario, scenario_file, allow_imports_outside=allow_imports_outside
        )
        hdata = build_horizon_data(inst)
        if scenario is None:
            problems, lone, checked = scenario_problems(
                path, scenario_file or (), allow_imports_outside=allow_imports_outside
            )
            for line in lone:
                logging.getLogger("gpnopt.cli").warning(
                    "%s (applied alone; if it is meant only together with another override, "
                    "name a scenario that combines them)", line
                )
            if problems:
                raise InstanceError(problems)
    except GpnoptError as exc:
        raise fail(exc, debug) from None
    label = f" (scenario {scenario})" if scenario else ""
    named, lone = checked
    if named:
        label += f" and its {named} scenario{'s' if named > 1 else ''}"
    if lone:
        label += f"{' and' if not named else ','} {lone} override{'s' if lone > 1 else ''} alone"
    datas = list(hdata.data.values())
    lines = max(len(d.lines) for d in datas)
    sales = max(len(d.sales) for d in datas)
    flows = max(len(d.flows) for d in datas)
    span = ""
    if inst.periods:
        h = hdata.horizon
        span = (
            f"{len(h.ids)} periods ({h.start[h.ids[0]]}-{h.end_year - 1}, NPV at "
            f"{inst.finance.discount_rate:.0%}), "
        )
    most = " (the most in any period)" if len(datas) > 1 else ""
    out.print(
        f"[green]valid[/]: {path}{label}: {span}{len(inst.plants)} plants, "
        f"{len(inst.products)} products, {len(inst.components)} components, "
        f"{len(inst.markets)} markets, {lines} lines, {sales} sales arcs, {flows} flow "
        f"arcs{most}, {len(inst.expectations)} expectations"
    )


def solve(
    path: FileArg,
    scenario: ScenarioOpt = None,
    objective: ObjectiveOpt = None,
    no_participation: NoParticipationOpt = False,
    foresight: ForesightOpt = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output folder: summary.json and the result tables (see --format).",
        ),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", min=0, help="Seconds HiGHS may run."),
    ] = None,
    mip_gap: Annotated[
        float | None,
        typer.Option("--mip-gap", min=0, max=1, help="Relative MIP gap to stop at (default 1e-6)."),
    ] = None,
    threads: ThreadsOpt = None,
    solver: SolverOpt = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print summary.json to standard output; on failure a JSON error object "
            "(status, exit_code, message, problems).",
        ),
    ] = False,
    plots_dir: Annotated[
        Path | None,
        typer.Option(
            "--plots",
            help="Write the network and specialization pictures (PNG), index.html and the "
            "interactive report.html here (a multi-period instance: timeline.png and each "
            "period's network-<period>.png, specialization-<period>.png); a folder other "
            "than --out.",
        ),
    ] = None,
    scenario_file: ScenarioFileOpt = None,
    table_format: FormatOpt = "csv",
    allow_imports_outside: AllowImportsOpt = False,
    force: ForceOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
    log_file: LogFileOpt = None,
) -> None:
    """Solve an instance: print a summary, optionally write the result tables.

    With --verbose the solver's log shows its progress (incumbent, bound, gap, time) on standard error while it runs.
    """
    import gpnopt

    setup_logging(verbose=verbose, quiet=quiet, log_file=log_file)
    if (out_dir is not None and plots_dir is not None
            and os.path.realpath(out_dir) == os.path.realpath(plots_dir)):
        # each output folder holds one run's files: the pictures would remove the tables
        err.print(f"[bold red]usage:[/] --plots {plots_dir}: give a folder other than --out")
        raise typer.Exit(EXIT_USAGE)
    if as_json:
        for folder in (out_dir, plots_dir):
            refused = [] if folder is None or force else foreign_files(folder)
            if refused:
                _json_error(
                    "error",
                    1,
                    f"{folder} holds files gpnopt did not write ({', '.join(refused[:5])}); "
                    "choose another folder or pass --force",
                )
    check_out_dir(out_dir, force)
    check_out_dir(plots_dir, force)
    try:
        inst = load_instance(
            path, scenario, scenario_file, allow_imports_outside=allow_imports_outside
        )
        result = gpnopt.solve(
            inst,
            objective=objective,
            time_limit=time_limit,
            mip_gap=mip_gap,
            threads=threads,
            scenario=scenario,
            participation=not no_participation,
            foresight=foresight,
            solver=solver,
        )
    except GpnoptError as exc:
        if as_json:
            _print_json_error(exc)
        raise fail(exc, debug) from None
    if out_dir is not None:
        formats = table_format.split(",")
        _write(out_dir, lambda: result.write(out_dir, formats=formats), as_json)
    if plots_dir is not None:
        from gpnopt.cli.report import plots_for

        _write(plots_dir, lambda: plots_for(inst, result, plots_dir), as_json)
    if as_json:
        sys.stdout.write(json.dumps(result.summary(), indent=2) + "\n")
        return
    print_summary(result, inst)
    if out_dir is not None:
        out.print(f"\nTables written to {out_dir}/")
    if plots_dir is not None:
        out.print(f"Pictures written to {plots_dir}/")


def _json_error(status: str, code: int, message: str, problems: list[str] | None = None) -> None:
    """Print a JSON error object for ``solve --json`` and exit with ``code``."""
    sys.stdout.write(json.dumps(
        {"status": status, "exit_code": code, "message": message, "problems": problems or [message]},
        indent=2,
    ) + "\n")
    err.print("[bold red]error:[/] ", end="")
    err.print(message, markup=False)
    raise typer.Exit(code)


def _print_json_error(exc: GpnoptError) -> None:
    """The JSON error object of a failed load or solve (the message follows on stderr)."""
    if isinstance(exc, SolveError):
        status, code = exc.status, exc.exit_code
    else:
        status, code = "invalid", EXIT_INVALID
    problems = exc.problems if isinstance(exc, InstanceError) else [str(exc)]
    payload = {"status": status, "exit_code": code, "message": str(exc), "problems": problems}
    sys.stdout.write(json.dumps(payload, indent=2) + "\n")


def _write(target: Path, write: Any, as_json: bool) -> None:  # noqa: FBT001
    """:func:`write_or_exit`; with ``--json`` a failed write also prints a JSON error."""
    try:
        write_or_exit(target, write)
    except typer.Exit as exc:
        if as_json:
            payload = {
                "status": "error",
                "exit_code": exc.exit_code,
                "message": f"cannot write to {target}",
                "problems": [f"cannot write to {target}"],
            }
            sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        raise


def generate(
    out_file: Annotated[Path, typer.Argument(help="YAML file to write.", show_default=False)],
    seed: SeedOpt = 0,
    countries: Annotated[int, typer.Option("--countries", min=1, max=250, help="Countries.")] = 6,
    firms: Annotated[int, typer.Option("--firms", min=1, max=10_000, help="Firms.")] = 3,
    plants: Annotated[int, typer.Option("--plants", min=1, max=100_000, help="Plants.")] = 12,
    products: Annotated[int, typer.Option("--products", min=1, max=100_000, help="Products.")] = 8,
    components: Annotated[int, typer.Option("--components", min=1, max=100_000, help="Components.")] = 10,
    suppliers: Annotated[int, typer.Option("--suppliers", min=0, max=100_000, help="Supplier pools.")] = 20,
    markets: Annotated[
        int, typer.Option("--markets", min=1, max=100_000, help="Markets drawn (one no channel reaches is left out).")
    ] = 20,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT_FILE if it exists.")] = False,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
    log_file: LogFileOpt = None,
) -> None:
    """Write a seeded synthetic instance (feasible by construction) for tests and benchmarks."""
    from gpnopt.generate import generate as make
    from gpnopt.generate import write_instance

    setup_logging(verbose=verbose, quiet=quiet, log_file=log_file)
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
    write_or_exit(out_file, lambda: write_instance(raw, out_file))
    left_out = raw["notes"].get("markets_left_out", [])
    more = f" ({len(left_out)} drawn that no channel could reach left out)" if left_out else ""
    out.print(f"wrote {out_file}: {len(raw['plants'])} plants, {len(raw['markets'])} markets{more}")


# --- the printed summary ----------------------------------------------------------------------


def print_summary(result: Any, instance: Any = None) -> None:
    """Print a readable summary of a Result (with the roles when ``instance`` is given); a
    multi-period Result: the periods, the net present value by firm, the timeline, then
    each period's network."""
    multi = not getattr(result, "single", True)
    value = "net present value" if multi else "profit"
    head = f"[bold]{result.instance}[/] scenario [bold]{result.scenario}[/], objective {result.objective_mode}"
    out.print(head)
    if result.status == "optimal":
        out.print(
            f"status [green]optimal[/] (gap {result.mip_gap:.2g}), {value} {money(result.objective)}"
        )
    else:
        out.print(
            f"status [yellow]feasible, not proven optimal[/] ({result.highs_status}): {value} "
            f"{money(result.objective)}, bound {money(result.bound)}, gap {result.mip_gap:.2%}"
        )
    t = result.seconds
    out.print(
        f"time: build {t.get('build', 0):.2f} s, solve {t.get('solve', 0):.2f} s, "
        f"total {t.get('total', 0):.2f} s"
    )
    if multi:
        from gpnopt.cli.periods import print_periods

        print_periods(result, instance, _print_period)
    else:
        _print_period(result, instance)
    if result.expectations:
        _print_expectations(result.expectations)


def _print_period(result: Any, instance: Any = None) -> None:
    """Profits, decisions, technicians and roles of a one-period Result (or of one period's
    view of a multi-period one)."""
    _print_profits(result)
    _print_decisions(result)
    for r in _rows(result, "technicians"):
        line = f"technicians of {r.firm}: {r.used:g} of {r.pool:g} used"
        if r.locals or r.hired or r.cost or r.available != r.pool:  # family 18
            line = (f"technicians of {r.firm}: {r.used:g} needed, {r.expatriates:g} "
                    f"expatriates of {r.available:g} available ({r.hired:g} hired), "
                    f"{r.locals:g} local managers, cost {r.cost:g}")
        out.print(line)
    _print_family_tables(result)
    if instance is not None and "specialization" in result.tables:
        _print_roles(result, instance)


def _print_family_tables(result: Any) -> None:
    """The economic families' own tables the Result has rows of (demand curves, expansions,
    discounts, taxes, transfer prices: ``gpnopt.results.families.FAMILY_TABLES``)."""
    from gpnopt.results.families import FAMILY_TABLES

    for family in FAMILY_TABLES:
        if family.name not in result.tables:
            continue
        shown = [c for c in family.columns if c != "period"]
        cols = _columns(_table(result, family.name), shown)
        if not cols or not cols[0][2]:
            continue
        table = Table(title=f"{family.name}: {family.doc}", title_justify="left")
        for c, numeric, _ in cols:
            table.add_column(c, justify="right" if numeric else "left")
        for row in zip(*(values for _, _, values in cols), strict=True):
            table.add_row(*(f"{v:,.4g}" if isinstance(v, float) else str(v) for v in row))
        out.print(table)


def _columns(table: Any, names: list[str]) -> list[tuple[str, bool, list[Any]]]:
    """Columns ``names`` of a DataFrame or of row dicts: (name, numeric, values), the values
    as a DataFrame's rows give them (a numeric column holding a float or a missing value is
    a float column: every value a float, missing ones NaN)."""
    if hasattr(table, "columns"):
        return [(c, table[c].dtype.kind in "fi", table[c].tolist()) for c in names]
    cols = []
    for c in names:
        values = [r[c] for r in table]
        present = [v for v in values if v is not None]
        numeric = bool(present) and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in present
        )
        if numeric and (len(present) < len(values) or any(isinstance(v, float) for v in present)):
            values = [float("nan") if v is None else float(v) for v in values]
        cols.append((c, numeric, values))
    return cols


def _table(result: Any, name: str) -> Any:
    """Table ``name`` of ``result``: its rows (dicts) while the Result's tables have not made
    its DataFrame (:class:`gpnopt.results.tables.Tables`), else the DataFrame."""
    from gpnopt.results.tables import Tables

    tables = result.tables
    if isinstance(tables, Tables) and tables.pending(name):
        return tables.rows(name)
    return tables[name]


def _rows(result: Any, name: str) -> list[Any]:
    """The rows of table ``name``, each read by attribute (``r.plant``), without making a
    DataFrame the Result has not made yet (so the summary needs no pandas)."""
    from gpnopt.results.tables import table_records

    return table_records(_table(result, name))


def _print_profits(result: Any) -> None:
    """Profit by firm, by plant, and of the channels and offices."""
    firms = Table(title="Profit by firm (equity-weighted)", title_justify="left")
    firms.add_column("firm")
    firms.add_column("profit", justify="right")
    for f, v in result.firm_profit.items():
        firms.add_row(f, money(v))
    out.print(firms)

    plants = Table(title="Profit by plant", title_justify="left")
    for c in ("plant", "country", "open", "revenue", "cost", "profit"):
        plants.add_column(c, justify="right" if c in ("revenue", "cost", "profit") else "left")
    for r in _rows(result, "plant_profit"):
        plants.add_row(
            r.plant, r.country, "yes" if r.open else "no", money(r.revenue), money(r.cost), money(r.profit)
        )
    out.print(plants)

    ch = _rows(result, "channel_profit")
    if ch:
        chan = Table(title="Channels and offices", title_justify="left")
        for c in ("channel", "open", "units", "profit"):
            chan.add_column(c, justify="right" if c in ("units", "profit") else "left")
        for r in ch:
            chan.add_row(r.channel, "yes" if r.open else "no", f"{r.quantity:g}", money(r.profit))
        out.print(chan)


def _print_decisions(result: Any) -> None:
    """Who makes what for whom, make or buy, and component flows between plants."""
    prod = Table(title="Who makes what for whom (units)", title_justify="left")
    for c in ("plant", "product", "tier", "market", "channel", "units"):
        prod.add_column(c, justify="right" if c == "units" else "left")
    for r in _rows(result, "production"):
        prod.add_row(r.plant, r.product, r.tier, r.market, r.channel, f"{r.quantity:g}")
    out.print(prod)

    mob = _rows(result, "make_or_buy")
    if mob:
        mk = Table(title="Make or buy", title_justify="left")
        for c in ("plant", "component", "in-house", "units"):
            mk.add_column(c, justify="right" if c == "units" else "left")
        for r in mob:
            mk.add_row(r.plant, r.component, "yes" if r.in_house else "no", f"{r.quantity:g}")
        out.print(mk)

    flows = _rows(result, "component_flows")
    if flows:
        ft = Table(title="Component flows between plants (units)", title_justify="left")
        for c in ("component", "from", "to", "units"):
            ft.add_column(c, justify="right" if c == "units" else "left")
        inter = [r for r in flows if r.source_type == "plant" and r.source != r.destination]
        for r in inter:
            ft.add_row(r.component, r.source, r.destination, f"{r.quantity:g}")
        if len(inter):
            out.print(ft)


def _print_roles(result: Any, instance: Any) -> None:
    """The plants' roles and the specialization indices by firm and by country."""
    from gpnopt.analysis.specialization import (
        format_indices,
        format_roles,
        index_rows,
    )

    out.print("\n[bold]Plant roles[/] (H: horizontal index; VS: Hummels-Ishii-Yi vertical "
              "specialization; see docs/specialization.md)")
    for line in format_roles(_table(result, "specialization")):
        out.print(line, markup=False)
    for level in ("firm", "country"):
        out.print(f"\n[bold]Indices by {level}[/]")
        for line in format_indices(index_rows(instance, result, level), level):
            out.print(line, markup=False)


def _print_expectations(expectations: list[dict[str, Any]]) -> None:
    """Which expectations hold, and how many."""
    ex = Table(title="Expectations", title_justify="left")
    for c in ("", "id", "description", "detail"):
        ex.add_column(c)
    for e in expectations:
        mark = "[green]holds[/]" if e["holds"] else "[red]FAILS[/]"
        desc = e["description"] + ("" if e["expected"] else " (expected not to)")
        ex.add_row(mark, e["id"], desc, e["detail"])
    out.print(ex)
    held = sum(e["holds"] for e in expectations)
    out.print(f"{held} of {len(expectations)} expectations hold")
