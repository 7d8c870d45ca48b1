"""Scenarios side by side: objective, profit by firm, and each plant's role type."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib import ticker
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from gpnopt.plots.common import DPI, ROLE_COLORS, firm_colors, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from gpnopt.analysis.compare import Comparison


def comparison_figure(comparison: Comparison, *, title: str | None = None) -> Figure:
    """Scenarios side by side: objective, profit by firm, and each plant's role type.

    Reads ``comparison.kpis`` (sections ``objective``, ``firm profit``, ``role type``). One
    row per scenario (the first, the reference, on top). Left: the objective; middle: the
    equity-weighted profit of each firm; right: each plant's role type (H horizontal,
    V vertical, B both, - none, blank: no such plant or closed), outlined where it differs
    from the first scenario; for multi-period scenarios the role types (and closures) of
    each scenario's last period, the objective and profits their net present values. A
    scenario that could not be solved shows its status.

    Returns:
        A matplotlib Figure, 14 inches wide, 0.55 inch per scenario high (at least 4.5).
    """
    with style():
        return _comparison(comparison, title)


def _comparison(comparison: Comparison, title: str | None) -> Figure:
    scen = list(comparison.scenarios)
    n = len(scen)
    y = {s: i for i, s in enumerate(scen)}
    fig = Figure(figsize=(14, max(4.5, 2.3 + 0.55 * n)), dpi=DPI)
    bottom = 1.3 / fig.get_figheight()
    top = 1 - 0.75 / fig.get_figheight()
    ax1 = fig.add_axes((0.16, bottom, 0.2, top - bottom))
    ax2 = fig.add_axes((0.4, bottom, 0.27, top - bottom), sharey=ax1)
    ax3 = fig.add_axes((0.7, bottom, 0.28, top - bottom), sharey=ax1)
    _objective_panel(ax1, comparison.kpis, scen, y)
    _firm_panel(ax2, comparison.kpis, scen, y)
    for ax in (ax1, ax2):
        ax.tick_params(axis="x", labelsize=8)
        ax.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
        ax.spines[["top", "right"]].set_visible(False)
    _roles_panel(fig, ax3, comparison, scen, y)
    name = next(iter(comparison.instances.values())).name if comparison.instances else ""
    fig.suptitle(title or f"{name}: scenarios compared (first = reference)", fontsize=12,
                 x=0.01, ha="left", y=1 - 0.15 / fig.get_figheight())
    return fig


def _section(kpis: pd.DataFrame, name: str) -> pd.DataFrame:
    return kpis[kpis["section"] == name]


def _objective_panel(ax1: Axes, kpis: pd.DataFrame, scen: list[str], y: dict[str, int]) -> None:
    """Left: a bar per scenario (its status where it has no objective), the first dotted."""
    n = len(scen)
    obj = _section(kpis, "objective")
    obj_val = {r.scenario: pd.to_numeric(r.value, errors="coerce") for r in obj.itertuples()}
    obj_label = str(obj["item"].iloc[0]) if not obj.empty else "objective"
    status = {r.scenario: str(r.value) for r in _section(kpis, "status").itertuples()}
    vals = [obj_val.get(s, math.nan) for s in scen]
    finite = [v for v in vals if isinstance(v, float | int) and not math.isnan(v)]
    ax1.barh([y[s] for s in scen], [0 if math.isnan(v) else v for v in vals],
             color="#7f7f7f", height=0.6)
    vmax = max([abs(v) for v in finite], default=1.0) or 1.0
    for s, v in zip(scen, vals, strict=True):
        if math.isnan(v):
            ax1.text(0, y[s], f" {status.get(s, 'not solved')}", va="center", fontsize=7.5,
                     color="#c44e52")
        else:
            ax1.text(v + 0.01 * vmax, y[s], f"{v:,.0f}", va="center", fontsize=8)
    ax1.set_xlim(min(0.0, *(finite or [0.0])) * 1.1, vmax * 1.3)
    if finite and scen[0] in obj_val and not math.isnan(vals[0]):
        ax1.axvline(vals[0], color="#333333", linestyle=":", linewidth=1)
    ax1.xaxis.set_major_locator(ticker.MaxNLocator(3))
    ax1.set_title(f"objective ({obj_label})", fontsize=10)
    ax1.set_yticks(range(n), scen, fontsize=9)
    ax1.invert_yaxis()


def _firm_panel(ax2: Axes, kpis: pd.DataFrame, scen: list[str], y: dict[str, int]) -> None:
    """Middle: each firm's equity-weighted profit per scenario, a bar per firm."""
    fp = _section(kpis, "firm profit")
    firms = list(dict.fromkeys(fp["item"].astype(str)))
    colors = firm_colors(firms)
    width = 0.8 / max(1, len(firms))
    fv = {(r.scenario, str(r.item)): pd.to_numeric(r.value, errors="coerce")
          for r in fp.itertuples()}
    for j, f in enumerate(firms):
        ys = [y[s] - 0.4 + width * (j + 0.5) for s in scen]
        xs = [fv.get((s, f), math.nan) for s in scen]
        ax2.barh(ys, [0 if math.isnan(v) else v for v in xs], height=width * 0.95,
                 color=colors[f], label=f)
    ax2.axvline(0, color="#333333", linewidth=0.8)
    ax2.xaxis.set_major_locator(ticker.MaxNLocator(5))
    ax2.set_title("profit by firm (equity-weighted)", fontsize=10)
    ax2.legend(loc="lower right", fontsize=8, frameon=True)
    ax2.tick_params(labelleft=False)


def _roles_panel(
    fig: Figure, ax3: Axes, comparison: Comparison, scen: list[str], y: dict[str, int]
) -> None:
    """Right: each plant's role type per scenario, changes against the first outlined; and
    the legend of the role types."""
    last = _last_periods(comparison)
    roles = _section(comparison.kpis, "role type")
    if "period" in roles.columns:
        roles = roles[[str(r.period) == last.get(r.scenario, str(r.period))
                       for r in roles.itertuples()]]
    plants = sorted(set(roles["item"].astype(str)))
    role = {(r.scenario, str(r.item)): str(r.value) for r in roles.itertuples()}
    closed = _closed_plants(comparison, last)
    letters = {"horizontal": "H", "vertical": "V", "both": "B", "none": "-", "absent": ""}
    ref = scen[0]
    for i, p in enumerate(plants):
        for s in scen:
            rt = role.get((s, p), "absent")
            if (s, p) in closed:
                rt = "absent"
            changed = s != ref and s in comparison.results and (
                rt != (role.get((ref, p), "absent") if (ref, p) not in closed else "absent"))
            ax3.add_patch(Rectangle((i - 0.45, y[s] - 0.4), 0.9, 0.8,
                                    facecolor=ROLE_COLORS.get(rt, "#ffffff"),
                                    edgecolor="#c44e52" if changed else "#cccccc",
                                    linewidth=2.2 if changed else 0.6))
            ax3.text(i, y[s], letters.get(rt, "?"), ha="center", va="center", fontsize=9)
    ax3.set_xlim(-0.6, max(len(plants), 1) - 0.4)
    ax3.set_xticks(range(len(plants)), plants, fontsize=8, rotation=30, ha="right")
    ax3.tick_params(labelleft=False, length=0)
    for side in ax3.spines.values():
        side.set_visible(False)
    multi = any(not r.single for r in comparison.results.values())
    ax3.set_title("plant role types" + (" (each scenario's last period)" if multi else ""),
                  fontsize=10)
    handles = [Patch(facecolor=ROLE_COLORS[k], edgecolor="#999999",
                     label=f"{letters[k] or 'blank'}: {k if k != 'absent' else 'no plant or closed'}")
               for k in ("horizontal", "vertical", "both", "none", "absent")]
    handles.append(Patch(facecolor="white", edgecolor="#c44e52", linewidth=2,
                         label=f"changed vs {ref}"))
    fig.legend(handles=handles, loc="lower right", ncol=3, fontsize=8, frameon=False,
               bbox_to_anchor=(0.99, 0.0))


def _last_periods(comparison: Comparison) -> dict[str, str]:
    """Each solved scenario's last period (``P1`` for a one-period one)."""
    return {s: r.periods[-1] for s, r in comparison.results.items()}


def _closed_plants(comparison: Comparison, last: dict[str, str]) -> set[tuple[str, str]]:
    """(scenario, plant) of the plants closed in the scenario's last period."""
    out = set()
    for s, r in comparison.results.items():
        pp = r.tables["plant_profit"]
        if "period" in pp.columns:
            pp = pp[pp["period"].astype(str) == last[s]]
        for p in pp.loc[pp["open"] != 1, "plant"]:
            out.add((s, str(p)))
    return out
