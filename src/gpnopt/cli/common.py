"""What the commands of ``gpnopt`` share: consoles, exit codes, options, errors, files, cells.

* the two consoles (:data:`out` for results, :data:`err` for messages) and the exit codes;
* the options several commands take, as ``Annotated`` aliases (one help text each: an option
  whose help differs between commands is declared by its command's module);
* :func:`fail`, mapping a :class:`~gpnopt.errors.GpnoptError` to a message and an exit code;
* :func:`load_instance`, loading an instance and printing its warnings;
* the output-folder check (:func:`check_out_dir`, :func:`foreign_files`) and
  :func:`write_or_exit`, turning a failed write into exit code 1;
* the formatting of money and table cells.

Only typer and rich are imported here (and the light :mod:`gpnopt.errors`), so that
``gpnopt --help`` and ``gpnopt validate`` stay free of Pyomo.
"""

from __future__ import annotations

import logging
import math
import os
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from gpnopt.errors import GpnoptError, GpnoptWarning, SolveError

if TYPE_CHECKING:
    from gpnopt.schema import Instance

out = Console(highlight=False, soft_wrap=True)
"""Standard output: summaries and tables."""
err = Console(stderr=True, highlight=False, soft_wrap=True)
"""Standard error: errors, warnings, progress."""

EXIT_INVALID = 1
"""Invalid instance or scenario, an output folder that cannot be used or written."""
EXIT_USAGE = 2
"""Usage error (typer's own code for bad options)."""
EXIT_INFEASIBLE = 3
"""The instance has no feasible solution."""
EXIT_NO_SOLUTION = 4
"""No solution found (time limit, solver failure)."""
EXIT_INTERRUPTED = 130
"""A sweep interrupted (re-run the command to resume)."""


# --- options shared by several commands -------------------------------------------------------


def check_objective(value: str | None) -> str | None:
    """Typer callback of ``--objective``: ``alliance`` or ``firm:ID`` (else a usage error)."""
    if value is not None and value != "alliance" and not (
        value.startswith("firm:") and len(value) > 5
    ):
        msg = f"{value!r}: use alliance or firm:ID"
        raise typer.BadParameter(msg)
    return value


FORESIGHTS = ("perfect", "myopic")
"""The values of ``--foresight`` (gpnopt.solver.horizon.FORESIGHTS; the CLI does not import
the solver to check an option)."""


def check_foresight(value: str | None) -> str | None:
    """Typer callback of ``--foresight``: ``perfect`` or ``myopic`` (else a usage error)."""
    if value is not None and value not in FORESIGHTS:
        msg = f"{value!r}: use {' or '.join(FORESIGHTS)}"
        raise typer.BadParameter(msg)
    return value


SOLVERS = ("highs", "scip", "gurobi", "cplex", "cbc")
"""The values of ``--solver`` (gpnopt.solver.interfaces.SOLVERS, which says whether one is
installed when it is used; a test keeps the two equal)."""


def check_solver_name(value: str | None) -> str | None:
    """Typer callback of ``--solver``: a name of :data:`SOLVERS` (else a usage error)."""
    if value is not None and value.strip().lower() not in SOLVERS:
        msg = f"{value!r}: use one of {', '.join(SOLVERS)}"
        raise typer.BadParameter(msg)
    return None if value is None else value.strip().lower()


SolverOpt = Annotated[
    str | None,
    typer.Option(
        "--solver",
        callback=check_solver_name,
        help="highs (default, embedded), scip (pip install 'gpnopt\\[scip]'), or gurobi, "
        "cplex, cbc where installed (through Pyomo's interfaces); one not installed: exit 2.",
    ),
]

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
ScenarioFileOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--scenario-file",
        help="YAML file with more overrides and scenarios (repeatable).",
    ),
]
ObjectiveOpt = Annotated[
    str | None,
    typer.Option(
        "--objective",
        callback=check_objective,
        help="alliance (total profit) or firm:ID (that firm's equity-weighted profit); "
        "default: the instance's own.",
    ),
]
NoParticipationOpt = Annotated[
    bool,
    typer.Option(
        "--no-participation",
        help="With --objective firm:F, let F decide everything (default: every other firm "
        "gets at least its stand-alone value).",
    ),
]
ForesightOpt = Annotated[
    str | None,
    typer.Option(
        "--foresight",
        callback=check_foresight,
        help="Multi-period instances: perfect (one model over all periods, the default) or "
        "myopic (period by period, each period's decisions carried into the next).",
    ),
]
TimeLimitPerSolveOpt = Annotated[
    float | None, typer.Option("--time-limit", min=0, help="Seconds per solve.")
]
MipGapPerSolveOpt = Annotated[
    float | None, typer.Option("--mip-gap", min=0, max=1, help="Relative MIP gap per solve.")
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed.")]
ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="Write into --out even if it holds files gpnopt did not write."),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Show gpnopt's messages and the solver's log (HiGHS: presolve, then incumbent, "
        "bound, gap and time as it runs) on standard error.",
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Errors only on standard error: no warnings, progress or log."
    ),
]
LogFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--log-file",
        help="Append gpnopt's messages and the solver's log, with times, to this file.",
    ),
]


# --- errors -----------------------------------------------------------------------------------


def error_exit(message: str, code: int, debug: bool = False, *, label: str = "error") -> typer.Exit:
    """Print ``label: message`` on :data:`err` and return the Exit carrying ``code``.

    With ``debug``, the traceback of the exception being handled is printed first. The
    message is printed as it is (no rich markup), the label in bold red.
    """
    if debug:
        err.print(traceback.format_exc(), markup=False)
    err.print(f"[bold red]{label}:[/] ", end="")
    err.print(message, markup=False)
    return typer.Exit(code)


def fail(exc: GpnoptError, debug: bool) -> typer.Exit:
    """Print an error for a person and return the Exit carrying its code.

    A :class:`~gpnopt.errors.SolveError` is labelled with its status and exits with its own
    code (3 infeasible, 4 no solution); every other error exits with 1.
    """
    if isinstance(exc, SolveError):
        return error_exit(str(exc), exc.exit_code, debug, label=exc.status)
    return error_exit(str(exc), EXIT_INVALID, debug)


def load_instance(
    path: Path,
    scenario: str | None,
    scenario_files: list[Path] | None = None,
    *,
    allow_imports_outside: bool = False,
) -> Instance:
    """:func:`gpnopt.load`, printing each :class:`~gpnopt.errors.GpnoptWarning` on :data:`err`.

    Raises:
        GpnoptError: the instance or the scenario is invalid (see :func:`fail`).
    """
    import gpnopt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GpnoptWarning)
        inst = gpnopt.load(
            path,
            scenario=scenario,
            scenario_files=scenario_files or (),
            allow_imports_outside=allow_imports_outside,
        )
    for w in caught:
        if issubclass(w.category, GpnoptWarning):  # through logging: --quiet hides them
            logging.getLogger("gpnopt.cli").warning("%s: %s", path, w.message)
    return inst


MAX_THREADS = 4 * (os.cpu_count() or 1)
"""The most HiGHS threads ``--threads`` takes (four per CPU; more makes HiGHS abort)."""

ThreadsOpt = Annotated[
    int | None, typer.Option("--threads", min=1, max=MAX_THREADS, help="HiGHS threads.")
]


# --- output folders and files -----------------------------------------------------------------

def foreign_files(out_dir: Path) -> list[str]:
    """Entries of ``out_dir`` gpnopt did not write (not in its manifest, or changed since).

    Only the folder's own entries are read, and the subfolders its manifest names (see
    :func:`gpnopt.atomic.inspect_folder`).
    """
    from gpnopt.atomic import inspect_folder

    return inspect_folder(out_dir).foreign


def check_out_dir(out_dir: Path | None, force: bool) -> None:
    """Refuse to write into a folder holding files gpnopt did not write, unless forced.

    A file gpnopt wrote is one its manifest lists with the same sha256 (so a file of the
    same name that someone wrote, or changed, is foreign). A folder whose manifest is
    incomplete (a write that did not finish) is reported, and may be rewritten.

    Raises:
        typer.Exit: code 1, after naming up to five foreign files.
    """
    from gpnopt.atomic import inspect_folder

    if out_dir is None:
        return
    state = inspect_folder(out_dir)
    if state.foreign and not force:
        err.print("[bold red]error:[/] ", end="")
        err.print(
            f"{out_dir} holds files gpnopt did not write ({state.describe()}); "
            "choose another folder or pass --force to write there anyway",
            markup=False,
        )
        raise typer.Exit(EXIT_INVALID)
    for where in state.incomplete:
        err.print("[yellow]warning:[/] ", end="")
        err.print(
            f"{out_dir if where == '.' else out_dir / where}: incomplete: an earlier write "
            "there did not finish; its files are replaced now",
            markup=False,
        )


def write_or_exit(target: Path, write: Callable[[], Any]) -> Any:
    """Run ``write``; a failure to write ``target`` is an error for the user (exit 1).

    Returns:
        What ``write`` returns.
    """
    try:
        return write()
    except OSError as exc:
        err.print(f"[bold red]error:[/] cannot write to {target}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_INVALID) from None
    except GpnoptError as exc:
        raise error_exit(str(exc), EXIT_INVALID) from None


def check_formats(value: str) -> str:
    """Typer callback of ``--format``: formats from csv, parquet, xlsx (else a usage error)."""
    from gpnopt.results.formats import check_formats as check

    try:
        return ",".join(check(value))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        callback=check_formats,
        help="Table formats, comma-separated: csv, parquet, xlsx (one tables.xlsx, a "
        "summary sheet first).",
    ),
]
AllowImportsOpt = Annotated[
    bool,
    typer.Option(
        "--allow-imports-outside",
        help="Let imports: name YAML files outside the instance's folder.",
    ),
]


# --- formatting -------------------------------------------------------------------------------


def missing(x: Any) -> bool:
    """Whether ``x`` is None or a float NaN (shown as ``-``)."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def money(x: Any) -> str:
    """An amount of money: ``12,345.6``, or ``-`` when missing."""
    return "-" if missing(x) else f"{x:,.1f}"


def cell(v: Any) -> str:
    """A table cell: ``-`` when missing; floats below 1 with 4 digits, others with one decimal."""
    if missing(v):
        return "-"
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1 else f"{v:,.1f}"
    return str(v)
