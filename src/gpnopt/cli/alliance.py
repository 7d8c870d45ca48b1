"""``gpnopt alliance``: coalition values, allocations, the core and the Pareto frontier.

Registered by :mod:`gpnopt.cli`; the solver loads when the command runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from gpnopt.cli.common import (
    AllowImportsOpt,
    DebugOpt,
    FileArg,
    ForceOpt,
    FormatOpt,
    LogFileOpt,
    MipGapPerSolveOpt,
    QuietOpt,
    ScenarioFileOpt,
    ScenarioOpt,
    SeedOpt,
    SolverOpt,
    ThreadsOpt,
    TimeLimitPerSolveOpt,
    VerboseOpt,
    check_out_dir,
    err,
    fail,
    load_instance,
    money,
    out,
    write_or_exit,
)
from gpnopt.cli.logs import setup_logging
from gpnopt.errors import GpnoptError


def _names(value: str | None) -> list[str] | None:
    return None if value is None else [s.strip() for s in value.split(",")]


def _firm_list(value: str | None, pair: bool) -> str | None:
    """Distinct, non-empty firm ids in ``value`` (two if ``pair``), else a usage error;
    whether they exist is the instance's check."""
    if value is None:
        return None
    names = _names(value) or []
    msg = None
    if any(not n for n in names):
        msg = f"{value!r}: an empty firm id; give ids separated by commas"
    elif len(set(names)) < len(names):
        msg = f"{value!r}: a firm named twice"
    elif pair and len(names) != 2:
        msg = f"{value!r}: give two firms, A,B"
    if msg is not None:
        raise typer.BadParameter(msg)
    return value


def _check_firms(value: str | None) -> str | None:
    """Typer callback of ``--firms``."""
    return _firm_list(value, pair=False)


def _check_frontier(value: str | None) -> str | None:
    """Typer callback of ``--frontier``: two firms."""
    return _firm_list(value, pair=True)


def alliance(
    path: FileArg,
    scenario: ScenarioOpt = None,
    firms: Annotated[
        str | None,
        typer.Option(
            "--firms",
            help="The firms of the game, comma-separated (default: all).",
            callback=_check_firms,
        ),
    ] = None,
    frontier: Annotated[
        str | None,
        typer.Option(
            "--frontier",
            help="Two firms A,B for the Pareto frontier (default: the first two).",
            callback=_check_frontier,
        ),
    ] = None,
    points: Annotated[
        int, typer.Option("--points", min=2, max=10_000, help="Points of the frontier (2 to 10,000).")
    ] = 20,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output folder (tables: see --format): alliance.csv, coalitions.csv, jv_shares.csv, frontier.csv, "
            "alliance.md, alliance.json and frontier.png here.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print alliance.json to standard output.")
    ] = False,
    samples: Annotated[
        int,
        typer.Option(
            "--samples",
            min=1,
            max=1_000_000,
            help="Random orders of the sampled Shapley value (> 10 firms).",
        ),
    ] = 200,
    seed: SeedOpt = 0,
    time_limit: TimeLimitPerSolveOpt = None,
    mip_gap: MipGapPerSolveOpt = None,
    threads: ThreadsOpt = None,
    solver: SolverOpt = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Solve the coalitions in this many processes."),
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
    """Alliance economics: v(S) of every coalition, Shapley, core, nucleolus, Nash, frontier."""
    import gpnopt

    setup_logging(verbose=verbose, quiet=quiet, log_file=log_file)
    check_out_dir(out_dir, force)
    try:
        if solver not in (None, "highs"):  # a kept HiGHS model: exit 2 for another solver
            from gpnopt.solver import require_highs

            require_highs(solver, "gpnopt alliance")
        inst = load_instance(
            path, scenario, scenario_file, allow_imports_outside=allow_imports_outside
        )
        show = not quiet and not verbose and not as_json and err.is_terminal
        with _Progress(enabled=show) as bar:
            analysis = gpnopt.alliance(
                inst,
                firms=_names(firms),
                frontier=_names(frontier),
                points=points,
                samples=samples,
                seed=seed,
                time_limit=time_limit,
                mip_gap=mip_gap,
                threads=threads,
                workers=workers,
                progress=bar.update,
            )
    except GpnoptError as exc:
        raise fail(exc, debug) from None
    if out_dir is not None:
        formats = table_format.split(",")
        write_or_exit(out_dir, lambda: _write(analysis, inst, out_dir, formats))
    if as_json:
        sys.stdout.write(json.dumps(analysis.summary(), indent=2) + "\n")
        return
    print_alliance(analysis)
    if out_dir is not None:
        out.print(f"\nFiles written to {out_dir}/")


def _write(analysis: Any, inst: Any, out_dir: Path, formats: list[str]) -> None:
    from gpnopt.plots import frontier_figure
    from gpnopt.plots.files import png_bytes

    extra = {}
    if analysis.pair:
        money_unit = inst.units.money if inst.units is not None else "money"
        extra["frontier.png"] = png_bytes(frontier_figure(analysis, money=money_unit))
    analysis.write(out_dir, formats=formats, extra=extra)


def print_alliance(analysis: Any) -> None:
    """Coalition values, allocations, the core's verdict and the frontier's marks."""
    scen = f" scenario [bold]{analysis.scenario}[/]" if analysis.scenario else ""
    out.print(
        f"[bold]{analysis.instance}[/]{scen}: alliance of {', '.join(analysis.players)}, "
        f"v(N) {money(analysis.core['grand_value'])} ({analysis.solves} solves)"
    )
    values = Table(title="Coalition values v(S)", title_justify="left")
    values.add_column("coalition")
    values.add_column("v(S)", justify="right")
    for _, row in analysis.coalitions.iterrows():
        values.add_row(str(row["coalition"]), money(row["value"]))
    out.print(values)
    alloc = analysis.allocations
    shares = [c for c in alloc.columns if not c.endswith("_payment")]
    payments = [c for c in alloc.columns if c.endswith("_payment")]
    for title, cols in (
        ("Allocations (equity-weighted profit)", shares),
        ("Side payments relative to the equity split", payments),
    ):
        table = Table(title=title, title_justify="left")
        table.add_column("firm")
        for col in cols:
            table.add_column(col.removesuffix("_payment").replace("_", " "), justify="right")
        for firm, row in alloc[cols].iterrows():
            table.add_row(str(firm), *(money(v) for v in row))
        out.print(table)
    core = analysis.core
    if core["equity_in_core"] is None:
        out.print("core: not checked (Shapley value sampled)")
    else:
        verdict = "[green]in the core[/]" if core["equity_in_core"] else "[red]not in the core[/]"
        out.print(
            f"equity split {verdict}; least-core epsilon {money(core['least_core_epsilon'])}"
            f"{' (the core is empty)' if core['core_empty'] else ''}"
        )
        for s, short in core["blocking"].items():
            out.print(f"  {s} gets {money(short)} less than on its own")
    if analysis.pair:
        marks = Table(title=f"Frontier {'-'.join(analysis.pair)}", title_justify="left")
        marks.add_column("mark")
        for f in analysis.players:
            marks.add_column(f, justify="right")
        for _, row in analysis.marks.iterrows():
            marks.add_row(str(row["mark"]), *(money(row[f]) for f in analysis.players))
        out.print(marks)


class _Progress:
    """A rich progress bar over the solves (a no-op when disabled)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=err,
                transient=True,
            )
            self.bar.__enter__()
        return self

    def update(self, done: int, total: int, label: str) -> None:
        if self.bar is None:
            return
        what = "frontier" if label.startswith("frontier") else "coalitions"
        if what not in self.tasks:
            self.tasks[what] = self.bar.add_task(what, total=total)
        self.bar.update(self.tasks[what], completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
