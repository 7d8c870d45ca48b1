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

import math
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
TimeLimitPerSolveOpt = Annotated[
    float | None, typer.Option("--time-limit", min=0, help="Seconds per solve.")
]
MipGapPerSolveOpt = Annotated[
    float | None, typer.Option("--mip-gap", min=0, help="Relative MIP gap per solve.")
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed.")]
ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="Write into --out even if it holds files gpnopt did not write."),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")]


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
    path: Path, scenario: str | None, scenario_files: list[Path] | None = None
) -> Instance:
    """:func:`gpnopt.load`, printing each :class:`~gpnopt.errors.GpnoptWarning` on :data:`err`.

    Raises:
        GpnoptError: the instance or the scenario is invalid (see :func:`fail`).
    """
    import gpnopt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GpnoptWarning)
        inst = gpnopt.load(path, scenario=scenario, scenario_files=scenario_files or ())
    for w in caught:
        if issubclass(w.category, GpnoptWarning):
            err.print("[yellow]warning:[/] ", end="")
            err.print(f"{path}: {w.message}", markup=False)
    return inst


# --- output folders and files -----------------------------------------------------------------

OWN_FILES = frozenset(
    {"summary.json", "comparison.md", "index.html", "explain.md", "explain.json"}
)
"""File names gpnopt writes into an output folder."""
OWN_STEMS = frozenset({
    "lines", "production", "make_or_buy", "component_flows", "plant_profit", "channel_profit",
    "firm_profit", "technicians", "specialization", "kpis", "kpis_wide", "diff",
    "explain", "explain_by_type", "explain_by_entity", "explain_by_firm", "explain_limits",
    "explain_shadow_prices", "explain_thresholds",
})
"""Stems of the CSV tables gpnopt writes into an output folder."""


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


def check_out_dir(out_dir: Path | None, force: bool) -> None:
    """Refuse to write into a folder holding files gpnopt did not write, unless forced.

    Raises:
        typer.Exit: code 1, after naming up to five foreign files.
    """
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
