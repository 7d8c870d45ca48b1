"""The alliance analysis: coalition values, allocations, the core, the frontier, JV shares.

:func:`analyse_alliance` is the whole study: one :class:`gpnopt.solver.CoalitionSolver` for the
instance, the values of the coalitions (:mod:`gpnopt.alliance.values`), the allocations on them
(:mod:`gpnopt.alliance.games`), the equity split of the alliance optimum against them, the
equity shares of each joint venture that would make the equity split the Shapley split, and
the Pareto frontier between two firms (:mod:`gpnopt.alliance.frontier`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from gpnopt.alliance.frontier import frontier as pareto_frontier
from gpnopt.alliance.frontier import nash_point
from gpnopt.alliance.games import (
    core_excess,
    equity_for_target,
    least_core,
    nash_bargaining,
    nucleolus,
    sampled_shapley,
    shapley,
)
from gpnopt.alliance.report import AllianceAnalysis
from gpnopt.alliance.values import EXACT_LIMIT, CoalitionValues, Progress, label
from gpnopt.errors import InstanceError, SolveError
from gpnopt.horizon_data import refuse_periods
from gpnopt.schema import Instance
from gpnopt.solver import CoalitionSolver


def check_players(instance: Instance, firms: Sequence[str] | None) -> list[str]:
    """The players: ``firms`` (checked) or every firm of the instance.

    Raises:
        InstanceError: an unknown firm, a firm named twice, or fewer than two firms.
    """
    known = list(instance.firms)
    players = known if firms is None else [f.strip() for f in firms if f.strip()]
    unknown = [f for f in players if f not in instance.firms]
    if unknown:
        msg = (
            f"{instance.name}: firms (--firms): unknown firm {', '.join(map(repr, unknown))} "
            f"(the instance's firms: {', '.join(known)})"
        )
        raise InstanceError(msg)
    if len(set(players)) != len(players):
        msg = f"{instance.name}: firms (--firms): a firm is named twice ({', '.join(players)})"
        raise InstanceError(msg)
    if len(players) < 2:
        msg = (
            f"{instance.name}: firms (--firms): an alliance needs at least two firms, got "
            f"{', '.join(players) or 'none'}"
        )
        raise InstanceError(msg)
    return players


def check_frontier(players: Sequence[str], pair: Sequence[str] | None, points: int) -> tuple[str, ...]:
    """The frontier's two firms (default the first two players), checked with ``points``.

    Raises:
        InstanceError: the pair is not two different players, or ``points`` is below 2.
    """
    if points < 2:
        msg = f"points (--points): a frontier needs at least 2 points, got {points}"
        raise InstanceError(msg)
    chosen = tuple(players[:2]) if pair is None else tuple(f.strip() for f in pair)
    if len(chosen) != 2 or chosen[0] == chosen[1] or not set(chosen) <= set(players):
        msg = (
            f"frontier (--frontier): give two different firms of the game ({', '.join(players)}), "
            f"got {', '.join(chosen) or 'none'}"
        )
        raise InstanceError(msg)
    return chosen


def analyse_alliance(
    instance: Instance,
    *,
    firms: Sequence[str] | None = None,
    frontier: Sequence[str] | None = None,
    points: int = 20,
    samples: int = 200,
    seed: int = 0,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> AllianceAnalysis:
    """The whole alliance study of ``instance`` (:func:`gpnopt.alliance` documents it;
    ``frontier=()`` skips the frontier)."""
    import time

    refuse_periods(instance, "gpnopt alliance")
    players = check_players(instance, firms)
    pair = () if frontier is not None and not len(frontier) else check_frontier(players, frontier, points)
    t0 = time.perf_counter()
    solver = CoalitionSolver(instance, time_limit=time_limit, mip_gap=mip_gap, threads=threads)
    t1 = time.perf_counter()
    options = {"time_limit": time_limit, "mip_gap": mip_gap, "threads": threads}
    values = CoalitionValues(solver, players, instance=instance, options=options, workers=workers)
    exact = len(players) <= EXACT_LIMIT
    try:
        alloc, core = _allocations(values, players, exact, samples, seed, progress)
    except SolveError as exc:
        if exc.diagnosis is not None:  # the whole network: solve's words
            raise
        msg = f"{exc} (a coalition's own network)"
        raise SolveError(msg, exc.status, exit_code=exc.exit_code) from None
    t2 = time.perf_counter()
    grand = values.solves[frozenset(players)]
    analysis = AllianceAnalysis(
        instance=instance.name,
        scenario=instance.scenario,
        players=players,
        exact=exact,
        coalitions=_coalition_table(values),
        allocations=alloc,
        core=core,
        jv_shares=_jv_shares(instance, players, grand, alloc),
        pair=pair,
    )
    if pair:
        analysis.frontier = pareto_frontier(solver, players, pair[0], pair[1], points, progress)
        analysis.marks = _marks(solver, players, pair, grand, analysis)
    analysis.seconds = {
        "build": t1 - t0,
        "coalitions": t2 - t1,
        "frontier": time.perf_counter() - t2,
    }
    analysis.solves = solver.solves + values.in_workers
    return analysis


def _allocations(
    values: CoalitionValues,
    players: list[str],
    exact: bool,
    samples: int,
    seed: int,
    progress: Progress | None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The allocation table and the core's facts."""
    grand_set = frozenset(players)
    if exact:
        v = values.all_of_them(progress)
        phi = shapley(players, v)
        stderr = None
    else:
        sampled = sampled_shapley(players, values, samples=samples, seed=seed)
        phi, stderr = sampled.value, sampled.stderr
        for p in players:
            values(frozenset([p]))
        values(grand_set)
        v = values.table()
    equity = dict(values.solves[grand_set].firm_profit)
    equity = {p: equity[p] for p in players}
    table = pd.DataFrame(index=pd.Index(players, name="firm"))
    table["equity"] = pd.Series(equity)
    table["stand_alone"] = pd.Series({p: v[frozenset([p])] for p in players})
    table["shapley"] = pd.Series(phi)
    if stderr is not None:
        table["shapley_stderr"] = pd.Series(stderr)
    table["nash"] = pd.Series(nash_bargaining(players, v))
    core: dict[str, Any] = {"grand_value": v[grand_set]}
    if exact:
        eps, least = least_core(players, v)
        table["nucleolus"] = pd.Series(nucleolus(players, v))
        table["least_core"] = pd.Series(least)
        excess = core_excess(players, v, equity)
        tol = 1e-6 * max(1.0, abs(v[grand_set]))
        blocking = {label(s, players): e for s, e in excess.items() if e > tol}
        core.update(
            equity_in_core=not blocking,
            least_core_epsilon=eps,
            core_empty=eps > tol,
            blocking=blocking,
        )
    else:
        core.update(equity_in_core=None, least_core_epsilon=None, core_empty=None, blocking={})
    for name in ("shapley", "nucleolus", "nash", "least_core"):
        if name in table:
            table[f"{name}_payment"] = table[name] - table["equity"]
    return table, core


def _coalition_table(values: CoalitionValues) -> pd.DataFrame:
    players = values.players
    rows = []
    for s, got in sorted(values.solves.items(), key=lambda kv: (len(kv[0]), label(kv[0], players))):
        rows.append({
            "coalition": label(s, players),
            "size": len(s),
            "value": got.objective,
            "status": got.status,
            **{f"profit_{f}": x for f, x in got.firm_profit.items()},
        })
    return pd.DataFrame(rows)


def _jv_shares(
    instance: Instance, players: list[str], grand: Any, alloc: pd.DataFrame
) -> pd.DataFrame:
    """For each entity with two or more owners among the players: the shares that would make
    the equity split the Shapley split."""
    entities = {**instance.plants, **(instance.channels or {}), **instance.purchasing_offices}
    equity = alloc["equity"].to_dict()
    phi = alloc["shapley"].to_dict()
    rows = []
    for e, ent in entities.items():
        owners = {f: s for f, s in ent.owners.items() if s > 0 and f in players}
        if len(owners) < 2:
            continue
        profit = grand.entity_profit.get(e, 0.0)
        got = equity_for_target(profit, owners, equity, phi)
        for f, s in owners.items():
            rows.append({
                "entity": e,
                "owner": f,
                "share": s,
                "shapley_share": got.shares[f],
                "jv_profit": profit,
                "reachable": got.reachable,
            })
    return pd.DataFrame(rows, columns=["entity", "owner", "share", "shapley_share", "jv_profit", "reachable"])


def _marks(
    solver: CoalitionSolver,
    players: list[str],
    pair: tuple[str, ...],
    grand: Any,
    analysis: AllianceAnalysis,
) -> pd.DataFrame:
    """The marked points: alliance optimum, each firm's own optimum (with and without
    participation) and the Nash point of the frontier."""
    a, b = pair
    front = analysis.frontier
    rows = [{"mark": "alliance optimum", **grand.firm_profit}]
    if len(front):
        rows.append({"mark": f"{a} optimum", **front.iloc[0][players].to_dict()})
        rows.append({"mark": f"{b} optimum", **front.iloc[-1][players].to_dict()})
    stand = analysis.allocations["stand_alone"].to_dict()
    for f in pair:
        floors = {g: stand[g] - 1e-7 * max(1.0, abs(stand[g])) for g in players if g != f}
        try:  # f's optimum, then the best for the game's firms with f held there
            top = solver.solve(players, objective_firms=[f], floors=floors)
            floors[f] = top.objective - 1e-7 * max(1.0, abs(top.objective))
            got = solver.solve(players, objective_firms=players, floors=floors)
        except SolveError:
            continue
        rows.append({"mark": f"{f} optimum with participation", **got.firm_profit})
    k = nash_point(front, a, b, stand) if len(front) else None
    if k is not None:
        rows.append({"mark": "Nash point", **front.loc[k, players].to_dict()})
    return pd.DataFrame(rows)
