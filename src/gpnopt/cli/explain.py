"""``gpnopt explain``: why each decision was taken, and what it would take to change it.

Registered by :mod:`gpnopt.cli`; the explainer (and Pyomo) load when the command runs.
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
    ObjectiveOpt,
    QuietOpt,
    ScenarioFileOpt,
    ScenarioOpt,
    SolverOpt,
    ThreadsOpt,
    VerboseOpt,
    check_out_dir,
    err,
    error_exit,
    fail,
    load_instance,
    out,
    write_or_exit,
)
from gpnopt.cli.logs import setup_logging
from gpnopt.errors import GpnoptError, InstanceError


def explain(
    path: FileArg,
    scenario: ScenarioOpt = None,
    objective: ObjectiveOpt = None,
    decision: Annotated[
        list[str] | None,
        typer.Option(
            "--decision",
            "-d",
            help="A decision to explain (repeatable): plant:P, line:P:I, in_house:P:K, "
            "channel:H, office:O, flow:K:S:D, serves:P:M, expectation:ID.",
        ),
    ] = None,
    all_decisions: Annotated[
        bool,
        typer.Option("--all", help="Explain every binary decision and every expectation."),
    ] = False,
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="A parameter whose threshold is searched (repeatable): a dotted YAML path "
            "(plants.CN_FT.fixed_cost) or a pattern (plants.*.lines.*.fixed_cost; * also "
            "crosses dots); default: each decision's own costs with the largest share of the "
            "profit.",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output folder: explain.csv (see --format), explain.md, explain.json, the "
            "other tables and a waterfall picture per decision.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print explain.json to standard output.")
    ] = False,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0, help="Seconds per solve.")
    ] = None,
    threads: ThreadsOpt = None,
    solver: SolverOpt = None,
    scenario_file: ScenarioFileOpt = None,
    table_format: FormatOpt = "csv",
    allow_imports_outside: AllowImportsOpt = False,
    force: ForceOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
    log_file: LogFileOpt = None,
) -> None:
    """Explain decisions of the optimum: forced alternative, obstacles, flip thresholds.

    For each decision: the forced alternative, what stands in the way, and the threshold that flips it, in a sentence."""
    if not decision and not all_decisions:
        msg = "give --decision NAME (repeatable) or --all"
        raise error_exit(msg, EXIT_USAGE)
    setup_logging(verbose=verbose, quiet=quiet, log_file=log_file)
    check_out_dir(out_dir, force)
    from gpnopt.explain import explain_instance

    try:
        if solver not in (None, "highs"):  # a kept HiGHS model: exit 2 for another solver
            from gpnopt.solver import require_highs

            require_highs(solver, "gpnopt explain")
        inst = load_instance(
            path, scenario, scenario_file, allow_imports_outside=allow_imports_outside
        )
        with _Progress(quiet or verbose or as_json) as step:
            explanation = explain_instance(
                inst,
                None if all_decisions else list(decision or ()),
                list(vary or ()),
                objective=objective,
                time_limit=time_limit,
                threads=threads,
                progress=step,
            )
    except InstanceError as exc:
        named = exc if str(path) in str(exc) else InstanceError(f"{path}: {exc}")
        raise fail(named, debug) from None
    except GpnoptError as exc:
        raise fail(exc, debug) from None
    if out_dir is not None:
        formats = table_format.split(",")
        write_or_exit(out_dir, lambda: _write(explanation, out_dir, formats))
    if as_json:
        sys.stdout.write(json.dumps(explanation.to_dict(), indent=2) + "\n")
        return
    _print(explanation)
    if out_dir is not None:
        out.print(f"written to {out_dir}")


def _write(explanation: Any, out_dir: Path, formats: list[str]) -> None:
    from gpnopt.explain import safe_name
    from gpnopt.plots import waterfall_figure
    from gpnopt.plots.files import png_bytes

    pictures = {
        f"waterfall_{safe_name(r.name)}.png": png_bytes(waterfall_figure(r))
        for r in explanation.reports
    }
    explanation.write(out_dir, formats=formats, extra=pictures)


class _Progress:
    """A Rich progress bar on standard error (off with --quiet or when not a terminal)."""

    def __init__(self, quiet: bool) -> None:
        self.bar = None
        if not quiet and err.is_terminal:
            from rich.progress import Progress

            self.bar = Progress(console=err, transient=True)
        self.task: Any = None

    def __enter__(self) -> Any:
        if self.bar is None:
            return None
        self.bar.start()
        self.task = self.bar.add_task("explaining", total=None)

        def step(name: str, done: int, total: int) -> None:
            self.bar.update(self.task, completed=done, total=total, description=name)

        return step

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _print(explanation: Any) -> None:
    table = Table(title=f"{explanation.instance}: objective {explanation.objective:,.1f}")
    for col in ("decision", "chosen", "alternative", "profit difference", "threshold"):
        table.add_column(col, justify="right" if col == "profit difference" else "left")
    for r in explanation.reports:
        t = next((t for t in r.thresholds if t["flips"]), None)
        diff = "-" if r.status != "feasible" else f"{r.profit_difference:+,.1f}"
        table.add_row(
            r.name, "yes" if r.chosen else "no", r.status, diff,
            "-" if t is None else f"{t['parameter']} x{t['factor']:.3g}",
        )
    out.print(table)
    for r in explanation.reports:
        out.print(f"[bold]{r.name}[/]: ", end="")
        out.print(r.sentence, markup=False)
