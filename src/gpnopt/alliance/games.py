"""Cooperative-game allocations on a table of coalition values: pure functions, no solves.

A game is a list of players and a value table ``values[frozenset(S)] = v(S)`` with an entry
for every non-empty coalition (the empty one is worth 0). Every allocation here is
*efficient*: its shares sum to v(N), the value of the grand coalition N.

* :func:`shapley`: phi_i = sum_{S not containing i} |S|! (n-|S|-1)! / n! * (v(S+i) - v(S)).
* :func:`sampled_shapley`: the mean marginal contribution over random orders of the players,
  with its standard error (for games too large for 2^n values).
* :func:`core_excess` and :func:`least_core`: x is in the core when x(S) >= v(S) for every
  coalition S; the least core is the smallest eps with x(S) >= v(S) - eps for every proper S
  (an LP); the core is empty exactly when that eps is positive.
* :func:`nucleolus`: the allocation that lexicographically minimises the sorted excesses
  v(S) - x(S), as a sequence of least-core LPs (scipy's HiGHS), each fixing the coalitions whose
  dual is positive.
* :func:`nash_bargaining`: max prod_i (x_i - d_i) subject to sum_i x_i = v(N), with the
  stand-alone values d_i = v({i}) as the disagreement point: x_i = d_i + (v(N) - sum_j d_j) / n.
* :func:`side_payments` and :func:`equity_for_target`: transfers relative to the equity split,
  and the equity shares of one joint venture that would make the equity split equal a target.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy.optimize import linprog

Values = Mapping[frozenset[str], float]
"""v(S) by coalition (every non-empty subset of the players)."""

TOL = 1e-7
"""Absolute tolerance of the LPs (money; the values are profits of order 1e3-1e6)."""


def coalitions(players: Sequence[str], *, proper: bool = False) -> list[frozenset[str]]:
    """Every non-empty coalition of ``players`` (without the grand coalition if ``proper``),
    smallest first."""
    n = len(players)
    top = n - 1 if proper else n
    return [frozenset(c) for k in range(1, top + 1) for c in combinations(players, k)]


def _value(values: Values, s: Iterable[str]) -> float:
    s = frozenset(s)
    return 0.0 if not s else float(values[s])


def shapley(players: Sequence[str], values: Values) -> dict[str, float]:
    """The Shapley value of every player (exact: uses all 2^n values)."""
    n = len(players)
    weight = [math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)]
    phi = {}
    for i in players:
        others = [p for p in players if p != i]
        total = 0.0
        for k in range(n):
            for c in combinations(others, k):
                total += weight[k] * (_value(values, (*c, i)) - _value(values, c))
        phi[i] = total
    return phi


@dataclass(frozen=True)
class SampledShapley:
    """A sampled Shapley value: the mean and its standard error per player."""

    value: dict[str, float]
    stderr: dict[str, float]
    samples: int


def sampled_shapley(
    players: Sequence[str],
    value_of: Callable[[frozenset[str]], float],
    *,
    samples: int = 200,
    seed: int = 0,
) -> SampledShapley:
    """Shapley value by random orders of the players (each order's marginal contributions).

    ``value_of`` is called for every coalition an order passes through (cache it: orders share
    coalitions). The mean of each player's marginal contribution is unbiased; its standard
    error is the sample standard deviation over sqrt(samples). Every order's contributions sum
    to v(N), so the means are efficient too.
    """
    if samples < 2:
        msg = "sampled Shapley needs at least 2 samples for a standard error"
        raise ValueError(msg)
    rng = random.Random(seed)
    order = list(players)
    draws: dict[str, list[float]] = {p: [] for p in players}
    for _ in range(samples):
        rng.shuffle(order)
        before = 0.0
        members: list[str] = []
        for p in order:
            members.append(p)
            now = value_of(frozenset(members))
            draws[p].append(now - before)
            before = now
    mean = {p: float(np.mean(d)) for p, d in draws.items()}
    err = {p: float(np.std(d, ddof=1) / math.sqrt(samples)) for p, d in draws.items()}
    return SampledShapley(mean, err, samples)


def core_excess(
    players: Sequence[str], values: Values, allocation: Mapping[str, float]
) -> dict[frozenset[str], float]:
    """The excess v(S) - x(S) of every proper coalition; x is in the core when none is
    positive (and x sums to v(N))."""
    return {
        s: _value(values, s) - sum(allocation[p] for p in s)
        for s in coalitions(players, proper=True)
    }


def in_core(
    players: Sequence[str], values: Values, allocation: Mapping[str, float], tol: float = 1e-6
) -> bool:
    """Whether ``allocation`` is efficient and no coalition gets less than its value."""
    total = sum(allocation[p] for p in players)
    grand = _value(values, players)
    if abs(total - grand) > tol * max(1.0, abs(grand)):
        return False
    return all(e <= tol * max(1.0, abs(grand)) for e in core_excess(players, values, allocation).values())


def _lp(
    players: Sequence[str],
    values: Values,
    free: list[frozenset[str]],
    fixed: Mapping[frozenset[str], float],
) -> tuple[float, dict[str, float], np.ndarray]:
    """min eps s.t. x(S) + eps >= v(S) (S in ``free``), x(S) = v(S) - e_S (``fixed``: S -> e_S),
    x(N) = v(N). Returns eps, x and the duals of the ``free`` rows (>= 0)."""
    n = len(players)
    pos = {p: j for j, p in enumerate(players)}

    def row(s: frozenset[str]) -> np.ndarray:
        r = np.zeros(n + 1)
        for p in s:
            r[pos[p]] = 1.0
        return r

    # linprog wants A_ub x <= b_ub: -x(S) - eps <= -v(S)
    a_ub = np.array([-row(s) - np.eye(n + 1)[n] for s in free]) if free else None
    b_ub = np.array([-_value(values, s) for s in free]) if free else None
    eq = [row(frozenset(players))] + [row(s) for s in fixed]
    b_eq = [_value(values, players)] + [_value(values, s) - e for s, e in fixed.items()]
    c = np.zeros(n + 1)
    c[n] = 1.0
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=np.array(eq),
        b_eq=np.array(b_eq),
        bounds=[(None, None)] * (n + 1),
        method="highs",
    )
    if res.status != 0:
        msg = f"least-core LP failed: {res.message}"
        raise RuntimeError(msg)
    duals = -np.asarray(res.ineqlin.marginals) if free else np.zeros(0)
    return float(res.x[n]), {p: float(res.x[pos[p]]) for p in players}, duals


def least_core(players: Sequence[str], values: Values) -> tuple[float, dict[str, float]]:
    """The least-core epsilon and one allocation in the least core.

    eps* = min eps s.t. x(S) >= v(S) - eps for every proper coalition S, x(N) = v(N). The core
    is non-empty exactly when eps* <= 0.
    """
    eps, x, _ = _lp(players, values, coalitions(players, proper=True), {})
    return eps, x


def _rank(vectors: list[np.ndarray]) -> int:
    return int(np.linalg.matrix_rank(np.array(vectors))) if vectors else 0


def nucleolus(players: Sequence[str], values: Values) -> dict[str, float]:
    """The nucleolus, by a sequence of LPs.

    Each LP minimises the largest excess of the coalitions not yet fixed, given the excesses
    fixed before; coalitions whose row has a positive dual are tight in every optimum and are
    fixed at that level, as is every coalition whose x(S) the fixed ones already determine. The
    sequence ends when the fixed coalitions (with N) span R^n: x is then unique.
    """
    n = len(players)
    pos = {p: j for j, p in enumerate(players)}

    def vec(s: frozenset[str]) -> np.ndarray:
        r = np.zeros(n)
        for p in s:
            r[pos[p]] = 1.0
        return r

    free = coalitions(players, proper=True)
    fixed: dict[frozenset[str], float] = {}
    basis = [vec(frozenset(players))]
    x = {p: _value(values, players) / n for p in players}
    while _rank(basis) < n and free:
        eps, x, duals = _lp(players, values, free, fixed)
        tight = [s for s, d in zip(free, duals, strict=True) if d > TOL]
        if not tight:  # degenerate duals: test each row for slack in every optimum
            tight = [s for s in free if _always_tight(players, values, free, fixed, eps, s)]
        if not tight:  # numerically nothing is tight (cannot happen exactly): stop here
            break
        for s in tight:
            fixed[s] = eps
            basis.append(vec(s))
        free = [s for s in free if s not in fixed]
        rank = _rank(basis)
        for s in list(free):  # x(S) already determined: drop the row
            if _rank([*basis, vec(s)]) == rank:
                free.remove(s)
    if _rank(basis) < n or free:
        _eps, x, _ = _lp(players, values, [], fixed)
    return x


def _always_tight(
    players: Sequence[str],
    values: Values,
    free: list[frozenset[str]],
    fixed: Mapping[frozenset[str], float],
    eps: float,
    s: frozenset[str],
) -> bool:
    """Whether x(S) + eps = v(S) in every optimum of the level's LP (max the slack of S)."""
    n = len(players)
    pos = {p: j for j, p in enumerate(players)}
    c = np.zeros(n)
    for p in s:
        c[pos[p]] = -1.0  # maximise x(S)
    rows, rhs = [], []
    for t in free:
        r = np.zeros(n)
        for p in t:
            r[pos[p]] = -1.0
        rows.append(r)
        rhs.append(-_value(values, t) + eps + TOL)
    eq = [np.ones(n)]
    b_eq = [_value(values, players)]
    for t, e in fixed.items():
        r = np.zeros(n)
        for p in t:
            r[pos[p]] = 1.0
        eq.append(r)
        b_eq.append(_value(values, t) - e)
    res = linprog(
        c,
        A_ub=np.array(rows),
        b_ub=np.array(rhs),
        A_eq=np.array(eq),
        b_eq=np.array(b_eq),
        bounds=[(None, None)] * n,
        method="highs",
    )
    return res.status == 0 and -res.fun - (_value(values, s) - eps) <= 1e-6


def nash_bargaining(players: Sequence[str], values: Values) -> dict[str, float]:
    """The Nash bargaining split with transferable profit and disagreement point d_i = v({i}):
    every player gets d_i plus an equal share of the surplus v(N) - sum_j d_j (the maximiser of
    prod_i (x_i - d_i) on sum_i x_i = v(N); with a negative surplus the same formula splits the
    loss equally, and no split makes every player better off than alone)."""
    d = {p: _value(values, [p]) for p in players}
    surplus = _value(values, players) - sum(d.values())
    return {p: d[p] + surplus / len(players) for p in players}


def side_payments(
    allocation: Mapping[str, float], equity: Mapping[str, float]
) -> dict[str, float]:
    """What each player must receive (positive) or pay (negative) on top of its equity-weighted
    profit to end at ``allocation``; the payments sum to 0 when both are efficient."""
    return {p: allocation[p] - equity[p] for p in allocation}


@dataclass(frozen=True)
class EquityShares:
    """Equity shares of one entity that move the equity split to a target allocation.

    Attributes:
        shares: owner -> share of the entity that gives the owner its target.
        reachable: whether every share is within [0, 1] and every player that does not own
            the entity already receives its target (the entity's shares move profit among its
            owners only).
    """

    shares: dict[str, float]
    reachable: bool


def equity_for_target(
    entity_profit: float,
    owners: Mapping[str, float],
    equity: Mapping[str, float],
    target: Mapping[str, float],
    tol: float = 1e-6,
) -> EquityShares:
    """Shares s'_f of an entity with profit P such that equity_f - s_f P + s'_f P = target_f for
    each owner f (the network's decisions held fixed):
    s'_f = s_f + (target_f - equity_f) / P.
    """
    if abs(entity_profit) <= tol:
        return EquityShares({f: math.nan for f in owners}, False)
    shares = {f: s + (target[f] - equity[f]) / entity_profit for f, s in owners.items()}
    scale = tol * max(1.0, *(abs(v) for v in target.values()))
    others_ok = all(abs(target[p] - equity[p]) <= scale for p in target if p not in owners)
    within = all(-tol <= s <= 1 + tol for s in shares.values())
    return EquityShares(shares, others_ok and within)
