"""Sweep workers: solving draws, in this process, on spawned processes or on Dask.

A :class:`Worker` holds a private copy of the plan's raw mapping and one
:class:`gpnopt.solver.ScenarioSolver` (HiGHS on one thread); it sets a draw's numbers, builds
the instance, solves it and returns the draw's record (:mod:`gpnopt.sweep.record`). Each
thread keeps one worker per plan (:func:`worker_for`); :func:`run_processes` and
:func:`run_dask` hand chunks of draws to worker processes or a Dask cluster. Which worker
solves a draw does not change its record.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import json
import random
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from gpnopt.errors import GpnoptError, GpnoptWarning, InstanceError, SolveError
from gpnopt.sweep.plan import Place, SweepPlan, get_place, seed_of
from gpnopt.sweep.record import draw_record, result_record
from gpnopt.sweep.spec import SweepError, scalar_text

if TYPE_CHECKING:
    from gpnopt.schema import Instance
    from gpnopt.solver import ScenarioSolver

MODES = ("persistent", "fresh", "rebuild")
"""How a worker solves a draw (see :func:`gpnopt.sweep.run_sweep`)."""

SOLVE_ERRORS = {
    "infeasible": "the draw is infeasible",
    "no_solution": "no feasible solution within the limits",
}
"""The ``error`` text of draws the solver could not solve, by status."""

Store = Callable[[int, list[dict[str, Any]]], None]
"""Called with (chunk, records) for each finished chunk."""


# --- the worker -------------------------------------------------------------------------------


class Worker:
    """One solver process's state: a private copy of the mapping and a ScenarioSolver.

    ``mode`` (:data:`MODES`): ``persistent`` re-solves on one model, ``fresh`` builds the
    model anew for every draw (a new ScenarioSolver), ``rebuild`` runs a full solve and
    analysis (``gpnopt.solve``'s path) and records its Result. A multi-period instance is
    always solved by ``rebuild`` (the ScenarioSolver re-solves one period only), with the
    spec's ``foresight``.
    """

    def __init__(self, plan: SweepPlan, mode: str = "persistent") -> None:
        self.plan = plan
        other = plan.spec.solver not in (None, "highs")  # solved afresh: nothing is kept
        self.mode = "rebuild" if plan.periods or other else mode
        self.raw = copy.deepcopy(plan.raw)
        spec = plan.spec
        self.options = {"objective": spec.objective, "time_limit": spec.time_limit,
                        "mip_gap": spec.mip_gap, "threads": 1}
        self.solver = self._new_solver()
        # A draw changes numbers only (factors, numeric grid values): provenance texts and
        # values by period were checked on the instance as written (make_plan), not per draw.
        self.numbers_only = all(axis.numeric for axis in spec.grid)
        # ... and when every place a draw sets already holds a number (a value grid may
        # also add a key or replace a text), a draw only replaces numbers by numbers.
        self.numbers_replaced = self.numbers_only and all(
            _holds_number(plan.raw, place)
            for places in [*plan.grid_places, *([plan.design.places] if plan.design else [])]
            for place in places
        )
        if self.mode == "persistent":  # build the model once, on the instance as written
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", GpnoptWarning)
                    self.solver.solve_model(self.build_instance())
            except GpnoptError:
                pass  # the draws will rebuild

    def _new_solver(self) -> ScenarioSolver:
        """A ScenarioSolver with no model yet (one HiGHS thread, no diagnosis)."""
        from gpnopt.solver import ScenarioSolver

        return ScenarioSolver(**self.options, diagnose=False)

    def build_instance(
        self, *, numbers_changed: bool = False, numbers_replaced: bool = False
    ) -> Instance:
        """The instance of ``self.raw`` as it stands (validated; ``numbers_changed``: a draw
        that changed numbers only, ``numbers_replaced``: one that only replaced numbers by
        numbers, see :func:`gpnopt.io.instance_from_dict`)."""
        from gpnopt.io import instance_from_dict

        return instance_from_dict(self.raw, name=self.plan.name, numbers_changed=numbers_changed,
                                  numbers_replaced=numbers_replaced)

    def apply_draw(self, draw: int) -> list[tuple[Place, bool, Any]]:
        """Set draw ``draw``'s numbers in ``self.raw`` (the grid point's values, then the
        seeded noise or the plan's preset design); return what to restore."""
        plan, spec = self.plan, self.plan.spec
        point, sample = divmod(draw, plan.per_point)
        undo: list[tuple[Place, bool, Any]] = []
        done: set[Place] = set()

        def put(place: Place, value: Any) -> None:
            parent = get_place(self.raw, place[:-1])
            key = place[-1]
            if place not in done:
                had = isinstance(parent, list) or key in parent
                undo.append((place, had, parent[key] if had else None))
                done.add(place)
            parent[key] = value

        for axis, places, v in zip(spec.grid, plan.grid_places, plan.point_values(point), strict=True):
            for place in places:
                put(place, get_place(self.raw, place) * v if axis.scale else v)
        if plan.design is not None:
            for place, f in zip(plan.design.places, plan.design.factors[draw], strict=True):
                put(place, get_place(self.raw, place) * f)
        elif spec.samples > 0:
            for j, (p, places) in enumerate(zip(spec.perturb, plan.perturb_places, strict=True)):
                rng = random.Random(seed_of(spec.seed, sample, j))
                shared = p.factor(rng) if p.shared else None
                for place in places:
                    x = get_place(self.raw, place)
                    if isinstance(x, int | float) and not isinstance(x, bool):
                        put(place, x * (shared if shared is not None else p.factor(rng)))
        return undo

    def restore(self, undo: list[tuple[Place, bool, Any]]) -> None:
        """Undo :meth:`apply_draw` (``undo`` is what it returned)."""
        for place, had, old in reversed(undo):
            parent = get_place(self.raw, place[:-1])
            if had:
                parent[place[-1]] = old
            else:
                del parent[place[-1]]

    def run(self, draw: int) -> dict[str, Any]:
        """Solve one draw; return its record (with ``draw``, ``point``, ``sample``, grid)."""
        plan = self.plan
        point, sample = divmod(draw, plan.per_point)
        head: dict[str, Any] = {"draw": draw, "point": point, "sample": sample}
        for axis, v in zip(plan.spec.grid, plan.point_values(point), strict=True):
            head[axis.column] = float(v) if axis.numeric else scalar_text(v)
        undo = self.apply_draw(draw)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", GpnoptWarning)
                try:
                    inst = self.build_instance(numbers_changed=self.numbers_only,
                                               numbers_replaced=self.numbers_replaced)
                except InstanceError as exc:
                    return {**head, "status": "invalid", "error": exc.problems[0]}
        finally:
            self.restore(undo)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", GpnoptWarning)
                if self.mode == "rebuild":
                    from gpnopt.analysis import analyse
                    from gpnopt.solver import solve_instance

                    extra = {"foresight": self.plan.spec.foresight} if self.plan.periods else {}
                    if self.plan.spec.solver is not None:
                        extra["solver"] = self.plan.spec.solver
                    res = solve_instance(inst, **self.options, **extra)
                    rec = result_record(inst, analyse(inst, res))
                else:
                    if self.mode == "fresh":  # forget the model: build it again
                        self.solver.reset()
                    rec = draw_record(inst, self.solver.solve_model(inst))
        except SolveError as exc:
            # A fixed text: the solver's own words depend on whether the model was re-used.
            return {**head, "status": exc.status, "error": SOLVE_ERRORS.get(exc.status, exc.status)}
        except InstanceError as exc:
            return {**head, "status": "invalid", "error": exc.problems[0]}
        return {**head, **rec}

    def run_chunk(self, c: int) -> list[dict[str, Any]]:
        """Solve the draws of chunk ``c``."""
        return [self.run(d) for d in self.plan.chunk_draws(c)]


def _holds_number(raw: Any, place: Place) -> bool:
    """Whether ``place`` of ``raw`` exists and holds a number (not a boolean)."""
    try:
        x = get_place(raw, place)
    except (KeyError, IndexError, TypeError):
        return False
    return isinstance(x, int | float) and not isinstance(x, bool)


@contextlib.contextmanager
def frozen_collector() -> Iterator[None]:
    """Collect once, then keep what exists (imports, the kept model) out of the garbage
    collector's full passes while draws are solved in this process (``gc.freeze``), undone
    at the end (unless something had frozen objects before). Each draw discards the
    expressions of the last one: without it, Python's full collections walk the whole heap
    again and again (about 3 ms a draw on the case)."""
    was = gc.get_freeze_count()
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        if not was:
            gc.unfreeze()


_local = threading.local()


def worker_for(plan: SweepPlan, mode: str) -> Worker:
    """This thread's worker for ``plan`` (built on first use, kept for the next chunks)."""
    key = (plan.digest, json.dumps(plan.spec.as_dict(), sort_keys=True), mode)
    w = getattr(_local, "worker", None)
    if w is None or getattr(_local, "key", None) != key:
        w = Worker(plan, mode)
        _local.worker, _local.key = w, key
    return w


def watch_parent(parent: int, *, poll: float = 0.5) -> None:
    """End this process as soon as ``parent`` (the sweep's process) ends, however it ends.

    On Linux the kernel sends SIGKILL when the parent dies (``prctl(PR_SET_PDEATHSIG)``
    through ctypes); everywhere a daemon thread also polls ``os.getppid()`` every ``poll``
    seconds. A parent already gone ends this process at once.
    """
    import ctypes
    import os
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the thread does it
            pass
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(poll)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="gpnopt-parent-watch", daemon=True).start()


def _init_process(plan: SweepPlan, mode: str, parent: int | None = None) -> None:
    """ProcessPoolExecutor initializer: watch the parent, build the worker (and its model).

    Workers ignore Ctrl-C: the main process stops handing out chunks, keeps what is done
    and stops the pool. A worker ends when the main process ends (:func:`watch_parent`),
    also when that one is killed.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        watch_parent(parent)
    worker_for(plan, mode)
    gc.freeze()  # imports and the model: out of the collector's way (a dedicated process)


def _process_chunk(plan: SweepPlan | None, mode: str, c: int) -> tuple[int, list[dict[str, Any]]]:
    """Solve chunk ``c`` in a worker process (``plan`` None: the initializer's)."""
    w = _local.worker if plan is None else worker_for(plan, mode)
    return c, w.run_chunk(c)


def run_processes(
    plan: SweepPlan,
    mode: str,
    todo: list[int],
    n_workers: int,
    store: Store,
) -> None:
    """Chunks on local worker processes (spawned; each builds its model once).

    Until the first worker has finished a chunk (they need a second or two to start: a new
    interpreter, imports, the first build), this process solves chunks from the end of the
    queue itself. Which process solves a draw does not change its result.
    """
    import multiprocessing
    import os
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("spawn")
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(
        max_workers=n_workers, mp_context=ctx, initializer=_init_process,
        initargs=(plan, mode, os.getpid()),
    )
    try:
        # Keep a few chunks queued per worker (not all: an interrupt then loses little).
        queue = list(todo)
        running: set[Any] = set()
        helping = True
        while queue or running:
            while queue and len(running) < 2 * n_workers:
                running.add(pool.submit(_process_chunk, None, mode, queue.pop(0)))
            if helping and queue and not wait(running, timeout=0).done:
                c = queue.pop()
                store(c, worker_for(plan, mode).run_chunk(c))
                continue
            helping = False
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                try:
                    c, records = fut.result()
                except BrokenProcessPool as exc:
                    msg = (
                        f"a sweep worker process died ({exc}); a script that runs a sweep on "
                        "worker processes needs the  if __name__ == '__main__':  guard"
                    )
                    raise GpnoptError(msg) from exc
                store(c, records)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        stop_processes([p for p in multiprocessing.active_children() if p not in before])
        raise
    pool.shutdown(wait=True)


def stop_processes(processes: list[Any], *, grace: float = 5.0) -> None:
    """Terminate ``processes`` (multiprocessing children), kill those still alive after
    ``grace`` seconds, and reap them all."""
    for p in processes:
        p.terminate()
    deadline = time.monotonic() + grace
    for p in processes:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join(1.0)


def dask_client(scheduler: Any) -> tuple[Any, bool]:
    """A Dask client for ``scheduler`` (an address or a ``distributed.Client``) and whether
    it is ours to close; the studies on the sweep's machinery (sweeps, robust designs) share it.

    Raises:
        SweepError: the distributed package is missing, or a malformed address (usage);
            GpnoptError: no connection.
    """
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - a declared dependency
        msg = "--scheduler needs the distributed package (pip install 'dask[distributed]')"
        raise SweepError(msg) from None
    if isinstance(scheduler, Client):
        return scheduler, False
    if isinstance(scheduler, str):  # a malformed address fails before a Client exists (a
        # Client whose constructor failed spends 40 s closing itself when collected)
        from distributed.comm.addressing import parse_address, parse_host_port

        try:
            parse_host_port(parse_address(scheduler)[1])
        except ValueError as exc:
            msg = f"--scheduler {scheduler}: not an address such as tcp://host:8786 ({exc})"
            raise SweepError(msg) from None
    try:
        return Client(scheduler, set_as_default=False, timeout="20s"), True
    except (OSError, TimeoutError, ValueError) as exc:
        msg = f"--scheduler {scheduler}: cannot connect ({exc})"
        raise GpnoptError(msg) from None


def run_dask(
    plan: SweepPlan,
    mode: str,
    todo: list[int],
    scheduler: Any,
    store: Store,
) -> None:
    """Chunks on a Dask distributed cluster (``scheduler``: an address or a Client)."""
    from distributed import as_completed

    client, own = dask_client(scheduler)
    try:
        plan_f = client.scatter(plan, broadcast=True, hash=False)
        tag = plan.digest[:12]
        futures = [
            client.submit(
                _process_chunk, plan_f, mode, c, key=f"gpnopt-sweep-{tag}-{c}-{uuid.uuid4().hex[:8]}"
            )
            for c in todo
        ]
        try:
            for fut in as_completed(futures, loop=client.loop):
                try:
                    c, records = fut.result()
                except Exception as exc:
                    msg = (
                        f"a sweep task failed on the Dask cluster: {exc!r} (do the workers "
                        "have gpnopt and its dependencies installed?)"
                    )
                    raise GpnoptError(msg) from exc
                store(c, records)
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        if own:
            client.close()

