"""Why each decision was taken, and what it would take to change it (``gpnopt explain``).

* :mod:`gpnopt.explain.decisions`: decision names, their state in a solution, their opposite;
* :mod:`gpnopt.explain.thresholds`: the smallest relative change of a parameter that flips
  a decision;
* :mod:`gpnopt.explain.core`: :class:`Explainer`, the forced alternative, the limits in
  the way and the shadow prices of one decision;
* :mod:`gpnopt.explain.text`: the words.

:func:`explain_instance` (``gpnopt.explain``) runs them and returns an :class:`Explanation`
of DataFrames. Method and limits: ``docs/explain.md``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from gpnopt.atomic import OutputFolder
from gpnopt.callable import make_callable
from gpnopt.explain.core import DEFAULT_PARAMETERS, DecisionReport, Explainer
from gpnopt.horizon_data import refuse_periods
from gpnopt.results.formats import table_files
from gpnopt.schema import Instance

__all__ = [
    "DecisionReport",
    "Explainer",
    "Explanation",
    "explain",
    "explain_instance",
    "safe_name",
]

_TABLES = ("decisions", "by_type", "by_entity", "by_firm", "limits", "shadow_prices", "thresholds")


@dataclass
class Explanation:
    """What :func:`explain_instance` found, as DataFrames.

    Attributes:
        instance: the instance's name.
        objective: the optimum's objective.
        reports: one :class:`DecisionReport` per decision, in order.
        decisions: one row per decision (the ``explain.csv`` table): decision, chosen,
            description, alternative, alternative_status, objective_difference,
            profit_difference, one ``profit_<firm>`` column per firm (equity-weighted),
            binding_limits, threshold_parameter, threshold_factor, threshold_value (the
            parameter's value at the flip; a pattern of several numbers has none), sentence.
        by_type: decision, type, difference (revenue and cost types; they sum to the
            profit difference).
        by_entity: decision, entity, difference (profit centres).
        by_firm: decision, firm, difference.
        limits: decision, limit (what stands in the way, or what would have to give).
        shadow_prices: family, index, activity, bound, value (money per unit of the
            limit, LP with the binaries fixed at the optimum).
        thresholds: decision, parameter, paths, base, flips, factor, lower, upper,
            verified.
        tables: the tables above by name.
    """

    instance: str
    objective: float
    reports: list[DecisionReport]
    shadow_prices: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tables = _tables(self.reports, self.shadow_prices)

    def __getattr__(self, name: str) -> Any:
        tables = self.__dict__.get("tables", {})
        if name in _TABLES and name in tables:
            return tables[name]
        raise AttributeError(name)

    def to_dict(self) -> dict[str, Any]:
        """The ``explain.json`` content (every report, the shadow prices)."""
        def clean(x: Any) -> Any:
            if isinstance(x, float):
                return round(x, 6) if math.isfinite(x) else None
            if isinstance(x, dict):
                return {str(k): clean(v) for k, v in x.items()}
            if isinstance(x, list | tuple):
                return [clean(v) for v in x]
            return x

        reports = [clean(r.__dict__) for r in self.reports]
        return {
            "instance": self.instance,
            "objective": clean(self.objective),
            "decisions": reports,
            "shadow_prices": clean(self.tables["shadow_prices"].to_dict(orient="records")),
        }

    def to_markdown(self) -> str:
        """``explain.md``: a section per decision, the shadow prices at the end."""
        parts = [f"# Why the optimum of {self.instance} is what it is", "",
                 f"Objective {self.objective:,.2f}.", ""]
        for r in self.reports:
            parts += [f"## `{r.name}`", "", r.sentence, ""]
            if r.by_type:
                rows = [{"type": t, "difference": v} for t, v in r.by_type.items()]
                rows.append({"type": "total", "difference": r.profit_difference})
                parts += [pd.DataFrame(rows).to_markdown(index=False, floatfmt=",.2f"), ""]
            if r.limits:
                parts += [*(f"- {line}" for line in r.limits), ""]
            if r.thresholds:
                t = pd.DataFrame(r.thresholds).drop(columns=["decision"])
                parts += [t.to_markdown(index=False), ""]
        sp = self.tables["shadow_prices"]
        parts += ["## Shadow prices (LP with the binaries fixed at the optimum)", ""]
        parts.append(sp.to_markdown(index=False) if not sp.empty else "None is nonzero.")
        return "\n".join(parts) + "\n"

    def write(
        self,
        out_dir: str | Path,
        *,
        formats: Iterable[str] = ("csv",),
        extra: Mapping[str, bytes] | None = None,
    ) -> list[Path]:
        """Write explain.md, explain.json and the tables (``explain`` for the decisions,
        ``explain_<table>`` for the others) in each of ``formats`` (``csv``, ``parquet``,
        ``xlsx``), plus ``extra`` (name -> bytes, e.g. the waterfall pictures), each file
        atomically, with the folder's manifest last (:class:`gpnopt.atomic.OutputFolder`).

        Raises:
            ValueError: an unknown format.
        """
        tables = {("explain" if n == "decisions" else f"explain_{n}"): self.tables[n]
                  for n in _TABLES}
        files = table_files(tables, formats, summary=self.tables["decisions"])
        files["explain.md"] = self.to_markdown()
        files["explain.json"] = json.dumps(self.to_dict(), indent=2) + "\n"
        files.update(extra or {})
        with OutputFolder(out_dir, files=files) as folder:
            return [folder.write(name, data) for name, data in files.items()]


def _tables(reports: list[DecisionReport], prices: pd.DataFrame) -> dict[str, pd.DataFrame]:
    firms = list(dict.fromkeys(f for r in reports for f in r.by_firm))
    rows = []
    for r in reports:
        flips = [t for t in r.thresholds if t["flips"]]  # the smallest relative change
        t = min(flips, key=lambda t: abs(math.log(t["factor"])), default=(
            r.thresholds[0] if r.thresholds else None))
        rows.append({
            "decision": r.name, "chosen": r.chosen, "description": r.words,
            "alternative": r.alternative, "alternative_status": r.status,
            "objective_difference": r.objective_difference,
            "profit_difference": r.profit_difference,
            **{f"profit_{f}": r.by_firm.get(f, math.nan) for f in firms},
            "binding_limits": "; ".join(r.limits),
            "threshold_parameter": None if t is None else t["parameter"],
            "threshold_factor": math.nan if t is None or not t["flips"] else t["factor"],
            "threshold_value": math.nan if t is None or not t["flips"] else t["base"] * t["factor"],
            "sentence": r.sentence,
        })

    def long(attr: str, key: str) -> pd.DataFrame:
        return pd.DataFrame(
            [{"decision": r.name, key: k, "difference": v} for r in reports
             for k, v in getattr(r, attr).items()],
            columns=["decision", key, "difference"],
        )

    return {
        "decisions": pd.DataFrame(rows),
        "by_type": long("by_type", "type"),
        "by_entity": long("by_entity", "entity"),
        "by_firm": long("by_firm", "firm"),
        "limits": pd.DataFrame([{"decision": r.name, "limit": line} for r in reports
                                for line in r.limits], columns=["decision", "limit"]),
        "shadow_prices": prices,
        "thresholds": pd.DataFrame(
            [t for r in reports for t in r.thresholds],
            columns=["decision", "parameter", "paths", "base", "flips", "factor", "lower",
                     "upper", "verified"],
        ),
    }


def safe_name(decision: str) -> str:
    """A file-name stem for a decision (``line:CN_FT:x`` -> ``line-CN_FT-x``)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", decision)


def explain_instance(
    instance: Instance,
    decisions: Sequence[str] | None = None,
    vary: Sequence[str] | None = None,
    result: Any = None,
    *,
    objective: str | None = None,
    parameters: int = DEFAULT_PARAMETERS,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Explanation:
    """Explain decisions of ``instance``'s optimum (``gpnopt.explain``).

    Args:
        instance: a validated instance (:func:`gpnopt.load`).
        decisions: decision names (``line:P:I``, ``in_house:P:K``, ``plant:P``,
            ``channel:H``, ``office:O``, ``flow:K:S:D``, ``serves:P:M``,
            ``expectation:ID``); ``None``: every binary decision and every expectation.
        vary: parameters (dotted YAML paths or ``fnmatch`` patterns) whose thresholds are
            searched for every decision; ``None``: per decision, the ``parameters`` of its
            own costs with the largest share of the profit.
        result: a :class:`gpnopt.results.Result` of ``instance`` already solved; its
            objective is checked against the explainer's own solve.
        objective: ``alliance`` or ``firm:ID`` (default the instance's); a firm's objective
            is solved in two stages, afresh for each solve (slower, no shadow prices).
        parameters: thresholds per decision without ``vary``.
        time_limit, mip_gap, threads: per solve, as for :func:`gpnopt.solve`.
        progress: called as ``progress(decision, done, total)`` before each decision.

    Returns:
        An :class:`Explanation`.

    Raises:
        InstanceError: an unknown decision name or ``vary`` path (the message lists the
            closest valid ones), or an objective naming no firm of the instance.
        SolveError: the instance itself is infeasible or unsolved.
        ValueError: ``result``'s objective differs from the explainer's optimum.
    """
    refuse_periods(instance, "gpnopt explain")
    ex = Explainer(instance, objective=objective, time_limit=time_limit, mip_gap=mip_gap,
                   threads=threads)
    if result is not None:
        base = ex.solver.base.objective
        if abs(result.objective - base) > 1e-6 * max(1.0, abs(base)):
            msg = f"result's objective {result.objective:g} is not the optimum found ({base:g})"
            raise ValueError(msg)
    named = ex.names(decisions)
    patterns = ex.check_vary(list(vary or ()))
    reports = []
    for k, d in enumerate(named):
        if progress is not None:
            progress(d.name, k, len(named))
        reports.append(ex.explain(d, patterns, parameters=parameters))
    prices = pd.DataFrame(
        [{**r, "index": ",".join(map(str, r["index"] if isinstance(r["index"], tuple)
                                     else (r["index"],)))} for r in ex.shadow_prices],
        columns=["family", "index", "activity", "bound", "value"],
    )
    return Explanation(instance.name, ex.solver.base.objective, reports, prices)


explain = explain_instance
"""``gpnopt.explain.explain``: the same as :func:`explain_instance`."""


make_callable(__name__, explain_instance)  # gpnopt.explain(...) is explain_instance(...)
