"""Running a robust design: :func:`run_robust` from the spec to the bounds and the tables.

Steps: plan the draws (:mod:`gpnopt.robust.draws`); solve the M replications' extensive
forms and the mean-value scenario (:mod:`gpnopt.robust.tasks`, in parallel); evaluate each
distinct candidate design and the mean-value design on the K evaluation draws, with the
draws' own optima for the EVPI (in parallel); pick the candidate of the best value; solve
the replications whose design differs again with the robust design fixed (its value on
their own draws, the gap of the multiple-replications procedure); compute the bounds (:mod:`gpnopt.robust.bounds`) and the report's tables (:mod:`gpnopt.robust.report`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from gpnopt.errors import SolveError
from gpnopt.robust.draws import RobustPlan, make_robust_plan, mean_instance
from gpnopt.robust.report import RobustRun, best_candidate, make_run
from gpnopt.robust.spec import RobustSpec
from gpnopt.robust.tasks import (
    MEAN_VALUE,
    WAIT_AND_SEE,
    Runner,
    evaluation_task,
    fixed_replication_task,
    mean_value_task,
    replication_task,
)

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stages ``replications``, ``evaluation``."""


def evaluation_chunk(k: int) -> int:
    """Evaluation draws per task: about 40 tasks, 2 to 25 draws each."""
    return max(2, min(25, -(-k // 40)))


def run_robust(
    spec: RobustSpec | RobustPlan,
    *,
    workers: int | None = None,
    scheduler: Any = None,
    progress: Progress | None = None,
) -> RobustRun:
    """Solve the two-stage stochastic program of ``spec`` by sample average approximation.

    Args:
        spec: the spec (or its plan, :func:`gpnopt.robust.make_robust_plan`).
        workers: local worker processes; 1 (or ``None``) solves in this process.
        scheduler: a Dask scheduler address or ``distributed.Client``: solve there.
        progress: ``progress(stage, done, total)`` after each task.

    Returns:
        A :class:`gpnopt.robust.RobustRun` (bounds, designs, tables; ``write(dir)``). The
        numbers do not depend on ``workers`` or ``scheduler``.

    Raises:
        RobustError: a bad spec; InstanceError: a bad instance (periods, a firm objective);
        SolveError: no replication could be solved, or the mean-value scenario cannot.
    """
    plan = spec if isinstance(spec, RobustPlan) else make_robust_plan(spec)
    s = plan.spec
    n_workers = 1 if workers is None else max(1, int(workers))
    t0 = time.perf_counter()

    def stage(name: str) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        return lambda done, total: progress(name, done, total)

    with Runner(n_workers, scheduler) as runner:
        tasks = [(replication_task, (plan, r)) for r in range(s.replications)]
        tasks.append((mean_value_task, (plan,)))
        if progress is not None:
            progress("replications", 0, len(tasks))
        solved = runner.run(tasks, stage("replications"))
        replications, mean_row = solved[:-1], solved[-1]
        t1 = time.perf_counter()
        designs = _candidates(replications, mean_row, s.instance, plan)
        draws = list(plan.evaluation_draws())
        size = evaluation_chunk(len(draws))
        chunks = [draws[i:i + size] for i in range(0, len(draws), size)]
        if progress is not None:
            progress("evaluation", 0, len(chunks))
        parts = runner.run([(evaluation_task, (plan, designs, c)) for c in chunks],
                           stage("evaluation"))
        t2 = time.perf_counter()
        rows = [row for part in parts for row in part]
        robust = best_candidate(rows, designs, s)
        others = [r for r in replications if r.get("design") is not None
                  and r["candidate"] != robust]
        fixed = runner.run([(fixed_replication_task, (plan, r["replication"], designs[robust]))
                            for r in others])
    for r, f in zip(others, fixed, strict=True):
        r["robust_value"] = f.get("objective", float("nan"))
    for r in replications:
        if r.get("design") is not None and r["candidate"] == robust:
            r["robust_value"] = r["objective"]  # the replication's own solution is robust's
    t3 = time.perf_counter()
    seconds = {"replications": t1 - t0, "evaluation": t2 - t1, "gap": t3 - t2,
               "total": t3 - t0}
    info = {"workers": 0 if scheduler is not None else n_workers,
            "scheduler": None if scheduler is None else str(scheduler)}
    return make_run(plan, replications, mean_row, designs, rows, seconds, info, robust)


def _diagnose_mean_value(plan: RobustPlan, name: str) -> None:
    """Raise the mean-value scenario's infeasibility with the diagnosis ``gpnopt solve``
    gives (the elastic re-solves of :func:`gpnopt.solver.diagnose`: what cannot be met, by
    how much)."""
    from gpnopt.data import build_data
    from gpnopt.solver import diagnose, infeasible_error

    inst = mean_instance(plan)
    exc = infeasible_error(inst.name, diagnose(build_data(inst)))
    msg = f"{name}: the mean-value scenario cannot be solved: {exc}"
    raise SolveError(msg, "infeasible", exit_code=3)


def _candidates(replications: list[dict[str, Any]], mean_row: dict[str, Any],
                name: str, plan: RobustPlan | None = None) -> dict[str, dict[str, float]]:
    """The distinct designs of the solved replications (``candidate_J``, J in order of first
    appearance) and the mean-value design.

    Raises:
        SolveError: no replication was solved, or the mean-value scenario was not.
    """
    if mean_row.get("design") is None:
        if mean_row.get("status") == "infeasible" and plan is not None:
            _diagnose_mean_value(plan, name)
        msg = f"{name}: the mean-value scenario cannot be solved: {mean_row.get('error')}"
        raise SolveError(msg, mean_row.get("status", "no_solution"),
                         exit_code=3 if mean_row.get("status") == "infeasible" else 4)
    out: dict[str, dict[str, float]] = {}
    seen: dict[tuple, str] = {}
    for row in replications:
        d = row.get("design")
        if d is None:
            row["candidate"] = ""
            continue
        key = tuple(sorted(d.items()))
        if key not in seen:
            seen[key] = f"candidate_{len(seen)}"
            out[seen[key]] = d
        row["candidate"] = seen[key]
    if not out:
        errors = "; ".join(sorted({str(r.get("error")) for r in replications}))
        msg = f"{name}: no replication's extensive form could be solved ({errors})"
        raise SolveError(msg, "no_solution", exit_code=4)
    out[MEAN_VALUE] = mean_row["design"]
    return out


__all__ = ["MEAN_VALUE", "WAIT_AND_SEE", "evaluation_chunk", "run_robust"]
