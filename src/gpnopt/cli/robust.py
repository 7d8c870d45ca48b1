"""``gpnopt robust``: one design across sampled scenarios, with SAA bounds.

Registered by :mod:`gpnopt.cli` as ``app.command(name="robust")(robust.robust)``. Kept light:
the engine (:mod:`gpnopt.robust`, pandas, Pyomo) is imported when the command runs.

Exit codes: 0 done, 1 invalid instance or scenario (a multi-period instance, a firm's
objective, a refused output folder), 2 usage error (a bad --risk, --first-stage or
--perturb, a pattern that matches nothing, counts out of range), 3 the mean-value scenario
is infeasible, 4 no replication could be solved.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from gpnopt.cli.common import (
    EXIT_USAGE,
    AllowImportsOpt,
    DebugOpt,
    FileArg,
    ForceOpt,
    FormatOpt,
    LogFileOpt,
    MipGapPerSolveOpt,
    QuietOpt,
    SeedOpt,
    TimeLimitPerSolveOpt,
    VerboseOpt,
    check_out_dir,
    err,
    error_exit,
    fail,
    money,
    out,
    write_or_exit,
)
from gpnopt.cli.logs import setup_logging

SamplesOpt = Annotated[
    int,
    typer.Option("--samples", "-n", max=100_000, help="N: sampled scenarios per replication."),
]
ReplicationsOpt = Annotated[
    int,
    typer.Option(
        "--replications", "-m", max=10_000, help="M: independent replications of N scenarios."
    ),
]
EvaluateOpt = Annotated[
    int, typer.Option("--evaluate", "-k", max=10_000_000, help="K: fresh draws the candidate "
                      "designs are evaluated on (second stage only).")
]
PerturbOpt = Annotated[
    list[str] | None,
    typer.Option("--perturb", "-p", help="Noise PATTERN:DIST:SCALE[:shared] (repeatable), as "
                 "for gpnopt sweep; default every cost and price +-20% uniform."),
]
FirstStageOpt = Annotated[
    str | None,
    typer.Option("--first-stage", help="First-stage families, comma-separated: plants, lines, "
                 "in_house, channels, offices, expansions (default all)."),
]
RiskOpt = Annotated[
    str | None,
    typer.Option("--risk", help="cvar:ALPHA:WEIGHT: maximise (1-WEIGHT)*E[profit] + "
                 "WEIGHT*CVaR, the mean profit of the worst (1-ALPHA) of the scenarios."),
]
ScenarioOpt = Annotated[
    str | None,
    typer.Option("--scenario", "-s", help="Scenario or override names (comma-separated)."),
]
ScenarioFileOpt = Annotated[
    list[Path] | None,
    typer.Option("--scenario-file", help="YAML file with more overrides and scenarios."),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", "-w", min=1, help="Local worker processes (HiGHS on one thread "
                 "each; default 1). The numbers do not depend on it."),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786): solve there."),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Output folder: robust.json, robust.html and the tables "
                 "replications, candidates, designs, evaluation, expectations, roles."),
]
NoWaitAndSeeOpt = Annotated[
    bool, typer.Option("--no-evpi", help="Do not solve each evaluation draw on its own "
                       "(no EVPI; about a third faster).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print robust.json to standard output.")]


def robust(
    path: FileArg,
    samples: SamplesOpt = 50,
    replications: ReplicationsOpt = 10,
    evaluate: EvaluateOpt = 500,
    perturb: PerturbOpt = None,
    first_stage: FirstStageOpt = None,
    risk: RiskOpt = None,
    scenario: ScenarioOpt = None,
    scenario_file: ScenarioFileOpt = None,
    allow_imports_outside: AllowImportsOpt = False,
    seed: SeedOpt = 0,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    out_dir: OutOpt = None,
    table_format: FormatOpt = "csv",
    no_evpi: NoWaitAndSeeOpt = False,
    mip_gap: MipGapPerSolveOpt = None,
    time_limit: TimeLimitPerSolveOpt = None,
    as_json: JsonOpt = False,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
    log_file: LogFileOpt = None,
) -> None:
    """One network design across sampled scenarios (two-stage stochastic program), with bounds.

    Sample average approximation: M replications of N scenarios give the optimistic bound; the best candidate design evaluated on K fresh draws the pessimistic bound; the gap with its 95% interval, the value of the stochastic solution and of perfect information. See docs/uncertainty.md.
    """
    from gpnopt.errors import GpnoptError
    from gpnopt.robust import RobustError, RobustSpec, run_robust

    setup_logging(verbose=verbose, quiet=quiet, log_file=log_file)
    check_out_dir(out_dir, force)
    try:
        spec = RobustSpec.build(
            path, samples=samples, replications=replications, evaluate=evaluate,
            perturb=perturb or (), first_stage=first_stage, risk=risk, scenario=scenario,
            scenario_files=scenario_file or (), seed=seed, mip_gap=mip_gap,
            time_limit=time_limit, wait_and_see=not no_evpi,
            allow_imports_outside=allow_imports_outside,
        )
        with _Progress(enabled=not quiet and not as_json and err.is_terminal) as bar:
            run = run_robust(spec, workers=workers, scheduler=scheduler, progress=bar.update)
    except RobustError as exc:
        raise error_exit(str(exc), EXIT_USAGE, debug, label="usage") from None
    except GpnoptError as exc:
        raise fail(exc, debug) from None
    if out_dir is not None:
        write_or_exit(out_dir, lambda: _write(run, out_dir, table_format.split(",")))
    if as_json:
        from gpnopt.sweep.summary import jsonable

        sys.stdout.write(json.dumps(jsonable(run.summary), indent=2) + "\n")
        return
    if not quiet:
        print_robust(run)
    if out_dir is not None:
        out.print(f"\nFiles written to {out_dir}/")


def _write(run: Any, out_dir: Path, formats: list[str]) -> None:
    from gpnopt.plots.robust import robust_html

    run.write(out_dir, formats=tuple(formats), extra={"robust.html": robust_html(run)})


class _Progress:
    """A rich progress bar per stage (replications, evaluation); a no-op when disabled."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                                transient=True)
            self.bar.__enter__()
        return self

    def update(self, stage: str, done: int, total: int) -> None:
        if self.bar is None:
            return
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total, completed=done)
        else:
            self.bar.update(self.tasks[stage], completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def print_robust(run: Any) -> None:
    """The bounds, the design's differences from the mean-value design and the frequencies."""
    s, b = run.spec, run.bounds
    risk = f", risk {s.risk.text}" if s.risk is not None else ""
    out.print(f"[bold]robust design[/] {s.instance} scenario {s.scenario or 'base'}: "
              f"N = {s.samples}, M = {s.replications}, K = {s.evaluate}, seed {s.seed}{risk}")
    out.print(f"  first stage: {', '.join(s.first_stage)}; noise: "
              f"{', '.join(p.text for p in s.perturb)}", markup=False)
    t = Table(title="Bounds (objective: expected profit" + (" with CVaR" if s.risk else "")
              + ")", show_lines=False)
    for c in ("", "value", "95% interval"):
        t.add_column(c, justify="left" if not c else "right")
    rows = [("optimistic bound (SAA optima)", b["optimistic"]),
            ("pessimistic bound (robust design)", b["pessimistic"]),
            ("mean-value design", b["mean_value"]),
            ("gap U - L", b["gap"]), ("gap (replications, common draws)", b["gap_mrp"]),
            ("VSS", b["vss"])]
    if "evpi" in b:
        rows += [("wait-and-see", b["wait_and_see"]), ("EVPI", b["evpi"])]
    for name, est in rows:
        lo, hi = est["ci95"]
        t.add_row(name, money(est["value"] + 0.0), f"{money(lo + 0.0)} .. {money(hi + 0.0)}")
    out.print(t)
    g = b["gap_mrp"]
    out.print(f"  relative gap {_pct(g['relative'])} (95% up to {_pct(g['relative_ci95'][1])}); "
              f"U - L: {_pct(b['gap']['relative'])} (95% up to "
              f"{_pct(b['gap']['relative_ci95'][1])})")
    for key, what in (("pessimistic", "the robust design"), ("mean_value", "the mean-value design")):
        n_failed = b[key].get("failed", 0)
        if n_failed:
            out.print(f"  [yellow]{what} cannot operate (infeasible) on {n_failed} of "
                      f"{s.evaluate} evaluation draws[/]: its value is over the others; VSS "
                      f"compares the {b['vss']['draws']} draws both designs solve")
    diff = run.differing
    if diff.empty:
        out.print("  The robust design equals the mean-value design.")
    else:
        d = Table(title="Decisions where the robust design differs from the mean-value design")
        for c in ("decision", "robust", "mean value", "share of replications"):
            d.add_column(c)
        for r in diff.itertuples():
            d.add_row(r.key, f"{r.robust:g}", f"{r.mean_value:g}", _pct(r.replications))
        out.print(d)
    e = Table(title="Expectations out of sample (share of evaluation draws)")
    for c in ("expectation", "robust", "mean value", "own optimum"):
        e.add_column(c, justify="left" if c == "expectation" else "right")
    for r in run.tables["expectations"].itertuples():
        e.add_row(r.id, _pct(r.robust), _pct(r.mean_value),
                  "" if r.wait_and_see != r.wait_and_see else _pct(r.wait_and_see))
    out.print(e)
    roles = run.tables["roles"]
    r = Table(title="Plant roles out of sample (share of evaluation draws)")
    for c in ("plant", "role", "robust", "mean value", "own optimum"):
        r.add_column(c, justify="left" if c in ("plant", "role") else "right")
    for row in roles.itertuples():
        r.add_row(row.plant, row.role, _pct(row.robust), _pct(row.mean_value),
                  "" if row.wait_and_see != row.wait_and_see else _pct(row.wait_and_see))
    out.print(r)
