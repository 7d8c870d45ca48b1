"""Coalition values: v(S) for every coalition of the players, on one kept model.

Each value is one re-solve of a :class:`gpnopt.solver.CoalitionSolver` (column bounds for the
coalition, the members' equity-weighted profits as the objective). Up to :data:`EXACT_LIMIT`
players every one of the 2^n - 1 coalitions is solved; beyond, only those a sampled Shapley
value passes through (cached). With ``workers`` the coalitions are shared out among that many
worker processes (spawned, each with its own kept model); every solve starts from scratch, so
the values do not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from gpnopt.alliance.games import coalitions
from gpnopt.schema import Instance
from gpnopt.solver import CoalitionSolve, CoalitionSolver

EXACT_LIMIT = 10
"""Most players whose 2^n coalitions are all solved (1,023 solves)."""

Progress = Callable[[int, int, str], None]
"""A progress callback: (done, total, label of what was just done)."""


def label(members: Sequence[str] | frozenset[str], order: Sequence[str]) -> str:
    """A coalition's name: its members in the players' order joined by ``+``."""
    return "+".join(p for p in order if p in members)


class CoalitionValues:
    """v(S) by coalition, solved on demand and kept (``solves``: what was solved, by coalition).

    Args:
        solver: the kept model of the instance.
        players: the firms of the game, in order.
    """

    def __init__(
        self,
        solver: CoalitionSolver,
        players: Sequence[str],
        *,
        instance: Instance | None = None,
        options: dict[str, Any] | None = None,
        workers: int | None = None,
    ) -> None:
        self.solver = solver
        self.players = list(players)
        self.solves: dict[frozenset[str], CoalitionSolve] = {}
        self.instance = instance
        self.options = dict(options or {})
        self.workers = workers
        self.in_workers = 0
        """Solves done in worker processes."""

    def __call__(self, members: frozenset[str]) -> float:
        """v(members) (0 for the empty coalition)."""
        if not members:
            return 0.0
        got = self.solves.get(members)
        if got is None:
            got = self.solves[members] = self.solver.solve(members)
        return got.objective

    def all_of_them(self, progress: Progress | None = None) -> dict[frozenset[str], float]:
        """Every non-empty coalition's value, smallest coalitions first."""
        todo = coalitions(self.players)
        if self.workers and self.workers > 1 and self.instance is not None and len(todo) > 1:
            self._in_workers(todo, progress)
        for k, s in enumerate(todo, 1):
            if s in self.solves:
                continue
            self(s)
            if progress is not None:
                progress(k, len(todo), f"v({label(s, self.players)})")
        return {s: self.solves[s].objective for s in todo}

    def _in_workers(self, todo: list[frozenset[str]], progress: Progress | None) -> None:
        """Solve ``todo`` in :attr:`workers` spawned processes, in interleaved chunks."""
        n = min(int(self.workers or 1), len(todo))
        chunks = [todo[i::n] for i in range(n)]
        context = multiprocessing.get_context("spawn")  # no fork of a running HiGHS
        done = 0
        with ProcessPoolExecutor(max_workers=n, mp_context=context) as pool:
            futures = [
                pool.submit(solve_chunk, self.instance, self.options, chunk) for chunk in chunks
            ]
            for future in futures:
                for got in future.result():
                    self.solves[got.members] = got
                    self.in_workers += 1
                    done += 1
                    if progress is not None:
                        progress(done, len(todo), f"v({label(got.members, self.players)})")

    def table(self) -> dict[frozenset[str], float]:
        """The values solved so far."""
        return {s: r.objective for s, r in self.solves.items()}


def solve_chunk(
    instance: Instance, options: dict[str, Any], chunk: list[frozenset[str]]
) -> list[CoalitionSolve]:
    """A worker's share: one kept model, the coalitions of ``chunk`` solved on it."""
    solver = CoalitionSolver(instance, **options)
    return [solver.solve(s) for s in chunk]
