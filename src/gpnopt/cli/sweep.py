"""``gpnopt sweep``: Monte Carlo draws and grids, on local processes or a Dask cluster.

Registered by :mod:`gpnopt.cli` as ``app.command(name="sweep")(sweep.sweep)``. Kept light: the
engine (:mod:`gpnopt.sweep`, pandas, Pyomo) is imported when the command runs.

Exit codes: 0 done (draws that cannot be solved are counted, not errors), 1 invalid
instance or scenario, a Dask cluster that fails, or an output folder holding files gpnopt did
not write, 2 usage error (a bad --perturb, --grid or --pattern, a pattern that
matches nothing, an output folder holding another sweep), 130 interrupted (Ctrl-C,
SIGTERM or SIGHUP; re-run the same command to resume).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from gpnopt.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_USAGE,
    AllowImportsOpt,
    DebugOpt,
    FileArg,
    ForesightOpt,
    LogFileOpt,
    MipGapPerSolveOpt,
    SeedOpt,
    SolverOpt,
    TimeLimitPerSolveOpt,
    VerboseOpt,
    check_formats,
    err,
    error_exit,
    missing,
    money,
    out,
)
from gpnopt.cli.logs import setup_logging

if TYPE_CHECKING:
    from gpnopt.sweep import SweepPlan, SweepRun

# --- the options of ``gpnopt sweep`` (those it shares are in gpnopt.cli.common) ----------------

SamplesOpt = Annotated[
    int,
    typer.Option(
        "--samples",
        "-n",
        min=0,
        max=10_000_000,
        help="Monte Carlo draws per grid point (0: one plain draw per grid point). "
        "Without --perturb every cost and price gets +-20% uniform noise.",
    ),
]
PerturbOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--perturb",
        "-p",
        help="Noise PATTERN:DIST:SCALE[:shared] (repeatable): multiply every number whose "
        "dotted YAML path matches PATTERN (fnmatch, e.g. '*cost*', "
        "'plants.*.lines.*.unit_cost') by uniform:a U[1-a,1+a], normal:s 1+s*z (>=0) or "
        "lognormal:s exp(s*z); ':shared' draws one factor for all of them.",
    ),
]
GridOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--grid",
        "-g",
        help="Grid PATH=V1,V2,... (repeatable; the cartesian product of all): set the "
        "number(s) at PATH to each value, or scale them with x0.8,x1,x1.2.",
    ),
]
SweepScenarioOpt = Annotated[
    str | None,
    typer.Option("--scenario", "-s", help="Scenario or override names (comma-separated)."),
]
SweepScenarioFileOpt = Annotated[
    list[Path] | None,
    typer.Option("--scenario-file", help="YAML file with more overrides and scenarios."),
]
SweepObjectiveOpt = Annotated[
    str | None, typer.Option("--objective", help="alliance or firm:ID for every draw.")
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-w",
        min=1,
        help="Local worker processes (each builds the model once, HiGHS on one thread; a "
        "multi-period instance is built afresh for every draw); default: the CPUs (1 for "
        "fewer than 40 draws).",
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Dask scheduler address (tcp://host:8786): run the draws on that cluster.",
    ),
]
SweepOutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        help="Output folder (resumable; default out/sweep-<instance>-<spec hash>).",
    ),
]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Also write draws.csv.")]
SweepFormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        callback=check_formats,
        help="Formats of the draws table, comma-separated: parquet (draws.parquet, always "
        "written), csv (draws.csv, as --csv), xlsx (tables.xlsx: summary, draws, flips).",
    ),
]
PatternOpt = Annotated[
    str | None,
    typer.Option(
        "--pattern",
        help="Expectation ids (comma-separated) of a core pattern to report besides "
        "'every expectation'.",
    ),
]
ChunkOpt = Annotated[
    int | None,
    typer.Option("--chunk", min=1, help="Draws per Parquet part (default: about 40 parts)."),
]
SweepForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace a different sweep in the output folder.")
]
OverwriteOpt = Annotated[
    bool, typer.Option("--overwrite", hidden=True, help="Old spelling of --force.")
]
QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="No progress bar and no tables (the pattern share and files)."
    ),
]


def sweep(
    path: FileArg,
    samples: SamplesOpt = 0,
    perturb: PerturbOpt = None,
    grid: GridOpt = None,
    scenario: SweepScenarioOpt = None,
    scenario_file: SweepScenarioFileOpt = None,
    allow_imports_outside: AllowImportsOpt = False,
    objective: SweepObjectiveOpt = None,
    foresight: ForesightOpt = None,
    seed: SeedOpt = 0,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    out_dir: SweepOutOpt = None,
    csv: CsvOpt = False,
    table_format: SweepFormatOpt = "parquet",
    pattern: PatternOpt = None,
    chunk: ChunkOpt = None,
    mip_gap: MipGapPerSolveOpt = None,
    time_limit: TimeLimitPerSolveOpt = None,
    solver: SolverOpt = None,
    force: SweepForceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
    log_file: LogFileOpt = None,
    overwrite: OverwriteOpt = False,
) -> None:
    """Solve many draws of an instance (Monte Carlo and grids) and summarise them.

    Reports how often each expectation and plant role holds, profit distributions and, for grids, where decisions flip. Results in --out: draws.parquet (a row per draw), summary.json, flips.csv. See docs/sweep.md.
    """
    from gpnopt.errors import GpnoptError
    from gpnopt.sweep import SweepError, SweepSpec, run_sweep

    setup_logging(verbose=verbose, quiet=quiet, log_file=log_file)
    try:
        spec = SweepSpec.build(
            path,
            samples=samples,
            perturb=perturb or (),
            grid=grid or (),
            scenario=scenario,
            scenario_files=scenario_file or (),
            objective=objective,
            seed=seed,
            mip_gap=mip_gap,
            time_limit=time_limit,
            chunk=chunk,
            allow_imports_outside=allow_imports_outside,
            foresight=foresight,
            solver=solver,
        )
        ids = [p.strip() for p in pattern.split(",") if p.strip()] if pattern else None
        with _Progress(enabled=not quiet and err.is_terminal) as bar:
            run = run_sweep(
                spec,
                out_dir,
                workers=workers,
                scheduler=scheduler,
                overwrite=force or overwrite,
                csv=csv,
                formats=table_format.split(","),
                pattern=ids,
                progress=bar.update,
                on_start=None if quiet else _header(scheduler),
            )
    except SweepError as exc:
        raise error_exit(str(exc), EXIT_USAGE, debug, label="usage") from None
    except GpnoptError as exc:
        raise error_exit(str(exc), EXIT_INVALID, debug) from None
    except OSError as exc:
        err.print(f"[bold red]error:[/] {exc.strerror or exc}: {getattr(exc, 'filename', '')}")
        raise typer.Exit(EXIT_INVALID) from None
    if run.interrupted:
        err.print(
            f"[yellow]interrupted:[/] {len(run.table)} of {run.total} draws are in {run.out}/; "
            "run the same command again to resume"
        )
        raise typer.Exit(EXIT_INTERRUPTED)
    print_sweep(run, quiet=quiet)


class _Progress:
    """A rich progress bar with ETA over draws (a no-op when disabled)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("draws"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )
            self.bar.__enter__()
        return self

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            return
        if self.task is None:
            self.task = self.bar.add_task("sweep", total=total, completed=done)
        else:
            self.bar.update(self.task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _header(scheduler: str | None) -> Any:
    def on_start(plan: SweepPlan, done: int, n_workers: int) -> None:
        spec = plan.spec
        parts = []
        if spec.grid:
            parts.append(f"{plan.n_points} grid points")
        if spec.samples:
            parts.append(f"{spec.samples} samples" + (" per point" if spec.grid else ""))
        out.print(
            f"[bold]sweep[/] {spec.instance} scenario {spec.scenario or 'base'}: "
            f"{plan.total} draws ({', '.join(parts)}), seed {spec.seed}"
        )
        for p, places in zip(spec.perturb, plan.perturb_places, strict=True):
            out.print(f"  noise {p.text} on {len(places)} number{'s' * (len(places) != 1)}",
                      markup=False)
        for a, places in zip(spec.grid, plan.grid_places, strict=True):
            out.print(f"  grid  {a.text} ({len(places)} place{'s' * (len(places) != 1)})",
                      markup=False)
        where = (
            f"Dask cluster {scheduler}" if scheduler else
            f"{n_workers} local process{'es' * (n_workers != 1)}" if n_workers > 1 else
            "this process"
        )
        if done >= plan.total:
            out.print(f"  all {plan.total} draws are already done (resumed): nothing to solve")
        elif done:
            out.print(f"  resuming: {done} of {plan.total} draws already done; "
                      f"solving the rest on {where}")
        else:
            out.print(f"  solving on {where} (HiGHS on one thread per worker)")

    return on_start


def _pct(x: Any) -> str:
    return "-" if missing(x) else f"{100 * x:.1f}%"


def _value(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def print_sweep(run: SweepRun, *, quiet: bool = False) -> None:
    """Print a sweep's summary: pattern, expectations, roles, profits, decisions, flips."""
    s = run.summary
    statuses = ", ".join(f"{k} {v}" for k, v in s.get("status", {}).items())
    if run.computed:
        out.print(
            f"solved {run.computed} draws in {run.seconds:.1f} s "
            f"({run.draws_per_second:.1f} draws/s); {s['draws']} draws in the table: {statuses}"
        )
    else:
        out.print(f"{s['draws']} draws in the table: {statuses}")
    n_exp = len(s.get("expectations", []))
    if n_exp:
        out.print(
            f"[bold]The pattern (all {n_exp} expectation{'s' * (n_exp != 1)}) holds in "
            f"{_pct(s['pattern'])} "
            f"of {s['solved']} solved draws.[/]"
        )
    core = s.get("core_pattern")
    if core:
        out.print(f"[bold]Core pattern ({', '.join(core['ids'])}) holds in "
                  f"{_pct(core['share'])}.[/]")
    if not quiet:
        _print_tables(s)
        _print_flips(run)
    out.print(f"Files in {run.out}/: " + ", ".join(p.name for p in run.files))


def _print_tables(s: dict[str, Any]) -> None:
    """The summary's tables: expectations, plant roles, profits, decisions that vary."""
    if s.get("expectations"):
        t = Table(title="Expectations (share of solved draws holding)", title_justify="left")
        t.add_column("share", justify="right")
        t.add_column("id")
        t.add_column("description")
        for e in s["expectations"]:
            t.add_row(_pct(e["share"]), e["id"], e["description"])
        out.print(t)
    roles = s.get("roles", {})
    if roles:
        kinds = [k for k in ("horizontal", "vertical", "both", "none", "closed")
                 if any(k in r for r in roles.values())]
        t = Table(title="Plant roles (share of solved draws)", title_justify="left")
        t.add_column("plant@period" if s.get("periods") else "plant")
        for k in kinds:
            t.add_column(k, justify="right")
        for p, r in roles.items():
            t.add_row(p, *[_pct(r.get(k, 0.0)) if r.get(k) else "" for k in kinds])
        out.print(t)
    profits = s.get("profits", {})
    if profits:
        title = "Profit distributions" + (" (net present values)" if s.get("periods") else "")
        t = Table(title=title, title_justify="left")
        for c in ("", "mean", "std", "p5", "p50", "p95"):
            t.add_column(c, justify="right" if c else "left")
        for name, st in profits.items():
            t.add_row(name, *[money(st[k]) for k in ("mean", "std", "p5", "p50", "p95")])
        out.print(t)
    dec = s.get("decisions", [])
    if dec:
        t = Table(title="Decisions that vary (share of solved draws with 1)",
                  title_justify="left")
        t.add_column("decision", overflow="fold")
        t.add_column("share", justify="right")
        for d in dec:
            t.add_row(d["column"], _pct(d["share"]))
        out.print(t)
    events = s.get("events", [])
    if events:
        t = Table(title="Timeline events (share of solved draws in which they happen)"
                  + (f", the first 40 of {len(events)}" if len(events) > 40 else ""),
                  title_justify="left")
        t.add_column("event@period", overflow="fold")
        t.add_column("share", justify="right")
        for e in events[:40]:
            t.add_row(e["event"], _pct(e["share"]))
        out.print(t)


def _print_flips(run: SweepRun) -> None:
    """Where decisions flip between neighbouring grid values (at most 30 rows)."""
    s = run.summary
    flips = s.get("flips", [])
    if flips:
        t = Table(title="Grid flips (between neighbouring values)", title_justify="left")
        for c in ("parameter", "between", "column", "change", "count"):
            t.add_column(c, justify="right" if c == "count" else "left", overflow="fold")
        for f in flips[:30]:
            t.add_row(
                f["parameter"].removeprefix("grid."),
                f"{_value(f['from_value'])} -> {_value(f['to_value'])}",
                f["column"],
                f"{f['before']} -> {f['after']}",
                str(f["count"]),
            )
        out.print(t)
        if len(flips) > 30:
            out.print(f"... {len(flips) - 30} more in flips.csv")
    elif run.flips is not None and s.get("points"):
        out.print("No decision flips between neighbouring grid values.")
