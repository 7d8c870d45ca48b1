"""The units of work of a robust-design run, and where they run.

Three kinds of task, each a plain function of the plan and integers (so that any process
gives the same answer: HiGHS on one thread, seed 0, every draw made from the seed alone):

* :func:`replication_task`: the extensive form of replication r's N draws
  (:func:`gpnopt.solver.solve_extensive_form`): the SAA optimum, its bound and design;
* :func:`fixed_replication_task`: replication r's extensive form with a design fixed (the
  design's value on the replication's own draws, for the gap of the multiple-replications
  procedure);
* :func:`mean_value_task`: the extensive form of the mean-value scenario alone (the
  deterministic design);
* :func:`evaluation_task`: some evaluation draws, each solved with every candidate design
  fixed (second stage only, :class:`gpnopt.solver.DesignSolver`: the model re-used while
  only costs and prices change, results equal to :func:`gpnopt.solver.solve_design`'s) and,
  for the EVPI, on its own; each solve gives the sweep's record (:func:`gpnopt.sweep.draw_record`: expectations,
  plant roles, profits).

:class:`Runner` runs lists of tasks here, on spawned local processes or on a Dask cluster,
and returns their results in the list's order.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gpnopt.errors import GpnoptError, InstanceError, SolveError
from gpnopt.robust.draws import RobustPlan, draw_instance, mean_instance
from gpnopt.sweep import draw_record
from gpnopt.sweep.worker import dask_client, stop_processes, watch_parent

MEAN_VALUE = "mean_value"
"""The label of the mean-value (deterministic) design."""

WAIT_AND_SEE = "wait_and_see"
"""The ``design`` label of an evaluation draw solved on its own (perfect information)."""

RECORD_PREFIXES = ("holds.", "role.", "profit.")
"""The columns of the sweep's record kept for each evaluation solve."""

Task = tuple[Callable[..., Any], tuple[Any, ...]]
"""A function and its arguments."""


def _risk(plan: RobustPlan) -> tuple[float, float] | None:
    r = plan.spec.risk
    return None if r is None else (r.alpha, r.weight)


def _solve_ef(plan: RobustPlan, instances: list[Any], label: dict[str, Any],
              design: Mapping[str, float] | None = None) -> dict[str, Any]:
    from gpnopt.solver import solve_extensive_form

    spec = plan.spec
    t0 = time.perf_counter()
    try:
        sol = solve_extensive_form(instances, spec.first_stage, risk=_risk(plan), design=design,
                                   mip_gap=spec.mip_gap, time_limit=spec.time_limit, threads=1)
    except SolveError as exc:
        return {**label, "status": exc.status, "error": str(exc), "design": None}
    return {
        **label,
        "status": sol.outcome.status,
        "error": "",
        "objective": sol.objective,
        "bound": sol.bound,
        "expected_profit": sol.expected_profit,
        "cvar": sol.cvar,
        "mip_gap": sol.outcome.mip_gap,
        "seconds": time.perf_counter() - t0,
        "design": sol.design,
    }


def replication_task(plan: RobustPlan, r: int) -> dict[str, Any]:
    """Solve replication ``r``'s extensive form (a row of the ``replications`` table, with
    its ``design``)."""
    try:
        instances = [draw_instance(plan, d) for d in plan.replication_draws(r)]
    except InstanceError as exc:
        return {"replication": r, "status": "invalid", "error": exc.problems[0], "design": None}
    return _solve_ef(plan, instances, {"replication": r})


def fixed_replication_task(plan: RobustPlan, r: int,
                           design: Mapping[str, float]) -> dict[str, Any]:
    """Replication ``r``'s extensive form with the first stage fixed at ``design``: the
    design's value on the replication's own draws (the gap of the multiple-replications
    procedure)."""
    try:
        instances = [draw_instance(plan, d) for d in plan.replication_draws(r)]
    except InstanceError as exc:
        return {"replication": r, "status": "invalid", "error": exc.problems[0], "design": None}
    return _solve_ef(plan, instances, {"replication": r}, design)


def mean_value_task(plan: RobustPlan) -> dict[str, Any]:
    """Solve the mean-value scenario (the deterministic design)."""
    return _solve_ef(plan, [mean_instance(plan)], {"replication": -1})


_solvers = threading.local()
"""This thread's design solvers, by plan and design (each keeps its model for re-solves)."""


def _design_solver(plan: RobustPlan, design: Mapping[str, float] | None) -> Any:
    from gpnopt.solver import DesignSolver

    key = (plan.sweep.digest, repr(plan.spec.as_dict()),
           None if design is None else tuple(sorted(design.items())))
    cache = getattr(_solvers, "cache", None)
    if cache is None or getattr(_solvers, "plan", None) != key[:2]:
        cache = _solvers.cache = {}
        _solvers.plan = key[:2]
    if key not in cache:
        spec = plan.spec
        cache[key] = DesignSolver(design, spec.first_stage, mip_gap=spec.mip_gap,
                                  time_limit=spec.time_limit, threads=1)
    return cache[key]


def _evaluate(inst: Any, design: Mapping[str, float] | None, plan: RobustPlan) -> dict[str, Any]:
    try:
        solved = _design_solver(plan, design).solve(inst)
    except SolveError as exc:
        return {"status": exc.status, "error": exc.status, "profit": float("nan")}
    rec = draw_record(inst, solved)
    row = {"status": rec["status"], "error": "", "profit": rec["objective"]}
    row.update({k: v for k, v in rec.items() if k.startswith(RECORD_PREFIXES)})
    return row


def evaluation_task(
    plan: RobustPlan, designs: Mapping[str, Mapping[str, float]], draws: Sequence[int]
) -> list[dict[str, Any]]:
    """Evaluate every design of ``designs`` (label -> design) on each draw of ``draws``
    (rows of the ``evaluation`` table: draw, design, status, error, profit, the record's
    holds.*, role.* and profit.* columns); with the spec's ``wait_and_see`` also the draw's
    own optimum (design :data:`WAIT_AND_SEE`)."""
    rows: list[dict[str, Any]] = []
    labels = [*designs, *([WAIT_AND_SEE] if plan.spec.wait_and_see else [])]
    for d in draws:
        try:
            inst = draw_instance(plan, d)
        except InstanceError as exc:
            rows += [{"draw": d, "design": lab, "status": "invalid", "error": exc.problems[0],
                      "profit": float("nan")} for lab in labels]
            continue
        done: dict[Any, dict[str, Any]] = {}  # a design two labels share is solved once
        for lab in labels:
            design = None if lab == WAIT_AND_SEE else designs[lab]
            key = None if design is None else tuple(sorted(design.items()))
            if key not in done:
                done[key] = _evaluate(inst, design, plan)
            rows.append({"draw": d, "design": lab, **done[key]})
    return rows


# --- where the tasks run ------------------------------------------------------------------------


def _init_process(parent: int) -> None:
    """Worker process set-up: ignore Ctrl-C (the main process stops the pool) and end with
    the main process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(parent)


def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    return fn(*args)


class Runner:
    """Where tasks run: this process, a pool of spawned local processes, or a Dask cluster.

    One runner serves every stage of a run, so that worker processes start (and import
    Pyomo) once. Use it as a context manager; :meth:`run` returns results in task order.

    Args:
        workers: local processes; 1 runs the tasks in this process.
        scheduler: a Dask scheduler address or ``distributed.Client``: run there instead.
    """

    def __init__(self, workers: int = 1, scheduler: Any = None) -> None:
        self.workers = max(1, int(workers))
        self.scheduler = scheduler
        self.pool: Any = None
        self.client: Any = None
        self.own_client = False
        self.before: set[Any] = set()

    def __enter__(self) -> Runner:
        if self.scheduler is not None:
            self.client, self.own_client = dask_client(self.scheduler)
        elif self.workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            ctx = multiprocessing.get_context("spawn")
            self.before = set(multiprocessing.active_children())
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                            initializer=_init_process, initargs=(os.getpid(),))
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.pool is not None:
            if exc_type is None:
                self.pool.shutdown(wait=True)
            else:
                import multiprocessing

                self.pool.shutdown(wait=False, cancel_futures=True)
                stop_processes([p for p in multiprocessing.active_children()
                                if p not in self.before])
        if self.client is not None and self.own_client:
            self.client.close()

    def run(self, tasks: Sequence[Task],
            progress: Callable[[int, int], None] | None = None) -> list[Any]:
        """Run ``tasks`` ((function, arguments) pairs of this module) and return their
        results in order; ``progress(done, total)`` after each.

        Raises:
            GpnoptError: a worker process died, or a task failed on the Dask cluster.
        """
        results: list[Any] = [None] * len(tasks)

        def keep(i: int, value: Any, done: int) -> None:
            results[i] = value
            if progress is not None:
                progress(done, len(tasks))

        if self.client is not None:
            _run_dask(tasks, self.client, keep)
        elif self.pool is None or len(tasks) <= 1:
            for i, (fn, args) in enumerate(tasks):
                keep(i, fn(*args), i + 1)
        else:
            _run_processes(tasks, self.pool, keep)
        return results


def _run_processes(tasks: Sequence[Task], pool: Any,
                   keep: Callable[[int, Any, int], None]) -> None:
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    futures = {pool.submit(_call, fn, args): i for i, (fn, args) in enumerate(tasks)}
    for done, fut in enumerate(as_completed(futures), start=1):
        try:
            value = fut.result()
        except BrokenProcessPool as exc:
            msg = (f"a robust-design worker process died ({exc}); a script that runs on "
                   "worker processes needs the  if __name__ == '__main__':  guard")
            raise GpnoptError(msg) from exc
        keep(futures[fut], value, done)


def _run_dask(tasks: Sequence[Task], client: Any,
              keep: Callable[[int, Any, int], None]) -> None:
    from distributed import as_completed

    futures = {client.submit(_call, fn, args, pure=False): i
               for i, (fn, args) in enumerate(tasks)}
    try:
        for done, fut in enumerate(as_completed(list(futures), loop=client.loop), start=1):
            try:
                value = fut.result()
            except Exception as exc:
                msg = (f"a robust-design task failed on the Dask cluster: {exc!r} (do the "
                       "workers have gpnopt and its dependencies installed?)")
                raise GpnoptError(msg) from exc
            keep(futures[fut], value, done)
    except BaseException:
        client.cancel(list(futures))
        raise
