"""Coalition values: v(S) for every coalition of the players, on one kept model.

Each value is one re-solve of a :class:`gpnopt.solver.CoalitionSolver` (column bounds for the
coalition, the members' equity-weighted profits as the objective). Up to :data:`EXACT_LIMIT`
players every one of the 2^n - 1 coalitions is solved; beyond, only those a sampled Shapley
value passes through (cached).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gpnopt.alliance.games import coalitions
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

    def __init__(self, solver: CoalitionSolver, players: Sequence[str]) -> None:
        self.solver = solver
        self.players = list(players)
        self.solves: dict[frozenset[str], CoalitionSolve] = {}

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
        for k, s in enumerate(todo, 1):
            self(s)
            if progress is not None:
                progress(k, len(todo), f"v({label(s, self.players)})")
        return {s: self.solves[s].objective for s in todo}

    def table(self) -> dict[frozenset[str], float]:
        """The values solved so far."""
        return {s: r.objective for s, r in self.solves.items()}
