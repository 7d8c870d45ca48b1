"""Result: the solved network as tidy pandas tables, and writing them atomically.

Tables (``Result.tables``; the same as CSV files in ``--out DIR``; the first columns are
the contract other tools rely on, the rest are extras):

=====================  ==============================================================
table                  columns
=====================  ==============================================================
lines                  plant, product, period, open, tier, quantity
production             plant, country, product, market, channel, period, quantity, tier,
                       firm, price, lead_time
make_or_buy            plant, component, period, in_house, quantity
component_flows        component, source, source_type, source_country, destination,
                       destination_country, period, quantity, quality, unit_value,
                       lead_time
plant_profit           plant, period, revenue, cost, profit, country, open
channel_profit         channel, period, revenue, cost, profit, open, quantity
firm_profit            firm, period, profit
technicians            firm, period, pool, used, expatriates, locals, hired, available,
                       cost
firm_profit_by_period  firm, period, profit, weight, value
timeline               period, event, kind, entity, detail
learning               kind, entity, period, output, cumulative, step, unit_cost,
                       quality, trained
=====================  ==============================================================

Every table has a ``period`` column, right after the columns that say what a row is about
(before the values): the one-period id ``P1`` (:data:`gpnopt.dynamics.ONE_PERIOD`) for an
instance without ``periods:``, else the row's period id; a multi-period table holds the rows
of every period, in period order. Money is per year in its period, except ``firm_profit`` of
a multi-period instance: each firm's net present value, period ``all``
(:data:`gpnopt.results.solution.ALL_PERIODS`); ``firm_profit_by_period`` has the yearly
profit of each period, its operating weight W_t and their product. ``timeline`` lists the
events (:mod:`gpnopt.results.timeline`), ``learning`` the options that learn or need
training, period by period (:mod:`gpnopt.results.learning`; empty without any).

``gpnopt.solve`` adds ``specialization`` (each plant's role and indices per period, see
``docs/specialization.md``); :meth:`Result.write` writes every table it holds.

The tables are the rows of a :class:`gpnopt.results.solution.Solution` (the one reader of a
solved model): values below ``ZERO`` are dropped (quantities) or set to zero (money), and
tables are sorted by their key columns, so the same input gives the same bytes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gpnopt.atomic import OutputFolder
from gpnopt.dynamics import ONE_PERIOD
from gpnopt.results.families import FAMILY_TABLES
from gpnopt.results.formats import check_formats, summary_frame, table_files
from gpnopt.results.learning import LEARNING_COLUMNS
from gpnopt.results.solution import Solution, clean, read_solution, sorted_rows
from gpnopt.results.staffing import TECHNICIAN_COLUMNS
from gpnopt.results.timeline import TIMELINE_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

    from gpnopt.data import ModelData
    from gpnopt.horizon_data import HorizonData

TABLE_NAMES = (
    "lines",
    "production",
    "make_or_buy",
    "component_flows",
    "plant_profit",
    "channel_profit",
    "firm_profit",
    "technicians",
    "firm_profit_by_period",
    "timeline",
    "learning",
)
"""Every table a Result carries, in file order."""


@dataclass
class Result:
    """A solved instance.

    Attributes:
        instance: instance name.
        scenario: scenario name (``base`` for the instance as written).
        objective_mode: ``alliance`` or ``firm:ID``.
        status: ``optimal`` or ``feasible`` (stopped at a limit with a solution).
        objective: objective value (money/year; a multi-period instance: the net present
            value over its periods).
        bound: best bound on the objective.
        mip_gap: relative gap between objective and bound.
        seconds: build, solve, results and total wall-clock seconds.
        tables: the result tables by name (see the module docstring).
        firm_profit: equity-weighted profit by firm (a multi-period instance: its net
            present value).
        expectations: the instance's expectations, each with whether it holds.
        size: variables, constraints and nonzeros of the model.
        periods: the period ids in order (``("P1",)`` for a one-period instance).
        single: a one-period instance (no ``periods:``).
    """

    instance: str
    scenario: str
    objective_mode: str
    status: str
    objective: float
    bound: float
    mip_gap: float
    seconds: dict[str, float]
    tables: MutableMapping[str, pd.DataFrame]
    firm_profit: dict[str, float]
    expectations: list[dict[str, Any]] = field(default_factory=list)
    size: dict[str, int] = field(default_factory=dict)
    highs_status: str = ""
    time_limit: float | None = None
    periods: tuple[str, ...] = (ONE_PERIOD,)
    single: bool = True

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        msg = f"'Result' object has no attribute {name!r}"
        raise AttributeError(msg)

    def summary(self) -> dict[str, Any]:
        """The ``summary.json`` content."""
        gap = self.mip_gap if math.isfinite(self.mip_gap) else None
        return {
            "instance": self.instance,
            "scenario": self.scenario,
            "objective_mode": self.objective_mode,
            "status": self.status,
            "highs_status": self.highs_status,
            "objective": clean(self.objective),
            "bound": clean(self.bound) if math.isfinite(self.bound) else None,
            "mip_gap": gap,
            "time_limit": self.time_limit,
            "periods": list(self.periods),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "firm_profit": {k: clean(v) for k, v in self.firm_profit.items()},
            "expectations": self.expectations,
            "size": self.size,
        }

    def in_period(self, period: str) -> Result:
        """A view of this Result holding the rows of ``period`` only.

        Every table is cut to the period's rows; ``firm_profit`` (table and attribute) is each
        firm's yearly equity-weighted profit in the period (``firm_profit_by_period``), the
        objective the period's yearly profit of every entity (plants, channels, offices), and
        ``periods`` is ``(period,)``. A one-period Result is returned as it is (as
        :meth:`gpnopt.results.Solution.in_period` does for rows).

        Raises:
            KeyError: ``period`` is not one of ``periods``.
        """
        if period not in self.periods:
            msg = f"period {period!r} is not one of {', '.join(self.periods)}"
            raise KeyError(msg)
        if self.single:
            return self

        import pandas as pd

        def at(df: pd.DataFrame) -> pd.DataFrame:
            if "period" not in df.columns:
                return df
            return df[df["period"].astype(str) == period].reset_index(drop=True)

        tables = {n: at(df) for n, df in self.tables.items() if n != "firm_profit"}
        by = tables.get("firm_profit_by_period", pd.DataFrame(columns=["firm", "profit"]))
        firm = {str(r.firm): float(r.profit) for r in by.itertuples()}
        tables["firm_profit"] = pd.DataFrame(
            {"firm": list(firm), "period": period, "profit": list(firm.values())},
            columns=["firm", "period", "profit"],
        )
        profit = sum(float(tables[n]["profit"].sum()) for n in ("plant_profit", "channel_profit")
                     if n in tables)
        return replace(self, tables=tables, firm_profit=firm, objective=profit,
                       periods=(period,))

    def write(
        self,
        out_dir: str | Path,
        *,
        timings: bool = True,
        formats: Sequence[str] = ("csv",),
    ) -> list[Path]:
        """Write ``summary.json`` and every table into ``out_dir``, atomically, with a manifest.

        Each file is written to a temporary file in the same folder and renamed into
        place, so an interrupted run never leaves a half-written table; the folder's
        manifest (:class:`gpnopt.atomic.OutputFolder`) is written incomplete first and
        complete last, with each file's sha256.

        Args:
            out_dir: the folder (created if missing).
            timings: include wall-clock seconds in summary.json (``False`` makes the
                CSV and Parquet output byte-identical across runs).
            formats: any of ``csv`` (``NAME.csv``), ``parquet`` (``NAME.parquet``) and
                ``xlsx`` (one ``tables.xlsx``, a summary sheet first); see
                :mod:`gpnopt.results.formats`.

        Returns:
            The paths written.

        Raises:
            ValueError: an unknown format.
            OSError: the folder cannot be created or written.
        """
        fmts = check_formats(formats)
        summary = self.summary()
        if not timings:
            summary["seconds"] = {}
        extra = sorted(n for n in self.tables if n not in TABLE_NAMES)
        tables = {name: self.tables[name] for name in [*TABLE_NAMES, *extra]}
        files: dict[str, bytes | str] = {"summary.json": json.dumps(summary, indent=2) + "\n"}
        files.update(table_files(tables, fmts, summary=summary_frame(summary)))
        with OutputFolder(out_dir, files=files) as folder:
            return [folder.write(name, data) for name, data in files.items()]


COLUMNS: dict[str, list[str]] = {
    "lines": ["plant", "product", "period", "open", "tier", "quantity"],
    "production": [
        "plant", "country", "product", "market", "channel", "period", "quantity", "tier", "firm",
        "price", "lead_time",
    ],
    "make_or_buy": ["plant", "component", "period", "in_house", "quantity"],
    "component_flows": [
        "component", "source", "source_type", "source_country", "destination",
        "destination_country", "period", "quantity", "quality", "unit_value",
        "lead_time",
    ],
    "plant_profit": ["plant", "period", "revenue", "cost", "profit", "country", "open"],
    "channel_profit": ["channel", "period", "revenue", "cost", "profit", "open", "quantity"],
    "firm_profit": ["firm", "period", "profit"],
    "technicians": TECHNICIAN_COLUMNS,
    "firm_profit_by_period": ["firm", "period", "profit", "weight", "value"],
    "timeline": TIMELINE_COLUMNS,
    "learning": LEARNING_COLUMNS,
}
"""Columns of each table, in order (the fields of :class:`Solution` of the same name)."""


class Outcome(Protocol):
    """What :func:`make_result` reads of the solver's report (a ``gpnopt.solver.SolveOutcome``)."""

    status: str
    highs_status: str
    objective: float
    bound: float
    mip_gap: float
    time_limit: float | None
    seconds: dict[str, float]
    n_vars: int
    n_cons: int
    n_nonzeros: int


def _frame(rows: Sequence[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({c: [r[c] for r in rows] for c in columns}, columns=columns)


def records_frame(rows: Sequence[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """``pd.DataFrame(rows, columns=columns)`` (the analysis tables' constructor)."""
    import pandas as pd

    return pd.DataFrame(list(rows), columns=columns)


class _Record(dict):
    """A row dict whose columns read as attributes (as the tuples of ``itertuples``)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def table_records(table: Any) -> list[Any]:
    """The rows of a DataFrame (``itertuples(index=False)``) or of a sequence of row dicts,
    each with its columns read as attributes (``r.plant``)."""
    if hasattr(table, "itertuples"):
        return list(table.itertuples(index=False))
    return [_Record(r) for r in table]


class _Rows:
    """A table not yet made into a DataFrame: its rows, columns and constructor."""

    __slots__ = ("build", "columns", "rows")

    def __init__(self, rows: Sequence[dict[str, Any]], columns: list[str], build: Any) -> None:
        self.rows, self.columns, self.build = rows, columns, build


class Tables(MutableMapping[str, "pd.DataFrame"]):
    """The Result tables by name: each a pandas DataFrame, made from its rows when it is
    first read (so that ``gpnopt solve`` prints its summary without importing pandas).

    Reading a table (``tables[name]``, ``get``, ``items``, ``values``) gives the same
    DataFrame as before the tables were lazy, and the same object on every read; setting
    one stores the DataFrame as it is. :meth:`rows` gives a table's rows as dicts without
    making the DataFrame (from the DataFrame once it was made, so changes to it show). A
    pickled or copied ``Tables`` is a plain ``dict`` of DataFrames.
    """

    __slots__ = ("_items",)

    def __init__(self, items: dict[str, Any] | None = None) -> None:
        self._items: dict[str, Any] = dict(items or {})

    def set_rows(
        self, name: str, rows: Sequence[dict[str, Any]], columns: list[str], build: Any = _frame
    ) -> None:
        """Store table ``name`` as ``rows`` (dicts with at least ``columns``); its DataFrame
        is ``build(rows, columns)`` (a module-level function), made when first read."""
        self._items[name] = _Rows(rows, list(columns), build)

    def rows(self, name: str) -> list[dict[str, Any]]:
        """Table ``name`` as a list of dicts (its columns only): the stored rows, or the
        DataFrame's records (``to_dict("records")``) once the DataFrame was made or set."""
        v = self._items[name]
        if isinstance(v, _Rows):
            return [{c: r[c] for c in v.columns} for r in v.rows]
        return v.to_dict("records")

    def pending(self, name: str) -> bool:
        """Whether table ``name`` is still rows (its DataFrame not made yet)."""
        return isinstance(self._items.get(name), _Rows)

    def __getitem__(self, name: str) -> pd.DataFrame:
        v = self._items[name]
        if isinstance(v, _Rows):
            v = self._items[name] = v.build(v.rows, v.columns)
        return v

    def __setitem__(self, name: str, value: pd.DataFrame) -> None:
        self._items[name] = value

    def __delitem__(self, name: str) -> None:
        del self._items[name]

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self.items()),))

    def copy(self) -> dict[str, pd.DataFrame]:
        """A plain dict of the DataFrames."""
        return dict(self.items())

    def __repr__(self) -> str:
        return f"Tables({', '.join(self._items)})"


def tables_of(solution: Solution) -> Tables:
    """The Result tables of ``solution`` (its rows as DataFrames, in :data:`TABLE_NAMES`;
    each made when first read, see :class:`Tables`)."""
    firms = [{"firm": f, "period": solution.overall, "profit": v}
             for f, v in solution.firm_profit.items()]
    rows = {
        "lines": solution.lines,
        "production": solution.production,
        "make_or_buy": solution.make_or_buy,
        "component_flows": solution.component_flows,
        "plant_profit": solution.plant_profit,
        "channel_profit": solution.channel_profit,
        "firm_profit": sorted(firms, key=lambda r: r["firm"]),
        "technicians": solution.technicians,
        "firm_profit_by_period": solution.firm_profit_by_period,
        "timeline": solution.timeline,
        "learning": solution.learning,
    }
    tables = Tables()
    for name in TABLE_NAMES:
        tables.set_rows(name, rows[name], COLUMNS[name])
    for table in FAMILY_TABLES:  # a family's table when the solution has rows of it
        found = solution.families.get(table.name, ())
        if found:
            tables.set_rows(table.name, found, list(table.columns))
    return tables


def solution_of(result: Result) -> Solution:
    """The rows of a Result's tables as a :class:`Solution` (the inverse of
    :func:`tables_of`; the objective is the solver's, ``result.objective``).

    The analysis reads these rows, so it gives the same answers on a Result as on the
    :class:`Solution` its tables were made from.
    """
    t = result.tables
    periods = tuple(result.periods)

    def rows(name: str) -> tuple[dict[str, Any], ...]:
        if name not in t:  # a Result made before the table existed
            return ()
        if isinstance(t, Tables) and t.pending(name):  # the rows the table was made of
            return tuple(t.rows(name))
        records = t[name].to_dict("records")
        if name in ("timeline", "learning"):
            return tuple(records)
        return sorted_rows(name, records, periods)  # sorted already: kept as is

    return Solution(
        instance=result.instance,
        objective_mode=result.objective_mode,
        objective=float(result.objective),
        lines=rows("lines"),
        production=rows("production"),
        make_or_buy=rows("make_or_buy"),
        component_flows=rows("component_flows"),
        plant_profit=rows("plant_profit"),
        channel_profit=rows("channel_profit"),
        firm_profit=dict(result.firm_profit),
        technicians=rows("technicians"),
        periods=periods,
        single=result.single,
        firm_profit_by_period=rows("firm_profit_by_period"),
        timeline=rows("timeline"),
        learning=rows("learning"),
        families={table.name: rows(table.name) for table in FAMILY_TABLES},
    )


def make_result(
    model: Any, data: ModelData | HorizonData, outcome: Outcome, scenario: str = "base"
) -> Result:
    """Read the solved ``model`` (a Pyomo model) into a :class:`Result` (expectations are left to
    :func:`gpnopt.analysis.analyse`).

    The model is read by :func:`gpnopt.results.solution.read_solution` (a multi-period
    model with its :class:`gpnopt.horizon_data.HorizonData`); the tables are its rows
    (:func:`tables_of`), the objective, bound and gap those the solver reported (the net
    present value for a multi-period model).
    """
    solution = read_solution(model, data)
    return Result(
        instance=solution.instance,
        scenario=scenario,
        objective_mode=solution.objective_mode,
        status=outcome.status,
        objective=outcome.objective,
        bound=outcome.bound,
        mip_gap=outcome.mip_gap,
        seconds=dict(outcome.seconds),
        tables=tables_of(solution),
        firm_profit=dict(solution.firm_profit),
        size={"variables": outcome.n_vars, "constraints": outcome.n_cons, "nonzeros": outcome.n_nonzeros},
        highs_status=outcome.highs_status,
        time_limit=outcome.time_limit,
        periods=solution.periods,
        single=solution.single,
    )
