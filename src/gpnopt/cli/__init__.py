"""The ``gpnopt`` command line: thin, calling the public API and mapping errors to exit codes.

Exit codes: 0 solved (optimal, or feasible at a limit, said clearly); 1 invalid instance or
scenario, or an output folder refused or unwritable, or a closed output pipe; 2 usage error;
3 infeasible; 4 no solution found (time limit, solver failure); 130 interrupted.
Pyomo is imported only by commands that solve.

This package creates :data:`app` (the ``gpnopt`` console script, also ``python -m gpnopt``)
and registers the commands, one module per group:

* :mod:`gpnopt.cli.solve`: ``validate``, ``solve``, ``generate`` and :func:`print_summary`;
* :mod:`gpnopt.cli.compare`: ``compare`` and :func:`print_comparison`;
* :mod:`gpnopt.cli.report`: ``report`` (pictures) and ``plots_for``;
* :mod:`gpnopt.cli.sweep`: ``sweep``, its progress bar and ``print_sweep``;
* :mod:`gpnopt.cli.sensitivity`: ``sensitivity`` (SALib, grouped by provenance) and
  ``print_sensitivity``;
* :mod:`gpnopt.cli.alliance`: ``alliance`` (coalitions, allocations, frontier);
* :mod:`gpnopt.cli.explain`: ``explain`` (decisions, thresholds, waterfalls);
* :mod:`gpnopt.cli.robust`: ``robust`` (one design across sampled scenarios, SAA bounds);
* :mod:`gpnopt.cli.schema`: ``schema`` (the JSON Schema and the field reference);
* :mod:`gpnopt.cli.logs`: ``-v/--verbose``, ``-q/--quiet`` and ``--log-file`` (logging);
* :mod:`gpnopt.cli.common`: the consoles, exit codes, shared options, error mapping,
  instance loading, output-folder checks and cell formatting.

Each module imports only typer, rich and :mod:`gpnopt.errors` at first; the engine loads
when a command runs, so ``gpnopt --help`` and ``gpnopt validate`` stay light.
"""

from __future__ import annotations

from typing import Annotated

import typer

from gpnopt import __version__
from gpnopt.cli import alliance, compare, explain, report, robust, schema, sensitivity, solve, sweep
from gpnopt.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_INVALID,
    EXIT_NO_SOLUTION,
    err,
    foreign_files,
    out,
)
from gpnopt.cli.compare import print_comparison
from gpnopt.cli.logs import command
from gpnopt.cli.solve import print_summary

__all__ = [
    "EXIT_INFEASIBLE",
    "EXIT_INVALID",
    "EXIT_NO_SOLUTION",
    "app",
    "err",
    "foreign_files",
    "main",
    "out",
    "print_comparison",
    "print_summary",
    "run",
]

app = typer.Typer(
    name="gpnopt",
    help=(
        "Global production network design as a mixed-integer program (Pyomo + HiGHS).\n\n"
        "Exit codes: 0 solved, 1 invalid instance or a refused output folder, 2 usage error, "
        "3 infeasible, 4 no solution found, 130 interrupted."
    ),
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


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


# the commands, in the order ``gpnopt --help`` lists them
# (each wrapped by logs.command, so that its -v/-q/--log-file set-up ends with it)
app.command()(command(solve.validate))
app.command()(command(solve.solve))
app.command()(command(compare.compare))
app.command()(command(solve.generate))
app.command()(command(report.report))
app.command(name="sweep")(command(sweep.sweep))
app.command()(command(schema.schema))
app.command(name="alliance")(command(alliance.alliance))
app.command(name="explain")(command(explain.explain))
app.command(name="robust")(command(robust.robust))
app.command(name="sensitivity")(command(sensitivity.sensitivity))


def run() -> None:  # pragma: no cover - console-script entry for python -m
    """Entry point for ``python -m gpnopt``."""
    app()
