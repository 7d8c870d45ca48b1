"""The alliance analysis as a result: :class:`AllianceAnalysis` and its files (``alliance.md``,
``alliance.json`` and the CSV tables)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from gpnopt.atomic import OutputFolder
from gpnopt.results.formats import table_files


@dataclass
class AllianceAnalysis:
    """What :func:`gpnopt.alliance` found (``docs/alliance.md`` explains every column).

    Attributes:
        instance, scenario: the instance's name and the scenario it was loaded with.
        players: the firms of the game, in order.
        exact: whether every coalition was solved (else the Shapley value is sampled).
        coalitions: one row per coalition solved: ``coalition``, ``size``, ``value`` (v(S)),
            ``status`` and every firm's equity-weighted profit in that optimum.
        allocations: one row per player: ``equity`` (its equity-weighted profit in the
            alliance optimum), ``stand_alone`` (v({i})), ``shapley`` (and ``shapley_stderr``
            when sampled), ``nucleolus``, ``nash``, ``least_core`` and the side payments
            ``<allocation>_payment`` each needs relative to the equity split.
        core: ``grand_value`` v(N), ``equity_in_core``, ``least_core_epsilon``,
            ``core_empty`` (None when not every coalition was solved), ``blocking``: the
            coalitions the equity split gives less than their value, with the shortfall.
        jv_shares: one row per (joint venture, owner): ``share`` now, ``shapley_share`` (the
            share that makes the equity split equal the Shapley split, decisions held),
            ``jv_profit`` and ``reachable`` (see :func:`gpnopt.alliance.games.equity_for_target`).
        frontier: the A-B Pareto frontier (``point``, ``eps``, ``status``, every firm's
            profit); ``marks``: the alliance optimum, each firm's own optimum, each with
            participation, and the Nash point, as rows ``mark`` and every firm's profit.
        pair: the two firms of the frontier (empty without one).
        seconds: wall time of the build, the coalitions and the frontier.
        solves: number of HiGHS solves.
    """

    instance: str
    scenario: str | None
    players: list[str]
    exact: bool
    coalitions: pd.DataFrame
    allocations: pd.DataFrame
    core: dict[str, Any]
    jv_shares: pd.DataFrame
    frontier: pd.DataFrame = field(default_factory=pd.DataFrame)
    marks: pd.DataFrame = field(default_factory=pd.DataFrame)
    pair: tuple[str, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)
    solves: int = 0

    def to_markdown(self) -> str:
        """The analysis as a Markdown report (``alliance.md``)."""
        return markdown(self)

    def summary(self) -> dict[str, Any]:
        """Everything as plain JSON-ready data (``alliance.json``, ``--json``)."""
        return summary(self)

    def write(
        self,
        out_dir: Any,
        *,
        formats: Iterable[str] = ("csv",),
        extra: dict[str, bytes] | None = None,
    ) -> list[str]:
        """Write ``alliance.csv`` (allocations), ``coalitions.csv``, ``frontier.csv``,
        ``jv_shares.csv``, ``alliance.md`` and ``alliance.json`` into ``out_dir``; return the
        names written."""
        return write(self, out_dir, formats=formats, extra=extra)




def _plain(x: Any) -> Any:
    """JSON-ready: NaN and infinities as None, numpy scalars as Python numbers."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if hasattr(x, "item"):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [_plain(r) for r in df.to_dict(orient="records")]


def summary(a: AllianceAnalysis) -> dict[str, Any]:
    """Every table and fact of ``a`` as plain data."""
    return _plain({
        "instance": a.instance,
        "scenario": a.scenario,
        "players": a.players,
        "exact": a.exact,
        "core": a.core,
        "allocations": _records(a.allocations.reset_index()),
        "coalitions": _records(a.coalitions),
        "jv_shares": _records(a.jv_shares),
        "frontier": {"pair": list(a.pair), "points": _records(a.frontier), "marks": _records(a.marks)},
        "seconds": a.seconds,
        "solves": a.solves,
    })


def _table(df: pd.DataFrame, index: bool = False) -> str:
    return df.to_markdown(index=index, floatfmt=",.1f") if len(df) else "(none)"


def markdown(a: AllianceAnalysis) -> str:
    """A readable report: values, allocations, the core, JV shares, the frontier's marks."""
    scen = f", scenario {a.scenario}" if a.scenario else ""
    core = a.core
    lines = [
        f"# Alliance analysis: {a.instance}{scen}",
        "",
        f"Players: {', '.join(a.players)}. v(N) = {core['grand_value']:,.1f} "
        f"({'every coalition solved' if a.exact else 'Shapley value sampled'}; "
        f"{a.solves} solves).",
        "",
        "## Coalition values v(S)",
        "",
        _table(a.coalitions),
        "",
        "## Allocations (equity-weighted profit)",
        "",
        _table(a.allocations, index=True),
        "",
        "## The core",
        "",
    ]
    if core.get("equity_in_core") is None:
        lines.append("Not every coalition was solved: the core is not checked.")
    else:
        verdict = "is" if core["equity_in_core"] else "is not"
        lines.append(
            f"The equity split {verdict} in the core. Least-core epsilon: "
            f"{core['least_core_epsilon']:,.1f} (the core is "
            f"{'empty' if core['core_empty'] else 'not empty'})."
        )
        for s, short in core["blocking"].items():
            lines.append(f"- {s} gets {short:,.1f} less than it earns on its own")
    lines += ["", "## Joint-venture shares that would make the equity split the Shapley split",
              "", _table(a.jv_shares), ""]
    if a.pair:
        lines += [f"## Pareto frontier {a.pair[0]} - {a.pair[1]}", "", _table(a.marks), ""]
    return "\n".join(lines)


def write(
    a: AllianceAnalysis,
    out_dir: str | Path,
    *,
    formats: Iterable[str] = ("csv",),
    extra: dict[str, bytes] | None = None,
) -> list[str]:
    """Write the tables of ``a`` (``alliance`` for the allocations, ``coalitions``,
    ``jv_shares``, with a frontier ``frontier`` and ``frontier_marks``) in each of
    ``formats`` (``csv``, ``parquet``, ``xlsx``), ``alliance.md``, ``alliance.json`` and
    ``extra`` (name -> bytes, e.g. the frontier picture) into ``out_dir``, each atomically,
    with the folder's manifest last (:class:`gpnopt.atomic.OutputFolder`); return their names.

    Raises:
        ValueError: an unknown format.
    """
    tables = {
        "alliance": a.allocations.reset_index(),
        "coalitions": a.coalitions,
        "jv_shares": a.jv_shares,
    }
    if a.pair:
        tables["frontier"] = a.frontier
        tables["frontier_marks"] = a.marks
    files = table_files(tables, formats, summary=a.coalitions)
    files["alliance.md"] = a.to_markdown() + "\n"
    files["alliance.json"] = json.dumps(a.summary(), indent=2) + "\n"
    files.update(extra or {})
    with OutputFolder(out_dir, files=files) as folder:
        for name, data in files.items():
            folder.write(name, data)
    return list(files)
