"""Specialization analysis: what role each plant plays, horizontal and vertical, measured.

Works on a solved :class:`gpnopt.results.Result`'s tables (or the rows of a
:class:`gpnopt.results.Solution`, the same rows) and on the :class:`Instance` (for plant
owners and market countries) only; no Pyomo here. The per-plant amounts, shares and role
types come from :mod:`gpnopt.analysis.roles` (shared with the sweep's per-draw record). Definitions, formulas and the
reading of the TM/FFG case are in ``docs/specialization.md``.

The case's terms (case-facts 1.1, quoting 004): *horizontal specialization* "involves plants
specializing in specific products or service in a GN that serve different markets";
*vertical specialization* "involves plants that are responsible for part of the value chain";
*intra-firm* specialization is relative to "other foreign plants owned by a firm, including its
international alliance and joint-ventures (JVs)", *inter-firm* relative to other firms.

Values (money/year):

* a machine sale is worth ``quantity * price`` (``production.price``, the market price);
* a component flow is worth ``quantity * unit_value`` (``component_flows.unit_value``: the
  transfer price between plants, the supplier's price from a pool), transport and duty
  excluded;
* a plant's use of its own in-house output (a flow from a plant to itself) is inside the
  plant: it is neither an input nor an output.

Per plant p (gross output, exports and imported inputs as in Hummels, Ishii & Yi 2001)::

    final_sales_p      = sum of machine sales of p
    component_sales_p  = sum of components p ships to other plants
    output_p           = final_sales_p + component_sales_p                (gross output)
    exports_p          = machine sales to markets in other countries
                         + components shipped to plants in other countries
    inputs_p           = components p receives from other plants and supplier pools
    imported_inputs_p  = the part of inputs_p coming from other countries
    VS_p               = imported_inputs_p / output_p * exports_p
    vs_share_p         = VS_p / exports_p                                 (undefined: NaN)
    horizontal_index_p = sum over cells c of (sales_pc / final_sales_p)^2   (Herfindahl)

where a cell is a (product tier, market country) pair. Firms add their plants' additive
amounts weighted by equity share, countries add their plants' amounts; the ratios are then
taken of the sums (so a country's VS is the sum of its plants' VS, as HIY sum sectors).

Roles (thresholds are the module constants below):

* **horizontal** when final sales are at least ``ROLE_MIN_SHARE`` of the plant's output and
  its sales are concentrated: ``horizontal_index >= HORIZONTAL_MIN_INDEX``; else, with
  final sales but spread over many cells, the plant is a *generalist* (no horizontal role);
* **vertical** when components shipped to other plants are at least ``ROLE_MIN_SHARE`` of its
  output;
* **both** when both hold, **none** when neither does.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from gpnopt.analysis.periods import period_view, period_views
from gpnopt.analysis.roles import (  # the role rule and the amounts, re-exported here
    ADDITIVE,
    EPS,  # noqa: F401
    HORIZONTAL_MIN_INDEX,  # noqa: F401
    ROLE_MIN_SHARE,
    ROLE_TYPES,  # noqa: F401
    PlantActivity,
    classify,  # noqa: F401
    herfindahl,  # noqa: F401
    plant_activity,
    plant_role,
    ratios,
    share,
)
from gpnopt.results import Result, Solution, solution_of
from gpnopt.results.tables import records_frame, table_records
from gpnopt.schema import TIER_RANK, Instance

if TYPE_CHECKING:  # pandas is imported where a frame is made (records_frame)
    import pandas as pd

FLOW_CLASSES = ("intra-firm", "inter-firm", "in-plant")
"""Classes of component flows: between plants sharing an owner (a JV counts for each of
its owners), between plants of different firms or from a supplier pool, and a plant's use of
its own in-house output."""

TIER_ORDER = sorted(TIER_RANK, key=lambda t: -TIER_RANK[t])
"""Tiers from high to low (the order of tiers in texts)."""

TEXT_COLUMNS = ("products", "tiers", "markets", "market_countries", "supplies", "inputs_from")
"""List-like columns of :func:`plant_roles` (``;``-joined texts)."""

ROLE_COLUMNS = [
    "plant", "period", "country", "owners", "stage", "role_type", "role", "products", "tiers",
    "markets", "market_countries", "output", "final_sales", "component_sales", "exports",
    "export_share", "inputs", "imported_inputs", "cross_border_input_share",
    "horizontal_index", "supply_share", "vs", "vs_share", "import_content",
    "intra_firm_supply_share", "supplies", "inputs_from",
]
"""Columns of :func:`plant_roles` in order."""

SPECIALIZATION_COLUMNS = [*ROLE_COLUMNS, "open", "profit"]
"""Columns of :func:`specialization_table` (``specialization.csv``) in order."""

INDEX_COLUMNS = [
    "plants", "output", "final_sales", "component_sales", "exports", "export_share",
    "inputs", "imported_inputs", "cross_border_input_share", "horizontal_index",
    "supply_share", "vs", "vs_share", "import_content",
]
"""Columns of :func:`specialization_indices` after the level's key column."""

FLOW_COLUMNS = [
    "component", "source", "source_type", "source_country", "destination",
    "destination_country", "quantity", "unit_value", "value", "cross_border",
    "shared_owners", "intra_firm", "flow_class",
]
"""Columns of :func:`flow_classes` in order."""

Solved = Result | Solution
"""What the functions here read: a Result (through its tables) or a Solution's rows."""


# --- helpers ----------------------------------------------------------------------------------


def _rows(result: Solved) -> Solution:
    return result if isinstance(result, Solution) else solution_of(result)


def _join_words(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _by_value(values: Mapping[str, float]) -> list[str]:
    """Keys by value (largest first), then by name."""
    return [k for k, _ in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))]


def _add(totals: dict[str, float], key: str, value: float) -> None:
    totals[key] = totals.get(key, 0.0) + value


def _owners_text(owners: Mapping[str, float]) -> str:
    """'TM:0.4;FFG:0.4;TTC:0.2'."""
    return ";".join(f"{f}:{s:g}" for f, s in owners.items() if s > 0)


def _shared_owners(instance: Instance, flow: Mapping[str, Any]) -> list[str]:
    """Firms with a positive share in both ends of a flow (none from a supplier pool)."""
    if flow["source_type"] != "plant":
        return []
    dest_owners = instance.plants[flow["destination"]].owners
    src_owners = instance.plants[flow["source"]].owners
    return [f for f, s in src_owners.items() if s > 0 and dest_owners.get(f, 0) > 0]


# --- flows ------------------------------------------------------------------------------------


def flow_classes(instance: Instance, result: Solved, *, period: str | None = None) -> pd.DataFrame:
    """Every component flow of one period of the solution (``None``: the last; a one-period
    solution: its one period), valued and classed intra- or inter-firm.

    Columns: component, source, source_type, source_country, destination,
    destination_country, quantity, unit_value, value (= quantity * unit_value),
    cross_border (source and destination countries differ), shared_owners (firms with a
    positive share in both ends, ``;``-joined), intra_firm (bool: the ends share an owner;
    a JV counts for each of its owners; supplier pools are external, so never), flow_class
    (``in-plant`` for a plant's use of its own output, ``intra-firm``, ``inter-firm``).
    """
    import pandas as pd

    instance, solution = period_view(instance, _rows(result), period)
    rows = []
    for r in solution.component_flows:
        shared = _shared_owners(instance, r)
        in_plant = r["source"] == r["destination"]
        intra = in_plant or bool(shared)
        if in_plant:
            cls = "in-plant"
        else:
            cls = "intra-firm" if intra else "inter-firm"
        q, uv = float(r["quantity"]), float(r["unit_value"])
        rows.append(
            {
                **{k: r[k] for k in FLOW_COLUMNS[:6]},
                "quantity": q,
                "unit_value": uv,
                "value": q * uv,
                "cross_border": r["source_country"] != r["destination_country"],
                "shared_owners": ";".join(shared),
                "intra_firm": intra,
                "flow_class": cls,
            }
        )
    types = {"quantity": float, "unit_value": float, "value": float, "cross_border": bool,
             "intra_firm": bool}
    return pd.DataFrame(rows, columns=FLOW_COLUMNS).astype(types)


def flow_summary(instance: Instance, result: Solved, *, period: str | None = None) -> pd.DataFrame:
    """Component flows of one period (as for :func:`flow_classes`) by class and source
    type, by quantity and by value.

    One row per (flow_class, source_type) present, in the order intra-firm, inter-firm,
    in-plant, and plant before supplier. Columns: flow_class, source_type, flows (count),
    quantity, value, cross_border_quantity, cross_border_value, quantity_share, value_share.
    Shares are of the flows *between* entities (intra-firm plus inter-firm); in-plant rows
    have NaN shares.
    """
    import pandas as pd

    fc = flow_classes(instance, result, period=period)
    columns = [
        "flow_class", "source_type", "flows", "quantity", "value", "cross_border_quantity",
        "cross_border_value", "quantity_share", "value_share",
    ]
    if fc.empty:
        return pd.DataFrame(columns=columns)
    between = fc[fc["flow_class"] != "in-plant"]
    tot_q, tot_v = float(between["quantity"].sum()), float(between["value"].sum())
    rows = []
    for cls in FLOW_CLASSES:
        for st in ("plant", "supplier"):
            g = fc[(fc["flow_class"] == cls) & (fc["source_type"] == st)]
            if g.empty:
                continue
            xb = g[g["cross_border"]]
            q, v = float(g["quantity"].sum()), float(g["value"].sum())
            inside = cls == "in-plant"
            rows.append(
                {
                    "flow_class": cls,
                    "source_type": st,
                    "flows": len(g),
                    "quantity": q,
                    "value": v,
                    "cross_border_quantity": float(xb["quantity"].sum()),
                    "cross_border_value": float(xb["value"].sum()),
                    "quantity_share": math.nan if inside else share(q, tot_q),
                    "value_share": math.nan if inside else share(v, tot_v),
                }
            )
    return pd.DataFrame(rows, columns=columns)


# --- roles ------------------------------------------------------------------------------------


def _horizontal_text(sales: list[dict[str, Any]]) -> str:
    """'medium tier for CN (CN, CN_JPA)', 'high tier for JP, WEST and CN'.

    Tiers high to low; market countries by sales value, each followed by its market ids in
    brackets when they are not just the country's own id."""
    present = {r["tier"] for r in sales}
    tiers = [t for t in TIER_ORDER if t in present]
    by_country: dict[str, float] = {}
    markets: dict[str, set[str]] = {}
    for r in sales:
        _add(by_country, r["market_country"], r["value"])
        markets.setdefault(r["market_country"], set()).add(r["market"])
    places = []
    for c in _by_value(by_country):
        ms = sorted(markets[c])
        places.append(c if ms == [c] else f"{c} ({', '.join(ms)})")
    word = "tier" if len(tiers) == 1 else "tiers"
    return f"{_join_words(tiers)} {word} for {_join_words(places)}"


def _vertical_text(out_flows: list[dict[str, Any]]) -> str:
    """'casting supplier to CN_FT, JP_TM and TW_FFG' (components and plants by value)."""
    by_comp: dict[str, float] = {}
    dests: dict[str, dict[str, float]] = {}
    for r in out_flows:
        _add(by_comp, r["component"], r["value"])
        _add(dests.setdefault(r["component"], {}), r["destination"], r["value"])
    parts = [f"{k} supplier to {_join_words(_by_value(dests[k]))}" for k in _by_value(by_comp)]
    return _join_words(parts)


def _role_row(
    instance: Instance, a: PlantActivity, makes_components: bool, period: str  # noqa: FBT001
) -> dict[str, Any]:
    """The :func:`plant_roles` row of one open plant."""
    r = plant_role(a)
    role_type = r["role_type"]
    texts = []
    if role_type in ("horizontal", "both"):
        texts.append("horizontal: " + _horizontal_text(a.sales))
    elif r["final_share"] >= ROLE_MIN_SHARE - EPS:
        texts.append("generalist: " + _horizontal_text(a.sales))
    if role_type in ("vertical", "both"):
        texts.append("vertical: " + _vertical_text(a.out_flows))
    if not texts:
        texts.append("no output")
    sells = sum(float(s["quantity"]) for s in a.sales) > 0
    stage = {(True, True): "both", (True, False): "assembly", (False, True): "components"}
    intra_v = float(sum(f["value"] for f in a.out_flows if _shared_owners(instance, f)))
    present = {s["tier"] for s in a.sales}
    amounts = a.amounts
    return {
        "plant": a.plant,
        "period": period,
        "country": a.country,
        "owners": _owners_text(instance.plants[a.plant].owners),
        "stage": stage.get((sells, makes_components), "none"),
        "role_type": role_type,
        "role": "; ".join(texts),
        "products": ";".join(sorted({s["product"] for s in a.sales})),
        "tiers": ";".join(t for t in TIER_ORDER if t in present),
        "markets": ";".join(sorted({s["market"] for s in a.sales})),
        "market_countries": ";".join(sorted({s["market_country"] for s in a.sales})),
        **{k: amounts[k] for k in ("output", "final_sales", "component_sales", "exports")},
        "export_share": r["export_share"],
        "inputs": amounts["inputs"],
        "imported_inputs": amounts["imported_inputs"],
        "cross_border_input_share": r["cross_border_input_share"],
        "horizontal_index": r["horizontal_index"],
        "supply_share": r["supply_share"],
        "vs": amounts["vs"],
        "vs_share": r["vs_share"],
        "import_content": r["import_content"],
        "intra_firm_supply_share": share(intra_v, amounts["component_sales"]),
        "supplies": ";".join(sorted({f"{f['component']}>{f['destination']}" for f in a.out_flows})),
        "inputs_from": ";".join(sorted({f"{f['component']}<{f['source']}" for f in a.in_flows})),
    }


def plant_roles(instance: Instance, result: Solved) -> pd.DataFrame:
    """One row per open plant and period: what it makes, for whom, whom it supplies, and its
    role (periods in order, each read with its period's instance).

    Columns (:data:`ROLE_COLUMNS`): plant, period, country, owners (``firm:share`` ``;``-joined),
    stage (``assembly``: sells machines; ``components``: makes components in-house;
    ``both``; ``none``), role_type (``horizontal``, ``vertical``, ``both``, ``none``), role
    (in words, e.g. ``horizontal: medium tier for CN; vertical: lathe_kit supplier to
    TH_TM``), products, tiers (high to low), markets, market_countries (``;``-joined), output
    (gross output value), final_sales, component_sales, exports, export_share, inputs,
    imported_inputs, cross_border_input_share, horizontal_index, supply_share, vs, vs_share,
    import_content (imported inputs / output), intra_firm_supply_share (of component_sales,
    to plants sharing an owner), supplies (``component>plant`` ``;``-joined), inputs_from
    (``component<source``). Undefined shares are NaN.

    The amounts and the role type are those of :mod:`gpnopt.analysis.roles`, computed in one
    pass over the rows (linear in plants and rows).
    """
    return records_frame(role_rows(instance, result), ROLE_COLUMNS)


def role_rows(instance: Instance, result: Solved) -> list[dict[str, Any]]:
    """The rows of :func:`plant_roles` (dicts with :data:`ROLE_COLUMNS`), without pandas."""
    rows = []
    for t, (inst, solution) in period_views(instance, _rows(result)).items():
        acts = plant_activity(inst, solution)
        making = {
            r["plant"]
            for r in solution.make_or_buy
            if r["in_house"] == 1 and r["quantity"] > 0
        }
        rows += [_role_row(inst, a, p in making, t) for p, a in acts.items()]
    return rows


# --- indices by level -------------------------------------------------------------------------


def specialization_indices(
    instance: Instance,
    result: Solved,
    level: Literal["plant", "firm", "country"] = "plant",
    *,
    period: str | None = None,
) -> pd.DataFrame:
    """Horizontal and vertical indices per plant, firm or country, in one period of the
    solution (``None``: the last; a one-period solution: its one period).

    Plants: each open plant. Firms: every firm of the instance, adding its plants' amounts
    (:data:`ADDITIVE`) and sales cells weighted by its equity share (a JV's amounts are split
    among its owners; an outside partner's share is not counted). Countries: every country
    with a plant of the instance, adding its open plants' amounts. Ratios are taken of the
    sums, so a firm's or country's VS is the (weighted) sum of its plants' VS and its VS share
    is that sum over its exports.

    Columns: the level's key (``plant``, ``firm`` or ``country``), then
    :data:`INDEX_COLUMNS`: plants (open plants counted), output, final_sales,
    component_sales, exports, export_share, inputs, imported_inputs,
    cross_border_input_share, horizontal_index, supply_share, vs, vs_share, import_content.
    Undefined ratios are NaN.
    """
    return records_frame(index_rows(instance, result, level, period=period), [level, *INDEX_COLUMNS])


def index_rows(
    instance: Instance,
    result: Solved,
    level: Literal["plant", "firm", "country"] = "plant",
    *,
    period: str | None = None,
) -> list[dict[str, Any]]:
    """The rows of :func:`specialization_indices` (dicts, the level's key first), without
    pandas."""
    if level not in ("plant", "firm", "country"):
        msg = f"level {level!r}: use plant, firm or country"
        raise ValueError(msg)
    instance, solution = period_view(instance, _rows(result), period)
    acts = plant_activity(instance, solution)
    groups: dict[str, dict[str, float]] = {}
    if level == "plant":
        groups = {p: {p: 1.0} for p in acts}
    elif level == "firm":
        for f in instance.firms:
            groups[f] = {
                p: instance.plants[p].owners.get(f, 0.0)
                for p in acts
                if instance.plants[p].owners.get(f, 0.0) > 0
            }
    else:
        used = {pl.country for pl in instance.plants.values()}
        for c in (c for c in instance.countries if c in used):
            groups[c] = {p: 1.0 for p in acts if instance.plants[p].country == c}
    rows = []
    for key, weights in groups.items():
        a = {k: sum((w * acts[p].amounts[k] for p, w in weights.items()), 0.0) for k in ADDITIVE}
        c: dict[tuple[str, str], float] = defaultdict(float)
        for p, w in weights.items():
            for cell, v in acts[p].cells.items():
                c[cell] += w * v
        rows.append({level: key, "plants": len(weights), **a, **ratios(a, c)})
    return rows


def specialization_table(instance: Instance, result: Solved) -> pd.DataFrame:
    """The content of ``specialization.csv``: one row per plant and period of the solution.

    Every plant of ``plant_profit`` (open or not) in each period, with the columns of
    :func:`plant_roles` followed by ``open`` and ``profit`` (from ``plant_profit``). A
    closed plant has role_type ``none``, role ``closed``, zero amounts and empty (NaN) ratios.
    """
    return records_frame(specialization_rows(instance, result), SPECIALIZATION_COLUMNS)


def specialization_rows(instance: Instance, result: Solved) -> list[dict[str, Any]]:
    """The rows of :func:`specialization_table` (dicts with :data:`SPECIALIZATION_COLUMNS`),
    without pandas."""
    solution = _rows(result)
    roles = {(r["plant"], r["period"]): r for r in role_rows(instance, solution)}
    insts = {t: inst for t, (inst, _) in period_views(instance, solution).items()}
    rows = []
    for r in solution.plant_profit:
        p, t = str(r["plant"]), str(r["period"])
        if (p, t) in roles:
            row = dict(roles[p, t])
        else:
            inst = insts.get(t, instance)
            owners = inst.plants[p].owners if p in inst.plants else {}
            row = dict.fromkeys(ROLE_COLUMNS, math.nan)
            row.update(
                {
                    "plant": p,
                    "period": t,
                    "country": r["country"],
                    "owners": _owners_text(owners),
                    "stage": "none",
                    "role_type": "none",
                    "role": "closed",
                    **dict.fromkeys(TEXT_COLUMNS, ""),
                    **dict.fromkeys(ADDITIVE, 0.0),
                }
            )
        row["open"] = int(r["open"])
        row["profit"] = float(r["profit"])
        rows.append(row)
    return rows


# --- comparison across scenarios --------------------------------------------------------------


def compare_roles(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Roles and indices of each plant (in each period) across solutions, in long form.

    Args:
        tables: label (a scenario, an objective) -> :func:`specialization_table` (or
            :func:`plant_roles`) of that solution, in the order to compare.

    Returns:
        One row per plant, period and label (plants and periods in order of first
        appearance): plant, period, scenario, role_type, role, horizontal_index,
        supply_share, vs, vs_share, export_share, changed (role_type differs from the row of
        the same plant and period under the first label, or the plant is missing there). A
        plant missing under a label has role_type ``absent``.
    """
    import pandas as pd

    from gpnopt.dynamics import ONE_PERIOD

    labels = list(tables)
    keep = [
        "role_type", "role", "horizontal_index", "supply_share", "vs", "vs_share", "export_share",
    ]
    first_rows: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}  # label -> key -> row
    for lab, df in tables.items():
        by_key = first_rows[lab] = {}
        frame = df if "period" in df.columns else df.assign(period=ONE_PERIOD)
        for r in frame[["plant", "period", *keep]].to_dict("records"):
            by_key.setdefault((r["plant"], str(r["period"])), r)
    keys = list(dict.fromkeys(k for by_key in first_rows.values() for k in by_key))
    rows = []
    for p, t in keys:
        first: str | None = None
        for i, lab in enumerate(labels):
            hit = first_rows[lab].get((p, t))
            if hit is None:
                vals: dict[str, Any] = dict.fromkeys(keep, math.nan)
                vals.update(role_type="absent", role="")
            else:
                vals = {k: hit[k] for k in keep}
            if i == 0:
                first = vals["role_type"]
            changed = i > 0 and vals["role_type"] != first
            rows.append({"plant": p, "period": t, "scenario": lab, **vals, "changed": changed})
    return pd.DataFrame(rows, columns=["plant", "period", "scenario", *keep, "changed"])


# --- text -------------------------------------------------------------------------------------


def _num(x: Any, fmt: str) -> str:
    """Format a number, '-' for NaN or None."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return format(x, fmt)


def _pct(x: Any) -> str:
    return _num(x * 100 if isinstance(x, int | float) and not math.isnan(x) else x, ".1f")


def format_roles(df: pd.DataFrame | list[dict[str, Any]]) -> list[str]:
    """Plain-text lines (no markup) of a :func:`plant_roles` or :func:`specialization_table`
    frame (or its rows, :func:`role_rows`, :func:`specialization_rows`): a header, then one
    line per plant with its stage, role type, horizontal index H, export share, cross-border
    input share, VS (value) and VS share, and the role in words. Closed plants are left out."""
    records = table_records(df)
    if records and "open" in (df.columns if hasattr(df, "columns") else records[0]):
        records = [r for r in records if r.open == 1]
    head = (
        f"{'plant':<10} {'country':<7} {'stage':<10} {'type':<10} {'H':>5} {'export%':>7} "
        f"{'xb-in%':>6} {'VS':>9} {'VS%':>5}  role"
    )
    lines = [head]
    for r in records:
        lines.append(
            f"{r.plant:<10} {r.country:<7} {r.stage:<10} {r.role_type:<10} "
            f"{_num(r.horizontal_index, '.2f'):>5} {_pct(r.export_share):>7} "
            f"{_pct(r.cross_border_input_share):>6} {_num(r.vs, ',.1f'):>9} "
            f"{_pct(r.vs_share):>5}  {r.role}"
        )
    return lines


def format_indices(df: pd.DataFrame | list[dict[str, Any]], key: str | None = None) -> list[str]:
    """Plain-text lines of a :func:`specialization_indices` frame (any level), or of its
    rows (:func:`index_rows`, the level ``key`` given)."""
    if key is None:
        key = df.columns[0] if hasattr(df, "columns") else next(iter(df[0]))
    head = (
        f"{key:<10} {'output':>10} {'exports':>10} {'export%':>7} {'H':>5} {'supply%':>7} "
        f"{'VS':>9} {'VS%':>5}"
    )
    lines = [head]
    for r in table_records(df):
        lines.append(
            f"{getattr(r, key):<10} {_num(r.output, ',.1f'):>10} {_num(r.exports, ',.1f'):>10} "
            f"{_pct(r.export_share):>7} {_num(r.horizontal_index, '.2f'):>5} "
            f"{_pct(r.supply_share):>7} {_num(r.vs, ',.1f'):>9} {_pct(r.vs_share):>5}"
        )
    return lines


def format_compare_roles(df: pd.DataFrame) -> list[str]:
    """Plain-text lines of a :func:`compare_roles` frame: one line per plant (and period,
    when there are several), its role type, H and VS share under each label, marked ``*``
    where the role type changed."""
    lines = []
    several = "period" in df.columns and df["period"].nunique() > 1
    for (p, t), g in df.groupby(["plant", "period"], sort=False):
        cells = []
        for r in g.itertuples(index=False):
            mark = "*" if r.changed else ""
            cells.append(
                f"{r.scenario}: {r.role_type}{mark} (H {_num(r.horizontal_index, '.2f')}, "
                f"VS% {_pct(r.vs_share)})"
            )
        label = f"{p} {t}" if several else p
        lines.append(f"{label:<10} " + " | ".join(cells))
    return lines
