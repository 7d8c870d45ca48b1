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
    DebugOpt,
    FileArg,
    ForceOpt,
    ObjectiveOpt,
    ScenarioFileOpt,
    ScenarioOpt,
    check_out_dir,
    err,
    error_exit,
    fail,
    load_instance,
    out,
    write_or_exit,
)
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
            "(plants.CN_FT.fixed_cost) or a pattern (plants.*.fixed_cost); default: each "
            "decision's own costs with the largest share of the profit.",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write explain.csv, explain.md, explain.json, the other tables and a "
            "waterfall picture per decision here.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print explain.json to standard output.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar.")
    ] = False,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0, help="Seconds per solve.")
    ] = None,
    threads: Annotated[
        int | None, typer.Option("--threads", min=1, help="HiGHS threads.")
    ] = None,
    scenario_file: ScenarioFileOpt = None,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Explain decisions of the optimum: the forced alternative, what stands in the way,
    the threshold that flips each, in a sentence."""
    if not decision and not all_decisions:
        msg = "give --decision NAME (repeatable) or --all"
        raise error_exit(msg, EXIT_USAGE)
    check_out_dir(out_dir, force)
    from gpnopt.explain import explain_instance

    try:
        inst = load_instance(path, scenario, scenario_file)
        with _Progress(quiet) as step:
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
        write_or_exit(out_dir, lambda: _write(explanation, out_dir))
    if as_json:
        sys.stdout.write(json.dumps(explanation.to_dict(), indent=2) + "\n")
        return
    _print(explanation)
    if out_dir is not None:
        out.print(f"written to {out_dir}")


def _write(explanation: Any, out_dir: Path) -> None:
    from gpnopt.explain import safe_name
    from gpnopt.plots import save_figure, waterfall_figure

    explanation.write(out_dir)
    for r in explanation.reports:
        save_figure(waterfall_figure(r), out_dir / f"waterfall_{safe_name(r.name)}.png")


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
