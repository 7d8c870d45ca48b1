"""The file formats of result tables: CSV, Parquet and one Excel workbook.

:func:`table_files` turns named tables into the bytes of the files that hold them, for the
formats asked (:data:`FORMATS`): ``NAME.csv`` (the default), ``NAME.parquet`` (for
pipelines, the dtypes kept) and one workbook ``tables.xlsx`` (openpyxl through pandas) with a
``summary`` sheet first, then a sheet per table, columns as wide as their contents. The
callers write them through :class:`gpnopt.atomic.OutputFolder` (atomically, with the
manifest).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported where a frame is made or written
    import pandas as pd

FORMATS = ("csv", "parquet", "xlsx")
"""The table formats, in the order their files are written."""
WORKBOOK = "tables.xlsx"
"""The Excel workbook's file name."""
MAX_WIDTH = 60
"""Widest column of the workbook (characters)."""


def check_formats(formats: Iterable[str] | str) -> tuple[str, ...]:
    """The formats asked, checked and in :data:`FORMATS` order (``"csv,xlsx"`` is split).

    Raises:
        ValueError: an unknown format (the message names the valid ones), or none at all.
    """
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    asked = [str(f).strip().lower() for f in items if str(f).strip()]
    unknown = [f for f in asked if f not in FORMATS]
    if unknown or not asked:
        what = f"unknown format {', '.join(map(repr, unknown))}" if unknown else "no format"
        msg = f"{what}: use {', '.join(FORMATS)} (any combination, comma-separated)"
        raise ValueError(msg)
    return tuple(f for f in FORMATS if f in asked)


def table_files(
    tables: Mapping[str, pd.DataFrame],
    formats: Iterable[str],
    *,
    summary: pd.DataFrame,
) -> dict[str, bytes | str]:
    """The files holding ``tables`` in ``formats``: file name -> content, in write order.

    Args:
        tables: the tables by name (each becomes ``NAME.csv``, ``NAME.parquet``, a sheet).
        formats: some of :data:`FORMATS`.
        summary: the first sheet of the workbook (ignored without ``xlsx``).
    """
    fmts = check_formats(formats)
    files: dict[str, bytes | str] = {}
    for fmt in ("csv", "parquet"):
        if fmt not in fmts:
            continue
        for name, df in tables.items():
            if fmt == "csv":
                files[f"{name}.csv"] = df.to_csv(index=False, lineterminator="\n")
            else:
                files[f"{name}.parquet"] = parquet_bytes(df)
    if "xlsx" in fmts:
        files[WORKBOOK] = workbook_bytes({"summary": summary, **tables})
    return files


def parquet_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as Parquet (pyarrow). A column mixing text and numbers (a KPI's ``value``)
    is stored as text, since Parquet columns have one type."""
    frame = df.copy()
    for c in frame.columns:
        if frame[c].dtype == object:
            kinds = {type(v) for v in frame[c] if v is not None and v == v}
            if len(kinds) > 1 and str in kinds:
                frame[c] = [None if v is None or v != v else str(v) for v in frame[c]]
    return frame.to_parquet(index=False)


def _width(values: Iterable[Any], title: str) -> int:
    longest = len(str(title))
    for i, v in enumerate(values):
        if i >= 1000:  # enough to size a column
            break
        text = f"{v:,.4g}" if isinstance(v, float) else str(v)
        longest = max(longest, len(text))
    return min(MAX_WIDTH, longest + 2)


def workbook_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An Excel workbook with a sheet per table (in order), header row frozen, columns
    as wide as their contents (at most :data:`MAX_WIDTH`)."""
    import pandas as pd
    from openpyxl.utils import get_column_letter

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in sheets.items():
            sheet = name[:31]
            df.to_excel(xw, sheet_name=sheet, index=False)
            ws = xw.sheets[sheet]
            ws.freeze_panes = "A2"
            for i, col in enumerate(df.columns, 1):
                ws.column_dimensions[get_column_letter(i)].width = _width(df[col], col)
    return buf.getvalue()


def summary_frame(summary: Mapping[str, Any]) -> pd.DataFrame:
    """A summary mapping as two columns (``item``, ``value``), nested keys dotted
    (``firm_profit.TM``); an expectation is one row ``expectation.ID`` holding or not."""
    rows: list[tuple[str, Any]] = []
    for key, value in summary.items():
        if key == "expectations" and isinstance(value, list):
            rows += [(f"expectation.{e['id']}", bool(e["holds"])) for e in value]
        elif isinstance(value, Mapping):
            rows += [(f"{key}.{k}", v) for k, v in value.items()]
        else:
            rows.append((key, value))
    import pandas as pd

    return pd.DataFrame(rows, columns=["item", "value"])
