"""``gpnopt sensitivity``: global sensitivity (SALib) grouped by provenance, family or path.

Registered in :mod:`gpnopt.cli` as ``app.command(name="sensitivity")(sensitivity.sensitivity)``.
Kept light: the engine (:mod:`gpnopt.sensitivity`, SALib, pandas, Pyomo) is imported when the
command runs. Exit codes: 0 done, 1 invalid instance or scenario, a Dask cluster that fails,
an output folder holding files gpnopt did not write, 2 usage error (a bad --method, --group,
--samples or --perturb, a pattern matching nothing, a folder holding another study), 130
interrupted (re-run the same command to resume).
"""

from __future__ import annotations

import json
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
    LogFileOpt,
    MipGapPerSolveOpt,
    SeedOpt,
    TimeLimitPerSolveOpt,
    VerboseOpt,
    err,
    error_exit,
    out,
)
from gpnopt.cli.logs import setup_logging
from gpnopt.cli.progress import Steps
from gpnopt.cli.sweep import (
    SchedulerOpt,
    SweepObjectiveOpt,
    SweepScenarioFileOpt,
    SweepScenarioOpt,
    WorkersOpt,
)

if TYPE_CHECKING:
    from gpnopt.sensitivity import SensitivityRun, StudyDesign
    from gpnopt.sweep import SweepPlan

MethodOpt = Annotated[
    str,
    typer.Option("--method", "-m", help="morris (screening: elementary effects, mu*) or sobol "
                 "(variance: total-order indices ST)."),
]
SamplesOpt = Annotated[
    int | None,
    typer.Option("--samples", "-n", max=1_000_000, help="SALib's N: Morris trajectories (N x (groups + 1) "
                 "solves; default 10) or Sobol' base samples, a power of 2 (N x (groups + 2) "
                 "solves; default 64)."),
]
GroupOpt = Annotated[
    str,
    typer.Option("--group", "-g", help="Group the numbers by provenance (case, source, "
                 "assumed, unstated), family (line costs, market prices, ...) or path (each "
                 "number on its own)."),
]
RangeOpt = Annotated[
    list[str] | None,
    typer.Option("--perturb", "-p", help="Numbers and their range PATTERN:uniform:a "
                 "(repeatable): every number whose dotted path matches PATTERN ranges over "
                 "[1-a, 1+a] times its value. Default: '*cost*:uniform:0.2' and "
                 "'*price*:uniform:0.2'."),
]
LevelsOpt = Annotated[int, typer.Option("--levels", help="Morris grid levels (even).")]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Output folder (resumable; default "
                 "out/sensitivity-<instance>-<spec hash>)."),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace a different study in the output folder.")
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar and no table (the flagged outputs "
                       "and the files).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print sensitivity.json instead of tables.")]
TOP = 3
"""Groups shown per output in the table."""


def sensitivity(
    path: FileArg,
    method: MethodOpt = "morris",
    samples: SamplesOpt = None,
    group: GroupOpt = "provenance",
    perturb: RangeOpt = None,
    levels: LevelsOpt = 4,
    scenario: SweepScenarioOpt = None,
    scenario_file: SweepScenarioFileOpt = None,
    allow_imports_outside: AllowImportsOpt = False,
    objective: SweepObjectiveOpt = None,
    seed: SeedOpt = 0,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    out_dir: OutOpt = None,
    mip_gap: MipGapPerSolveOpt = None,
    time_limit: TimeLimitPerSolveOpt = None,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
    log_file: LogFileOpt = None,
) -> None:
    """Rank which groups of numbers move each conclusion (global sensitivity, SALib).

    Varies every cost and price (or the --perturb ranges) with a Morris or Sobol' design, solves each row on the sweep's workers, and ranks the groups (by provenance kind, family or path) by their effect on every expectation, the objective, firm profits and the specialization indices; flags conclusions that rest mostly on assumed numbers. Files in --out: sensitivity.json, indices.csv, factors.csv, draws/. See docs/uncertainty.md."""
    from gpnopt.errors import GpnoptError
    from gpnopt.sensitivity import SensitivitySpec, run_sensitivity
    from gpnopt.sweep import SweepError

    setup_logging(verbose=verbose, quiet=quiet or as_json, log_file=log_file)
    try:
        spec = SensitivitySpec.build(
            path, method=method, samples=samples, group=group, perturb=perturb or (),
            levels=levels, scenario=scenario, scenario_files=scenario_file or (),
            objective=objective, seed=seed, mip_gap=mip_gap, time_limit=time_limit,
            allow_imports_outside=allow_imports_outside,
        )
        with Steps("solves", enabled=not (quiet or as_json)) as bar:
            run = run_sensitivity(spec, out_dir, workers=workers, scheduler=scheduler,
                                  overwrite=force, progress=bar.update,
                                  on_start=None if quiet or as_json else _header)
    except SweepError as exc:
        raise error_exit(str(exc), EXIT_USAGE, debug, label="usage") from None
    except GpnoptError as exc:
        raise error_exit(str(exc), EXIT_INVALID, debug) from None
    except OSError as exc:
        err.print(f"[bold red]error:[/] {exc.strerror or exc}: {getattr(exc, 'filename', '')}")
        raise typer.Exit(EXIT_INVALID) from None
    if run.interrupted:
        err.print(f"[yellow]interrupted:[/] {len(run.sweep.table)} of {run.sweep.total} solves "
                  f"are in {run.out}/draws/; run the same command again to resume")
        raise typer.Exit(EXIT_INTERRUPTED)
    if as_json:
        out.print_json(json.dumps(json.loads(run.files[-1].read_text())))
        return
    print_sensitivity(run, quiet=quiet)


def _header(design: StudyDesign, plan: SweepPlan, done: int, n_workers: int) -> None:
    about = plan.design.about if plan.design is not None else {}
    kinds = ", ".join(f"{k} {n}" for k, n in _kinds(design).items() if n)
    out.print(f"[bold]sensitivity[/] {plan.spec.instance} scenario {plan.spec.scenario or 'base'}: "
              f"{about.get('method')} N={about.get('samples')}, {len(design.factors)} numbers "
              f"({kinds}) in {len(design.groups)} groups by {about.get('group')}: "
              f"{plan.total} solves")
    where = f"{n_workers} local process{'es' * (n_workers != 1)}" if n_workers > 1 else (
        "a Dask cluster" if n_workers == 0 else "this process")
    if done >= plan.total:
        out.print(f"  all {plan.total} solves are already done (resumed)")
    elif done:
        out.print(f"  resuming: {done} of {plan.total} solves done; the rest on {where}")
    else:
        out.print(f"  solving on {where} (HiGHS on one thread per worker)")


def _kinds(design: StudyDesign) -> dict[str, int]:
    from gpnopt.sensitivity import kind_counts

    return kind_counts(design.factors)


def _num(x: Any) -> str:
    if x is None or x != x:
        return "-"
    return f"{x:.3g}"


def print_sensitivity(run: SensitivityRun, *, quiet: bool = False) -> None:
    """Print the study: per output its first groups with their effects, the share of the
    effect from assumed numbers, and the flag."""
    s = run.summary
    out.print(f"solved {s['solved']} of {s['solves']} solves in {s['seconds']:.1f} s")
    if s["solved"] < s["solves"]:
        out.print(f"[yellow]{s['solves'] - s['solved']} rows have no solution or an invalid "
                  f"instance[/] (status and error in {run.out}/draws/draws.parquet): every "
                  "output has no indices; narrow --perturb (e.g. leave out learning steps)")
    metric = "mu*" if s["method"] == "morris" else "ST"
    if not quiet:
        t = Table(title=f"Effect ({metric}) of each group on each output, largest first",
                  title_justify="left")
        t.add_column("output", overflow="fold")
        for j in range(TOP):
            t.add_column(f"#{j + 1}", overflow="fold")
        t.add_column("from assumed", justify="right")
        t.add_column("")
        for o in s["outputs"]:
            ranked = [r for r in o["ranking"] if r["effect"] and r["effect"] > 0][:TOP]
            cells = [f"{r['group']} {_num(r['effect'])}" for r in ranked]
            cells += [""] * (TOP - len(cells))
            if not ranked:
                cells[0] = "(nothing moves it)" if o["total_effect"] == 0 else "(unsolved draws)"
            share = o["weak_share"]
            t.add_row(o["output"], *cells, "-" if share is None or share != share
                      else f"{100 * share:.0f}%", "[yellow]rests on assumed[/]"
                      if o["rests_on_assumed"] else "")
        out.print(t)
    flagged = s["rests_on_assumed"]
    out.print(f"{len(flagged)} of {len(s['outputs'])} outputs rest mostly (over "
              f"{100 * s['weak_share_flag']:.0f}% of their effect) on assumed or unstated numbers"
              + (f": {', '.join(flagged)}" if flagged and quiet else ""))
    out.print(f"Files in {run.out}/: " + ", ".join(p.name for p in run.files) + ", draws/")
