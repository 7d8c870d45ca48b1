"""Running a sweep: :func:`run_sweep` plans, solves the chunks not yet done, and writes the folder.

Chunks run in this process (one worker), on spawned worker processes or on a Dask cluster
(:mod:`gpnopt.sweep.worker`); each finished chunk is stored as a Parquet part
(:mod:`gpnopt.sweep.store`), and at the end the table, the summary and the flips are written
(:mod:`gpnopt.sweep.summary`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gpnopt.atomic import OutputFolder
from gpnopt.results.formats import check_formats, summary_frame, workbook_bytes
from gpnopt.sweep.plan import SweepPlan, make_plan
from gpnopt.sweep.spec import SweepError, SweepSpec
from gpnopt.sweep.store import (
    CSV,
    FLIPS,
    SUMMARY,
    TABLE,
    WORKBOOK,
    prepare_folder,
    read_parts,
    write_part,
)
from gpnopt.sweep.summary import grid_flips, jsonable, summarize
from gpnopt.sweep.worker import MODES, frozen_collector, run_dask, run_processes, worker_for

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class SweepRun:
    """What :func:`run_sweep` did.

    Attributes:
        out: the folder.
        table: every draw, sorted by draw (read back from the Parquet parts).
        summary: :func:`summarize` of the table.
        flips: :func:`grid_flips` of the table (empty without a grid).
        total: draws in the sweep.
        computed: draws solved by this run (the others were already in the folder).
        seconds: wall-clock seconds of this run's solving.
        workers: worker processes used (0 for a Dask cluster).
        files: the files written at the end.
        interrupted: the run stopped early (KeyboardInterrupt); re-run to resume.
        steady: draws per second from the first finished part to the last (worker
            start-up left out; NaN with fewer than two parts).
    """

    out: Path
    table: pd.DataFrame
    summary: dict[str, Any]
    flips: pd.DataFrame
    total: int
    computed: int
    seconds: float
    workers: int
    files: list[Path]
    interrupted: bool = False
    steady: float = math.nan

    @property
    def draws_per_second(self) -> float:
        """Draws solved per wall-clock second by this run."""
        return self.computed / self.seconds if self.seconds > 0 else math.nan


def default_out(spec: SweepSpec) -> Path:
    """Default folder of a sweep: ``out/sweep-<instance>-<hash of the spec>``."""
    h = hashlib.sha256(json.dumps(spec.as_dict(), sort_keys=True).encode()).hexdigest()[:8]
    return Path("out") / f"sweep-{Path(spec.instance).stem}-{h}"


def auto_workers(todo_draws: int) -> int:
    """Worker processes when none are asked for: the CPUs, or 1 for small sweeps."""
    if todo_draws < 40:
        return 1
    return max(1, os.cpu_count() or 1)


def run_sweep(
    spec: SweepSpec | SweepPlan,
    out: str | Path | None = None,
    *,
    workers: int | None = None,
    scheduler: Any = None,
    mode: str = "persistent",
    overwrite: bool = False,
    csv: bool = False,
    pattern: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_start: Callable[[SweepPlan, int, int], None] | None = None,
    formats: Sequence[str] = ("parquet",),
) -> SweepRun:
    """Run (or resume) a sweep and write its folder.

    Args:
        spec: the sweep (or a plan made by :func:`make_plan`).
        out: the folder; default :func:`default_out`.
        workers: local worker processes; 1 solves in this process; ``None``:
            :func:`auto_workers`.
        scheduler: a Dask scheduler address (``tcp://host:8786``) or a
            ``distributed.Client``: the chunks run on that cluster instead.
        mode: ``persistent`` (ScenarioSolver re-solves and light records), ``fresh`` (the
            model built anew per draw, light records) or ``rebuild`` (a full
            ``gpnopt.solve`` per draw with every table). The table is the same; the other
            modes are for benchmarks and checks. A multi-period instance is always solved
            by ``rebuild``, with the spec's ``foresight``.
        overwrite: replace a folder holding another sweep (else that is a SweepError).
        csv: also write ``draws.csv`` (the same as ``"csv"`` in ``formats``).
        pattern: expectation ids of a core pattern to report besides every expectation.
        progress: called with (draws done, total) after each chunk (and once at the start).
        on_start: called with (plan, draws already done, worker count) before solving.
        formats: the table's formats: ``draws.parquet`` is always written (it is the
            sweep's table); ``csv`` adds ``draws.csv``, ``xlsx`` a ``tables.xlsx`` (sheets
            summary, draws and, for grids, flips).

    Returns:
        A :class:`SweepRun`. An interrupted run (KeyboardInterrupt, or SIGTERM or SIGHUP
        while solving in the main thread) returns with ``interrupted`` set after writing
        the parts it finished; worker processes are stopped; re-running resumes.

    Raises:
        SweepError: bad spec or folder; InstanceError: bad instance or scenario;
        FolderError: the folder holds files gpnopt did not write.
    """
    import pandas as pd

    if mode not in MODES:
        msg = f"mode {mode!r}: use {', '.join(MODES)}"
        raise SweepError(msg)
    try:
        fmts = set(check_formats(formats))
    except ValueError as exc:
        raise SweepError(str(exc)) from None
    if csv:
        fmts.add("csv")
    plan = spec if isinstance(spec, SweepPlan) else make_plan(spec)
    _check_solver(plan.spec.solver)
    core = _check_pattern(plan, pattern)
    out_dir = Path(out) if out is not None else default_out(plan.spec)
    folder, done = prepare_folder(plan, out_dir, overwrite)
    todo = [c for c in range(plan.n_chunks) if c not in done]
    todo_draws = sum(len(plan.chunk_draws(c)) for c in todo)
    n_done = plan.total - todo_draws
    if scheduler is not None:
        n_workers = 0
    else:
        n_workers = auto_workers(todo_draws) if workers is None else max(1, int(workers))
        n_workers = max(1, min(n_workers, len(todo) or 1))
    if on_start is not None:
        on_start(plan, n_done, n_workers)
    if progress is not None:
        progress(n_done, plan.total)

    counter = {"done": n_done, "computed": 0}
    stamps: list[tuple[float, int]] = []  # (time, draws computed) after each part

    def keep(c: int, records: list[dict[str, Any]]) -> None:
        write_part(plan, out_dir, c, records)
        counter["done"] += len(records)
        counter["computed"] += len(records)
        stamps.append((time.perf_counter(), counter["computed"]))
        if progress is not None:
            progress(counter["done"], plan.total)

    started = time.perf_counter()
    interrupted = False
    try:
        with _terminate_as_interrupt():
            _solve(plan, mode, todo, scheduler, n_workers, keep)
    except KeyboardInterrupt:
        interrupted = True
    seconds = time.perf_counter() - started

    table = read_parts(out_dir)
    run = SweepRun(out=out_dir, table=table, summary={}, flips=pd.DataFrame(), total=plan.total,
                   computed=counter["computed"], seconds=seconds, workers=n_workers, files=[],
                   interrupted=interrupted, steady=_steady_rate(stamps))
    if not interrupted:
        info = {"computed": run.computed, "seconds": round(seconds, 3), "workers": n_workers,
                "scheduler": None if scheduler is None else str(_address(scheduler))}
        _finish(plan, run, core, info, folder, fmts)
    return run


def _check_solver(solver: str | None) -> None:
    """Refuse, before anything is solved, a solver that is not installed (SweepError)."""
    if solver in (None, "highs"):
        return
    from gpnopt.errors import SolveError
    from gpnopt.solver import check_solver

    try:
        check_solver(solver)
    except SolveError as exc:
        raise SweepError(str(exc)) from None


def _solve(plan: SweepPlan, mode: str, todo: list[int], scheduler: Any, n_workers: int,
           keep: Callable[[int, list[dict[str, Any]]], None]) -> None:
    """Solve the chunks ``todo`` here, on worker processes or on a Dask cluster."""
    if not todo:
        return
    if scheduler is not None:
        run_dask(plan, mode, todo, scheduler, keep)
    elif n_workers == 1:
        w = worker_for(plan, mode)
        with frozen_collector():
            for c in todo:
                keep(c, w.run_chunk(c))
    else:  # this process solves chunks too until the workers have started: frozen as well
        with frozen_collector():
            run_processes(plan, mode, todo, n_workers, keep)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise KeyboardInterrupt while solving (in the main thread), so a
    sweep stopped by ``timeout``, CI or systemd keeps its parts and stops its workers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    old = {n: signal.signal(getattr(signal, n), interrupt) for n in names}
    try:
        yield
    finally:
        for n, handler in old.items():
            signal.signal(getattr(signal, n), handler)


def _finish(
    plan: SweepPlan,
    run: SweepRun,
    core: list[str] | None,
    info: dict[str, Any],
    folder: OutputFolder,
    formats: set[str],
) -> None:
    """Write the table, the summary (with ``info`` as its ``run``) and the flips of a
    finished sweep into its folder, then its manifest complete; fill ``run``'s summary,
    flips and files."""
    run.files.append(folder.write(TABLE, run.table.to_parquet(index=False)))
    if "csv" in formats:
        run.files.append(folder.write(CSV, _csv(run.table)))
    run.flips = grid_flips(run.table, [a.column for a in plan.spec.grid])
    run.summary = summarize(run.table, plan.manifest(), pattern=core, flips=run.flips)
    run.summary["run"] = info
    summary = jsonable(run.summary)
    run.files.append(folder.write(SUMMARY, json.dumps(summary, indent=2) + "\n"))
    if plan.spec.grid:
        run.files.append(folder.write(FLIPS, _csv(run.flips)))
    if "xlsx" in formats:
        sheets = {"summary": summary_frame(_flat(summary)), "draws": run.table}
        if plan.spec.grid:
            sheets["flips"] = run.flips
        run.files.append(folder.write(WORKBOOK, workbook_bytes(sheets)))
    folder.finish()


def _csv(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, lineterminator="\n")


def _flat(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary's numbers and texts as they are, anything nested as JSON text."""
    return {k: v if v is None or isinstance(v, str | int | float | bool) else json.dumps(v)
            for k, v in summary.items()}


def _steady_rate(stamps: list[tuple[float, int]]) -> float:
    """Draws per second after the first part (worker start-up left out)."""
    if len(stamps) < 2:
        return math.nan
    (t0, n0), (t1, n1) = stamps[0], stamps[-1]
    return (n1 - n0) / (t1 - t0) if t1 > t0 else math.nan


def _address(scheduler: Any) -> Any:
    return getattr(scheduler, "scheduler_address", None) or getattr(
        getattr(scheduler, "scheduler", None), "address", None
    ) or scheduler


def _check_pattern(plan: SweepPlan, pattern: Sequence[str] | None) -> list[str] | None:
    if not pattern:
        return None
    known = [i for i, _ in plan.expectations]
    ids = [p.strip() for p in pattern if p.strip()]
    unknown = [i for i in ids if i not in known]
    if unknown:
        msg = (
            f"--pattern: unknown expectation {', '.join(map(repr, unknown))} "
            f"(known: {', '.join(known) or 'none'})"
        )
        raise SweepError(msg)
    return ids
