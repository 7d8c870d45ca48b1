"""Pictures from the command line: ``gpnopt report`` and the helper of ``gpnopt solve --plots``.

:func:`report` is a Typer command function (registered by :mod:`gpnopt.cli` as ``gpnopt report``):
it solves a scenario (and optionally compares several) and writes the pictures of
:mod:`gpnopt.plots` as PNG files with an ``index.html``, and the interactive report
``report.html`` (one self-contained page, :mod:`gpnopt.plots.report_html`). :func:`plots_for` is what
``gpnopt solve --plots DIR`` calls with the Result it already has.

Nothing heavy is imported at module level (matplotlib and Pyomo load when a command runs),
so registering the command keeps ``gpnopt --help`` light. Exit codes are those of the CLI:
0 written, 1 invalid instance or scenario or an unwritable folder, 2 usage error,
3 infeasible, 4 no solution found.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gpnopt.cli.common import (
    EXIT_USAGE,
    AllowImportsOpt,
    DebugOpt,
    FileArg,
    ForceOpt,
    LogFileOpt,
    QuietOpt,
    ScenarioFileOpt,
    VerboseOpt,
    check_out_dir,
    err,
    fail,
    load_instance,
    out,
    write_or_exit,
)
from gpnopt.cli.logs import setup_logging
from gpnopt.errors import GpnoptError, GpnoptWarning

if TYPE_CHECKING:
    from gpnopt.analysis.compare import Comparison
    from gpnopt.results import Result
    from gpnopt.schema import Instance

def plots_for(
    instance: Instance,
    result: Result,
    out_dir: str | Path,
    comparison: Comparison | None = None,
) -> list[Path]:
    """Write the pictures of a solved instance into ``out_dir`` (for ``solve --plots``).

    ``network.png``, ``specialization.png`` (a multi-period result: ``timeline.png`` and
    ``network-<period>.png``, ``specialization-<period>.png`` for each period; with a
    comparison also ``comparison.png`` and a network per scenario), then ``index.html``
    then the interactive ``report.html`` (:func:`gpnopt.plots.report_page`), all listed in
    the folder's manifest (see :func:`gpnopt.plots.write_plots`).

    Returns:
        The paths written, ``report.html`` last.

    Raises:
        OSError: the folder cannot be created or written.
    """
    from gpnopt.plots import write_plots

    return write_plots(instance, result, out_dir, comparison, report=True)


def report(
    path: FileArg,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            "-s",
            help="Scenario of the network and specialization pictures (a scenario or override "
            "name; several joined by commas). Default: the first of --scenarios, else the "
            "instance as written.",
        ),
    ] = None,
    scenarios: Annotated[
        str | None,
        typer.Option(
            "--scenarios",
            "-S",
            help="Also compare these scenarios, comma-separated, the first the reference "
            "(base = the instance as written; a+b applies a and b together): adds "
            "comparison.png and a network picture per scenario.",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output folder: the PNG files, index.html and the interactive report.html. "
            "Default: out/<instance>/plots.",
        ),
    ] = None,
    objective: Annotated[
        str | None,
        typer.Option(
            "--objective",
            help="alliance (total profit) or firm:ID (that firm's equity-weighted profit); "
            "default: the instance's own.",
        ),
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0, help="Seconds HiGHS may run per solve.")
    ] = None,
    mip_gap: Annotated[
        float | None, typer.Option("--mip-gap", min=0, max=1, help="Relative MIP gap to stop at.")
    ] = None,
    scenario_file: ScenarioFileOpt = None,
    allow_imports_outside: AllowImportsOpt = False,
    force: ForceOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
    log_file: LogFileOpt = None,
) -> None:
    """Solve and draw: the network's flows, the plants' specialization, a scenario comparison.

    Writes network.png (plants by country, component and machine flows) and specialization.png (what each plant sells and supplies); with --scenarios also comparison.png (objective, profit by firm, role types) and network_<scenario>.png; an index.html showing them; and report.html, one self-contained interactive page (a map of the network by the countries' positions with flows to hover, a Sankey of the flows, the specialization heatmap, and a scenario selector showing each scenario's network and what differs from the first). A multi-period instance gets timeline.png (assets by period, events marked) and network-<period>.png, specialization-<period>.png for each period instead of network.png and specialization.png, and report.html a period selector and the timeline.
    """
    import gpnopt

    setup_logging(verbose=verbose, quiet=quiet, log_file=log_file)
    if objective is not None and objective != "alliance" and not objective.startswith("firm:"):
        err.print(f"[bold red]usage:[/] --objective {objective!r}: use alliance or firm:ID")
        raise typer.Exit(EXIT_USAGE)
    names = [s.strip() for s in (scenarios or "").split(",") if s.strip()]
    if scenarios is not None and not names:
        err.print("[bold red]usage:[/] --scenarios: give at least one scenario name")
        raise typer.Exit(EXIT_USAGE)
    target = out_dir if out_dir is not None else Path("out") / path.stem / "plots"
    check_out_dir(target, force)
    options: dict[str, Any] = {"objective": objective, "time_limit": time_limit, "mip_gap": mip_gap}
    comparison = None
    try:
        if names:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", GpnoptWarning)
                comparison = gpnopt.compare(
                    path,
                    names,
                    scenario_files=scenario_file or (),
                    allow_imports_outside=allow_imports_outside,
                    **options,
                )
        key = names[0] if scenario is None and names else scenario
        if comparison is not None and key in comparison.results:
            instance, result = comparison.instances[key], comparison.results[key]
        else:
            instance = load_instance(
                path, scenario, scenario_file, allow_imports_outside=allow_imports_outside
            )
            result = gpnopt.solve(instance, scenario=scenario, **options)
    except GpnoptError as exc:
        raise fail(exc, debug) from None
    written = write_or_exit(target, lambda: plots_for(instance, result, target, comparison))
    status = "optimal" if result.status == "optimal" else "feasible, not proven optimal"
    what = "profit" if result.single else "net present value"
    out.print(
        f"{result.instance} scenario {result.scenario}: {status}, "
        f"{result.objective_mode} {what} {result.objective:,.1f}"
    )
    for note in comparison.notes if comparison is not None else []:
        err.print("[yellow]not solved:[/] ", end="")
        err.print(note, markup=False)
    out.print(f"Pictures written to {target}/: " + ", ".join(p.name for p in written))
